//! The case store: versions, lifecycle, duplicates, search, refusals and failures.

mod common;
use common::*;
use loket_core::status::CaseStatus;
use loket_store::{AuditCheck, Finalize, KdfParams, Store, StoreError};

#[test]
fn a_new_store_runs_every_migration_and_is_sound() {
    let (dir, store) = store();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    assert_eq!(store.count().unwrap(), 0);
    assert_eq!(
        store.verify_audit().unwrap(),
        AuditCheck::Intact { entries: 0 }
    );
    assert_eq!(store.mission().unwrap(), "PNH");
    let id = store.device_identity().unwrap();
    assert_eq!(id.public_key.len(), 64);
    drop(store);
    // Reopening runs nothing again and finds the same identity.
    let again = Store::open(dir.path(), OFFICER, PASSPHRASE).unwrap();
    assert_eq!(again.device_identity().unwrap(), id);
}

#[test]
fn init_refuses_an_existing_store_and_a_bad_mission() {
    let (dir, _store) = store();
    let err = Store::init_with(
        dir.path(),
        OFFICER,
        PASSPHRASE,
        "PNH",
        KdfParams::insecure_for_tests(),
    );
    assert!(matches!(err, Err(StoreError::AlreadyInitialised { .. })));
    let other = tempfile::tempdir().unwrap();
    let err = Store::init_with(
        other.path(),
        OFFICER,
        PASSPHRASE,
        "pnh",
        KdfParams::insecure_for_tests(),
    );
    assert!(matches!(err, Err(StoreError::InvalidMission(_))));
}

#[test]
fn every_save_is_a_new_version_and_nothing_is_overwritten() {
    let (dir, mut store) = store();
    let first = store
        .save(person("SITI AMINAH", None, None, "A-1"), None)
        .unwrap();
    assert_eq!((first.version, first.status), (1, CaseStatus::Draft));
    let mut changed = store.case(&first.case_id).unwrap().unwrap().record;
    changed.person.place_of_birth = Some("SUKABUMI".into());
    let mut store = as_officer(dir.path(), store, "ANDI");
    let second = store.save(changed, None).unwrap();
    assert_eq!(
        (second.case_id.as_str(), second.version),
        (first.case_id.as_str(), 2)
    );
    let versions = store.versions(&first.case_id).unwrap();
    assert_eq!(
        versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        [1, 2]
    );
    assert_eq!(
        (versions[0].officer.as_str(), versions[1].officer.as_str()),
        (OFFICER, "ANDI")
    );
    let v1 = store.version(&first.case_id, 1).unwrap().unwrap();
    assert_eq!(v1.record.person.place_of_birth.as_deref(), Some("CIANJUR"));
    let now = store.case(&first.case_id).unwrap().unwrap();
    assert_eq!(
        now.record.person.place_of_birth.as_deref(),
        Some("SUKABUMI")
    );
    assert_eq!(store.count().unwrap(), 1);
    // The store refuses to rewrite history even when asked in SQL.
    assert!(store
        .tamper("UPDATE case_versions SET officer = 'x'")
        .is_err());
    assert!(store.tamper("DELETE FROM audit").is_err());
}

#[test]
fn saving_fills_id_mission_and_upper_cases_the_name() {
    let (_dir, mut store) = store();
    let mut r = person("  siti aminah ", None, None, "A-1");
    r.mission = None;
    let saved = store.save(r, None).unwrap();
    let case = store.case(&saved.case_id).unwrap().unwrap();
    assert_eq!(
        uuid::Uuid::parse_str(&saved.case_id)
            .unwrap()
            .get_version_num(),
        7
    );
    assert_eq!(case.record.id.as_deref(), Some(saved.case_id.as_str()));
    assert_eq!(case.record.mission.as_deref(), Some("PNH"));
    assert_eq!(case.record.person.full_name.as_deref(), Some("SITI AMINAH"));
}

#[test]
fn a_record_that_is_not_a_case_id_is_refused_whole() {
    let (_dir, mut store) = store();
    let mut r = person("SITI", None, None, "A-1");
    r.id = Some("case-1".into());
    assert!(matches!(
        store.save(r, None),
        Err(StoreError::InvalidCaseId(_))
    ));
    assert_eq!(store.count().unwrap(), 0);
}

#[test]
fn a_draft_with_errors_cannot_be_finalised_until_fixed() {
    let (_dir, mut store) = store();
    let mut r = person(
        "SITI AMINAH",
        Some("3203005204990001"),
        Some("C1234567"),
        "A-1",
    );
    let saved = store.save(r.clone(), None).unwrap();
    assert_eq!(saved.status, CaseStatus::Draft);
    assert!(saved.report.has_errors());
    match store.finalize(&saved.case_id).unwrap() {
        Finalize::Blocked(report) => {
            let codes: Vec<_> = report.errors().map(|f| f.code).collect();
            assert_eq!(codes, ["nik.district"]);
        }
        other => panic!("finalised with an error: {other:?}"),
    }
    r.id = Some(saved.case_id.clone());
    r.person.nik = Some("3203415204990001".into());
    let fixed = store.save(r, None).unwrap();
    assert_eq!(fixed.version, 2);
    assert!(matches!(
        store.finalize(&saved.case_id).unwrap(),
        Finalize::Done { version: 2 }
    ));
    assert_eq!(
        store.case(&saved.case_id).unwrap().unwrap().status,
        CaseStatus::Finalised
    );
    assert!(matches!(
        store.finalize("0190f3c2-0000-7000-8000-000000000000"),
        Err(StoreError::CaseNotFound { .. })
    ));
}

#[test]
fn changing_a_finalised_case_needs_a_reason_and_makes_a_version() {
    let (_dir, mut store) = store();
    let saved = store
        .save(person("SITI AMINAH", None, None, "A-1"), None)
        .unwrap();
    store.finalize(&saved.case_id).unwrap();
    let mut r = store.case(&saved.case_id).unwrap().unwrap().record;
    r.notes = Some("Brother called.".into());
    let err = store.save(r.clone(), Some("  ")).unwrap_err();
    assert!(matches!(err, StoreError::ReasonRequired { .. }), "{err}");
    assert_eq!(store.versions(&saved.case_id).unwrap().len(), 1);
    let amended = store
        .save(r.clone(), Some("brother's phone added"))
        .unwrap();
    assert_eq!(
        (amended.version, amended.status),
        (2, CaseStatus::Finalised)
    );
    assert_eq!(
        store.versions(&saved.case_id).unwrap()[1].reason.as_deref(),
        Some("brother's phone added")
    );
    // An amendment that brings an error back returns the case to draft.
    r.person.sex = Some(loket_core::lenient::Lenient::Other("?".into()));
    let broken = store.save(r, Some("sex unclear")).unwrap();
    assert_eq!((broken.version, broken.status), (3, CaseStatus::Draft));
}

fn duplicate_codes(report: &loket_core::Report) -> Vec<(&str, &str)> {
    report
        .findings
        .iter()
        .filter(|f| f.code.starts_with("duplicate."))
        .map(|f| (f.field.as_str(), f.code))
        .collect()
}

#[test]
fn likely_duplicates_are_warnings_naming_the_other_case() {
    let (_dir, mut store) = store();
    let first = store
        .save(
            person(
                "SITI AMINAH",
                Some("3203415204990001"),
                Some("C1234567"),
                "A-1",
            ),
            None,
        )
        .unwrap();
    assert!(duplicate_codes(&first.report).is_empty());

    let same_nik = store
        .save(person("RINA", Some("3203415204990001"), None, "A-2"), None)
        .unwrap();
    assert_eq!(
        duplicate_codes(&same_nik.report),
        [("person.nik", "duplicate.nik")]
    );
    let message = &same_nik
        .report
        .findings
        .iter()
        .find(|f| f.code == "duplicate.nik")
        .unwrap()
        .message;
    assert!(
        message.en.contains(&first.case_id) && message.en.contains("A-1"),
        "{}",
        message.en
    );
    assert!(message.id.contains(&first.case_id));

    let same_passport = store
        .save(person("DEWI", None, Some("C1234567"), "A-3"), None)
        .unwrap();
    assert_eq!(
        duplicate_codes(&same_passport.report),
        [("passport.number", "duplicate.passport")]
    );

    // A close spelling, other word order, same birth date.
    let close = store
        .save(person("Aminah Sitti", None, None, "A-4"), None)
        .unwrap();
    assert_eq!(
        duplicate_codes(&close.report),
        [("person.full_name", "duplicate.name_dob")]
    );

    // Same name, another birth date: a different person.
    let mut other = person("SITI AMINAH", None, None, "A-5");
    other.person.date_of_birth = Some("1998-04-12".into());
    let other = store.save(other, None).unwrap();
    assert!(duplicate_codes(&other.report).is_empty());

    // A case is never its own duplicate when saved again.
    let mut again = store.case(&first.case_id).unwrap().unwrap().record;
    again.notes = Some("second look".into());
    let again = store.save(again, None).unwrap();
    assert!(!again
        .report
        .findings
        .iter()
        .any(|f| f.message.en.contains(&first.case_id)));
}

#[test]
fn search_by_name_in_any_order_and_spelling_nik_passport_and_ticket() {
    let (_dir, mut store) = store();
    let siti = store
        .save(
            person(
                "SITI AMINAH",
                Some("3203415204990001"),
                Some("C1234567"),
                "A-042",
            ),
            None,
        )
        .unwrap()
        .case_id;
    let mut r = person("M. FIRMAN D'SOUZA", None, Some("B7654321"), "B-7");
    r.person.aliases = Some(vec!["Muhammad Firman".into()]);
    let firman = store.save(r, None).unwrap().case_id;
    store
        .save(person("BUDI SANTOSO", None, None, "C-1"), None)
        .unwrap();

    let ids = |q: &str| -> Vec<String> {
        store
            .search(q, 50)
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect()
    };
    assert_eq!(ids("aminah siti"), vec![siti.clone()]);
    assert_eq!(ids("AMIN"), vec![siti.clone()]);
    assert_eq!(ids("Sití  Âminah"), vec![siti.clone()]);
    assert_eq!(ids("firman m"), vec![firman.clone()]);
    assert_eq!(ids("dsouza"), vec![firman.clone()]);
    assert_eq!(ids("muhammad"), vec![firman.clone()]);
    assert_eq!(ids("3203415204990001"), vec![siti.clone()]);
    assert_eq!(ids("c1234567"), vec![siti.clone()]);
    assert_eq!(ids("a-042"), vec![siti.clone()]);
    assert!(ids("siti budi").is_empty());
    assert!(ids("  ").is_empty());
    assert_eq!(store.search("a", 1).unwrap().len(), 1);
}

#[test]
fn a_wrong_passphrase_is_refused_and_the_store_untouched() {
    let (dir, mut store) = store();
    store
        .save(person("SITI AMINAH", None, None, "A-1"), None)
        .unwrap();
    drop(store);
    let before = file_bytes(dir.path());
    let err = Store::open(dir.path(), OFFICER, "wrong horse")
        .err()
        .unwrap();
    assert!(matches!(err, StoreError::WrongPassphrase));
    assert!(err.to_string().contains("wrong passphrase"));
    assert_eq!(file_bytes(dir.path()), before);
    assert!(Store::open(dir.path(), OFFICER, PASSPHRASE).is_ok());
}

#[test]
fn a_missing_store_says_how_to_make_one() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::open(dir.path(), OFFICER, PASSPHRASE).err().unwrap();
    assert!(matches!(err, StoreError::NotInitialised { .. }));
    assert!(err.to_string().contains("loket init"));
}

#[test]
fn a_store_of_the_first_schema_is_brought_up_to_date_and_keeps_its_cases() {
    let (dir, mut store) = store();
    let saved = store
        .save(person("SITI AMINAH", None, None, "A-1"), None)
        .unwrap();
    // Back to schema 1 as the first release wrote it.
    store
        .tamper(
            "DROP TABLE exit_list_cases; DROP TABLE exit_lists; DROP INDEX cases_finalised;
             DROP INDEX audit_case;
             DROP INDEX cases_to_purge; ALTER TABLE cases DROP COLUMN purged_at;
             DROP TRIGGER case_versions_no_update;
             CREATE TRIGGER case_versions_no_update BEFORE UPDATE ON case_versions
                 BEGIN SELECT RAISE(ABORT, 'case versions are append-only'); END;
             ALTER TABLE cases DROP COLUMN record_sha256;
             DROP INDEX cases_created; DROP TABLE mission_tokens; DROP TABLE mission_cases;
             DROP TABLE acknowledged; DROP TABLE batches; DROP INDEX outbox_unsent;
             DROP TABLE photos; DROP TABLE request_events; DROP TABLE requests;
             ALTER TABLE audit DROP COLUMN detail; PRAGMA user_version = 1;",
        )
        .unwrap();
    drop(store);
    let mut store = Store::open(dir.path(), OFFICER, PASSPHRASE).unwrap();
    assert!(store.requests().unwrap().is_empty());
    assert!(store.batches().unwrap().is_empty());
    assert_eq!(store.mission_case_count().unwrap(), 0);
    store.finalize(&saved.case_id).unwrap();
    assert_eq!(
        store.exit_lists().unwrap().pending,
        1,
        "migration 11's tables"
    );
    assert_eq!(
        store.verify_audit().unwrap(),
        AuditCheck::Intact { entries: 2 }
    );
    // The finalising entry names the saved version's hash, taken from the case's row, which
    // the upgrade filled in.
    let entries = store.audit_of(&saved.case_id).unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[1].action, "finalize");
    assert_eq!(entries[1].record_sha256, entries[0].record_sha256);
    assert_eq!(entries[0].record_sha256.len(), 64);
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn a_store_of_schema_6_drops_the_copies_it_no_longer_needs_when_brought_up_to_date() {
    let (dir, mut store) = store();
    let device = store.device_id().unwrap();
    let saved = store
        .save(person("RATNA SARI", None, None, "A-9"), None)
        .unwrap();
    // And a batch headquarters acknowledged, its bytes still kept (as schema 6 did).
    store
        .pin_hq_key(&loket_batch::HqSecret::generate().public(), false)
        .unwrap();
    store.finalize(&saved.case_id).unwrap();
    let sealed = store.seal_batch().unwrap().unwrap();
    // Back to schema 6, with the index holding one of this counter's cases whole (as
    // headquarters sent it) and two of another counter's, one of them closed.
    store
        .tamper(&format!(
            "DROP TABLE exit_list_cases; DROP TABLE exit_lists; DROP INDEX cases_finalised;
             DROP INDEX audit_case; DROP INDEX mission_departed;
             DROP INDEX cases_to_purge; ALTER TABLE cases DROP COLUMN purged_at;
             DROP TRIGGER case_versions_no_update;
             CREATE TRIGGER case_versions_no_update BEFORE UPDATE ON case_versions
                 BEGIN SELECT RAISE(ABORT, 'case versions are append-only'); END;
             DROP TRIGGER requests_no_update;
             CREATE TRIGGER requests_no_update BEFORE UPDATE ON requests
                 BEGIN SELECT RAISE(ABORT, 'requests are append-only'); END;
             DROP TRIGGER batches_frozen; ALTER TABLE batches DROP COLUMN size;
             ALTER TABLE batches DROP COLUMN request_count;
             CREATE TRIGGER batches_frozen
                 BEFORE UPDATE OF sequence, manifest_sha256, file_sha256, bytes, record_count,
                                  sealed_at
                 ON batches
                 BEGIN SELECT RAISE(ABORT, 'a sealed batch is frozen'); END;
             UPDATE batches SET acknowledged_at = '2026-01-20T03:00:00.000Z';
             INSERT INTO mission_cases (case_id, device_id, version, status, ticket, full_name,
                 aliases, date_of_birth, nik, passport_number, hq_status, seq, words)
             VALUES ('c-own', '{device}', 1, 'finalised', 'A-1', 'SITI AMINAH', '[]',
                     '1999-04-12', '3203415204990001', 'C1234567', 'departed', 1, 'AMINAH SITI'),
                    ('c-other', 'PNH-OTHER', 1, 'finalised', 'B-1', 'DEWI LESTARI', '[]',
                     '2001-08-07', NULL, NULL, NULL, 2, 'DEWI LESTARI'),
                    ('c-closed', 'PNH-OTHER', 2, 'closed', 'B-2', 'RINA WULANDARI',
                     '[\"RINA WULAN\"]', '1995-02-03', '3175024302950002', 'X7654321',
                     'departed', 3, 'RINA WULAN WULANDARI');
             INSERT INTO mission_tokens (token, case_id)
             VALUES ('AMINAH', 'c-own'), ('SITI', 'c-own'), ('DEWI', 'c-other'),
                    ('LESTARI', 'c-other'), ('RINA', 'c-closed'), ('WULAN', 'c-closed'),
                    ('WULANDARI', 'c-closed');
             PRAGMA user_version = 6;"
        ))
        .unwrap();
    drop(store);
    let store = Store::open(dir.path(), OFFICER, PASSPHRASE).unwrap();
    // Nothing of this counter's own case, nor of the other counter's closed one (migration
    // 10); the other counter's open case stays.
    let gone = [
        "SITI",
        "AMINAH",
        "3203415204990001",
        "C1234567",
        "1999-04-12",
        "RINA",
        "WULAN",
        "3175024302950002",
        "X7654321",
        "1995-02-03",
        "B-2",
    ];
    assert_eq!(in_mission_index(&store, &gone), Vec::<String>::new());
    assert_eq!(
        in_mission_index(&store, &["DEWI", "LESTARI", "B-1"]).len(),
        3,
        "another counter's open case stays"
    );
    for id in ["c-own", "c-closed"] {
        assert_eq!(
            store.hq_status(id).unwrap().map(|s| s.status),
            Some("departed".to_owned())
        );
    }
    assert_eq!(store.mission_case_count().unwrap(), 3);
    assert!(store
        .tamper("UPDATE case_versions SET officer = 'x'")
        .is_err());
    // The acknowledged batch's bytes are gone; its size stays.
    assert_eq!(store.batches().unwrap()[0].size, sealed.size);
    let values = store.every_value().unwrap();
    assert!(values
        .iter()
        .filter(|(table, _)| table == "batches")
        .all(|(_, v)| v.len() <= 64));
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn a_store_written_by_a_newer_loket_is_refused_naming_both_versions() {
    let (dir, store) = store();
    store
        .tamper("PRAGMA user_version = 99; UPDATE meta SET value = CAST('3.2.0' AS BLOB) WHERE key = 'app_version';")
        .unwrap();
    drop(store);
    let err = Store::open(dir.path(), OFFICER, PASSPHRASE).err().unwrap();
    let text = err.to_string();
    assert!(
        matches!(
            err,
            StoreError::NewerStore {
                store_schema: 99,
                ..
            }
        ),
        "{text}"
    );
    assert!(
        text.contains("Loket 3.2.0") && text.contains("store version 99"),
        "{text}"
    );
    assert!(
        text.contains(loket_store::APP_VERSION) && text.contains("store version 9"),
        "{text}"
    );
}

#[test]
fn a_full_disk_rolls_back_the_whole_save() {
    let (_dir, mut store) = store();
    store
        .save(person("SITI AMINAH", None, None, "A-0"), None)
        .unwrap();
    // Room for the schema and a little more.
    store.set_max_page_count(40).unwrap();
    let mut stored = 1;
    let mut failure = None;
    for i in 0..10_000 {
        let mut r = person("SITI AMINAH", None, None, &format!("A-{i}"));
        r.notes = Some("x".repeat(3000));
        match store.save(r, None) {
            Ok(_) => stored += 1,
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    let err = failure.expect("the disk filled");
    assert!(matches!(err, StoreError::DiskFull), "{err}");
    assert!(err.to_string().contains("rolled back"));
    assert_eq!(store.count().unwrap(), stored);
    assert_eq!(store.integrity_check().unwrap(), "ok");
    assert!(
        matches!(store.verify_audit().unwrap(), AuditCheck::Intact { entries } if entries == stored)
    );
    store.set_max_page_count(1_000_000).unwrap();
    store
        .save(person("SITI AMINAH", None, None, "A-x"), None)
        .unwrap();
    assert_eq!(store.count().unwrap(), stored + 1);
}

#[test]
fn no_file_holds_a_saved_name_nik_or_passport_number_in_plaintext() {
    let (dir, mut store) = store();
    let secrets = ["ZULKARNAEN WIRATMOKO", "3174015506880123", "X9876543"];
    for i in 0..50 {
        let mut r = person(
            secrets[0],
            Some(secrets[1]),
            Some(secrets[2]),
            &format!("T-{i}"),
        );
        r.person.aliases = Some(vec!["Zulkarnaen W".into()]);
        store.save(r, None).unwrap();
    }
    let scan = |when: &str| {
        let files = file_bytes(dir.path());
        assert!(files.iter().any(|(n, _)| n == "loket.db"));
        for (name, bytes) in &files {
            for s in secrets.iter().chain(["ZULKARNAEN", "Zulkarnaen"].iter()) {
                let found = bytes.windows(s.len()).any(|w| w == s.as_bytes());
                assert!(!found, "{s} in plaintext in {name} ({when})");
            }
        }
    };
    scan("while open, WAL present");
    drop(store);
    scan("after close");
}

#[test]
fn audit_verify_finds_an_edited_entry() {
    let (_dir, store) = store_with(4);
    assert_eq!(
        store.verify_audit().unwrap(),
        AuditCheck::Intact { entries: 4 }
    );
    store
        .tamper("DROP TRIGGER audit_no_update; UPDATE audit SET officer = 'someone else' WHERE seq = 2;")
        .unwrap();
    assert!(matches!(
        store.verify_audit().unwrap(),
        AuditCheck::Broken { seq: Some(2), .. }
    ));
}

#[test]
fn audit_verify_finds_an_inserted_entry() {
    let (_dir, store) = store_with(3);
    // Move entry 3 up and slip a forged one in as 3, carrying entry 2's hash forward.
    store
        .tamper(
            "DROP TRIGGER audit_no_update;
             UPDATE audit SET seq = 4 WHERE seq = 3;
             INSERT INTO audit (seq, at, officer, action, case_id, version, record_sha256, prev_hash, hash)
               SELECT 3, at, officer, action, case_id, version, record_sha256, hash, hash FROM audit WHERE seq = 2;",
        )
        .unwrap();
    assert!(matches!(
        store.verify_audit().unwrap(),
        AuditCheck::Broken { seq: Some(3), .. }
    ));
}

#[test]
fn audit_verify_finds_a_deleted_entry_even_the_last() {
    let (_dir, store) = store_with(4);
    store
        .tamper("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2;")
        .unwrap();
    assert!(matches!(
        store.verify_audit().unwrap(),
        AuditCheck::Broken { seq: Some(3), .. }
    ));

    let (_dir, store) = store_with(4);
    store
        .tamper("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 4;")
        .unwrap();
    match store.verify_audit().unwrap() {
        AuditCheck::Broken { seq: None, why } => assert!(why.contains("entry 3"), "{why}"),
        other => panic!("tail deletion not found: {other:?}"),
    }
}

#[test]
fn audit_verify_finds_a_changed_case_version() {
    let (_dir, mut store) = store();
    let saved = store
        .save(person("SITI AMINAH", None, None, "A-1"), None)
        .unwrap();
    store
        .tamper(&format!(
            "DROP TRIGGER case_versions_no_update;
             UPDATE case_versions SET record = replace(record, 'CIANJUR', 'BOGOR') WHERE case_id = '{}';",
            saved.case_id
        ))
        .unwrap();
    assert!(matches!(
        store.verify_audit().unwrap(),
        AuditCheck::Broken { seq: None, .. }
    ));
}

#[test]
fn closing_a_finalised_case_makes_a_closed_version_that_travels() {
    let (dir, mut store) = store();
    let saved = store
        .save(person("SITI AMINAH", None, None, "A-1"), None)
        .unwrap();
    let id = saved.case_id;
    store.finalize(&id).unwrap();
    let mut store = as_officer(dir.path(), store, "ANDI");
    assert_eq!(store.close(&id, "  departed CGK 2026-02-03 ").unwrap(), 2);

    let case = store.case(&id).unwrap().unwrap();
    assert_eq!((case.status, case.version), (CaseStatus::Closed, 2));
    let versions = store.versions(&id).unwrap();
    let closed = &versions[1];
    assert_eq!(
        (closed.version, closed.status, closed.officer.as_str()),
        (2, CaseStatus::Closed, "ANDI")
    );
    assert_eq!(closed.reason.as_deref(), Some("departed CGK 2026-02-03"));
    // The same record, unchanged: the version says only that the case is closed.
    assert_eq!(closed.record_sha256, versions[0].record_sha256);
    assert_eq!(
        store.version(&id, 2).unwrap().unwrap().record,
        store.version(&id, 1).unwrap().unwrap().record
    );
    assert_eq!(
        store.unsent_changes().unwrap().last(),
        Some(&(id.clone(), 2, CaseStatus::Closed))
    );
    let history = store.audit_of(&id).unwrap();
    let last = history.last().unwrap();
    assert_eq!((last.action.as_str(), last.version), ("close", 2));
    // And the counter's own: ANDI's login added.
    assert!(matches!(
        store.verify_audit().unwrap(),
        AuditCheck::Intact { entries: 4 }
    ));

    // Closing again changes nothing; changing a closed case reopens it, with a reason.
    assert_eq!(store.close(&id, "again").unwrap(), 2);
    assert_eq!(store.versions(&id).unwrap().len(), 2);
    assert_eq!(store.unsent_changes().unwrap().len(), 3);
    let r = store.case(&id).unwrap().unwrap().record;
    let err = store.save(r.clone(), None).unwrap_err();
    assert!(matches!(err, StoreError::ReasonRequired { .. }), "{err}");
    let reopened = store.save(r, Some("came back")).unwrap();
    assert_eq!(
        (reopened.version, reopened.status),
        (3, CaseStatus::Finalised)
    );
}

#[test]
fn only_a_finalised_case_closes_and_only_with_a_reason() {
    let (_dir, mut store) = store();
    let saved = store
        .save(person("SITI AMINAH", None, None, "A-1"), None)
        .unwrap();
    let id = saved.case_id;
    let err = store.close(&id, "departed").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("case {id} is a draft: finalise it before closing it")
    );
    store.finalize(&id).unwrap();
    let err = store.close(&id, " ").unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("case {id} is finalised: changing it needs a reason")
    );
    let unknown = "0190f3c2-8a7e-7b7c-9a51-000000000000";
    assert!(matches!(
        store.close(unknown, "departed").unwrap_err(),
        StoreError::CaseNotFound { .. }
    ));
    let case = store.case(&id).unwrap().unwrap();
    assert_eq!((case.status, case.version), (CaseStatus::Finalised, 1));
    assert_eq!(store.unsent_changes().unwrap().len(), 2);
}

#[test]
fn the_outbox_gets_every_change_in_the_same_transaction() {
    let (_dir, mut store) = store();
    let saved = store
        .save(person("SITI AMINAH", None, None, "A-1"), None)
        .unwrap();
    store.finalize(&saved.case_id).unwrap();
    assert_eq!(
        store.unsent_changes().unwrap(),
        [
            (saved.case_id.clone(), 1, CaseStatus::Draft),
            (saved.case_id.clone(), 1, CaseStatus::Finalised)
        ]
    );
}

#[test]
fn search_ranks_the_most_recently_changed_case_first() {
    let (_dir, mut store) = store();
    let aminah = store
        .save(person("SITI AMINAH", None, None, "A-1"), None)
        .unwrap()
        .case_id;
    std::thread::sleep(std::time::Duration::from_millis(5));
    let rahayu = store
        .save(person("SITI RAHAYU", None, None, "A-2"), None)
        .unwrap()
        .case_id;
    let ids = |store: &Store| -> Vec<String> {
        store
            .search("siti", 10)
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect()
    };
    assert_eq!(ids(&store), vec![rahayu.clone(), aminah.clone()]);
    std::thread::sleep(std::time::Duration::from_millis(5));
    store.finalize(&aminah).unwrap();
    assert_eq!(ids(&store), vec![aminah, rahayu]);
}

#[test]
fn audit_verify_finds_a_deleted_last_entry_that_made_no_version() {
    // The newest entry is a finalisation: no case version points at it, the case row does.
    let (_dir, mut store) = store_with(2);
    let id = store.list().unwrap()[0].id.clone();
    store.finalize(&id).unwrap();
    assert_eq!(
        store.verify_audit().unwrap(),
        AuditCheck::Intact { entries: 3 }
    );
    store
        .tamper("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 3;")
        .unwrap();
    match store.verify_audit().unwrap() {
        AuditCheck::Broken { seq: None, why } => assert!(why.contains("entry 2"), "{why}"),
        other => panic!("tail deletion not found: {other:?}"),
    }
}

#[test]
fn a_renamed_case_is_found_by_its_new_name_only() {
    let (_dir, mut store) = store();
    let saved = store
        .save(person("SITI AMINAH", None, None, "A-1"), None)
        .unwrap();
    let mut r = store.case(&saved.case_id).unwrap().unwrap().record;
    r.person.full_name = Some("SITI RAHAYU".into());
    r.person.aliases = Some(vec!["Ayu Lestari".into()]);
    store.save(r, None).unwrap();
    let found = |q: &str| store.search(q, 10).unwrap().len();
    assert_eq!(found("aminah"), 0);
    assert_eq!(found("rahayu siti"), 1);
    assert_eq!(found("lestari"), 1);
    let v = store.versions(&saved.case_id).unwrap();
    assert_eq!(v.iter().map(|v| v.version).collect::<Vec<_>>(), [1, 2]);
    assert!(store.version(&saved.case_id, 1).unwrap().is_some());
    assert!(store.version(&saved.case_id, 3).unwrap().is_none());
    assert_eq!(store.integrity_check().unwrap(), "ok");
    assert_eq!(
        store.verify_audit().unwrap(),
        AuditCheck::Intact { entries: 2 }
    );
}

#[test]
fn the_wal_stays_bounded_while_saving_and_is_gone_after_close() {
    let (dir, mut store) = store();
    let wal = dir.path().join("loket.db-wal");
    let mut largest = 0;
    for i in 0..600 {
        let r = person("SITI AMINAH", None, None, &format!("W-{i}"));
        store.save(r, None).unwrap();
        largest = largest.max(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0));
    }
    // SQLite's own automatic checkpoint stays armed as a backstop at 8,000 frames (~33 MB);
    // the checkpoint thread normally keeps the WAL far below it.
    assert!(largest < 40 << 20, "WAL grew to {largest} bytes");
    assert_eq!(store.integrity_check().unwrap(), "ok");
    drop(store);
    assert!(!wal.exists(), "the WAL outlived the store");
    let store = Store::open(dir.path(), OFFICER, PASSPHRASE).unwrap();
    assert_eq!(store.count().unwrap(), 600);
}

#[test]
fn a_store_can_move_to_another_thread() {
    // The app keeps the store in its state behind a lock; the checkpoint thread must not
    // change that.
    fn send<T: Send>() {}
    send::<Store>();
}
