//! The import path through the library, on SQLite and on PostgreSQL alike: idempotence,
//! order-freedom, the chain, conflicts, receipts and gaps.

mod common;

use common::*;
use loket_batch::{BatchError, HeldVersion};
use loket_hq::{Counts, Enrolment, Hq, HqError, Outcome};

on_both_backends!(
    an_imported_batch_lists_its_cases,
    the_same_batch_twice_changes_nothing_and_yields_the_same_receipt,
    batches_in_any_order_and_repeated_end_in_the_same_state,
    a_version_held_already_is_never_duplicated,
    the_same_number_with_different_content_is_refused,
    an_unknown_device_is_refused,
    a_fork_is_refused_either_side,
    a_version_held_with_different_content_refuses_the_whole_batch,
    a_fault_found_late_refuses_the_whole_batch_and_keeps_no_file,
    photos_are_read_back_from_the_kept_batch_byte_for_byte,
    a_missing_or_damaged_kept_batch_is_named,
    migration_3_keeps_the_photos_stored_before_it_readable,
    a_wrong_passphrase_is_refused_and_touches_nothing,
    the_receipt_verifies_and_lists_exactly_what_is_held,
    gaps_in_batch_numbers_are_reported,
    enrolment_is_idempotent_and_never_swaps_a_key,
    init_twice_is_refused,
    a_newer_schema_is_refused_naming_both_versions,
);

fn an_imported_batch_lists_its_cases(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let bytes = counter.seal_next(&site.public(), &[(0, 1), (1, 1), (2, 1), (0, 2)]);
    let mut hq = site.hq();
    let imported = hq.import(&bytes).unwrap();
    assert_eq!(imported.outcome, Outcome::Applied);
    assert_eq!(
        (imported.device_id.as_str(), imported.sequence),
        ("PNH-01", 1)
    );
    assert_eq!(
        (
            imported.records,
            imported.new_records,
            imported.held_records
        ),
        (4, 4, 0)
    );
    assert_eq!(imported.new_photos, 3);
    assert_eq!(
        hq.counts().unwrap(),
        Counts {
            devices: 1,
            batches: 1,
            records: 4,
            photos: 3,
            cases: 3,
            requests: 0,
            request_events: 0,
        }
    );
    let cases = hq.cases().unwrap();
    let ids: Vec<(&str, u64)> = cases
        .iter()
        .map(|c| (c.case_id.as_str(), c.version))
        .collect();
    assert_eq!(
        ids,
        vec![
            (case_id(0).as_str(), 2),
            (case_id(1).as_str(), 1),
            (case_id(2).as_str(), 1)
        ]
    );
    let c = &cases[0];
    assert_eq!(c.full_name.as_deref(), Some("SITI AMINAH"));
    assert_eq!(c.date_of_birth.as_deref(), Some("1999-04-12"));
    assert_eq!(c.nik.as_deref(), Some("3203415204990001"));
    assert_eq!(c.passport_number.as_deref(), Some("C1234567"));
    assert_eq!(
        (c.mission.as_str(), c.device_id.as_str(), c.status.as_str()),
        ("PNH", "PNH-01", "finalised")
    );
    assert_eq!(c.updated_at, "2026-01-19T09:32:00+07:00");
}

fn the_same_batch_twice_changes_nothing_and_yields_the_same_receipt(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let bytes = counter.seal_next(&site.public(), &[(0, 1), (1, 1)]);
    let mut hq = site.hq();
    let first = hq.import(&bytes).unwrap();
    let counts = hq.counts().unwrap();
    let cases = hq.cases().unwrap();
    for _ in 0..2 {
        let again = hq.import(&bytes).unwrap();
        assert_eq!(again.outcome, Outcome::AlreadyHeld);
        assert_eq!(
            (again.records, again.new_records, again.held_records),
            (2, 0, 2)
        );
        assert_eq!(again.receipt, first.receipt, "byte-identical receipt");
        assert_eq!(hq.counts().unwrap(), counts);
        assert_eq!(hq.cases().unwrap(), cases);
    }
    // And from a new process's view too.
    assert_eq!(site.hq().import(&bytes).unwrap().receipt, first.receipt);
}

/// Three chained batches whose case versions overlap, imported in `order` at a new
/// headquarters: what it ends up holding.
fn end_state(b: Backend, order: &[usize]) -> State {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let public = site.public();
    let batches = [
        counter.seal_next(&public, &[(0, 1), (1, 1), (2, 1)]),
        counter.seal_next(&public, &[(0, 2), (3, 1)]),
        counter.seal_next(&public, &[(0, 3), (1, 2), (4, 1)]),
    ];
    let mut hq = site.hq();
    for &i in order {
        hq.import(&batches[i]).unwrap();
    }
    let receipt = verify_receipt(hq.receipt("PNH-01").unwrap().as_bytes(), &public);
    State {
        counts: hq.counts().unwrap(),
        // The change numbers record the order of arrival, which differs by design.
        cases: hq
            .cases()
            .unwrap()
            .into_iter()
            .map(|c| loket_hq::CaseRow { seq: 0, ..c })
            .collect(),
        batches: receipt.batches,
        records: receipt.records,
    }
}

#[derive(Debug, PartialEq)]
struct State {
    counts: Counts,
    cases: Vec<loket_hq::CaseRow>,
    batches: Vec<u64>,
    records: Vec<HeldVersion>,
}

fn batches_in_any_order_and_repeated_end_in_the_same_state(b: Backend) {
    let in_order = end_state(b, &[0, 1, 2]);
    assert_eq!(
        in_order.counts,
        Counts {
            devices: 1,
            batches: 3,
            records: 8,
            photos: 5,
            cases: 5,
            requests: 0,
            request_events: 0,
        }
    );
    let versions: Vec<u64> = in_order.cases.iter().map(|c| c.version).collect();
    assert_eq!(versions, vec![3, 2, 1, 1, 1]);
    assert_eq!(in_order.batches, vec![1, 2, 3]);
    assert_eq!(in_order.records.len(), 8);
    for order in [&[2, 0, 1][..], &[2, 0, 1, 2, 0, 1, 1], &[1, 2, 0, 0]] {
        assert_eq!(end_state(b, order), in_order, "order {order:?}");
    }
}

fn a_version_held_already_is_never_duplicated(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let public = site.public();
    let b1 = counter.seal_next(&public, &[(0, 1), (1, 1)]);
    // Batch 2 carries case 1 version 1 again (same text) and something new.
    let b2 = counter.seal_next(&public, &[(1, 1), (1, 2), (2, 1)]);
    let mut hq = site.hq();
    hq.import(&b1).unwrap();
    let second = hq.import(&b2).unwrap();
    assert_eq!(second.outcome, Outcome::Applied);
    assert_eq!((second.new_records, second.held_records), (2, 1));
    assert_eq!(second.new_photos, 1);
    assert_eq!(
        hq.counts().unwrap(),
        Counts {
            devices: 1,
            batches: 2,
            records: 4,
            photos: 3,
            cases: 3,
            requests: 0,
            request_events: 0,
        }
    );
    let receipt = verify_receipt(second.receipt.as_bytes(), &public);
    assert_eq!(receipt.records.len(), 4);
}

fn the_same_number_with_different_content_is_refused(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let public = site.public();
    let b1 = counter.seal_next(&public, &[(0, 1)]);
    let other = counter.seal_as(&public, 1, None, &[(5, 1)]).bytes;
    let mut hq = site.hq();
    hq.import(&b1).unwrap();
    let before = hq.counts().unwrap();
    let e = hq.import(&other).unwrap_err();
    assert!(
        matches!(e, HqError::DifferentContent { ref device_id, sequence: 1 } if device_id == "PNH-01"),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "refused: batch 1 of device PNH-01 was imported before with different content"
    );
    assert_eq!(hq.counts().unwrap(), before);
}

fn an_unknown_device_is_refused(b: Backend) {
    let site = Site::new(b);
    let mut stranger = Counter::new("KUL-07");
    let bytes = stranger.seal_next(&site.public(), &[(0, 1)]);
    let mut hq = site.hq();
    let before = hq.counts().unwrap();
    let e = hq.import(&bytes).unwrap_err();
    assert!(
        matches!(e, HqError::Refused(BatchError::UnknownDevice)),
        "{e}"
    );
    assert_eq!(hq.counts().unwrap(), before);
    assert_eq!(before, Counts::default());
}

fn a_fork_is_refused_either_side(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let public = site.public();
    let b1 = counter.seal_next(&public, &[(0, 1)]);
    let _b2 = counter.seal_next(&public, &[(1, 1)]);
    let b3 = counter.seal_next(&public, &[(2, 1)]);
    let mut hq = site.hq();
    hq.import(&b1).unwrap();
    hq.import(&b3).unwrap();
    let before = hq.counts().unwrap();

    // A batch 2 that does not follow batch 1 held.
    let stray = "cd".repeat(32);
    let fork = counter.seal_as(&public, 2, Some(stray), &[(7, 1)]).bytes;
    let e = hq.import(&fork).unwrap_err();
    assert!(
        matches!(
            e,
            HqError::ForkAfter {
                sequence: 2,
                previous: 1,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(hq.counts().unwrap(), before);

    // A batch 2 that follows batch 1 but is not the one batch 3 names.
    let fork = counter
        .seal_as(&public, 2, Some(counter.chain[0].clone()), &[(7, 1)])
        .bytes;
    let e = hq.import(&fork).unwrap_err();
    assert!(
        matches!(
            e,
            HqError::ForkBefore {
                sequence: 2,
                next: 3,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(
        e.to_string(),
        "refused: batch 3 of device PNH-01, held, does not follow batch 2 (its previous manifest hash differs): a fork"
    );
    assert_eq!(hq.counts().unwrap(), before);
}

fn a_version_held_with_different_content_refuses_the_whole_batch(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let public = site.public();
    let b1 = counter.seal_next(&public, &[(0, 1)]);
    let mut hq = site.hq();
    hq.import(&b1).unwrap();
    let before = hq.counts().unwrap();
    // Batch 2: new cases, and case 0 version 1 with other text (version 2's).
    let secret = site.secret();
    let b2 = counter.seal_next(&public, &[(3, 1), (0, 2), (4, 1)]);
    let mut e = unpack(&b2, &secret);
    edit_records(&mut e, |_, line| {
        if line["version"] == 2 {
            line["version"] = 1.into();
        }
    });
    refresh(&mut e, &counter.key);
    let err = hq.import(&pack(&e, &public)).unwrap_err();
    assert!(
        matches!(err, HqError::VersionConflict { ref case_id, version: 1 } if *case_id == common::case_id(0)),
        "{err}"
    );
    assert_eq!(hq.counts().unwrap(), before);
}

/// Every file under the data directory's `batches/`, by name relative to it.
fn kept_files(site: &Site) -> Vec<String> {
    fn walk(dir: &std::path::Path, base: &std::path::Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, base, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    let base = site.dir.join(loket_hq::BATCHES_DIR);
    let mut out = Vec::new();
    walk(&base, &base, &mut out);
    out.sort();
    out
}

/// The batch file is kept while the batch is still being checked: a fault found late (in
/// the last photo, in the last record) leaves nothing of the batch, in the database or in
/// the data directory; a damaged copy of a batch held already is refused as damaged.
fn a_fault_found_late_refuses_the_whole_batch_and_keeps_no_file(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let (public, secret) = (site.public(), site.secret());
    let cases: Vec<(usize, u64)> = (0..300).map(|i| (i, 1)).collect();
    let good = counter.seal_next(&public, &cases);
    let mut hq = site.hq();
    let empty = hq.counts().unwrap();

    // The last photo in the zip differs from the hash the manifest names for it.
    let mut e = unpack(&good, &secret);
    let last = e
        .iter()
        .rposition(|(name, _)| name.starts_with("attachments/"))
        .unwrap();
    e[last].1[10] ^= 1;
    let damaged = pack(&e, &public);
    let err = hq.import(&damaged).unwrap_err();
    assert!(
        matches!(err, HqError::Refused(BatchError::HashMismatch)),
        "{err}"
    );
    assert_eq!(hq.counts().unwrap(), empty);
    assert_eq!(kept_files(&site), Vec::<String>::new());

    // The last record fails validation (district 00), sealed consistently by its device.
    let mut e = unpack(&good, &secret);
    edit_record_text(&mut e, cases.len() - 1, |text| {
        text.replace("3203415204990001", "3203005204990001")
    });
    refresh(&mut e, &counter.key);
    let err = hq.import(&pack(&e, &public)).unwrap_err();
    assert!(
        matches!(err, HqError::Refused(BatchError::InvalidRecord)),
        "{err}"
    );
    assert_eq!(hq.counts().unwrap(), empty);
    assert_eq!(kept_files(&site), Vec::<String>::new());

    let imported = hq.import(&good).unwrap();
    assert_eq!((imported.new_records, imported.new_photos), (300, 300));
    let kept = format!("PNH-01/1-{}.loket-batch", loket_batch::sha256_hex(&good));
    assert_eq!(kept_files(&site), vec![kept.clone()]);
    let held = hq.counts().unwrap();
    let err = hq.import(&damaged).unwrap_err();
    assert!(
        matches!(err, HqError::Refused(BatchError::HashMismatch)),
        "{err}"
    );
    assert_eq!(hq.counts().unwrap(), held);
    assert_eq!(kept_files(&site), vec![kept]);
}

/// Photos stay in the batch that brought them, kept as it arrived; each is read back
/// exactly, also when a later batch refers to it again.
fn photos_are_read_back_from_the_kept_batch_byte_for_byte(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let first = counter.seal_next(&site.public(), &[(0, 1), (1, 1)]);
    let second = counter.seal_next(&site.public(), &[(0, 2), (2, 1)]);
    let mut hq = site.hq();
    assert_eq!(hq.import(&first).unwrap().new_photos, 2);
    // Case 0's photo came with batch 1 already.
    assert_eq!(hq.import(&second).unwrap().new_photos, 1);

    let kept = |n: u64, bytes: &[u8]| {
        loket_hq::kept_batch_path(&site.dir, "PNH-01", n, &loket_batch::sha256_hex(bytes))
    };
    assert_eq!(std::fs::read(kept(1, &first)).unwrap(), first);
    assert_eq!(std::fs::read(kept(2, &second)).unwrap(), second);
    for i in 0..3 {
        let hash = loket_batch::sha256_hex(&photo(i));
        assert_eq!(hq.photo(&hash).unwrap(), Some(photo(i)), "photo {i}");
        assert_eq!(hq.case_photo(&case_id(i)).unwrap(), Some(photo(i)));
    }
    assert_eq!(hq.photo(&"0".repeat(64)).unwrap(), None);
    let err = hq.case_photo(&case_id(9)).unwrap_err();
    assert!(matches!(err, HqError::UnknownCase { .. }), "{err}");

    // The same through the command line.
    let out = site.tmp.path().join("case-2.jpg");
    let run = site.cli(&["photo", &case_id(2), "--out", out.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{run:?}");
    assert_eq!(std::fs::read(&out).unwrap(), photo(2));
    let missing = site.tmp.path().join("case-9.jpg");
    let run = site.cli(&["photo", &case_id(9), "--out", missing.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&run.stderr),
        format!("loket-hq: no case {} is held\n", case_id(9))
    );
    assert!(!missing.exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}

fn a_missing_or_damaged_kept_batch_is_named(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let bytes = counter.seal_next(&site.public(), &[(0, 1)]);
    let mut hq = site.hq();
    hq.import(&bytes).unwrap();
    let path = loket_hq::kept_batch_path(&site.dir, "PNH-01", 1, &loket_batch::sha256_hex(&bytes));

    // A bit flipped in the middle of the file (inside the photo's age chunk).
    let mut damaged = bytes.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 1;
    std::fs::write(&path, &damaged).unwrap();
    let err = hq.case_photo(&case_id(0)).unwrap_err();
    assert!(matches!(err, HqError::KeptBatch { .. }), "{err}");
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );

    std::fs::remove_file(&path).unwrap();
    let err = hq.case_photo(&case_id(0)).unwrap_err();
    assert!(matches!(err, HqError::KeptBatch { .. }), "{err}");

    // Importing the batch again (held already) does not bring the file back, but a copy
    // of it restored from a backup serves again.
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(hq.case_photo(&case_id(0)).unwrap(), Some(photo(0)));
}

/// A headquarters of schema 2 stored photos in its database: after migration 3 they are
/// still read from there, while new ones stay in their batch.
fn migration_3_keeps_the_photos_stored_before_it_readable(b: Backend) {
    let site = Site::uninitialised(b);
    let mut counter = Counter::new("PNH-01");
    let mut hq = Hq::init_at_schema(
        &site.dir,
        &site.url(),
        OPERATOR,
        PASSPHRASE,
        loket_hq::WorkFactor::insecure_for_tests(),
        Some(2),
    )
    .unwrap();
    hq.enrol(&counter.card()).unwrap();
    // Batch 1 as loket-hq of schema 2 stored it: case 0 with its photo in the database.
    let previous = "ab".repeat(32);
    let hash = loket_batch::sha256_hex(&photo(0));
    let jpeg = match b {
        Backend::Sqlite => format!("x'{}'", hex::encode(photo(0))),
        Backend::Postgres => format!("decode('{}', 'hex')", hex::encode(photo(0))),
    };
    let text = record_text(0, 1).replace('\'', "''");
    let id = case_id(0);
    hq.database()
        .tamper(&format!(
            "INSERT INTO batches VALUES ('PNH-01', 1, 'PNH', '{previous}', 'ff', NULL, 1,
                '2026-01-19T18:00:00+07:00', '2026-01-19T19:00:00.000Z');
             INSERT INTO photos VALUES ('{hash}', {jpeg});
             INSERT INTO records VALUES ('{id}', 1, 'PNH-01', 'PNH', 'finalised',
                '2026-01-19T09:31:00+07:00', 'officer1', NULL, 'ff', '{text}', '{hash}', 1);
             INSERT INTO cases (case_id, version, mission, device_id, status, full_name,
                date_of_birth, nik, passport_number, updated_at, seq)
             VALUES ('{id}', 1, 'PNH', 'PNH-01', 'finalised', 'SITI AMINAH', '1999-04-12',
                NULL, NULL, '2026-01-19T09:31:00+07:00', 1);
             UPDATE mission_seq SET last_seq = 1;
             INSERT INTO mission_seq SELECT 'PNH', 1 WHERE NOT EXISTS (SELECT 1 FROM mission_seq);"
        ))
        .unwrap();
    drop(hq);

    let mut hq = site.hq();
    assert_eq!(hq.database().schema_version().unwrap(), 5);
    assert_eq!(hq.case_photo(&id).unwrap(), Some(photo(0)));
    // Batch 2 brings case 0 again (its photo held already) and case 1 with a new one.
    let sealed = counter.seal_as(&site.public(), 2, Some(previous), &[(0, 2), (1, 1)]);
    counter.chain.push(sealed.manifest_sha256.clone());
    let imported = hq.import(&sealed.bytes).unwrap();
    assert_eq!((imported.new_records, imported.new_photos), (2, 1));
    assert_eq!(hq.case_photo(&id).unwrap(), Some(photo(0)));
    assert_eq!(hq.case_photo(&case_id(1)).unwrap(), Some(photo(1)));
    assert_eq!(
        hq.counts().unwrap(),
        Counts {
            devices: 1,
            batches: 2,
            records: 3,
            photos: 2,
            cases: 2,
            requests: 0,
            request_events: 0,
        }
    );
    // A stored photo whose bytes changed is not given out.
    let zero = match b {
        Backend::Sqlite => "x'00'",
        Backend::Postgres => "decode('00', 'hex')",
    };
    hq.database()
        .tamper(&format!(
            "UPDATE photos SET jpeg = {zero} WHERE sha256 = '{hash}'"
        ))
        .unwrap();
    let err = hq.case_photo(&id).unwrap_err();
    assert!(matches!(err, HqError::PhotoDamaged { .. }), "{err}");
}

fn a_wrong_passphrase_is_refused_and_touches_nothing(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    site.hq()
        .import(&counter.seal_next(&site.public(), &[(0, 1)]))
        .unwrap();
    let secret_file = std::fs::read(site.dir.join("hq-logins.json")).unwrap();
    let before = site.counts();
    let e = Hq::open(&site.dir, &site.url(), OPERATOR, "wrong horse battery").unwrap_err();
    assert!(matches!(e, HqError::WrongPassphrase), "{e}");
    assert_eq!(
        e.to_string(),
        "wrong passphrase: nothing was opened or changed"
    );
    assert_eq!(
        std::fs::read(site.dir.join("hq-logins.json")).unwrap(),
        secret_file
    );
    assert_eq!(site.counts(), before);
}

fn the_receipt_verifies_and_lists_exactly_what_is_held(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    let mut other = Counter::new("PNH-02");
    site.enrol(&counter);
    site.enrol(&other);
    let public = site.public();
    let b1 = counter.seal_next(&public, &[(0, 1), (1, 1)]);
    let _b2 = counter.seal_next(&public, &[(2, 1)]);
    let b3 = counter.seal_next(&public, &[(0, 2), (3, 1)]);
    let o1 = other.seal_next(&public, &[(10, 1)]);
    let mut hq = site.hq();
    hq.import(&b1).unwrap();
    hq.import(&o1).unwrap();
    let imported = hq.import(&b3).unwrap();
    let path = site.put("batch.loket", &b3);
    let (_, receipt_path) = hq.import_file(&path).unwrap();
    assert_eq!(receipt_path, site.usb().join("PNH-01.loket-receipt"));
    let written = std::fs::read(&receipt_path).unwrap();
    assert_eq!(written, imported.receipt.as_bytes());
    let receipt = verify_receipt(&written, &public);
    assert_eq!(receipt.device_id, "PNH-01");
    assert_eq!(receipt.batches, vec![1, 3]);
    let expected: Vec<HeldVersion> = [(0, 1), (0, 2), (1, 1), (3, 1)]
        .iter()
        .map(|&(i, v)| HeldVersion {
            case_id: case_id(i),
            version: v,
            record_sha256: loket_batch::sha256_hex(record_text(i, v).as_bytes()),
        })
        .collect();
    assert_eq!(receipt.records, expected);
    // Signed by this headquarters, not another.
    let stranger = loket_batch::HqSecret::generate().public();
    assert!(loket_batch::Receipt::verify(&written, &stranger.sign).is_err());
}

fn gaps_in_batch_numbers_are_reported(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    let idle = Counter::new("PNH-09");
    site.enrol(&counter);
    site.enrol(&idle);
    let public = site.public();
    let batches: Vec<Vec<u8>> = (0..5)
        .map(|i| counter.seal_next(&public, &[(i, 1)]))
        .collect();
    let mut hq = site.hq();
    let mut last = None;
    for i in [0, 1, 2, 4] {
        last = Some(hq.import(&batches[i]).unwrap());
    }
    let last = last.unwrap();
    assert_eq!(last.batches.held, vec![1, 2, 3, 5]);
    assert_eq!(last.batches.missing, vec![4]);
    assert_eq!(last.batches.describe(), "held 1–3, 5; missing 4");
    let devices = hq.devices().unwrap();
    assert_eq!(devices.len(), 2);
    assert_eq!(devices[0].device.device_id, "PNH-01");
    assert_eq!(devices[0].batches.missing, vec![4]);
    assert_eq!(devices[1].batches.describe(), "none held");
    // The gap closes when batch 4 arrives.
    let filled = hq.import(&batches[3]).unwrap();
    assert_eq!(filled.batches.describe(), "held 1–5");
}

fn enrolment_is_idempotent_and_never_swaps_a_key(b: Backend) {
    let site = Site::new(b);
    let counter = Counter::new("PNH-01");
    let mut hq = site.hq();
    assert_eq!(hq.enrol(&counter.card()).unwrap(), Enrolment::Enrolled);
    assert_eq!(
        hq.enrol(&counter.card()).unwrap(),
        Enrolment::AlreadyEnrolled
    );
    let impostor = Counter::new("PNH-01");
    let e = hq.enrol(&impostor.card()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "device PNH-01 is enrolled with a different key; nothing was changed"
    );
    let mut moved = counter.card();
    moved.mission = "KUL".into();
    assert_eq!(
        hq.enrol(&moved).unwrap(),
        Enrolment::MissionChanged { from: "PNH".into() }
    );
    let devices = hq.devices().unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].device.mission, "KUL");
    assert_eq!(
        devices[0].device.public_key,
        hex::encode(counter.key.verifying_key().as_bytes())
    );
    let mut bad = counter.card();
    bad.device_id = "../PNH-01".into();
    assert!(matches!(hq.enrol(&bad).unwrap_err(), HqError::BadDeviceId));
    assert_eq!(hq.counts().unwrap().devices, 1);
}

fn init_twice_is_refused(b: Backend) {
    let site = Site::new(b);
    let secret = std::fs::read(site.dir.join("hq-logins.json")).unwrap();
    let e = Hq::init_with(
        &site.dir,
        &site.url(),
        OPERATOR,
        PASSPHRASE,
        loket_hq::WorkFactor::insecure_for_tests(),
    )
    .unwrap_err();
    assert!(matches!(e, HqError::AlreadyInitialised { .. }), "{e}");
    assert_eq!(
        std::fs::read(site.dir.join("hq-logins.json")).unwrap(),
        secret
    );
}

fn a_newer_schema_is_refused_naming_both_versions(b: Backend) {
    let site = Site::new(b);
    site.hq()
        .database()
        .tamper("INSERT INTO schema_migrations (version, applied_at) VALUES (7, 'later')")
        .unwrap();
    let e = Hq::open(&site.dir, &site.url(), OPERATOR, PASSPHRASE).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the database has schema version 7, newer than this loket-hq knows (5): update loket-hq"
    );
}
