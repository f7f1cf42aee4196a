//! Renders the spec's example record to `docs/sample-request.pdf` (and its reprint, void and
//! long-values-and-diacritics variants), then to PNG with `pdftoppm -r 80`, to look at the layout.
//!
//! ```sh
//! cargo run -p loket-pdf --example sample
//! ```
//! The example record is the specification's invented person; no real data goes in here.

use loket_pdf::{render, Mark, Photo, RequestPage};
use std::path::Path;
use std::process::Command;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let json = std::fs::read_to_string(root.join("crates/core/tests/fixtures/example.json"))?;
    let record: loket_core::IntakeRecord = serde_json::from_str(&json)?;
    let mission = loket_pdf::specimen::mission();
    let payload = format!("LOKET1:{}", "7KQ2".repeat(72));
    let photo = Photo::from_image(&loket_pdf::specimen::portrait_png())?;
    let page = RequestPage {
        mission: &mission,
        serial: "PNH-2026-7KQ2-000123",
        mark: Mark::Original,
        case_id: "0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b11",
        version: 3,
        record: &record,
        qr_payload: &payload,
        photo: None,
        date: chrono::NaiveDate::from_ymd_opt(2026, 1, 19).ok_or("date")?,
        officer: "ANDI PRASETYO",
    };

    let mut long = record.clone();
    long.person.full_name =
        Some("MUHAMMAD RIZKY ANANDA PUTRA WIJAYAKUSUMA NUGROHO SETIAWAN".into());
    long.person.aliases = Some(
        [
            "M RIZKY",
            "RIZKY ANANDA",
            "ANANDA PUTRA",
            "RIZKI WIJAYA",
            "MUHAMMAD RISKI",
            "JOSÉ ÇAĞRI ÑÚÑEZ",
        ]
        .map(String::from)
        .to_vec(),
    );
    long.person.mother_name = Some("ĐẶNG THỊ LÀ".into());
    long.person.place_of_birth = Some("SÃO TOMÉ".into());
    if let Some(a) = long.person.address_id.as_mut() {
        a.line = Some(
            "JL. RAYA CIBEBER KM 12, GG. MASJID AL-IKHLAS NO. 45, KP. SUKAMAJU RT 002 RW 003, \
             DEKAT PASAR CIBEBER"
                .into(),
        );
    }

    let variants = [
        ("sample-request", page.clone()),
        (
            "sample-request-reprint",
            RequestPage {
                mark: Mark::Reprint,
                photo: Some(&photo),
                ..page.clone()
            },
        ),
        (
            "sample-request-void",
            RequestPage {
                mark: Mark::Void,
                ..page.clone()
            },
        ),
        (
            "sample-request-long",
            RequestPage {
                record: &long,
                photo: Some(&photo),
                ..page.clone()
            },
        ),
    ];
    let docs = root.join("docs");
    for (name, page) in variants {
        let pdf = docs.join(format!("{name}.pdf"));
        std::fs::write(&pdf, render(&page)?)?;
        let status = Command::new("pdftoppm")
            .args(["-r", "80", "-png"])
            .arg(&pdf)
            .arg(docs.join(name))
            .status()?;
        println!("{} ({status})", pdf.display());
    }
    Ok(())
}
