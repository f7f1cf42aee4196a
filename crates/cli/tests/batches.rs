//! `loket export`, `loket receipt` and `loket batch list`, as an officer runs them with a USB
//! stick.

mod common;
use common::*;
use loket_batch::{open, DeviceCard, HeldVersion, HqSecret, Limits, Receipt};
use std::path::Path;
use std::process::Command;

/// A counter with headquarters' key pinned and one finalised case (with a photo when asked).
fn counter(photo: bool) -> (tempfile::TempDir, HqSecret, DeviceCard) {
    let dir = tempfile::tempdir().unwrap();
    let d = Some(dir.path());
    assert_eq!(loket(&["init", "--mission", "PNH"], "", d).code, 0);
    let hq = HqSecret::generate();
    let key = dir.path().join("hq-key.json");
    std::fs::write(&key, hq.public().to_json()).unwrap();
    assert_eq!(loket(&["hq-key", key.to_str().unwrap()], "", d).code, 0);
    let add = loket(&["case", "add", "-"], &example().to_string(), d);
    assert_eq!(add.code, 0, "{}", add.stderr);
    let id = add.stdout.lines().next().unwrap().to_string();
    assert_eq!(loket(&["case", "finalize", &id], "", d).code, 0);
    if photo {
        // Noise compresses badly: the normalised JPEG is large, so the batch is too.
        let png = dir.path().join("photo.png");
        image::RgbImage::from_fn(600, 800, |x, y| {
            let v = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) as u8;
            image::Rgb([v, v.rotate_left(3), v.rotate_left(5)])
        })
        .save(&png)
        .unwrap();
        let run = loket(&["case", "photo", &id, png.to_str().unwrap()], "", d);
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
    let card = DeviceCard::from_json(&loket(&["device"], "", d).stdout).unwrap();
    (dir, hq, card)
}

/// Headquarters' receipt for the batch files given (built by opening them, as it would),
/// signed with `signer`.
fn receipt(hq: &HqSecret, signer: &HqSecret, card: &DeviceCard, files: &[&Path]) -> String {
    let mut batches = Vec::new();
    let mut records = Vec::new();
    for file in files {
        let bytes = std::fs::read(file).unwrap();
        let opened = open(&bytes, hq, &Limits::default(), |id| {
            (id == card.device_id).then_some(card.public_key)
        })
        .unwrap();
        batches.push(opened.manifest.sequence);
        records.extend(opened.records.iter().map(|r| HeldVersion {
            case_id: r.entry.case_id.clone(),
            version: r.entry.version,
            record_sha256: r.record_sha256.clone(),
        }));
    }
    Receipt::new(
        card.device_id.clone(),
        batches,
        records,
        chrono::Utc::now().fixed_offset(),
    )
    .sign(&signer.sign)
}

#[test]
fn export_writes_the_batch_and_a_receipt_acknowledges_it() {
    let (dir, hq, card) = counter(false);
    let d = Some(dir.path());
    let stick = tempfile::tempdir().unwrap();
    let to = stick.path().to_str().unwrap();

    let run = loket(&["export", "--to", to], "", d);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let expected = stick
        .path()
        .join(format!("{}-000001.loket-batch", card.device_id));
    assert_eq!(run.stdout, format!("{}\n", expected.display()));
    assert!(run.stderr.contains("sealed batch 1 (1 case versions)"));
    let bytes = std::fs::read(&expected).unwrap();
    // Again: nothing sealed, the same file, the same bytes.
    let again = loket(&["export", "--to", to], "", d);
    assert_eq!(
        (again.code, again.stdout.as_str()),
        (0, run.stdout.as_str())
    );
    assert!(!again.stderr.contains("sealed"));
    assert_eq!(std::fs::read(&expected).unwrap(), bytes);

    let list = loket(&["batch", "list", "--json"], "", d).json();
    assert_eq!(list[0]["sequence"], 1);
    assert_eq!(list[0]["record_count"], 1);
    assert_eq!(list[0]["acknowledged_at"], serde_json::Value::Null);

    // A receipt signed by another key is refused and marks nothing.
    let good = receipt(&hq, &hq, &card, &[&expected]);
    let forged_file = stick.path().join("forged.loket-receipt");
    std::fs::write(
        &forged_file,
        receipt(&hq, &HqSecret::generate(), &card, &[&expected]),
    )
    .unwrap();
    let forged = loket(&["receipt", forged_file.to_str().unwrap()], "", d);
    assert_eq!(forged.code, 1);
    assert!(
        forged.stderr.contains("receipt was refused"),
        "{}",
        forged.stderr
    );
    assert_eq!(
        loket(&["batch", "list", "--json"], "", d).json()[0]["acknowledged_at"],
        serde_json::Value::Null
    );

    let file = stick
        .path()
        .join(format!("{}.loket-receipt", card.device_id));
    std::fs::write(&file, good).unwrap();
    let run = loket(&["receipt", file.to_str().unwrap()], "", d);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "1 case versions acknowledged now (1 cases); 1 in all; batches confirmed now: 1\n"
    );
    let run = loket(&["receipt", file.to_str().unwrap()], "", d);
    assert_eq!(
        run.stdout,
        "0 case versions acknowledged now (0 cases); 1 in all; batches confirmed now: none\n"
    );
    assert!(loket(&["batch", "list", "--json"], "", d).json()[0]["acknowledged_at"].is_string());

    // Everything acknowledged: a new stick gets nothing.
    let empty = tempfile::tempdir().unwrap();
    let run = loket(&["export", "--to", empty.path().to_str().unwrap()], "", d);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
    assert!(run.stderr.contains("nothing to export"), "{}", run.stderr);
    assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0);
}

#[test]
fn a_receipt_for_a_closed_case_removes_it_from_the_counter() {
    let (dir, hq, card) = counter(false);
    let d = Some(dir.path());
    let id = loket(&["case", "list", "--json"], "", d).json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Her request was printed; its QR code still verifies once her case is purged.
    let mission = [
        "mission",
        "--name",
        "KBRI",
        "--address",
        "Street 466",
        "--city",
        "PP",
    ];
    assert_eq!(loket(&mission, "", d).code, 0);
    let pdf = dir.path().join("request.pdf");
    assert_eq!(
        loket(&["pdf", &id, "--out", pdf.to_str().unwrap()], "", d).code,
        0
    );
    let payload = loket(&["request", "list", "--json"], "", d).json()[0]["payload"]
        .as_str()
        .unwrap()
        .to_string();
    let closed = loket(&["case", "close", &id, "--reason", "departed"], "", d);
    assert_eq!(closed.code, 0, "{}", closed.stderr);
    let stick = tempfile::tempdir().unwrap();
    let run = loket(&["export", "--to", stick.path().to_str().unwrap()], "", d);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let batch = Path::new(run.stdout.trim()).to_path_buf();
    let file = stick
        .path()
        .join(format!("{}.loket-receipt", card.device_id));
    std::fs::write(&file, receipt(&hq, &hq, &card, &[&batch])).unwrap();

    let run = loket(&["receipt", file.to_str().unwrap()], "", d);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "2 case versions acknowledged now (1 cases); 2 in all; batches confirmed now: 1\n\
         1 closed cases that headquarters now holds were removed from this counter\n"
    );
    let show = loket(&["case", "show", &id], "", d);
    assert_eq!((show.code, show.stdout.as_str()), (1, ""));
    assert!(
        show.stderr
            .contains("handed over to headquarters, and removed from this laptop"),
        "{}",
        show.stderr
    );
    let list = loket(&["case", "list", "--json"], "", d).json();
    assert_eq!(
        (
            &list[0]["full_name"],
            &list[0]["status"],
            &list[0]["ticket"]
        ),
        (&"".into(), &"closed".into(), &serde_json::Value::Null)
    );
    assert!(list[0]["purged_at"].is_string());
    let list = loket(&["case", "list", "--lang", "en"], "", d);
    assert!(
        list.stdout
            .contains("(removed from this laptop: held at headquarters)"),
        "{}",
        list.stdout
    );
    assert_eq!(loket(&["audit", "verify"], "", d).code, 0);
    let verdict = loket(&["verify-qr", &payload], "", d);
    assert_eq!((verdict.code, &verdict.json()["valid"]), (0, &true.into()));
    assert_eq!(
        loket(&["request", "list", "--json"], "", d).json()[0]["payload"],
        ""
    );
    let pdf = loket(&["pdf", &id, "--out", pdf.to_str().unwrap()], "", d);
    assert_eq!(pdf.code, 1);
    assert!(pdf.stderr.contains("handed over"), "{}", pdf.stderr);
}

#[test]
fn export_without_headquarters_key_or_stick_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = Some(dir.path());
    assert_eq!(loket(&["init", "--mission", "PNH"], "", d).code, 0);
    let stick = tempfile::tempdir().unwrap();
    let run = loket(&["export", "--to", stick.path().to_str().unwrap()], "", d);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("loket hq-key FILE"), "{}", run.stderr);

    let (dir, _hq, _card) = counter(false);
    let gone = stick.path().join("not-mounted");
    let run = loket(
        &["export", "--to", gone.to_str().unwrap()],
        "",
        Some(dir.path()),
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("is not a folder"), "{}", run.stderr);
}

#[test]
fn a_full_stick_leaves_no_batch_file_and_the_next_export_writes_the_same_bytes() {
    let (dir, _hq, card) = counter(true);
    let d = Some(dir.path());
    // Seal on a good stick first: the store's own files are then only read.
    let good = tempfile::tempdir().unwrap();
    let run = loket(&["export", "--to", good.path().to_str().unwrap()], "", d);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let name = format!("{}-000001.loket-batch", card.device_id);
    let bytes = std::fs::read(good.path().join(&name)).unwrap();
    assert!(bytes.len() > 150_000, "{}", bytes.len());
    let before = loket(&["batch", "list", "--json"], "", d).stdout;

    // A stick with room for 64 KiB: the kernel refuses the write past it (EFBIG), as a
    // full stick refuses it (ENOSPC).
    let full = tempfile::tempdir().unwrap();
    let out = Command::new("sh")
        .args([
            "-c",
            "trap '' XFSZ; exec prlimit --fsize=65536 -- \"$0\" \"$@\"",
            env!("CARGO_BIN_EXE_loket"),
            "export",
            "--to",
        ])
        .arg(full.path())
        .env("LOKET_PASSPHRASE", PASSPHRASE)
        .env("LOKET_OFFICER", OFFICER)
        .env("LOKET_DATA_DIR", dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("could not write the batch") && stderr.contains("nothing changed"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(std::fs::read_dir(full.path()).unwrap().count(), 0);
    assert_eq!(loket(&["batch", "list", "--json"], "", d).stdout, before);

    let run = loket(&["export", "--to", full.path().to_str().unwrap()], "", d);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(std::fs::read(full.path().join(&name)).unwrap(), bytes);
}
