//! Sealing a surge for docs/benchmarks.md: 5,000 finalised cases, each with its own 30 KB
//! photo, sealed into one batch by `Store::seal_batch` (read, sign, zip, encrypt to
//! headquarters, store the frozen bytes and mark the outbox, one fsync'd transaction); then
//! the same batch written to a folder as `loket export` does (fsync, rename, read back);
//! then, every case closed and sealed again, headquarters' receipt for both batches applied,
//! which purges all 5,000 (records, photos and name words overwritten) and drops the batches'
//! bytes, in one transaction.
//!
//! `cargo bench -p loket-store --bench seal` (`LOKET_BENCH_CASES` changes the 5,000). The
//! store is filled once and copied for each run, since sealing consumes what it seals.

use loket_batch::HqSecret;
use loket_core::IntakeRecord;
use loket_store::{KdfParams, Store};
use rand::{Rng, SeedableRng};
use std::path::Path;
use std::time::Instant;

#[path = "../tests/common/mod.rs"]
mod common;

const PASSPHRASE: &str = "benchmark passphrase";
const OFFICER: &str = "officer";
const RUNS: usize = 3;
const PHOTO_BYTES: usize = 30 * 1024;

fn record(i: usize) -> IntakeRecord {
    let mut v: serde_json::Value =
        serde_json::from_str(include_str!("../../core/tests/fixtures/example.json")).unwrap();
    let object = v.as_object_mut().unwrap();
    object.remove("id");
    v["person"]["full_name"] = format!("SITI AMINAH {}", to_letters(i)).into();
    v["ticket"] = format!("A-{i}").into();
    serde_json::from_value(v).unwrap()
}

/// A name word from a number (names hold letters only).
fn to_letters(mut i: usize) -> String {
    let mut s = String::new();
    loop {
        s.push((b'A' + (i % 26) as u8) as char);
        i /= 26;
        if i == 0 {
            return s;
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
    }
}

fn main() {
    let cases: usize = std::env::var("LOKET_BENCH_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5_000);
    let work = tempfile::tempdir().unwrap();
    let seed_dir = work.path().join("seed");
    let hq = HqSecret::generate();
    let started = Instant::now();
    {
        let (mut store, _) = Store::init_with(
            &seed_dir,
            OFFICER,
            PASSPHRASE,
            "PNH",
            KdfParams::insecure_for_tests(),
        )
        .unwrap();
        store.pin_hq_key(&hq.public(), false).unwrap();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut photo = vec![0u8; PHOTO_BYTES];
        for i in 0..cases {
            let saved = store.save(record(i), None).unwrap();
            store.finalize(&saved.case_id).unwrap();
            rng.fill(&mut photo[..]);
            store.attach_photo(&saved.case_id, &photo).unwrap();
        }
    }
    eprintln!(
        "filled a store with {cases} finalised cases and {cases} photos of {PHOTO_BYTES} bytes in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    println!("run  seal (s)  batch (MB)  export to a folder (s)  receipt purging every case (s)");
    for run in 1..=RUNS {
        let dir = work.path().join(format!("run{run}"));
        copy_dir(&seed_dir, &dir);
        let mut store = Store::open(&dir, OFFICER, PASSPHRASE).unwrap();
        let t = Instant::now();
        let batch = store.seal_batch().unwrap().unwrap();
        let seal = t.elapsed();
        assert_eq!(batch.record_count, cases as u64);
        let stick = work.path().join(format!("stick{run}"));
        std::fs::create_dir(&stick).unwrap();
        let t = Instant::now();
        let exported = store.export_to(&stick).unwrap();
        let export = t.elapsed();
        assert_eq!(exported.files.len(), 1);
        let ids: Vec<String> = store.list().unwrap().into_iter().map(|c| c.id).collect();
        for id in &ids {
            store.close(id, "departed").unwrap();
        }
        store.seal_batch().unwrap().unwrap();
        let text = common::receipt_for(&store, &hq, &[1, 2]);
        let t = Instant::now();
        let ack = store.apply_receipt(text.as_bytes()).unwrap();
        let purge = t.elapsed();
        assert_eq!(ack.purged, cases as u64);
        println!(
            "{run:<4} {:<9.2} {:<11.1} {:<25.2} {:.2}",
            seal.as_secs_f64(),
            batch.size as f64 / 1e6,
            export.as_secs_f64(),
            purge.as_secs_f64()
        );
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::remove_dir_all(&stick).unwrap();
    }
}
