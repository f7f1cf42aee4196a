mod common;

use common::*;
use loket_batch::*;

#[test]
fn seal_then_open_gives_back_exactly_the_records_and_photos() {
    let w = World::new();
    let input = w.input(3);
    let sealed = seal(&input, &w.device, &w.hq.public()).unwrap();
    let opened = w.open(&sealed.bytes).unwrap();

    assert_eq!(opened.manifest_sha256, sealed.manifest_sha256);
    assert_eq!(opened.manifest.format, "loket.batch/1");
    assert_eq!(opened.manifest.device_id, "PNH-01");
    assert_eq!(opened.manifest.sequence, 1);
    assert_eq!(opened.manifest.previous_manifest_sha256, None);
    assert_eq!(opened.manifest.recipient, w.hq.public().age_recipient());
    assert_eq!(opened.manifest.record_count, 4);
    assert_eq!(opened.manifest.audit_head, input.audit_head);
    let entries: Vec<_> = opened.records.iter().map(|r| r.entry.clone()).collect();
    assert_eq!(entries, input.records);
    for r in &opened.records {
        assert_eq!(r.record_sha256, sha256_hex(r.entry.record_text.as_bytes()));
        assert_eq!(r.record.id.as_deref(), Some(r.entry.case_id.as_str()));
    }
    assert_eq!(opened.attachments.len(), 3);
    for p in &input.attachments {
        assert_eq!(&opened.attachments[&sha256_hex(p)], p);
    }
}

#[test]
fn the_example_record_text_is_carried_byte_for_byte() {
    let w = World::new();
    let mut input = w.input(0);
    input.records.push(RecordEntry {
        case_id: "0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b11".into(),
        version: 1,
        status: loket_core::status::CaseStatus::Finalised,
        saved_at: at("2026-01-19T09:30:00+07:00"),
        officer: "officer1".into(),
        reason: None,
        photo_sha256: None,
        record_text: EXAMPLE.into(),
    });
    let opened = w
        .open(&seal(&input, &w.device, &w.hq.public()).unwrap().bytes)
        .unwrap();
    assert_eq!(opened.records[0].entry.record_text, EXAMPLE);
    assert_eq!(
        opened.records[0].record_sha256,
        sha256_hex(EXAMPLE.as_bytes())
    );
    assert!(opened.attachments.is_empty());
}

#[test]
fn a_later_batch_names_the_previous_manifest() {
    let w = World::new();
    let first = seal(&w.input(1), &w.device, &w.hq.public()).unwrap();
    let mut input = w.input(2);
    input.sequence = 2;
    input.previous_manifest_sha256 = Some(first.manifest_sha256.clone());
    let second = w
        .open(&seal(&input, &w.device, &w.hq.public()).unwrap().bytes)
        .unwrap();
    assert_eq!(
        second.manifest.previous_manifest_sha256,
        Some(first.manifest_sha256)
    );
}

#[test]
fn seal_refuses_inconsistent_input() {
    let w = World::new();
    let hq = w.hq.public();
    let mut i = w.input(1);
    i.sequence = 0;
    assert_eq!(
        seal(&i, &w.device, &hq).unwrap_err(),
        SealError::BadSequence
    );
    let mut i = w.input(1);
    i.sequence = 2;
    assert_eq!(
        seal(&i, &w.device, &hq).unwrap_err(),
        SealError::BadPrevious
    );
    let mut i = w.input(1);
    i.attachments.clear();
    assert_eq!(
        seal(&i, &w.device, &hq).unwrap_err(),
        SealError::MissingAttachment
    );
    let mut i = w.input(1);
    i.attachments.push(photo(9));
    assert_eq!(
        seal(&i, &w.device, &hq).unwrap_err(),
        SealError::UnreferencedAttachment
    );
    let mut i = w.input(1);
    let dup = i.records[0].clone();
    i.records.push(dup);
    assert_eq!(
        seal(&i, &w.device, &hq).unwrap_err(),
        SealError::DuplicateRecord
    );
    assert_eq!(
        seal(&w.input(0), &w.device, &hq).unwrap_err(),
        SealError::Empty
    );
    let mut i = w.input(1);
    i.records[0].status = loket_core::status::CaseStatus::Draft;
    assert_eq!(seal(&i, &w.device, &hq).unwrap_err(), SealError::Draft);
}

#[test]
fn a_batch_repacked_unchanged_still_opens() {
    // The tampering tests below rely on this: only their one change makes them fail.
    let w = World::new();
    let entries = w.unpack(&w.sealed(2));
    assert!(w.open(&w.pack(&entries)).is_ok());
}

#[test]
fn debug_output_holds_no_personal_data() {
    let w = World::new();
    let input = w.input(1);
    let opened = w
        .open(&seal(&input, &w.device, &w.hq.public()).unwrap().bytes)
        .unwrap();
    for text in [
        format!("{input:?}"),
        format!("{opened:?}"),
        format!("{:?}", opened.records),
    ] {
        assert!(!text.contains("SITI"), "{text}");
        assert!(!text.contains("3203415204990001"), "{text}");
    }
}
