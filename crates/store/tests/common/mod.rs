//! A store in a temporary directory and records to put in it.
#![allow(dead_code)]

use loket_core::IntakeRecord;
use loket_store::{KdfParams, Store};
use serde_json::{json, Value};
use tempfile::TempDir;

pub const PASSPHRASE: &str = "correct horse battery staple";

/// A new store (light Argon2id: these tests create many) and the directory that holds it.
pub fn store() -> (TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = Store::init_with(
        dir.path(),
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
        store.save(r, "o1", None).unwrap();
    }
    (dir, store)
}
