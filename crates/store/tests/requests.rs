//! SPLP requests: serial numbers never reused or skipped, reprints and voids with reasons,
//! the QR payload signed by the counter, photos kept in the store.

mod common;
use common::*;
use loket_store::{AuditCheck, PrintKind, RequestInfo, Store, StoreError};
use serde_json::json;
use std::collections::BTreeMap;

type Outcome = loket_store::Result<Result<(RequestInfo, PrintKind), String>>;

/// Prints case `id`'s request; the "delivery" only notes what kind of page it was.
fn print(store: &mut Store, id: &str, reason: Option<&str>) -> Outcome {
    store.print_request(id, reason, |job| Ok::<_, String>(job.kind))
}

fn printed(store: &mut Store, id: &str, reason: Option<&str>) -> (RequestInfo, PrintKind) {
    print(store, id, reason).unwrap().unwrap()
}

/// A finalised case asking for an SPLP (the spec's example as a new person).
fn finalised(store: &mut Store, ticket: &str) -> String {
    let saved = store
        .save(person("SITI AMINAH", None, None, ticket), None)
        .unwrap();
    store.finalize(&saved.case_id).unwrap();
    saved.case_id
}

fn year() -> String {
    chrono::Local::now().format("%Y").to_string()
}

/// The number at the end of a serial.
fn number(serial: &str) -> u32 {
    serial.rsplit('-').next().unwrap().parse().unwrap()
}

#[test]
fn the_first_print_takes_the_next_serial_and_a_second_is_a_reprint_with_a_reason() {
    let (_dir, store) = store();
    let mut store = with_mission(store);
    let id = finalised(&mut store, "A-1");
    let (first, kind) = printed(&mut store, &id, None);
    assert_eq!(kind, PrintKind::Original);
    let series = format!("PNH-{}-", year());
    assert!(first.serial.starts_with(&series), "{}", first.serial);
    assert_eq!(first.serial.len(), series.len() + 4 + 1 + 6);
    assert!(first.serial.ends_with("-000001"), "{}", first.serial);
    assert_eq!((first.version, first.prints), (1, 1));

    let err = print(&mut store, &id, None).unwrap_err();
    assert!(
        matches!(&err, StoreError::ReprintReasonRequired { serial } if *serial == first.serial),
        "{err}"
    );
    let (again, kind) = printed(&mut store, &id, Some("printer jammed"));
    assert_eq!(kind, PrintKind::Reprint);
    assert_eq!(
        (again.serial.as_str(), again.prints),
        (first.serial.as_str(), 2)
    );
    assert_eq!(
        again.payload, first.payload,
        "a reprint carries the same QR code"
    );

    let audit: Vec<(String, Option<String>)> = store
        .audit_of(&id)
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.detail))
        .collect();
    assert_eq!(
        audit,
        [
            ("save".into(), None),
            ("finalize".into(), None),
            ("print".into(), Some(first.serial.clone())),
            ("reprint".into(), Some(first.serial.clone())),
        ]
    );
    // And the counter's own: the mission's details.
    assert_eq!(
        store.verify_audit().unwrap(),
        AuditCheck::Intact { entries: 5 }
    );
}

#[test]
fn drafts_cases_without_an_splp_and_a_mission_without_an_address_are_refused() {
    let (_dir, mut store) = store();
    let id = finalised(&mut store, "A-1");
    assert!(matches!(
        print(&mut store, &id, None),
        Err(StoreError::MissionProfileMissing)
    ));
    let mut store = with_mission(store);
    let mut draft = person("BUDI", None, None, "A-2");
    draft.person.nik = Some("123".into());
    let draft = store.save(draft, None).unwrap().case_id;
    assert!(matches!(
        print(&mut store, &draft, None),
        Err(StoreError::NotFinalised { .. })
    ));
    let mut v = example_json();
    v.as_object_mut().unwrap().remove("id");
    v["request"] = json!({ "document": "none" });
    v["passport"] = json!({ "status": "held", "number": "C7654321", "expiry_date": "2031-01-01" });
    let none = store.save(record(v), None).unwrap().case_id;
    store.finalize(&none).unwrap();
    assert!(matches!(
        print(&mut store, &none, None),
        Err(StoreError::NoSplpRequest { .. })
    ));
    assert!(matches!(
        print(&mut store, "0190f3c2-0000-7000-8000-000000000000", None),
        Err(StoreError::CaseNotFound { .. })
    ));
    assert!(store.requests().unwrap().is_empty(), "no number was used");
}

#[test]
fn a_failed_delivery_uses_no_number_and_records_nothing() {
    let (_dir, store) = store();
    let mut store = with_mission(store);
    let id = finalised(&mut store, "A-1");
    let entries = store.audit_of(&id).unwrap().len();
    let failed = store
        .print_request(&id, None, |_| Err::<(), _>("printer offline"))
        .unwrap();
    assert_eq!(failed.unwrap_err(), "printer offline");
    assert!(store.requests().unwrap().is_empty());
    assert_eq!(store.audit_of(&id).unwrap().len(), entries);
    let (request, kind) = printed(&mut store, &id, None);
    assert_eq!((number(&request.serial), kind), (1, PrintKind::Original));
}

#[test]
fn a_changed_case_voids_its_old_request_and_takes_a_new_number() {
    let (_dir, store) = store();
    let mut store = with_mission(store);
    let id = finalised(&mut store, "A-1");
    let (old, _) = printed(&mut store, &id, None);
    let mut r = store.case(&id).unwrap().unwrap().record;
    r.notes = Some("Port of entry changed.".into());
    r.request.as_mut().unwrap().port_of_entry = Some("SUB".into());
    store.save(r, Some("flight to Surabaya")).unwrap();
    let (new, kind) = printed(&mut store, &id, None);
    assert_eq!(kind, PrintKind::Original, "no reprint reason asked");
    assert_eq!((number(&new.serial), new.version), (2, 2));
    let old = store.request(&old.serial).unwrap().unwrap();
    let void = old.void.expect("the old request is void");
    assert_eq!(void.reason, "superseded: case changed from version 1 to 2");
    assert_eq!(store.requests_of(&id).unwrap().len(), 2);
    // The void is audited against what the old paper states: version 1 and its record.
    let void_entry = store
        .audit_of(&id)
        .unwrap()
        .into_iter()
        .find(|e| e.action == "void")
        .unwrap();
    assert_eq!(void_entry.version, 1);
    assert_eq!(
        void_entry.record_sha256,
        store.versions(&id).unwrap()[0].record_sha256
    );
    // With the mission's details.
    assert_eq!(
        store.verify_audit().unwrap(),
        AuditCheck::Intact { entries: 7 }
    );
}

#[test]
fn a_void_needs_a_reason_keeps_its_number_and_its_page_says_void() {
    let (dir, store) = store();
    let mut store = with_mission(store);
    let id = finalised(&mut store, "A-1");
    let (request, _) = printed(&mut store, &id, None);
    let mut store = as_officer(dir.path(), store, "ANDI");
    assert!(matches!(
        store.void_request(&request.serial, " "),
        Err(StoreError::VoidReasonRequired { .. })
    ));
    let voided = store
        .void_request(&request.serial, "ink smudged the name")
        .unwrap();
    let void = voided.void.unwrap();
    assert_eq!(
        (void.officer.as_str(), void.reason.as_str()),
        ("ANDI", "ink smudged the name")
    );
    assert!(matches!(
        store.void_request(&request.serial, "again"),
        Err(StoreError::AlreadyVoid { .. })
    ));
    assert!(matches!(
        store.void_request("PNH-2026-XXXX-999999", "typo"),
        Err(StoreError::RequestNotFound { .. })
    ));
    let page = store.request_page(&request.serial).unwrap();
    assert_eq!(page.kind, PrintKind::Void);
    assert_eq!(page.record.person.full_name.as_deref(), Some("SITI AMINAH"));
    // The case prints again under the next number.
    let (next, kind) = printed(&mut store, &id, None);
    assert_eq!((number(&next.serial), kind), (2, PrintKind::Original));
}

#[test]
fn serials_stay_unique_and_gapless_across_1000_requests_with_voids_and_reprints() {
    let (_dir, store) = store();
    let mut store = with_mission(store);
    let mut ids = Vec::new();
    for i in 0..700 {
        ids.push(finalised(&mut store, &format!("A-{i}")));
    }
    let mut originals = 0;
    let mut voids = 0;
    let mut reprints = 0;
    // A fixed mix: every case printed; every 3rd reprinted; every 5th voided and printed
    // again (a new number); every 7th's printing fails once (no number).
    for (i, id) in ids.iter().enumerate() {
        if i % 7 == 0 {
            let failed = store
                .print_request(id, None, |_| Err::<(), _>("jam"))
                .unwrap();
            assert!(failed.is_err());
        }
        let (request, _) = printed(&mut store, id, None);
        originals += 1;
        if i % 3 == 0 {
            printed(&mut store, id, Some("second copy for the file"));
            reprints += 1;
        }
        if i % 5 == 0 {
            store.void_request(&request.serial, "spoiled").unwrap();
            voids += 1;
            printed(&mut store, id, None);
            originals += 1;
        }
    }
    for id in ids.iter().take(300 - (originals - 700)) {
        // More originals through changed cases, until 1,000 numbers.
        let mut r = store.case(id).unwrap().unwrap().record;
        r.notes = Some(format!("changed {id}"));
        store.save(r, Some("notes")).unwrap();
        printed(&mut store, id, None);
        originals += 1;
        voids += 1;
    }
    assert_eq!(originals, 1000);
    let requests = store.requests().unwrap();
    let numbers: Vec<u32> = requests.iter().map(|r| number(&r.serial)).collect();
    assert_eq!(
        numbers,
        (1..=1000).collect::<Vec<_>>(),
        "unique and gapless"
    );
    let mut serials: Vec<&str> = requests.iter().map(|r| r.serial.as_str()).collect();
    serials.dedup();
    assert_eq!(serials.len(), 1000);
    assert_eq!(requests.iter().filter(|r| r.void.is_some()).count(), voids);
    assert!(requests
        .iter()
        .filter_map(|r| r.void.as_ref())
        .all(|v| !v.reason.is_empty()));
    let prints: u32 = requests.iter().map(|r| r.prints).sum();
    assert_eq!(prints as usize, originals + reprints);
    // At most one live request per case.
    let mut live: BTreeMap<&str, u32> = BTreeMap::new();
    for r in requests.iter().filter(|r| r.void.is_none()) {
        *live.entry(r.case_id.as_str()).or_default() += 1;
    }
    assert_eq!(live.len(), 700);
    assert!(live.values().all(|n| *n == 1));
    assert!(matches!(
        store.verify_audit().unwrap(),
        AuditCheck::Intact { .. }
    ));
    assert_eq!(
        store
            .today(&loket_store::start_of_local_day(), 0)
            .unwrap()
            .printed,
        1000
    );
}

#[test]
fn the_qr_payload_names_the_record_and_verifies_with_the_counters_key() {
    let (_dir, store) = store();
    let mut store = with_mission(store);
    let id = finalised(&mut store, "A-1");
    let (request, _) = printed(&mut store, &id, None);
    let payload = loket_qr::Payload::parse(&request.payload).unwrap();
    let claim = payload.verify(&store.verifying_key().unwrap()).unwrap();
    assert_eq!(claim.serial, request.serial);
    assert_eq!((claim.case_id.as_str(), claim.version), (id.as_str(), 1));
    assert_eq!(
        (claim.full_name.as_str(), claim.date_of_birth.as_str()),
        ("SITI AMINAH", "1999-04-12")
    );
    assert_eq!(
        Some(claim.record_sha256),
        store.record_sha256(&id, 1).unwrap()
    );
    assert_eq!(claim.device_id, store.device_identity().unwrap().device_id);
}

#[test]
fn a_photo_is_kept_in_the_store_audited_and_given_to_the_page() {
    let (dir, store) = store();
    let mut store = with_mission(store);
    let id = finalised(&mut store, "A-1");
    assert_eq!(store.photo(&id).unwrap(), None);
    let jpeg = b"\xff\xd8\xff\xe0 stands in for a normalised photo".to_vec();
    let sha = store.attach_photo(&id, &jpeg).unwrap();
    assert_eq!(store.photo(&id).unwrap().as_deref(), Some(jpeg.as_slice()));
    let last = store.audit_of(&id).unwrap().pop().unwrap();
    assert_eq!((last.action.as_str(), last.record_sha256), ("photo", sha));
    assert!(matches!(
        store.attach_photo("0190f3c2-0000-7000-8000-000000000000", &jpeg),
        Err(StoreError::CaseNotFound { .. })
    ));
    let photo = store
        .print_request(&id, None, |job| Ok::<_, ()>(job.photo.clone()))
        .unwrap()
        .unwrap()
        .1;
    assert_eq!(photo, Some(jpeg));
    drop(store);
    let store = Store::open(dir.path(), OFFICER, PASSPHRASE).unwrap();
    assert_eq!(store.requests().unwrap().len(), 1);
}

#[test]
fn removing_the_last_print_from_the_audit_log_is_found() {
    let (_dir, store) = store();
    let mut store = with_mission(store);
    let id = finalised(&mut store, "A-1");
    printed(&mut store, &id, None);
    store
        .tamper(
            "DROP TRIGGER audit_no_delete;
             DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit);",
        )
        .unwrap();
    assert!(matches!(
        store.verify_audit().unwrap(),
        AuditCheck::Broken { .. }
    ));
}

#[test]
fn the_mission_profile_is_kept_and_trimmed() {
    let (dir, mut store) = store();
    assert!(!store.mission_profile().unwrap().is_complete());
    store
        .set_mission_details(
            " KBRI Phnom Penh ",
            "No. 1, Street 466\nPhnom Penh",
            "Phnom Penh",
        )
        .unwrap();
    drop(store);
    let store = Store::open(dir.path(), OFFICER, PASSPHRASE).unwrap();
    let profile = store.mission_profile().unwrap();
    assert_eq!(profile.code, "PNH");
    assert_eq!(profile.name, "KBRI Phnom Penh");
    assert_eq!(profile.address, "No. 1, Street 466\nPhnom Penh");
    assert!(profile.is_complete());
}
