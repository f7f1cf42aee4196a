//! A store in a temporary directory and records to put in it.
#![allow(dead_code)]

use loket_batch::{open, HeldVersion, HqSecret, Limits, Opened, Receipt};
use loket_core::IntakeRecord;
use loket_store::{KdfParams, Store};
use serde_json::{json, Value};
use tempfile::TempDir;

pub const PASSPHRASE: &str = "correct horse battery staple";
/// The officer whose login the test stores are made with.
pub const OFFICER: &str = "SARI";

/// Closes `store` and opens the one in `dir` as officer `name` (first given a login with the
/// same passphrase, when they have none): the changes after it are theirs.
pub fn as_officer(dir: &std::path::Path, store: Store, name: &str) -> Store {
    if !store.officers().unwrap().iter().any(|o| o == name) {
        store.add_officer(PASSPHRASE, name, PASSPHRASE).unwrap();
    }
    drop(store);
    Store::open(dir, name, PASSPHRASE).unwrap()
}

/// A new store (light Argon2id: these tests create many) and the directory that holds it.
pub fn store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::init_with(
        dir.path(),
        OFFICER,
        PASSPHRASE,
        "PNH",
        KdfParams::insecure_for_tests(),
    )
    .unwrap();
    (dir, store)
}

pub fn example_json() -> Value {
    serde_json::from_str(include_str!("../../../core/tests/fixtures/example.json")).unwrap()
}

/// The spec's example as a new person: no id, the given name, NIK, passport and ticket.
pub fn person(name: &str, nik: Option<&str>, passport: Option<&str>, ticket: &str) -> IntakeRecord {
    let mut v = example_json();
    v.as_object_mut().unwrap().remove("id");
    v["person"]["full_name"] = json!(name);
    v["person"]["aliases"] = json!([]);
    v["person"]["nik"] = json!(nik);
    v["passport"]["number"] = json!(passport);
    v["ticket"] = json!(ticket);
    serde_json::from_value(v).unwrap()
}

pub fn record(v: Value) -> IntakeRecord {
    serde_json::from_value(v).unwrap()
}

/// A new store holding `n` saved cases (tickets A-0 …), one audit entry each.
pub fn store_with(n: usize) -> (TempDir, Store) {
    let (dir, mut store) = store();
    for i in 0..n {
        let r = person("SITI AMINAH", None, None, &format!("A-{i}"));
        store.save(r, None).unwrap();
    }
    (dir, store)
}

/// Opens batch `sequence` as headquarters would.
pub fn opened(store: &Store, hq: &HqSecret, sequence: u64) -> Opened {
    let card = store.device_card().unwrap();
    let bytes = store.batch_bytes(sequence).unwrap().unwrap();
    open(&bytes, hq, &Limits::default(), |id| {
        (id == card.device_id).then_some(card.public_key)
    })
    .unwrap()
}

/// Headquarters' receipt for `batches` (unacknowledged yet): every version in them held.
pub fn receipt_for(store: &Store, hq: &HqSecret, batches: &[u64]) -> String {
    let mut records = Vec::new();
    for &n in batches {
        for r in opened(store, hq, n).records {
            records.push(HeldVersion {
                case_id: r.entry.case_id.clone(),
                version: r.entry.version,
                record_sha256: r.record_sha256.clone(),
            });
        }
    }
    let device = store.device_card().unwrap().device_id;
    Receipt::new(
        device,
        batches.to_vec(),
        records,
        chrono::Utc::now().fixed_offset(),
    )
    .sign(&hq.sign)
}

/// Every file in `dir` with its bytes, by name: what a refusal must leave as it was.
pub fn file_bytes(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Which of `needles` some text or blob in the mission index's tables holds: what this
/// counter keeps of other people.
pub fn in_mission_index(store: &Store, needles: &[&str]) -> Vec<String> {
    let values: Vec<Vec<u8>> = store
        .every_value()
        .unwrap()
        .into_iter()
        .filter(|(table, _)| table.starts_with("mission_"))
        .map(|(_, v)| v)
        .collect();
    needles
        .iter()
        .filter(|n| {
            values
                .iter()
                .any(|v| v.windows(n.len()).any(|w| w == n.as_bytes()))
        })
        .map(|n| n.to_string())
        .collect()
}

/// `store` with the mission's name, address and city set, as printing needs them.
pub fn with_mission(mut store: Store) -> Store {
    store
        .set_mission_details(
            "Kedutaan Besar Republik Indonesia di Phnom Penh",
            "No. 1, Street 466, Phnom Penh",
            "Phnom Penh",
        )
        .unwrap();
    store
}
