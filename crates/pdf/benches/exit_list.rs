//! How long an exit-permit list takes to render: a day's list of 50 people, and one of 520
//! (the peak day at the Phnom Penh embassy, 19 January 2026).
//!
//! ```sh
//! cargo bench -p loket-pdf --bench exit_list
//! ```
//! `LOKET_BENCH_RENDERS` (default 20) renders of each. Prints a Markdown table for
//! docs/benchmarks.md.

use loket_core::IntakeRecord;
use loket_pdf::{render_exit_list, ExitListPage};
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let renders: usize = std::env::var("LOKET_BENCH_RENDERS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let base: IntakeRecord =
        serde_json::from_str(include_str!("../../core/tests/fixtures/example.json"))?;
    let mission = loket_pdf::specimen::mission();
    // The specimen's varied people, repeated as often as the list needs.
    let varied = loket_pdf::specimen::people(&base, 70);
    println!("| people | pages | PDF size | median | max |");
    println!("|---|---|---|---|---|");
    for n in [50, 520] {
        let people: Vec<IntakeRecord> = varied.iter().cycle().take(n).cloned().collect();
        let list = ExitListPage {
            mission: &mission,
            number: "PNH-2026-7KQ2-L0003",
            date: chrono::NaiveDate::from_ymd_opt(2026, 1, 19).ok_or("date")?,
            officer: "ANDI PRASETYO",
            people: &people,
            reprint: false,
        };
        let mut times: Vec<Duration> = Vec::with_capacity(renders);
        let mut pdf = Vec::new();
        for _ in 0..renders.max(1) {
            let t = Instant::now();
            pdf = render_exit_list(&list)?;
            times.push(t.elapsed());
        }
        times.sort();
        let pages = lopdf::Document::load_mem(&pdf)?.get_pages().len();
        println!(
            "| {n} | {pages} | {} KB | {:.1} ms | {:.1} ms |",
            pdf.len() / 1024,
            times[times.len() / 2].as_secs_f64() * 1e3,
            times.last().unwrap().as_secs_f64() * 1e3
        );
    }
    Ok(())
}
