//! Renders an exit-permit list of 30 invented people (the spec's example record, varied) to
//! `docs/sample-exit-list.pdf`, and its first page to PNG with `pdftoppm -r 80`, to look at
//! the layout.
//!
//! ```sh
//! cargo run -p loket-pdf --example sample_exit_list
//! ```

use loket_pdf::{render_exit_list, ExitListPage};
use std::path::Path;
use std::process::Command;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let json = std::fs::read_to_string(root.join("crates/core/tests/fixtures/example.json"))?;
    let record: loket_core::IntakeRecord = serde_json::from_str(&json)?;
    let people = loket_pdf::specimen::people(&record, 30);
    let mission = loket_pdf::specimen::mission();
    let list = ExitListPage {
        mission: &mission,
        number: "PNH-2026-7KQ2-L0003",
        date: chrono::NaiveDate::from_ymd_opt(2026, 1, 19).ok_or("date")?,
        officer: "ANDI PRASETYO",
        people: &people,
        reprint: false,
    };
    let docs = root.join("docs");
    let pdf = docs.join("sample-exit-list.pdf");
    std::fs::write(&pdf, render_exit_list(&list)?)?;
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "80", "-f", "1", "-l", "1"])
        .arg(&pdf)
        .arg(docs.join("sample-exit-list"))
        .status()?;
    println!("{} ({status})", pdf.display());
    Ok(())
}
