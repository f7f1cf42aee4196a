//! `loket mission`, `case photo`, `pdf`, `request list|void` and `verify-qr` against a real
//! store, as an officer at a counter whose window is broken would use them.

mod common;
use common::{example, loket, pdf_text, ready, ID};
use std::path::Path;

fn requests(dir: &Path) -> serde_json::Value {
    loket(&["request", "list", "--json"], "", Some(dir)).json()
}

#[test]
fn a_finalised_case_prints_once_then_only_as_a_reprint_with_a_reason() {
    let dir = ready();
    let d = Some(dir.path());
    let out = dir.path().join("request.pdf");
    let out_s = out.to_str().unwrap();
    let run = loket(&["pdf", ID, "--out", out_s], "", d);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let list = requests(dir.path());
    let serial = list[0]["serial"].as_str().unwrap().to_string();
    assert!(run.stderr.contains(&serial), "{}", run.stderr);
    if let Some(text) = pdf_text(&out) {
        for value in [
            serial.as_str(),
            "SITI AMINAH",
            "3203415204990001",
            ID,
            "Phnom Penh",
        ] {
            assert!(text.contains(value), "{value} missing from the PDF");
        }
        assert!(!text.contains("REPRINT"));
    }

    let again = dir.path().join("again.pdf");
    let run = loket(&["pdf", ID, "--out", again.to_str().unwrap()], "", d);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("needs a reason"), "{}", run.stderr);
    assert!(!again.exists(), "a refusal writes no file");
    let run = loket(
        &[
            "pdf",
            ID,
            "--out",
            again.to_str().unwrap(),
            "--reprint",
            "printer jammed",
        ],
        "",
        d,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    if let Some(text) = pdf_text(&again) {
        assert!(text.contains("REPRINT") && text.contains(&serial));
    }
    let list = requests(dir.path());
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["prints"], 2);
    assert_eq!(loket(&["audit", "verify"], "", d).code, 0);
}

#[test]
fn drafts_other_requests_and_bad_photos_are_refused_and_write_nothing() {
    let dir = ready();
    let d = Some(dir.path());
    let out = dir.path().join("request.pdf");
    let out_s = out.to_str().unwrap();
    // A draft.
    let mut draft = example();
    draft["id"] = "0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b12".into();
    draft["person"]["nik"] = "123".into();
    assert_eq!(loket(&["case", "add", "-"], &draft.to_string(), d).code, 1);
    let run = loket(
        &[
            "pdf",
            "0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b12",
            "--out",
            out_s,
        ],
        "",
        d,
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("is a draft"), "{}", run.stderr);
    // A case that asks for no SPLP.
    let mut none = example();
    none["id"] = "0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b13".into();
    none["request"] = serde_json::json!({ "document": "none" });
    none["passport"] =
        serde_json::json!({ "status": "held", "number": "C7654321", "expiry_date": "2031-01-01" });
    assert_eq!(loket(&["case", "add", "-"], &none.to_string(), d).code, 0);
    assert_eq!(
        loket(
            &["case", "finalize", "0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b13"],
            "",
            d
        )
        .code,
        0
    );
    let run = loket(
        &[
            "pdf",
            "0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b13",
            "--out",
            out_s,
        ],
        "",
        d,
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("does not ask for an SPLP"),
        "{}",
        run.stderr
    );
    // A photo file that is missing, and one that is not an image.
    let missing = dir.path().join("no-such.jpg");
    let run = loket(
        &[
            "pdf",
            ID,
            "--out",
            out_s,
            "--photo",
            missing.to_str().unwrap(),
        ],
        "",
        d,
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("cannot read the photo"),
        "{}",
        run.stderr
    );
    let text = dir.path().join("notes.jpg");
    std::fs::write(&text, "not a picture at all").unwrap();
    let run = loket(
        &["pdf", ID, "--out", out_s, "--photo", text.to_str().unwrap()],
        "",
        d,
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("cannot be used"), "{}", run.stderr);
    let run = loket(&["case", "photo", ID, text.to_str().unwrap()], "", d);
    assert_eq!(run.code, 1);
    // Nothing was written, no number used, nothing attached.
    assert!(!out.exists());
    assert_eq!(requests(dir.path()), serde_json::json!([]));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".loket-pdf-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn a_photo_is_attached_and_printed() {
    let dir = ready();
    let d = Some(dir.path());
    let photo = dir.path().join("photo.png");
    image::RgbImage::from_fn(600, 600, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
    })
    .save(&photo)
    .unwrap();
    let run = loket(&["case", "photo", ID, photo.to_str().unwrap()], "", d);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = dir.path().join("request.pdf");
    let run = loket(&["pdf", ID, "--out", out.to_str().unwrap()], "", d);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let pdf = std::fs::read(&out).unwrap();
    let has_image = pdf.windows(b"/DCTDecode".len()).any(|w| w == b"/DCTDecode");
    assert!(has_image, "the photo is embedded as a JPEG");
}

#[test]
fn verify_qr_holds_for_the_printed_code_and_fails_when_changed_or_voided() {
    let dir = ready();
    let d = Some(dir.path());
    let out = dir.path().join("request.pdf");
    assert_eq!(
        loket(&["pdf", ID, "--out", out.to_str().unwrap()], "", d).code,
        0
    );
    let list = requests(dir.path());
    let payload = list[0]["payload"].as_str().unwrap().to_string();
    let serial = list[0]["serial"].as_str().unwrap().to_string();

    let run = loket(&["verify-qr", &payload], "", d);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let verdict = run.json();
    assert_eq!(verdict["valid"], true);
    assert_eq!(verdict["serial"], serial.as_str());
    assert_eq!(verdict["full_name"], "SITI AMINAH");

    let changed = payload.replacen("SITI AMINAH", "SITI AMINAT", 1);
    let run = loket(&["verify-qr", &changed], "", d);
    assert_eq!(run.code, 1);
    assert_eq!(run.json()["valid"], false);
    let run = loket(&["verify-qr", "LOKET1;nonsense"], "", d);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.contains("not a Loket request code"),
        "{}",
        run.stderr
    );

    let void_pdf = dir.path().join("void.pdf");
    let run = loket(
        &[
            "request",
            "void",
            &serial,
            "--reason",
            "ink smudged",
            "--out",
            void_pdf.to_str().unwrap(),
        ],
        "",
        d,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    if let Some(text) = pdf_text(&void_pdf) {
        assert!(text.contains("VOID") && text.contains(&serial));
    }
    let run = loket(&["verify-qr", &payload], "", d);
    assert_eq!(run.code, 1);
    let verdict = run.json();
    assert!(
        verdict["problem"].as_str().unwrap().contains("ink smudged"),
        "{verdict}"
    );
    // Printing again takes the next number.
    assert_eq!(
        loket(&["pdf", ID, "--out", out.to_str().unwrap()], "", d).code,
        0
    );
    let list = requests(dir.path());
    assert!(list[1]["serial"].as_str().unwrap().ends_with("-000002"));
}
