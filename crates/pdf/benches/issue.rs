//! A whole request as the officer's Print makes it: the next serial reserved, the QR payload
//! signed, the print and audit entry written (one SQLCipher transaction, `synchronous=FULL`)
//! and the page rendered from the stored version and photo.
//!
//! ```sh
//! cargo bench -p loket-pdf --bench issue
//! ```
//! `LOKET_BENCH_REQUESTS` (default 500) cases, each printed once, in a row.

use loket_store::{KdfParams, Store};
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: usize = std::env::var("LOKET_BENCH_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let dir = tempfile::tempdir()?;
    let (mut store, _) = Store::init_with(
        dir.path(),
        "officer",
        "benchmark passphrase",
        "PNH",
        KdfParams::insecure_for_tests(),
    )?;
    let mission = loket_pdf::specimen::mission();
    store.set_mission_details(&mission.name, &mission.address, &mission.city)?;
    let example: serde_json::Value =
        serde_json::from_str(include_str!("../../core/tests/fixtures/example.json"))?;
    let photo = loket_pdf::Photo::from_image(&loket_pdf::specimen::portrait_png())?;
    let mut ids = Vec::with_capacity(n);
    for i in 0..n {
        let mut v = example.clone();
        v.as_object_mut().ok_or("object")?.remove("id");
        v["ticket"] = format!("A-{i}").into();
        let saved = store.save(serde_json::from_value(v)?, None)?;
        store.finalize(&saved.case_id)?;
        store.attach_photo(&saved.case_id, photo.jpeg())?;
        ids.push(saved.case_id);
    }

    let mut times = Vec::with_capacity(n);
    let mut bytes = 0;
    let all = Instant::now();
    for id in &ids {
        let start = Instant::now();
        let (_, pdf) = store.print_request(id, None, loket_pdf::render_job)??;
        times.push(start.elapsed());
        bytes += pdf.len();
    }
    let total = all.elapsed();
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("| requests | median | p95 | max | total | mean PDF |");
    println!("|---|---|---|---|---|---|");
    println!(
        "| {n} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} s | {} KB |",
        ms(at(0.5)),
        ms(at(0.95)),
        ms(at(1.0)),
        total.as_secs_f64(),
        bytes / n / 1024
    );
    Ok(())
}
