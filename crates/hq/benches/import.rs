//! Import throughput: one batch of 5,000 cases, each with its own ~30 KB photo (about
//! 150 MB), imported into SQLite (SQLCipher) and into PostgreSQL (a cluster of its own).
//! Prints records/s for the whole import (decrypt, check, validate, apply, receipt), the time
//! of the checks alone, and the floor: what storing the batch needs at the least (the file
//! kept as it arrived, the records' text into a bare table under the same settings); the
//! median of a few runs, each into an empty database.
//!
//! `cargo bench -p loket-hq --bench import` (target: ≥ 5,000 records/s on each backend).

#[path = "../tests/common/mod.rs"]
#[allow(unused_macros)]
mod common;

use std::time::{Duration, Instant};

use common::{entry, photo_sized, Backend, Counter, Site, OPERATOR, PASSPHRASE};
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
    let mut texts = Vec::with_capacity(cases);
    for i in 0..cases {
        let photo = photo_sized(i, PHOTO_BYTES);
        let mut e = entry(i, 1);
        e.photo_sha256 = Some(sha256_hex(&photo));
        texts.push((e.case_id.clone(), e.record_text.clone()));
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
        requests: Vec::new(),
    };
    let bytes = seal(&input, &counter.key, &hq_public).unwrap().bytes;
    drop(input);

    let mut opens = Vec::new();
    let mut imports = Vec::new();
    let mut floors = Vec::new();
    let mut reads = Vec::new();
    for _ in 0..runs {
        floors.push(floor(backend, &bytes, &texts));
        // An empty database with the template's keys: a copy of its data directory, and for
        // PostgreSQL a new database (migrated on open).
        let site = Site::uninitialised(backend);
        std::fs::create_dir_all(&site.dir).unwrap();
        for f in ["hq-logins.json", "hq-key.json"] {
            std::fs::copy(template.dir.join(f), site.dir.join(f)).unwrap();
        }
        if backend == Backend::Sqlite {
            std::fs::copy(template.dir.join("hq.db"), site.dir.join("hq.db")).unwrap();
        }
        let mut hq = Hq::open(&site.dir, &site.url(), OPERATOR, PASSPHRASE).unwrap();
        let _ = hq.enrol(&counter.card()).unwrap();

        let t = Instant::now();
        let unsealed = loket_batch::unseal(&bytes, &secret, &Limits::default(), |_| {
            Some(counter.key.verifying_key())
        })
        .unwrap();
        let records = unsealed.check_entries(&|_, _| {}).unwrap();
        opens.push(t.elapsed());
        drop((unsealed, records));

        let t = Instant::now();
        let imported = hq.import(&bytes).unwrap();
        imports.push(t.elapsed());
        assert_eq!(imported.new_records, cases as u64);
        assert_eq!(hq.counts().unwrap().photos, cases as u64);

        // Photos read back out of the kept batch, spread over it.
        for i in (0..cases).step_by(cases.div_ceil(50)) {
            let t = Instant::now();
            let photo = hq.case_photo(&common::case_id(i)).unwrap();
            reads.push(t.elapsed());
            assert_eq!(photo.map(|p| p.len()), Some(PHOTO_BYTES + 14));
        }
    }
    let (open, import, floor) = (median(opens), median(imports), median(floors));
    let read_count = reads.len();
    let read = median(reads);
    println!(
        "{backend:?}: {cases} cases, {:.0} MB batch: import {:.2} s = {:.0} records/s \
         (open and check alone {:.2} s); the floor, the file kept and the records' text into \
         a bare table {:.2} s = {:.0} records/s; median of {runs}. One photo read back \
         (`Hq::case_photo`): median {:.1} ms over {}",
        bytes.len() as f64 / 1e6,
        import.as_secs_f64(),
        rate(cases, import),
        open.as_secs_f64(),
        floor.as_secs_f64(),
        rate(cases, floor),
        read.as_secs_f64() * 1e3,
        read_count,
    );
}

/// The floor: the batch file written where it is kept (temporary name, fsync, rename,
/// folder fsync) and the records' text into a bare table in one transaction under the same
/// database settings, with no decrypting, checking or receipt: what storing the batch needs
/// at the least.
fn floor(backend: Backend, batch: &[u8], texts: &[(String, String)]) -> Duration {
    let dir = tempfile::tempdir().unwrap();
    let keep = |dir: &std::path::Path| {
        let tmp = dir.join("batch.tmp");
        let mut f = std::fs::File::create(&tmp).unwrap();
        std::io::Write::write_all(&mut f, batch).unwrap();
        f.sync_all().unwrap();
        std::fs::rename(&tmp, dir.join("batch.loket-batch")).unwrap();
        std::fs::File::open(dir).unwrap().sync_all().unwrap();
    };
    match backend {
        Backend::Sqlite => {
            let mut conn = rusqlite::Connection::open(dir.path().join("floor.db")).unwrap();
            // loket-hq's settings (crates/hq/src/db/sqlite.rs).
            conn.execute_batch(
                "PRAGMA key = \"x'000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f'\";
                 PRAGMA cipher_page_size = 16384;
                 PRAGMA cipher_hmac_algorithm = HMAC_SHA256;
                 PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = FULL;
                 PRAGMA cache_size = -32768;
                 CREATE TABLE records (case_id TEXT PRIMARY KEY, record_text TEXT NOT NULL) STRICT;",
            )
            .unwrap();
            let t = Instant::now();
            keep(dir.path());
            let tx = conn.transaction().unwrap();
            {
                let mut insert = tx
                    .prepare("INSERT INTO records (case_id, record_text) VALUES (?1, ?2)")
                    .unwrap();
                for (id, text) in texts {
                    insert.execute(rusqlite::params![id, text]).unwrap();
                }
            }
            tx.commit().unwrap();
            t.elapsed()
        }
        Backend::Postgres => {
            use postgres::binary_copy::BinaryCopyInWriter;
            use postgres::types::Type;
            let url = common::pg::new_database();
            let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            // loket-hq's storage of the text (crates/hq/src/db/postgres.rs).
            client
                .batch_execute(
                    "CREATE TABLE records (case_id text PRIMARY KEY, record_text text NOT NULL);
                     ALTER TABLE records SET (toast_tuple_target = 8160);",
                )
                .unwrap();
            let t = Instant::now();
            keep(dir.path());
            let mut tx = client.transaction().unwrap();
            let sink = tx
                .copy_in("COPY records (case_id, record_text) FROM STDIN (FORMAT binary)")
                .unwrap();
            let mut writer = BinaryCopyInWriter::new(sink, &[Type::TEXT, Type::TEXT]);
            for (id, text) in texts {
                writer.write(&[id, text]).unwrap();
            }
            writer.finish().unwrap();
            tx.commit().unwrap();
            t.elapsed()
        }
    }
}
