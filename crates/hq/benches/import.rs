//! Import throughput: one batch of 5,000 cases, each with its own ~30 KB photo (about
//! 150 MB), imported into SQLite (SQLCipher) and into PostgreSQL (a cluster of its own).
//! Prints records/s for the whole import (decrypt, check, validate, apply, receipt) and for
//! its parts; the median of a few runs, each into an empty database.
//!
//! `cargo bench -p loket-hq --bench import` (target: ≥ 5,000 records/s on each backend).

#[path = "../tests/common/mod.rs"]
#[allow(unused_macros)]
mod common;

use std::time::{Duration, Instant};

use common::{entry, photo_sized, Backend, Counter, Site, PASSPHRASE};
use loket_batch::{seal, sha256_hex, AuditHead, Limits, SealInput};
use loket_hq::Hq;

const CASES: usize = 5_000;
const PHOTO_BYTES: usize = 30_000;
const RUNS: usize = 5;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn rate(records: usize, d: Duration) -> f64 {
    records as f64 / d.as_secs_f64()
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` does not: then only a smoke run.
    let full = std::env::args().any(|a| a == "--bench");
    let cases = if full { CASES } else { 50 };
    // `-- sqlite` or `-- postgres` runs one backend only.
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let name = format!("{backend:?}").to_lowercase();
        if only.is_empty() || only.contains(&name) {
            run(backend, cases, if full { RUNS } else { 1 });
        }
    }
}

fn run(backend: Backend, cases: usize, runs: usize) {
    let template = Site::new(backend);
    let counter = Counter::new("PNH-01");
    template.enrol(&counter);
    let hq_public = template.public();
    let secret = template.secret();

    let mut records = Vec::with_capacity(cases);
    let mut photos = Vec::with_capacity(cases);
    for i in 0..cases {
        let photo = photo_sized(i, PHOTO_BYTES);
        let mut e = entry(i, 1);
        e.photo_sha256 = Some(sha256_hex(&photo));
        records.push(e);
        photos.push(photo);
    }
    let input = SealInput {
        device_id: counter.device_id.clone(),
        mission: counter.mission.clone(),
        sequence: 1,
        previous_manifest_sha256: None,
        created_at: common::at("2026-01-19T18:00:00+07:00"),
        audit_head: AuditHead {
            seq: 1,
            hash: "ab".repeat(32),
        },
        records,
        attachments: photos,
    };
    let bytes = seal(&input, &counter.key, &hq_public).unwrap().bytes;
    drop(input);

    let mut opens = Vec::new();
    let mut imports = Vec::new();
    for _ in 0..runs {
        // An empty database with the template's keys: a copy of its data directory, and for
        // PostgreSQL a new database (migrated on open).
        let site = Site::uninitialised(backend);
        std::fs::create_dir_all(&site.dir).unwrap();
        for f in ["hq-secret.age", "hq-key.json"] {
            std::fs::copy(template.dir.join(f), site.dir.join(f)).unwrap();
        }
        if backend == Backend::Sqlite {
            std::fs::copy(template.dir.join("hq.db"), site.dir.join("hq.db")).unwrap();
        }
        let mut hq = Hq::open(&site.dir, &site.url(), PASSPHRASE).unwrap();
        let _ = hq.enrol(&counter.card()).unwrap();

        let t = Instant::now();
        let opened = loket_batch::open(&bytes, &secret, &Limits::default(), |_| {
            Some(counter.key.verifying_key())
        })
        .unwrap();
        opens.push(t.elapsed());
        drop(opened);

        let t = Instant::now();
        let imported = hq.import(&bytes).unwrap();
        imports.push(t.elapsed());
        assert_eq!(imported.new_records, cases as u64);
        assert_eq!(hq.counts().unwrap().photos, cases as u64);
    }
    let (open, import) = (median(opens), median(imports));
    let apply = import.saturating_sub(open);
    println!(
        "{backend:?}: {cases} cases, {:.0} MB batch: import {:.2} s = {:.0} records/s \
         (open+check {:.2} s, apply+receipt {:.2} s = {:.0} records/s); median of {runs}",
        bytes.len() as f64 / 1e6,
        import.as_secs_f64(),
        rate(cases, import),
        open.as_secs_f64(),
        apply.as_secs_f64(),
        rate(cases, apply),
    );
}
