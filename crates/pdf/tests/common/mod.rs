//! Shared by the PDF tests: made-up records, a page over them, and the poppler/qpdf tools
//! (skipped with a `SKIPPED` line where missing, a failure in CI).
#![allow(dead_code)]

use loket_core::IntakeRecord;
use loket_pdf::{Mark, Mission, Photo, RequestPage};
use std::io::Write;
use std::path::Path;
use std::process::Command;

pub const SERIAL: &str = "PNH-2026-7KQ2-000123";
pub const CASE_ID: &str = "0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b11";
pub const OFFICER: &str = "ANDI PRASETYO";

/// The spec's example record (an invented person).
pub fn example() -> IntakeRecord {
    serde_json::from_str(include_str!("../../../core/tests/fixtures/example.json"))
        .expect("the example record parses")
}

/// A record whose names use Latin letters beyond ASCII.
pub fn diacritics() -> IntakeRecord {
    let mut r = example();
    r.person.full_name = Some("JOSÉ ÇAĞRI ÑÚÑEZ".into());
    r.person.aliases = Some(vec!["JOSE CAGRI NUNEZ".into(), "ŁUKASZ ØSTERGÅRD".into()]);
    r.person.mother_name = Some("ĐẶNG THỊ LÀ".into());
    r.person.place_of_birth = Some("SÃO TOMÉ".into());
    if let Some(a) = r.person.address_id.as_mut() {
        a.village = Some("KÖPRÜBAŞI".into());
    }
    r
}

/// A person with one name, no aliases, no documents seen, and little else.
pub fn one_word() -> IntakeRecord {
    let mut r = example();
    r.person.full_name = Some("SUKARNO".into());
    r.person.aliases = None;
    r.person.kk_number = None;
    r.evidence = Some(vec![]);
    r
}

pub fn mission() -> Mission {
    Mission {
        name: "KEDUTAAN BESAR REPUBLIK INDONESIA DI PHNOM PENH".into(),
        address: "No. 1, Street 466, Sangkat Tonle Bassac, Khan Chamkar Mon".into(),
        city: "Phnom Penh".into(),
    }
}

/// An opaque ~300-byte ASCII payload of the kind the store signs.
pub fn payload() -> String {
    let mut s = String::from("LOKET1.");
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut x: u32 = 12345;
    while s.len() < 300 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        s.push(alphabet[(x >> 16) as usize % alphabet.len()] as char);
    }
    s
}

pub fn page<'a>(
    mission: &'a Mission,
    record: &'a IntakeRecord,
    mark: Mark,
    photo: Option<&'a Photo>,
    payload: &'a str,
) -> RequestPage<'a> {
    RequestPage {
        mission,
        serial: SERIAL,
        mark,
        case_id: CASE_ID,
        version: 3,
        record,
        qr_payload: payload,
        photo,
        date: chrono::NaiveDate::from_ymd_opt(2026, 1, 19).expect("a real date"),
        officer: OFFICER,
    }
}

/// A made-up portrait as PNG bytes.
pub fn portrait_png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    });
    encode(image::DynamicImage::ImageRgb8(img), image::ImageFormat::Png)
}

pub fn encode(img: image::DynamicImage, format: image::ImageFormat) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, format).expect("encoding in memory");
    out.into_inner()
}

/// Whether every tool is installed. Missing tools skip the test with a line starting with
/// `SKIPPED` on stderr, past the harness's capture (scripts/test counts it), except in CI,
/// where they fail it.
pub fn have_tools(test: &str, tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|t| Command::new(t).arg("-v").output().is_err())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let why = format!(
        "{test}: {} not installed (scripts/setup installs poppler-utils and qpdf)",
        missing.join(", ")
    );
    let ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0");
    assert!(!ci, "CI needs {why}");
    let _ = writeln!(std::io::stderr(), "\nSKIPPED {why}");
    false
}

fn run(cmd: &mut Command) -> std::process::Output {
    let out = cmd.output().expect("the tool runs");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Writes the PDF into `dir` and returns its path.
pub fn write_pdf(dir: &Path, name: &str, pdf: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, pdf).expect("writing into the test's tempdir");
    path
}

/// The page's text in content order, every run of whitespace one space, and the number of
/// pages (form feeds).
pub fn pdftotext(pdf: &Path) -> (String, usize) {
    let out = run(Command::new("pdftotext").arg("-raw").arg(pdf).arg("-"));
    let text = String::from_utf8(out.stdout).expect("pdftotext writes UTF-8");
    let pages = text.matches('\u{c}').count();
    (text.split_whitespace().collect::<Vec<_>>().join(" "), pages)
}

/// Each page's text in content order, every run of whitespace one space.
pub fn page_texts(pdf: &Path) -> Vec<String> {
    let out = run(Command::new("pdftotext").arg("-raw").arg(pdf).arg("-"));
    let text = String::from_utf8(out.stdout).expect("pdftotext writes UTF-8");
    // Every page ends with a form feed: the piece after the last one is not a page.
    let mut pages: Vec<&str> = text.split('\u{c}').collect();
    pages.pop();
    pages
        .iter()
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// `qpdf --check`: exit 0 and no warnings.
pub fn qpdf_check(pdf: &Path) -> String {
    let out = Command::new("qpdf")
        .arg("--check")
        .arg(pdf)
        .output()
        .expect("qpdf runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "qpdf --check failed:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Page 1 rasterised at `dpi` by pdftoppm, as an image.
pub fn rasterise(pdf: &Path, dpi: u32) -> image::DynamicImage {
    let prefix = pdf.with_extension("");
    run(Command::new("pdftoppm")
        .args([
            "-r",
            &dpi.to_string(),
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
        ])
        .arg(pdf)
        .arg(&prefix));
    image::open(prefix.with_extension("png")).expect("pdftoppm wrote a PNG")
}

/// Every QR code on page 1 of `pdf`, as scanned from its pixels at 200 dpi.
pub fn scan_qr(pdf: &Path) -> Vec<String> {
    let img = rasterise(pdf, 200).to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(
        img.width() as usize,
        img.height() as usize,
        |x, y| img.get_pixel(x as u32, y as u32).0[0],
    );
    prepared
        .detect_grids()
        .iter()
        .filter_map(|g| g.decode().ok().map(|(_, s)| s))
        .collect()
}
