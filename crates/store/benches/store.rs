//! The store's figures for docs/benchmarks.md, as one run:
//!
//! - unlock time with the default Argon2id cost;
//! - one save (validation, duplicates, version, audit entry, outbox change; one transaction,
//!   `synchronous=FULL`), p50 and p99, with 0 and with N cases stored, beside a bare SQLCipher
//!   insert of the same bytes under the same settings (the floor);
//! - name search and duplicate candidates with N cases stored, p50 and p95.
//!
//! `cargo bench -p loket-store --bench store` (N = 100,000; `LOKET_BENCH_CASES` changes it).

use loket_core::IntakeRecord;
use loket_store::{KdfParams, Store};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::Connection;
use std::path::Path;
use std::time::{Duration, Instant};

const PASSPHRASE: &str = "benchmark passphrase";
const OFFICER: &str = "officer";
const SAMPLES: usize = 400;

const GIVEN: &[&str] = &[
    "SITI", "NUR", "DEWI", "SRI", "AGUS", "BUDI", "EKO", "RINA", "PUTRI", "AHMAD", "MUHAMMAD",
    "RIZKY", "FITRI", "INDAH", "YULI", "DIAN", "WAHYU", "ADI", "HENDRA", "LESTARI", "AYU", "KADEK",
    "MADE", "NYOMAN", "KETUT", "WAYAN", "IRFAN", "FAJAR", "ANDI", "RAHMAT",
];
const FAMILY: &[&str] = &[
    "AMINAH",
    "SANTOSO",
    "WIJAYA",
    "HIDAYAT",
    "SAPUTRA",
    "LESTARI",
    "KURNIAWAN",
    "PRATAMA",
    "SETIAWAN",
    "NURHAYATI",
    "SUSANTO",
    "RAHAYU",
    "HASIBUAN",
    "SIREGAR",
    "NASUTION",
    "LUBIS",
    "SIMANJUNTAK",
    "GINTING",
    "TARIGAN",
    "MANURUNG",
    "WIBOWO",
    "HALIM",
    "SUHARTO",
    "PURBA",
    "HUTAPEA",
    "DAMANIK",
    "SEMBIRING",
    "SIAHAAN",
    "SITORUS",
    "PANJAITAN",
    "SIMATUPANG",
];

fn example() -> serde_json::Value {
    serde_json::from_str(include_str!("../../core/tests/fixtures/example.json")).unwrap()
}

/// A plausible, distinct person.
fn person(rng: &mut StdRng, i: usize) -> IntakeRecord {
    let mut v = example();
    v.as_object_mut().unwrap().remove("id");
    let name = format!(
        "{} {} {}",
        GIVEN[rng.gen_range(0..GIVEN.len())],
        GIVEN[rng.gen_range(0..GIVEN.len())],
        FAMILY[rng.gen_range(0..FAMILY.len())]
    );
    let (y, m, d) = (
        rng.gen_range(1960..2007),
        rng.gen_range(1..13),
        rng.gen_range(1..29),
    );
    v["person"]["full_name"] = name.into();
    v["person"]["aliases"] = serde_json::json!([]);
    v["person"]["date_of_birth"] = format!("{y}-{m:02}-{d:02}").into();
    v["person"]["nik"] = format!(
        "3203{:02}{:02}{:02}{:02}{:04}",
        rng.gen_range(1..40),
        d + 40,
        m,
        y % 100,
        i % 9999 + 1
    )
    .into();
    v["passport"]["number"] = format!("C{:07}", i).into();
    v["ticket"] = format!("B-{i}").into();
    serde_json::from_value(v).unwrap()
}

fn percentile(times: &mut [Duration], p: f64) -> Duration {
    times.sort();
    times[((times.len() as f64 - 1.0) * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// The floor: the same JSON inserted alone, one transaction each, same cipher and settings.
struct Floor(Connection);

impl Floor {
    fn new(dir: &Path) -> Floor {
        let c = Connection::open(dir.join("floor.db")).unwrap();
        c.pragma_update(None, "key", format!("x'{}'", "ab".repeat(32)))
            .unwrap();
        c.pragma_update(None, "journal_mode", "WAL").unwrap();
        c.pragma_update(None, "synchronous", "FULL").unwrap();
        c.execute_batch("CREATE TABLE cases (id TEXT PRIMARY KEY, record TEXT NOT NULL) STRICT")
            .unwrap();
        Floor(c)
    }

    fn insert(&mut self, id: &str, json: &str) {
        let tx = self.0.transaction().unwrap();
        tx.execute("INSERT INTO cases (id, record) VALUES (?1, ?2)", (id, json))
            .unwrap();
        tx.commit().unwrap();
    }

    fn seed(&mut self, records: &[(String, String)]) {
        let tx = self.0.transaction().unwrap();
        for (id, json) in records {
            tx.execute("INSERT INTO cases (id, record) VALUES (?1, ?2)", (id, json))
                .unwrap();
        }
        tx.commit().unwrap();
    }
}

fn save_times(
    store: &mut Store,
    floor: &mut Floor,
    rng: &mut StdRng,
    base: usize,
) -> (Vec<Duration>, Vec<Duration>) {
    let mut saves = Vec::new();
    let mut floors = Vec::new();
    for i in 0..SAMPLES {
        let mut r = person(rng, base + i);
        r.id = Some(uuid::Uuid::now_v7().to_string());
        let json = serde_json::to_string(&r).unwrap();
        let t = Instant::now();
        floor.insert(r.id.as_deref().unwrap(), &json);
        floors.push(t.elapsed());
        let t = Instant::now();
        store.save(r, None).unwrap();
        saves.push(t.elapsed());
    }
    (saves, floors)
}

fn main() {
    let n: usize = std::env::var("LOKET_BENCH_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let mut rng = StdRng::seed_from_u64(20_260_119);
    // Cargo runs a bench in its package's folder; its temp dir is under the workspace's target.
    let dir = tempfile::tempdir_in(
        std::env::var("LOKET_BENCH_DIR").unwrap_or_else(|_| env!("CARGO_TARGET_TMPDIR").into()),
    )
    .unwrap();
    println!(
        "# store benchmark, {n} cases, {} samples per figure\n",
        SAMPLES
    );

    // Unlock with the default cost, by the last of eight officers: only their slot is tried.
    let unlock_dir = dir.path().join("unlock");
    let (first, _) = Store::init(&unlock_dir, OFFICER, PASSPHRASE, "PNH").unwrap();
    let mut adds: Vec<Duration> = (1..8)
        .map(|i| {
            let t = Instant::now();
            first
                .add_officer(PASSPHRASE, &format!("officer {i}"), PASSPHRASE)
                .unwrap();
            t.elapsed()
        })
        .collect();
    drop(first);
    let mut unlocks: Vec<Duration> = (0..7)
        .map(|_| {
            let t = Instant::now();
            drop(Store::open(&unlock_dir, "officer 7", PASSPHRASE).unwrap());
            t.elapsed()
        })
        .collect();
    let p = KdfParams::default();
    println!(
        "unlock (Argon2id m={} MiB, t={}, p={}), the 8th of 8 officers: median {}",
        p.m_kib / 1024,
        p.t,
        p.p,
        ms(percentile(&mut unlocks, 0.5))
    );
    println!(
        "add an officer (the acting officer's passphrase checked, the new one wrapped): median {}",
        ms(percentile(&mut adds, 0.5))
    );

    let store_dir = dir.path().join("store");
    let (mut store, _) =
        Store::init_with(&store_dir, OFFICER, PASSPHRASE, "PNH", KdfParams::default()).unwrap();
    let mut floor = Floor::new(dir.path());
    let (mut s0, mut f0) = save_times(&mut store, &mut floor, &mut rng, 0);

    // Seed to N cases: the same save path, with fsync off only while seeding.
    let t = Instant::now();
    store.tamper("PRAGMA synchronous = OFF").unwrap();
    let mut seeded = Vec::new();
    let mut seeded_ids = Vec::new();
    for i in SAMPLES..n {
        let r = person(&mut rng, i);
        let kept = (i % 1000 == 0).then(|| r.clone());
        let saved = store.save(r, None).unwrap();
        if let Some(r) = kept {
            seeded.push(r);
            seeded_ids.push(saved.case_id);
        }
    }
    store.tamper("PRAGMA synchronous = FULL").unwrap();
    let floor_rows: Vec<(String, String)> = (SAMPLES..n)
        .map(|i| {
            let r = person(&mut rng, i);
            (
                uuid::Uuid::now_v7().to_string(),
                serde_json::to_string(&r).unwrap(),
            )
        })
        .collect();
    floor.seed(&floor_rows);
    eprintln!(
        "seeded {} cases in {:.0} s",
        store.count().unwrap(),
        t.elapsed().as_secs_f64()
    );

    let (mut sn, mut fn_) = save_times(&mut store, &mut floor, &mut rng, n + SAMPLES);
    println!("\n| save one case | p50 | p99 | floor p50 | floor p99 | p50 / floor |");
    println!("|---|---|---|---|---|---|");
    for (label, s, f) in [
        ("0 cases stored", &mut s0, &mut f0),
        (&*format!("{n} cases stored"), &mut sn, &mut fn_),
    ] {
        let (sp50, sp99, fp50, fp99) = (
            percentile(s, 0.5),
            percentile(s, 0.99),
            percentile(f, 0.5),
            percentile(f, 0.99),
        );
        println!(
            "| {label} | {} | {} | {} | {} | {:.2}× |",
            ms(sp50),
            ms(sp99),
            ms(fp50),
            ms(fp99),
            sp50.as_secs_f64() / fp50.as_secs_f64()
        );
    }

    // Search as an officer types: word prefixes in any order, NIK, passport, ticket.
    const KINDS: [&str; 5] = [
        "surname + 3 letters of a given name",
        "first 4 letters of a surname",
        "two given names",
        "passport number",
        "ticket",
    ];
    let mut by_kind: Vec<Vec<Duration>> = vec![Vec::new(); KINDS.len()];
    let mut searches = Vec::new();
    let mut dups = Vec::new();
    for i in 0..SAMPLES {
        let query = match i % 5 {
            0 => format!(
                "{} {}",
                FAMILY[rng.gen_range(0..FAMILY.len())],
                &GIVEN[rng.gen_range(0..GIVEN.len())][..3]
            ),
            1 => FAMILY[rng.gen_range(0..FAMILY.len())][..4].to_string(),
            2 => format!(
                "{} {}",
                GIVEN[rng.gen_range(0..GIVEN.len())],
                GIVEN[rng.gen_range(0..GIVEN.len())]
            ),
            3 => format!("C{:07}", rng.gen_range(SAMPLES..n)),
            _ => format!("B-{}", rng.gen_range(SAMPLES..n)),
        };
        let t = Instant::now();
        let found = store.search(&query, 50).unwrap();
        let took = t.elapsed();
        searches.push(took);
        by_kind[i % 5].push(took);
        assert!(found.len() <= 50);
        let probe = &seeded[i % seeded.len()];
        let t = Instant::now();
        store.duplicate_candidates(probe).unwrap();
        dups.push(t.elapsed());
    }
    println!("\n| with {n} cases | p50 | p95 |");
    println!("|---|---|---|");
    println!(
        "| search, all queries (50 results at most) | {} | {} |",
        ms(percentile(&mut searches, 0.5)),
        ms(percentile(&mut searches, 0.95))
    );
    for (kind, times) in KINDS.iter().zip(by_kind.iter_mut()) {
        println!(
            "| search: {kind} | {} | {} |",
            ms(percentile(times, 0.5)),
            ms(percentile(times, 0.95))
        );
    }
    println!(
        "| duplicate candidates of a record | {} | {} |",
        ms(percentile(&mut dups, 0.5)),
        ms(percentile(&mut dups, 0.95))
    );

    // A case's detail: its versions, its audit entries and its requests.
    let mut histories: Vec<Duration> = seeded_ids
        .iter()
        .map(|id| {
            let t = Instant::now();
            let versions = store.versions(id).unwrap();
            let audit = store.audit_of(id).unwrap();
            store.requests_of(id).unwrap();
            let took = t.elapsed();
            assert!(!versions.is_empty() && !audit.is_empty());
            took
        })
        .collect();
    println!(
        "| a case's history (versions, audit entries, requests) | {} | {} |",
        ms(percentile(&mut histories, 0.5)),
        ms(percentile(&mut histories, 0.95))
    );

    // A store of N cases made before migration 8: its first unlock after the update builds
    // the audit log's index; a later unlock is the usual one. Migration 9's column goes too,
    // since the update adds it again (its trigger is put back as migration 9 replaces it), and
    // migration 10's index and migration 11's tables and index.
    store
        .tamper(
            "DROP TABLE exit_list_cases; DROP TABLE exit_lists; DROP INDEX cases_finalised;
             DROP INDEX audit_case; DROP INDEX mission_departed;
             DROP TRIGGER batches_frozen;
             ALTER TABLE batches DROP COLUMN request_count;
             CREATE TRIGGER batches_frozen BEFORE UPDATE ON batches BEGIN SELECT 1; END;
             PRAGMA user_version = 7",
        )
        .unwrap();
    drop(store);
    let t = Instant::now();
    drop(Store::open(&store_dir, OFFICER, PASSPHRASE).unwrap());
    let migrated = t.elapsed();
    let t = Instant::now();
    drop(Store::open(&store_dir, OFFICER, PASSPHRASE).unwrap());
    println!(
        "\nfirst unlock after the update from schema 7 (the audit log indexed by case), {n} cases: \
         {} (the next unlock: {})",
        ms(migrated),
        ms(t.elapsed())
    );
}
