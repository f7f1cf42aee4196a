//! The counter's own audit entries: logins added, removed and changed, headquarters' key, and
//! every batch sealed, copied to a stick and acknowledged, each naming the officer who acted.

mod common;
use common::*;
use loket_batch::HqSecret;
use loket_store::{AuditCheck, AuditEntry, Store, StoreError};

const BUDI: &str = "Budi Santoso";
const BUDI_PASSPHRASE: &str = "budi's own long passphrase";

/// `(officer, action, detail, record_sha256)` of the counter's entries, oldest first.
fn log(store: &Store) -> Vec<(String, String, Option<String>, String)> {
    let mut entries: Vec<AuditEntry> = store.counter_log(100).unwrap();
    entries.reverse();
    entries
        .into_iter()
        .map(|e| (e.officer, e.action, e.detail, e.record_sha256))
        .collect()
}

fn entry(
    officer: &str,
    action: &str,
    detail: Option<&str>,
    sha: &str,
) -> (String, String, Option<String>, String) {
    (
        officer.into(),
        action.into(),
        detail.map(Into::into),
        sha.into(),
    )
}

#[test]
fn login_changes_are_logged_and_refused_ones_are_not() {
    let (dir, store) = store();
    assert_eq!(log(&store), []);
    store
        .add_officer(PASSPHRASE, "  budi   santoso ", BUDI_PASSPHRASE)
        .unwrap();
    // Refused: nothing is written.
    assert!(matches!(
        store.add_officer("not my passphrase", "Rina", BUDI_PASSPHRASE),
        Err(StoreError::WrongPassphrase)
    ));
    assert!(matches!(
        store.add_officer(PASSPHRASE, "BUDI SANTOSO", BUDI_PASSPHRASE),
        Err(StoreError::OfficerExists { .. })
    ));
    assert!(matches!(
        store.remove_officer(PASSPHRASE, "Rina"),
        Err(StoreError::UnknownOfficer { .. })
    ));
    assert_eq!(
        log(&store),
        [entry(OFFICER, "officer_add", Some("budi santoso"), "")]
    );

    // Budi changes his passphrase and removes nobody but can be removed.
    drop(store);
    let budi = Store::open(dir.path(), BUDI, BUDI_PASSPHRASE).unwrap();
    budi.change_passphrase(BUDI_PASSPHRASE, "budi's newer passphrase")
        .unwrap();
    drop(budi);
    let store = Store::open(dir.path(), OFFICER, PASSPHRASE).unwrap();
    store.remove_officer(PASSPHRASE, BUDI).unwrap();
    assert_eq!(
        log(&store),
        [
            entry(OFFICER, "officer_add", Some("budi santoso"), ""),
            entry("budi santoso", "passphrase", None, ""),
            // The login as it was spelled when added, however the removal typed it.
            entry(OFFICER, "officer_remove", Some("budi santoso"), ""),
        ]
    );
    assert_eq!(
        store.verify_audit().unwrap(),
        AuditCheck::Intact { entries: 3 }
    );
    // The counter's entries are about no case.
    assert!(store.audit_of("").unwrap().iter().all(|e| e.version == 0));
}

#[test]
fn batches_sealed_exported_and_acknowledged_are_logged_with_their_hashes() {
    let (_dir, mut store) = store();
    let hq = HqSecret::generate();
    store.pin_hq_key(&hq.public(), false).unwrap();
    // Pinning the same key again changes nothing.
    store.pin_hq_key(&hq.public(), false).unwrap();
    let key_sha = loket_batch::sha256_hex(hq.public().to_json().as_bytes());
    let saved = store
        .save(person("SITI AMINAH", None, None, "A-1"), None)
        .unwrap();
    store.finalize(&saved.case_id).unwrap();

    let stick = tempfile::tempdir().unwrap();
    let exported = store.export_to(stick.path()).unwrap();
    let batch = exported.sealed.unwrap();
    // Copying it again writes the file again, and says so again.
    store.export_to(stick.path()).unwrap();
    let receipt = receipt_for(&store, &hq, &[1]);
    store.apply_receipt(receipt.as_bytes()).unwrap();
    // The same receipt again acknowledges nothing new: no entry.
    store.apply_receipt(receipt.as_bytes()).unwrap();
    // Nothing left to seal: no entry.
    assert_eq!(store.seal_batch().unwrap(), None);

    assert_eq!(
        log(&store),
        [
            entry(OFFICER, "hq_key", None, &key_sha),
            entry(OFFICER, "seal", Some("1"), &batch.manifest_sha256),
            entry(OFFICER, "export", Some("1"), &batch.file_sha256),
            entry(OFFICER, "export", Some("1"), &batch.file_sha256),
            entry(
                OFFICER,
                "receipt",
                Some("1"),
                &loket_batch::sha256_hex(receipt.as_bytes())
            ),
        ]
    );
    // The case's own entries are not the counter's, and the other way round.
    let actions: Vec<String> = store
        .audit_of(&saved.case_id)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions, ["save", "finalize"]);
    assert_eq!(
        store.verify_audit().unwrap(),
        AuditCheck::Intact { entries: 7 }
    );
    assert_eq!(store.counter_log(2).unwrap().len(), 2);
    assert_eq!(store.counter_log(2).unwrap()[0].action, "receipt");
}

#[test]
fn removing_or_editing_the_counters_last_entry_is_caught() {
    let (_dir, alone) = store();
    alone
        .add_officer(PASSPHRASE, BUDI, BUDI_PASSPHRASE)
        .unwrap();
    alone
        .tamper("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 1;")
        .unwrap();
    assert_eq!(
        alone.verify_audit().unwrap(),
        AuditCheck::Broken {
            seq: None,
            why: "the log ends at entry 0 but was last written at entry 1".into()
        }
    );

    let (_dir, mut store) = store();
    store
        .save(person("SITI AMINAH", None, None, "A-1"), None)
        .unwrap();
    store
        .add_officer(PASSPHRASE, BUDI, BUDI_PASSPHRASE)
        .unwrap();
    store
        .tamper("DROP TRIGGER audit_no_update; UPDATE audit SET detail = 'Rina' WHERE seq = 2;")
        .unwrap();
    assert_eq!(
        store.verify_audit().unwrap(),
        AuditCheck::Broken {
            seq: Some(2),
            why: "its content was changed after it was written".into()
        }
    );
}

#[test]
fn a_counter_head_that_names_another_entry_is_caught() {
    let (_dir, mut store) = store();
    store
        .add_officer(PASSPHRASE, BUDI, BUDI_PASSPHRASE)
        .unwrap();
    store
        .save(person("SITI AMINAH", None, None, "A-1"), None)
        .unwrap();
    assert_eq!(
        store.verify_audit().unwrap(),
        AuditCheck::Intact { entries: 2 }
    );
    store
        .tamper(&format!(
            "UPDATE meta SET value = CAST('1 {}' AS BLOB) WHERE key = 'audit_counter_head'",
            "0".repeat(64)
        ))
        .unwrap();
    assert_eq!(
        store.verify_audit().unwrap(),
        AuditCheck::Broken {
            seq: Some(1),
            why: "it is not the entry the counter itself was last changed by".into()
        }
    );
}
