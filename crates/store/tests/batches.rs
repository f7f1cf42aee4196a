//! Sealed batches at the counter: what goes in, the chain between batches, frozen bytes,
//! receipts from headquarters and the USB export.

mod common;
use common::*;
use loket_batch::{HeldVersion, HqSecret, Receipt};
use loket_core::status::CaseStatus;
use loket_store::{batch_file_name, AuditCheck, Store, StoreError};

/// A store with headquarters' key pinned; the secret half for opening its batches.
fn counter() -> (tempfile::TempDir, Store, HqSecret) {
    let (dir, mut store) = store();
    let hq = HqSecret::generate();
    store.pin_hq_key(&hq.public(), false).unwrap();
    (dir, store, hq)
}

fn finalised(store: &mut Store, name: &str, ticket: &str) -> String {
    let saved = store.save(person(name, None, None, ticket), None).unwrap();
    store.finalize(&saved.case_id).unwrap();
    saved.case_id
}

#[test]
fn sealing_needs_the_pinned_key_and_something_finalised() {
    let (_dir, mut store) = store();
    finalised(&mut store, "SITI AMINAH", "A-1");
    assert!(matches!(store.seal_batch(), Err(StoreError::HqKeyMissing)));

    let (_dir, mut store, _hq) = counter();
    store
        .save(person("DRAFT ONLY", None, None, "A-2"), None)
        .unwrap();
    assert_eq!(store.seal_batch().unwrap(), None);
    assert!(store.batches().unwrap().is_empty());
    assert_eq!(store.sync_counts().unwrap().unsealed_versions, 0);
}

#[test]
fn a_batch_holds_exactly_the_finalised_versions_with_their_photos() {
    let (_dir, mut store, hq) = counter();
    let a = finalised(&mut store, "SITI AMINAH", "A-1");
    let b = finalised(&mut store, "DEWI LESTARI", "A-2");
    let draft = store
        .save(person("STILL TYPING", None, None, "A-3"), None)
        .unwrap()
        .case_id;
    let jpeg = photo_bytes();
    let photo_sha = store.attach_photo(&a, &jpeg).unwrap();
    assert_eq!(store.sync_counts().unwrap().unsealed_versions, 2);

    let info = store.seal_batch().unwrap().unwrap();
    assert_eq!((info.sequence, info.record_count), (1, 2));
    assert_eq!(info.acknowledged_at, None);
    let batch = opened(&store, &hq, 1);
    assert_eq!(batch.manifest.sequence, 1);
    assert_eq!(batch.manifest.previous_manifest_sha256, None);
    assert_eq!(batch.manifest_sha256, info.manifest_sha256);
    assert_eq!(
        batch.manifest.device_id,
        store.device_card().unwrap().device_id
    );
    let ids: Vec<_> = batch
        .records
        .iter()
        .map(|r| (r.entry.case_id.as_str(), r.entry.version, r.entry.status))
        .collect();
    assert_eq!(
        ids,
        [
            (a.as_str(), 1, CaseStatus::Finalised),
            (b.as_str(), 1, CaseStatus::Finalised)
        ]
    );
    assert!(batch.records.iter().all(|r| r.entry.case_id != draft));
    // The record travels byte for byte as stored: its hash is the stored version's.
    let stored = store.versions(&a).unwrap()[0].record_sha256.clone();
    assert_eq!(batch.records[0].record_sha256, stored);
    assert_eq!(
        batch.records[0].entry.photo_sha256.as_deref(),
        Some(photo_sha.as_str())
    );
    assert_eq!(batch.attachments[&photo_sha], jpeg);
    assert_eq!(batch.records[1].entry.photo_sha256, None);

    // Sealed versions are not sealed again.
    assert_eq!(store.seal_batch().unwrap(), None);
    assert_eq!(store.sync_counts().unwrap().unsealed_versions, 0);
    assert_eq!(store.sync_counts().unwrap().unacknowledged_batches, 1);
}

#[test]
fn a_large_batch_read_on_two_connections_holds_every_version_in_order_once() {
    let (_dir, mut store, hq) = counter();
    store.tamper("PRAGMA synchronous = OFF").unwrap();
    let jpeg = photo_bytes();
    let mut other = photo_bytes();
    other[10] ^= 1;
    let mut expected = Vec::new();
    for i in 0..2_100 {
        let id = finalised(&mut store, "SITI AMINAH", &format!("A-{i}"));
        // A photo on a few cases, one of them shared by two cases; one case's photo replaced.
        let photo = match i {
            7 | 1_500 => Some(store.attach_photo(&id, &jpeg).unwrap()),
            2_000 => {
                store.attach_photo(&id, &jpeg).unwrap();
                Some(store.attach_photo(&id, &other).unwrap())
            }
            _ => None,
        };
        expected.push((id, photo));
    }
    store.tamper("PRAGMA synchronous = FULL").unwrap();
    let info = store.seal_batch().unwrap().unwrap();
    assert_eq!(info.record_count, 2_100);
    let batch = opened(&store, &hq, 1);
    let got: Vec<(String, Option<String>)> = batch
        .records
        .iter()
        .map(|r| (r.entry.case_id.clone(), r.entry.photo_sha256.clone()))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(batch.attachments.len(), 2);
    assert_eq!(batch.attachments[&expected[7].1.clone().unwrap()], jpeg);
    assert_eq!(
        batch.attachments[&expected[2_000].1.clone().unwrap()],
        other
    );
    assert_eq!(store.seal_batch().unwrap(), None);
    assert_eq!(store.sync_counts().unwrap().unsealed_versions, 0);
}

#[test]
fn the_next_batch_names_the_previous_manifest_and_carries_only_new_versions() {
    let (dir, mut store, hq) = counter();
    let a = finalised(&mut store, "SITI AMINAH", "A-1");
    let first = store.seal_batch().unwrap().unwrap();
    let mut changed = store.case(&a).unwrap().unwrap().record;
    changed.person.place_of_birth = Some("SUKABUMI".into());
    store
        .save(changed, Some("place of birth misheard"))
        .unwrap();
    let b = finalised(&mut store, "DEWI LESTARI", "A-2");
    // Across a restart: the sequence and the chain come from the store.
    drop(store);
    let mut store = Store::open(dir.path(), OFFICER, PASSPHRASE).unwrap();
    let second = store.seal_batch().unwrap().unwrap();
    assert_eq!(second.sequence, 2);
    let batch = opened(&store, &hq, 2);
    assert_eq!(
        batch.manifest.previous_manifest_sha256.as_deref(),
        Some(first.manifest_sha256.as_str())
    );
    let ids: Vec<_> = batch
        .records
        .iter()
        .map(|r| {
            (
                r.entry.case_id.as_str(),
                r.entry.version,
                r.entry.reason.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            (a.as_str(), 2, Some("place of birth misheard")),
            (b.as_str(), 1, None)
        ]
    );
}

#[test]
fn a_sealed_batch_is_frozen() {
    let (_dir, mut store, _hq) = counter();
    finalised(&mut store, "SITI AMINAH", "A-1");
    store.seal_batch().unwrap();
    let bytes = store.batch_bytes(1).unwrap().unwrap();
    assert_eq!(store.batch_bytes(1).unwrap().unwrap(), bytes);
    for sql in [
        "UPDATE batches SET bytes = x'00' WHERE sequence = 1",
        "UPDATE batches SET sequence = 7 WHERE sequence = 1",
        "DELETE FROM batches",
    ] {
        assert!(store.tamper(sql).is_err(), "{sql}");
    }
    assert_eq!(store.batch_bytes(1).unwrap().unwrap(), bytes);
}

#[test]
fn a_receipt_marks_exactly_what_headquarters_holds_and_only_when_it_verifies() {
    let (_dir, mut store, hq) = counter();
    let a = finalised(&mut store, "SITI AMINAH", "A-1");
    let b = finalised(&mut store, "DEWI LESTARI", "A-2");
    assert_eq!(store.unacknowledged().unwrap().versions, 2, "unsealed");
    store.seal_batch().unwrap();
    assert_eq!(
        store.unacknowledged().unwrap().versions,
        2,
        "sealed, not acknowledged"
    );
    let good = receipt_for(&store, &hq, &[1]);

    // Signed by someone else: refused, nothing marked.
    let forged = good.replace(&good[good.len() - 20..good.len() - 4], "0000000000000000");
    assert!(matches!(
        store.apply_receipt(forged.as_bytes()),
        Err(StoreError::Receipt(_))
    ));
    let other = HqSecret::generate();
    let device = store.device_card().unwrap().device_id;
    let by_other = Receipt::new(
        device.clone(),
        vec![1],
        vec![],
        chrono::Utc::now().fixed_offset(),
    )
    .sign(&other.sign);
    assert!(matches!(
        store.apply_receipt(by_other.as_bytes()),
        Err(StoreError::Receipt(_))
    ));
    // For another counter: refused.
    let elsewhere =
        Receipt::new("PNH-99", vec![1], vec![], chrono::Utc::now().fixed_offset()).sign(&hq.sign);
    assert!(matches!(
        store.apply_receipt(elsewhere.as_bytes()),
        Err(StoreError::ReceiptForAnotherCounter { .. })
    ));
    assert!(!store.is_acknowledged(&a, 1).unwrap());
    assert_eq!(store.batches().unwrap()[0].acknowledged_at, None);

    let ack = store.apply_receipt(good.as_bytes()).unwrap();
    assert_eq!(
        (ack.new_versions, ack.new_cases, ack.total_versions),
        (2, 2, 2)
    );
    assert_eq!((ack.new_batches.as_slice(), ack.mismatched), (&[1][..], 0));
    assert!(store.is_acknowledged(&a, 1).unwrap() && store.is_acknowledged(&b, 1).unwrap());
    assert!(store.batches().unwrap()[0].acknowledged_at.is_some());
    assert_eq!(store.sync_counts().unwrap().acknowledged_cases, 2);
    assert_eq!(store.unacknowledged().unwrap().versions, 0);
    // The same receipt again changes nothing.
    let again = store.apply_receipt(good.as_bytes()).unwrap();
    assert_eq!((again.new_versions, again.new_batches.len()), (0, 0));

    // A version named with another hash is not acknowledged.
    let c = finalised(&mut store, "RATNA SARI", "A-3");
    store
        .save(person("STILL TYPING", None, None, "A-4"), None)
        .unwrap();
    assert_eq!(
        store.unacknowledged().unwrap().versions,
        1,
        "drafts wait for nothing"
    );
    let wrong = Receipt::new(
        device,
        vec![],
        vec![HeldVersion {
            case_id: c.clone(),
            version: 1,
            record_sha256: "0".repeat(64),
        }],
        chrono::Utc::now().fixed_offset(),
    )
    .sign(&hq.sign);
    let ack = store.apply_receipt(wrong.as_bytes()).unwrap();
    assert_eq!((ack.new_versions, ack.mismatched), (0, 1));
    assert!(!store.is_acknowledged(&c, 1).unwrap());
}

#[test]
fn a_receipt_checks_an_older_version_against_that_version_not_the_current_one() {
    let (_dir, mut store, hq) = counter();
    let a = finalised(&mut store, "SITI AMINAH", "A-1");
    store.seal_batch().unwrap();
    let batch_1 = receipt_for(&store, &hq, &[1]);
    // The officer changes the case before headquarters' receipt for version 1 comes back.
    let mut changed = person("SITI AMINAH BINTI ALI", None, None, "A-1");
    changed.id = Some(a.clone());
    let v2 = store
        .save(changed, Some("name as in the passport"))
        .unwrap();
    assert_eq!((v2.case_id.as_str(), v2.version), (a.as_str(), 2));

    // Version 1 under another hash, and a case this counter never had: nothing marked.
    let device = store.device_card().unwrap().device_id;
    let held = |case_id: &str, record_sha256: String| HeldVersion {
        case_id: case_id.to_owned(),
        version: 1,
        record_sha256,
    };
    let wrong = Receipt::new(
        device,
        vec![],
        vec![
            held(&a, "0".repeat(64)),
            held("0190f3c2-0000-7000-8000-000000000000", "1".repeat(64)),
        ],
        chrono::Utc::now().fixed_offset(),
    )
    .sign(&hq.sign);
    let ack = store.apply_receipt(wrong.as_bytes()).unwrap();
    assert_eq!((ack.new_versions, ack.mismatched), (0, 1));

    let ack = store.apply_receipt(batch_1.as_bytes()).unwrap();
    assert_eq!((ack.new_versions, ack.mismatched), (1, 0));
    assert!(store.is_acknowledged(&a, 1).unwrap());
    assert!(!store.is_acknowledged(&a, 2).unwrap());
}

/// A receipt whose versions start at batch N (`receipt_from`) confirms batches N and later
/// only: an earlier batch whose versions it does not list stays unacknowledged, whatever
/// its batch list says. The query names the first unacknowledged batch.
#[test]
fn a_receipt_from_a_later_batch_confirms_only_the_batches_whose_versions_it_lists() {
    let (_dir, mut store, hq) = counter();
    assert_eq!(store.receipt_from().unwrap(), 1);
    let a = finalised(&mut store, "SITI AMINAH", "A-1");
    store.seal_batch().unwrap();
    let b = finalised(&mut store, "DEWI LESTARI", "A-2");
    store.seal_batch().unwrap();
    assert_eq!(store.receipt_from().unwrap(), 1);

    // Batches 1 and 2 held, versions listed from batch 2 (more than the counter asked for).
    let full = receipt_for(&store, &hq, &[1, 2]);
    let only_2: Receipt = {
        let mut r = Receipt::verify(full.as_bytes(), &hq.public().sign).unwrap();
        r.records.retain(|h| h.case_id == b);
        // As headquarters wrote it before receipts left out the earlier batch numbers too.
        r.records_from_batch = Some(2);
        r
    };
    let ack = store
        .apply_receipt(only_2.sign(&hq.sign).as_bytes())
        .unwrap();
    assert_eq!((ack.new_versions, ack.new_batches), (1, vec![2]));
    assert!(store.is_acknowledged(&b, 1).unwrap());
    assert!(!store.is_acknowledged(&a, 1).unwrap());
    assert_eq!(store.receipt_from().unwrap(), 1);

    let ack = store.apply_receipt(full.as_bytes()).unwrap();
    assert_eq!((ack.new_versions, ack.new_batches), (1, vec![1]));
    assert_eq!(store.receipt_from().unwrap(), 3);
}

#[test]
fn export_writes_every_unacknowledged_batch_whole_and_the_same_bytes_each_time() {
    let (_dir, mut store, hq) = counter();
    let stick = tempfile::tempdir().unwrap();
    let device = store.device_card().unwrap().device_id;
    // Nothing finalised: nothing written.
    let none = store.export_to(stick.path()).unwrap();
    assert_eq!((none.sealed, none.files.len()), (None, 0));
    assert_eq!(std::fs::read_dir(stick.path()).unwrap().count(), 0);

    finalised(&mut store, "SITI AMINAH", "A-1");
    let first = store.export_to(stick.path()).unwrap();
    assert_eq!(first.sealed.as_ref().unwrap().sequence, 1);
    let path1 = stick.path().join(batch_file_name(&device, 1));
    assert_eq!(first.files, std::slice::from_ref(&path1));
    let bytes1 = std::fs::read(&path1).unwrap();
    assert_eq!(bytes1, store.batch_bytes(1).unwrap().unwrap());

    // Exporting again seals nothing and leaves the same bytes; a new case makes batch 2.
    let again = store.export_to(stick.path()).unwrap();
    assert_eq!((again.sealed, again.files), (None, vec![path1.clone()]));
    finalised(&mut store, "DEWI LESTARI", "A-2");
    let second = store.export_to(stick.path()).unwrap();
    let path2 = stick.path().join(batch_file_name(&device, 2));
    assert_eq!(second.files, [path1.clone(), path2.clone()]);
    assert_eq!(std::fs::read(&path1).unwrap(), bytes1);

    // Exporting marks nothing; once headquarters acknowledges batch 1 it is not written.
    assert_eq!(store.sync_counts().unwrap().unacknowledged_batches, 2);
    store
        .apply_receipt(receipt_for(&store, &hq, &[1]).as_bytes())
        .unwrap();
    // Its bytes are not kept either; what it was stays listed.
    assert_eq!(store.batch_bytes(1).unwrap(), None);
    assert_eq!(store.batches().unwrap()[0].size, bytes1.len() as u64);
    let other_stick = tempfile::tempdir().unwrap();
    let third = store.export_to(other_stick.path()).unwrap();
    assert_eq!(
        third.files,
        [other_stick.path().join(batch_file_name(&device, 2))]
    );
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(other_stick.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1);
}

#[test]
fn a_write_error_leaves_no_batch_file_and_changes_nothing() {
    let (_dir, mut store, _hq) = counter();
    finalised(&mut store, "SITI AMINAH", "A-1");
    store.seal_batch().unwrap();
    let stick = tempfile::tempdir().unwrap();
    let device = store.device_card().unwrap().device_id;
    let name = batch_file_name(&device, 1);
    // Something in the way of the temporary file: the write fails.
    std::fs::create_dir(stick.path().join(format!(".{name}.partial"))).unwrap();
    let before = store.batches().unwrap();
    let err = store.export_to(stick.path()).unwrap_err();
    assert!(matches!(err, StoreError::ExportWrite { .. }), "{err}");
    assert!(err.to_string().contains("nothing changed"), "{err}");
    assert!(!stick.path().join(&name).exists());
    assert_eq!(store.batches().unwrap(), before);

    let missing = stick.path().join("not-mounted");
    assert!(matches!(
        store.export_to(&missing),
        Err(StoreError::NotAFolder { .. })
    ));
}

/// Bytes standing in for a photo: the store keeps what it is given (the app checks and
/// normalises photos before attaching them).
fn photo_bytes() -> Vec<u8> {
    let mut p = vec![0xFF, 0xD8, 0xFF, 0xE0];
    p.extend((0..3000).map(|k| (k % 251) as u8));
    p.extend([0xFF, 0xD9]);
    p
}

/// Whether any value in the store holds `needle`.
fn anywhere(store: &Store, needle: &[u8]) -> Vec<String> {
    store
        .every_value()
        .unwrap()
        .into_iter()
        .filter(|(_, v)| v.windows(needle.len()).any(|w| w == needle))
        .map(|(table, _)| table)
        .collect()
}

#[test]
fn a_closed_case_is_purged_once_headquarters_holds_its_closing_and_not_before() {
    let (_dir, mut store, hq) = counter();
    store
        .set_mission_details("KBRI Phnom Penh", "No. 1, Street 466", "Phnom Penh")
        .unwrap();
    let nik = "3203415204990001";
    let gone = store
        .save(
            person("SITI AMINAH", Some(nik), Some("C1234567"), "A-1"),
            None,
        )
        .unwrap()
        .case_id;
    store.finalize(&gone).unwrap();
    let photo = photo_bytes();
    store.attach_photo(&gone, &photo).unwrap();
    let (request, ()) = store
        .print_request(&gone, None, |_| Ok::<_, String>(()))
        .unwrap()
        .unwrap();
    let kept = finalised(&mut store, "DEWI LESTARI", "A-2");
    store.seal_batch().unwrap();
    let ack = store
        .apply_receipt(receipt_for(&store, &hq, &[1]).as_bytes())
        .unwrap();
    assert_eq!(
        (ack.new_versions, ack.purged),
        (2, 0),
        "acknowledged, not closed"
    );

    // Closed, sealed, not yet acknowledged: still here.
    assert_eq!(store.close(&gone, "flew home on 3 Feb").unwrap(), 2);
    store.seal_batch().unwrap();
    assert_eq!(
        store.case(&gone).unwrap().unwrap().status,
        CaseStatus::Closed
    );
    let versions = store.versions(&gone).unwrap();
    let second = receipt_for(&store, &hq, &[2]);
    let ack = store.apply_receipt(second.as_bytes()).unwrap();
    assert_eq!((ack.new_versions, ack.purged), (1, 1));

    // What identified the person is gone from every table.
    for needle in [
        &b"SITI"[..],
        nik.as_bytes(),
        b"C1234567",
        b"flew home",
        &photo,
    ] {
        assert_eq!(anywhere(&store, needle), Vec::<String>::new(), "{needle:?}");
    }
    // What proves what happened stays.
    let err = store.case(&gone).unwrap_err();
    assert!(matches!(err, StoreError::Purged { .. }), "{err}");
    assert!(
        err.to_string().contains("handed over to headquarters"),
        "{err}"
    );
    assert!(matches!(
        store.version(&gone, 1),
        Err(StoreError::Purged { .. })
    ));
    let after = store.versions(&gone).unwrap();
    assert_eq!(
        after
            .iter()
            .map(|v| (v.version, v.status, &v.record_sha256))
            .collect::<Vec<_>>(),
        versions
            .iter()
            .map(|v| (v.version, v.status, &v.record_sha256))
            .collect::<Vec<_>>()
    );
    assert!(after.iter().all(|v| v.reason.is_none()));
    let last = store.audit_of(&gone).unwrap().pop().unwrap();
    assert_eq!(
        (last.action.as_str(), last.officer.as_str(), last.version),
        ("purge", loket_store::PURGE_OFFICER, 2)
    );
    // 8 about the cases, 6 the counter's own: headquarters' key, the mission's details, two
    // seals and two receipts.
    assert_eq!(
        store.verify_audit().unwrap(),
        AuditCheck::Intact { entries: 14 }
    );
    assert_eq!(store.counter_log(10).unwrap().len(), 6);
    let row = store.page(0, 10).unwrap().pop().unwrap();
    assert_eq!(
        (
            row.id.as_str(),
            row.full_name.as_str(),
            row.ticket,
            row.status
        ),
        (gone.as_str(), "", None, CaseStatus::Closed)
    );
    assert!(row.purged_at.is_some());
    assert!(store.search("siti", 10).unwrap().is_empty());
    assert!(store.search(nik, 10).unwrap().is_empty());
    assert_eq!(store.photo(&gone).unwrap(), None);
    let serial = store.request(&request.serial).unwrap().unwrap();
    assert_eq!((serial.payload.as_str(), serial.prints), ("", 1));
    assert!(store.is_acknowledged(&gone, 2).unwrap());

    // Nothing can bring the person back at this counter.
    let mut again = person("SITI AMINAH", Some(nik), None, "A-9");
    again.id = Some(gone.clone());
    assert!(matches!(
        store.save(again, Some("came back")),
        Err(StoreError::Purged { .. })
    ));
    assert!(matches!(
        store.attach_photo(&gone, &photo),
        Err(StoreError::Purged { .. })
    ));
    assert!(matches!(
        store.print_request(&gone, Some("again"), |_| Ok::<_, String>(())),
        Err(StoreError::Purged { .. })
    ));
    assert_eq!(store.close(&gone, "again").unwrap(), 2);
    store
        .void_request(&request.serial, "spoiled copy found")
        .unwrap();

    // The other case is untouched; the same receipt again purges nothing.
    assert_eq!(
        store.case(&kept).unwrap().unwrap().status,
        CaseStatus::Finalised
    );
    let ack = store.apply_receipt(second.as_bytes()).unwrap();
    assert_eq!((ack.new_versions, ack.purged), (0, 0));
    assert_eq!(
        store.verify_audit().unwrap(),
        AuditCheck::Intact { entries: 15 }
    );
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn a_record_emptied_without_a_purge_breaks_the_audit_chain() {
    let (_dir, mut store, _hq) = counter();
    let id = finalised(&mut store, "SITI AMINAH", "A-1");
    // The shape a purge writes gets past the trigger; anything else does not.
    assert!(store
        .tamper("UPDATE case_versions SET record = 'x'")
        .is_err());
    store
        .tamper("UPDATE case_versions SET record = '', reason = NULL")
        .unwrap();
    assert_eq!(
        store.verify_audit().unwrap(),
        AuditCheck::Broken {
            seq: None,
            why: format!("case {id} version 1 lost its record without a purge")
        }
    );
}

/// Prints the SPLP request of case `id` (the page is not needed); its serial.
fn print(store: &mut Store, id: &str, reprint: Option<&str>) -> String {
    store
        .print_request(id, reprint, |_| Ok::<_, ()>(()))
        .unwrap()
        .unwrap()
        .0
        .serial
}

#[test]
fn prints_and_voids_travel_once_each_in_the_next_batch_even_without_a_case_version() {
    let (_dir, mut store, hq) = counter();
    store
        .set_mission_details("KBRI Phnom Penh", "Street 466", "Phnom Penh")
        .unwrap();
    let siti = finalised(&mut store, "SITI AMINAH", "A-1");
    let serial = print(&mut store, &siti, None);
    print(&mut store, &siti, Some("paper jam"));
    assert_eq!(store.sync_counts().unwrap().unsealed_requests, 2);
    let waiting = |store: &Store| {
        let u = store.unacknowledged().unwrap();
        (u.versions, u.requests)
    };
    assert_eq!(waiting(&store), (1, 2));

    // Batch 1: Siti's version, her print and her reprint, with what the request states.
    let first = store.seal_batch().unwrap().unwrap();
    assert_eq!((first.record_count, first.request_count), (1, 2));
    let m = opened(&store, &hq, 1).manifest;
    let events: Vec<_> = m
        .requests
        .iter()
        .map(|e| (e.serial.as_str(), e.action.as_str(), e.reason.as_deref()))
        .collect();
    assert_eq!(
        events,
        [
            (serial.as_str(), "print", None),
            (serial.as_str(), "reprint", Some("paper jam"))
        ]
    );
    let record = opened(&store, &hq, 1).records.remove(0);
    assert!(m.requests.iter().all(|e| e.case_id == siti
        && e.version == 1
        && e.record_sha256 == record.record_sha256
        && e.officer == store.officer()));
    assert_eq!(store.seal_batch().unwrap(), None);

    // A void alone is a batch of its own, with no case version in it.
    assert_eq!(store.sync_counts().unwrap().unsealed_requests, 0);
    store.void_request(&serial, "spoiled").unwrap();
    assert_eq!(store.sync_counts().unwrap().unsealed_requests, 1);
    assert_eq!(
        waiting(&store),
        (1, 3),
        "batch 1 is sealed, not acknowledged"
    );
    let second = store.seal_batch().unwrap().unwrap();
    assert_eq!((second.record_count, second.request_count), (0, 1));
    let opened2 = opened(&store, &hq, 2);
    assert!(opened2.records.is_empty());
    assert_eq!(opened2.manifest.requests.len(), 1);
    assert_eq!(opened2.manifest.requests[0].action.as_str(), "void");
    assert_eq!(
        opened2.manifest.requests[0].reason.as_deref(),
        Some("spoiled")
    );
    assert!(opened2.manifest.requests[0].seq > m.requests[1].seq);
    assert_eq!(store.seal_batch().unwrap(), None);

    // Headquarters' receipt for it confirms the batch, though it names no version.
    let receipt = receipt_for(&store, &hq, &[1, 2]);
    let ack = store.apply_receipt(receipt.as_bytes()).unwrap();
    assert_eq!((ack.new_versions, ack.new_batches), (1, vec![1, 2]));
    assert_eq!(waiting(&store), (0, 0));
    assert!(store
        .batches()
        .unwrap()
        .iter()
        .all(|b| b.acknowledged_at.is_some()));
    assert!(matches!(
        store.verify_audit().unwrap(),
        AuditCheck::Intact { .. }
    ));
}
