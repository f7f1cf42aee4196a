//! Per-officer logins: each officer unlocks the store with their own name and passphrase.

mod common;
use common::*;
use loket_store::{AuditCheck, Store, StoreError};

const BUDI: &str = "Budi Santoso";
const BUDI_PASSPHRASE: &str = "budi's own passphrase";

#[test]
fn each_officer_unlocks_with_their_own_passphrase_and_is_named_in_the_audit_log() {
    let (dir, store) = store();
    assert_eq!(store.officer(), OFFICER);
    let added = store
        .add_officer(PASSPHRASE, "  budi   santoso ", BUDI_PASSPHRASE)
        .unwrap();
    assert_eq!(added, "budi santoso");
    assert_eq!(store.officers().unwrap(), [OFFICER, "budi santoso"]);
    drop(store);

    let mut budi = Store::open(dir.path(), "BUDI SANTOSO", BUDI_PASSPHRASE).unwrap();
    assert_eq!(budi.officer(), "budi santoso", "the login's own spelling");
    let saved = budi
        .save(person("SITI AMINAH", None, None, "A-1"), None)
        .unwrap();
    drop(budi);

    let before = file_bytes(dir.path());
    assert!(matches!(
        Store::open(dir.path(), BUDI, PASSPHRASE),
        Err(StoreError::WrongPassphrase)
    ));
    assert!(matches!(
        Store::open(dir.path(), OFFICER, BUDI_PASSPHRASE),
        Err(StoreError::WrongPassphrase)
    ));
    let err = Store::open(dir.path(), "Rina", PASSPHRASE).err().unwrap();
    assert!(matches!(&err, StoreError::UnknownOfficer { name } if name == "Rina"));
    assert_eq!(
        err.to_string(),
        "no officer Rina at this counter: an officer who can unlock it adds you (Settings, or `loket officer add`)"
    );
    assert_eq!(file_bytes(dir.path()), before, "refusals change nothing");

    let store = Store::open(dir.path(), OFFICER, PASSPHRASE).unwrap();
    let audit = store.audit_of(&saved.case_id).unwrap();
    assert_eq!(audit[0].officer, "budi santoso");
}

#[test]
fn changing_the_logins_asks_for_the_officers_own_passphrase_again() {
    let (dir, store) = store();
    let key_file = || std::fs::read(dir.path().join("keyring.json")).unwrap();
    let before = key_file();
    assert!(matches!(
        store.add_officer("not my passphrase", BUDI, BUDI_PASSPHRASE),
        Err(StoreError::WrongPassphrase)
    ));
    assert!(matches!(
        store.change_passphrase("not my passphrase", "a new passphrase"),
        Err(StoreError::WrongPassphrase)
    ));
    assert!(matches!(
        store.add_officer(PASSPHRASE, BUDI, "short"),
        Err(StoreError::ShortPassphrase)
    ));
    assert!(matches!(
        store.add_officer(PASSPHRASE, "   ", BUDI_PASSPHRASE),
        Err(StoreError::InvalidOfficer)
    ));
    let err = store
        .add_officer(PASSPHRASE, &OFFICER.to_lowercase(), BUDI_PASSPHRASE)
        .err()
        .unwrap();
    assert!(matches!(&err, StoreError::OfficerExists { name } if name == "sari"));
    assert_eq!(store.officers().unwrap(), [OFFICER]);
    assert_eq!(key_file(), before, "refusals change nothing");
}

#[test]
fn a_removed_officer_can_no_longer_unlock_and_nobody_removes_themselves() {
    let (dir, store) = store();
    store
        .add_officer(PASSPHRASE, BUDI, BUDI_PASSPHRASE)
        .unwrap();
    assert!(matches!(
        store.remove_officer(PASSPHRASE, &OFFICER.to_lowercase()),
        Err(StoreError::RemoveSelf)
    ));
    assert!(matches!(
        store.remove_officer("not my passphrase", BUDI),
        Err(StoreError::WrongPassphrase)
    ));
    assert!(matches!(
        store.remove_officer(PASSPHRASE, "Rina"),
        Err(StoreError::UnknownOfficer { .. })
    ));
    assert_eq!(store.officers().unwrap(), [OFFICER, BUDI]);
    store.remove_officer(PASSPHRASE, "budi santoso").unwrap();
    assert_eq!(store.officers().unwrap(), [OFFICER]);
    drop(store);
    assert!(matches!(
        Store::open(dir.path(), BUDI, BUDI_PASSPHRASE),
        Err(StoreError::UnknownOfficer { .. })
    ));
    let store = Store::open(dir.path(), OFFICER, PASSPHRASE).unwrap();
    // The add and the remove.
    assert_eq!(
        store.verify_audit().unwrap(),
        AuditCheck::Intact { entries: 2 }
    );
}

#[test]
fn a_changed_passphrase_replaces_the_old_one() {
    let (dir, store) = store();
    store
        .add_officer(PASSPHRASE, BUDI, BUDI_PASSPHRASE)
        .unwrap();
    store
        .change_passphrase(PASSPHRASE, "sari's new passphrase")
        .unwrap();
    drop(store);
    assert!(matches!(
        Store::open(dir.path(), OFFICER, PASSPHRASE),
        Err(StoreError::WrongPassphrase)
    ));
    let store = Store::open(dir.path(), OFFICER, "sari's new passphrase").unwrap();
    assert_eq!(store.officers().unwrap(), [OFFICER, BUDI]);
    drop(store);
    assert!(
        Store::open(dir.path(), BUDI, BUDI_PASSPHRASE).is_ok(),
        "others' logins stay"
    );
}

#[test]
fn the_key_file_names_officers_but_holds_no_passphrase_or_key() {
    let (dir, store) = store();
    store
        .add_officer(PASSPHRASE, BUDI, BUDI_PASSPHRASE)
        .unwrap();
    drop(store);
    let text = std::fs::read_to_string(dir.path().join("keyring.json")).unwrap();
    assert!(text.contains(BUDI) && text.contains(OFFICER));
    assert!(!text.contains(BUDI_PASSPHRASE) && !text.contains(PASSPHRASE));
}
