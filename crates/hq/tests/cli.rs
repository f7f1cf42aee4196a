//! The `loket-hq` binary, on SQLite and on PostgreSQL alike: exact outputs, exit codes, and
//! for every refusal: the reason on one line, exit 1, no receipt, no row changed.

mod common;

use std::path::Path;

use common::*;
use loket_batch::HqSecret;
use loket_hq::Counts;

on_both_backends!(
    init_prints_the_public_key_file_and_refuses_a_second_time,
    device_add_enrols_once_and_refuses_another_key,
    import_prints_a_summary_and_writes_the_receipt_beside_the_batch,
    cases_lists_what_is_held_and_reports_gaps,
    devices_lists_batch_numbers_and_gaps,
    every_refusal_is_whole_with_its_reason_and_no_receipt,
    the_same_number_with_different_content_is_refused_at_the_command_line,
    a_wrong_passphrase_is_refused,
    a_file_larger_than_the_maximum_is_refused_unread,
);

fn init_prints_the_public_key_file_and_refuses_a_second_time(b: Backend) {
    let site = Site::uninitialised(b);
    // The real default scrypt cost, as an operator gets it.
    let out = site.cli(&["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let key_file = site.dir.join("hq-key.json");
    assert_eq!(stdout(&out), format!("{}\n", key_file.display()));
    assert_eq!(stderr(&out), "");
    let public =
        loket_batch::HqPublic::from_json(&std::fs::read_to_string(&key_file).unwrap()).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&site.dir), 0o700);
        assert_eq!(mode(&site.dir.join("hq-logins.json")), 0o600);
        if b == Backend::Sqlite {
            assert_eq!(mode(&site.dir.join("hq.db")), 0o600);
        }
    }
    // One login, the operator's (the system user's or --operator's): the keys in it are
    // age, to the passphrase; nothing in the file is readable but the name and the time.
    let logins = std::fs::read(site.dir.join("hq-logins.json")).unwrap();
    let file: serde_json::Value = serde_json::from_slice(&logins).unwrap();
    assert_eq!(file["format"], "loket.hq-logins/1");
    assert_eq!(file["logins"].as_array().unwrap().len(), 1);
    assert_eq!(file["logins"][0]["operator"], OPERATOR);
    {
        use base64::Engine;
        let keys = base64::engine::general_purpose::STANDARD
            .decode(file["logins"][0]["keys"].as_str().unwrap())
            .unwrap();
        assert!(keys.starts_with(b"age-encryption.org/v1\n-> scrypt "));
    }
    assert_eq!(site.secret().public(), public);
    assert!(!site.dir.join("hq-secret.age").exists());

    let again = site.cli(&["init"]);
    assert_eq!(again.status.code(), Some(1));
    assert_eq!(
        stderr(&again),
        format!(
            "loket-hq: headquarters is initialised in {} already; nothing was changed\n",
            site.dir.display()
        )
    );
    assert_eq!(
        std::fs::read(site.dir.join("hq-logins.json")).unwrap(),
        logins
    );

    // It unlocks with the passphrase it was made with.
    let devices = site.cli(&["devices"]);
    assert_eq!(devices.status.code(), Some(0), "{}", stderr(&devices));
    assert_eq!(stdout(&devices), "DEVICE  MISSION  ENROLLED  BATCHES\n");

    // A short passphrase creates nothing.
    let other = Site::uninitialised(b);
    let out = other
        .command(&["init"])
        .env("LOKET_HQ_PASSPHRASE", "short")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "loket-hq: the passphrase must have at least 8 characters\n"
    );
    assert!(!other.dir.join("hq-logins.json").exists());
}

fn device_add_enrols_once_and_refuses_another_key(b: Backend) {
    let site = Site::new(b);
    let counter = Counter::new("PNH-01");
    let card = site.put("PNH-01.loket-device", counter.card().to_json().as_bytes());
    let card = card.to_str().unwrap();
    let out = site.cli(&["device", "add", card]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "enrolled device PNH-01 (mission PNH)\n");
    let out = site.cli(&["device", "add", card]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "device PNH-01 is enrolled already; nothing changed\n"
    );

    let impostor = Counter::new("PNH-01");
    let other = site.put("other.loket-device", impostor.card().to_json().as_bytes());
    let out = site.cli(&["device", "add", other.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    assert_eq!(
        stderr(&out),
        "loket-hq: device PNH-01 is enrolled with a different key; nothing was changed\n"
    );
    let devices = site.hq().devices().unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(
        devices[0].device.public_key,
        hex::encode(counter.key.verifying_key().as_bytes())
    );

    let junk = site.put("junk.json", b"{\"format\":\"loket.device/9\"}");
    let out = site.cli(&["device", "add", junk.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "loket-hq: {} is not a device identity file (loket.device/1, as `loket device` prints)\n",
            junk.display()
        )
    );
}

fn import_prints_a_summary_and_writes_the_receipt_beside_the_batch(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let public = site.public();
    let b1 = site.put(
        "PNH-01-1.loket-batch",
        &counter.seal_next(&public, &[(0, 1), (1, 1), (2, 1)]),
    );
    let b2 = site.put(
        "PNH-01-2.loket-batch",
        &counter.seal_next(&public, &[(0, 2), (1, 1), (3, 1)]),
    );
    let receipt = site.usb().join("PNH-01.loket-receipt");

    let out = site.cli(&["import", b1.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "device PNH-01, batch 1: applied: 3 records new, 0 already held\n\
             receipt: {}\n\
             batches from PNH-01: held 1\n",
            receipt.display()
        )
    );
    assert_eq!(stderr(&out), "");
    let first = std::fs::read(&receipt).unwrap();
    assert_eq!(verify_receipt(&first, &public).records.len(), 3);

    let out = site.cli(&["import", b2.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "device PNH-01, batch 2: applied: 2 records new, 1 already held\n\
             receipt: {}\n\
             batches from PNH-01: held 1–2\n",
            receipt.display()
        )
    );
    let second = std::fs::read(&receipt).unwrap();
    let content = verify_receipt(&second, &public);
    assert_eq!(content.batches, vec![1, 2]);
    assert_eq!(content.records.len(), 5);

    // Again: nothing changes, and the receipt is the same, byte for byte.
    let counts = site.counts();
    let out = site.cli(&["import", b1.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "device PNH-01, batch 1: already held: nothing changed (3 records)\n\
             receipt: {}\n\
             batches from PNH-01: held 1–2\n",
            receipt.display()
        )
    );
    assert_eq!(std::fs::read(&receipt).unwrap(), second);
    assert_eq!(site.counts(), counts);
    assert_eq!(
        counts,
        Counts {
            devices: 1,
            batches: 2,
            records: 5,
            photos: 4,
            cases: 4,
            requests: 0,
            request_events: 0,
        }
    );
}

fn cases_lists_what_is_held_and_reports_gaps(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let public = site.public();
    let b1 = counter.seal_next(&public, &[(0, 1), (1, 1)]);
    let _b2 = counter.seal_next(&public, &[(2, 1)]);
    let b3 = counter.seal_next(&public, &[(0, 2)]);
    for (name, bytes) in [("1", &b1), ("3", &b3)] {
        let out = site.cli(&["import", site.put(name, bytes).to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }

    let out = site.cli(&["cases"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let id = |i| case_id(i);
    assert_eq!(
        stdout(&out),
        format!(
            "ID                                    MISSION  DEVICE  VERSION  STATUS     FULL NAME    BORN        UPDATED\n\
             {}  PNH      PNH-01  2        finalised  SITI AMINAH  1999-04-12  2026-01-19T09:32:00+07:00\n\
             {}  PNH      PNH-01  1        finalised  SITI AMINAH  1999-04-12  2026-01-19T09:31:00+07:00\n\
             2 cases\n\
             gaps: device PNH-01: held 1, 3; missing 2\n",
            id(0),
            id(1)
        )
    );

    let out = site.cli(&["cases", "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "loket-hq: gaps: device PNH-01: held 1, 3; missing 2\n"
    );
    let cases: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        cases,
        serde_json::json!([
            {"id": id(0), "version": 2, "mission": "PNH", "device_id": "PNH-01",
             "status": "finalised", "full_name": "SITI AMINAH", "date_of_birth": "1999-04-12",
             "nik": "3203415204990001", "passport_number": "C1234567",
             "updated_at": "2026-01-19T09:32:00+07:00", "hq_status": null, "hq_status_at": null},
            {"id": id(1), "version": 1, "mission": "PNH", "device_id": "PNH-01",
             "status": "finalised", "full_name": "SITI AMINAH", "date_of_birth": "1999-04-12",
             "nik": "3203415204990001", "passport_number": "C1234567",
             "updated_at": "2026-01-19T09:31:00+07:00", "hq_status": null, "hq_status_at": null}
        ])
    );
}

fn devices_lists_batch_numbers_and_gaps(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    let idle = Counter::new("KUL-02");
    site.enrol(&counter);
    site.enrol(&idle);
    let public = site.public();
    let batches: Vec<Vec<u8>> = (0..4)
        .map(|i| counter.seal_next(&public, &[(i, 1)]))
        .collect();
    let mut hq = site.hq();
    for i in [0, 2, 3] {
        hq.import(&batches[i]).unwrap();
    }
    let enrolled: Vec<String> = hq
        .devices()
        .unwrap()
        .into_iter()
        .map(|d| d.device.enrolled_at)
        .collect();
    drop(hq);

    let out = site.cli(&["devices"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "DEVICE  MISSION  ENROLLED                  BATCHES\n\
             KUL-02  PNH      {}  none held\n\
             PNH-01  PNH      {}  held 1, 3–4; missing 2\n",
            enrolled[0], enrolled[1]
        )
    );
    let out = site.cli(&["devices", "--json"]);
    let devices: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(devices[1]["device_id"], "PNH-01");
    assert_eq!(devices[1]["batches"]["held"], serde_json::json!([1, 3, 4]));
    assert_eq!(devices[1]["batches"]["missing"], serde_json::json!([2]));
    assert_eq!(
        devices[1]["public_key"],
        hex::encode(counter.key.verifying_key().as_bytes())
    );
}

/// Imports `bytes` from a folder of its own and checks the refusal: exit 1, the exact
/// reason, nothing printed on stdout, no receipt, no row changed.
fn assert_refused(site: &Site, name: &str, bytes: &[u8], reason: &str) {
    let folder = site.tmp.path().join(format!("stick-{name}"));
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join("batch.loket-batch");
    std::fs::write(&file, bytes).unwrap();
    let before = site.counts();
    let out = site.cli(&["import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
    assert_eq!(stdout(&out), "", "{name}");
    assert_eq!(
        stderr(&out),
        format!(
            "loket-hq: {}: refused: {reason}; nothing was applied and no receipt was written\n",
            file.display()
        ),
        "{name}"
    );
    let entries: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, vec!["batch.loket-batch"], "{name}: no receipt");
    assert_eq!(site.counts(), before, "{name}: nothing applied");
}

fn every_refusal_is_whole_with_its_reason_and_no_receipt(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let public = site.public();
    let secret = site.secret();
    // Batch 1 is held; each hostile file claims to be batch 2.
    site.hq()
        .import(&counter.seal_next(&public, &[(0, 1)]))
        .unwrap();
    let good = counter.seal_as(&public, 2, counter.chain.last().cloned(), &[(1, 1), (2, 1)]);
    let good = good.bytes;
    let before = site.counts();
    assert_eq!(before.records, 1);

    assert_refused(
        &site,
        "truncated",
        &good[..good.len() / 2],
        "the batch file is truncated or damaged: decryption failed",
    );
    let mut flipped = good.clone();
    let at = flipped.len() - 100;
    flipped[at] ^= 0x10;
    assert_refused(
        &site,
        "flipped",
        &flipped,
        "the batch file is truncated or damaged: decryption failed",
    );
    let elsewhere = counter
        .seal_as(
            &HqSecret::generate().public(),
            2,
            counter.chain.last().cloned(),
            &[(1, 1)],
        )
        .bytes;
    assert_refused(
        &site,
        "other-key",
        &elsewhere,
        "the batch is not encrypted to this headquarters' key",
    );
    let mut stranger = Counter::new("KUL-07");
    assert_refused(
        &site,
        "unknown-device",
        &stranger.seal_next(&public, &[(1, 1)]),
        "the batch comes from a device that is not enrolled",
    );

    // Photo bytes changed; the manifest (and its signature) still name the old hash.
    let mut e = unpack(&good, &secret);
    let photo = e
        .iter_mut()
        .find(|(n, _)| n.starts_with("attachments/"))
        .unwrap();
    photo.1[10] ^= 0xFF;
    assert_refused(
        &site,
        "hash",
        &pack(&e, &public),
        "an entry's SHA-256 differs from the hash the manifest declares",
    );

    let mut e = unpack(&good, &secret);
    e.push(("../escape.jpg".into(), b"x".to_vec()));
    assert_refused(
        &site,
        "dotdot",
        &pack(&e, &public),
        "a zip entry has an unsafe or invalid name",
    );

    // 64 MiB of newlines deflate to little; the manifest declares the honest size.
    let mut e = unpack(&good, &secret);
    get_mut(&mut e, "records.jsonl").resize(64 << 20, b'\n');
    resign(&mut e, &counter.key);
    let bomb = pack(&e, &public);
    assert!(bomb.len() < 1 << 20);
    assert_refused(
        &site,
        "bomb",
        &bomb,
        "an entry's size differs from the size the manifest declares",
    );

    let mut e = unpack(&good, &secret);
    edit_manifest(&mut e, |m| m["format"] = "loket.batch/2".into());
    resign(&mut e, &counter.key);
    assert_refused(
        &site,
        "format",
        &pack(&e, &public),
        "the batch format version is unknown",
    );

    // A record that fails validation (NIK district 00), consistently hashed and signed.
    let mut e = unpack(&good, &secret);
    edit_record_text(&mut e, 1, |text| {
        text.replace("3203415204990001", "3203005204990001")
    });
    refresh(&mut e, &counter.key);
    assert_refused(
        &site,
        "invalid",
        &pack(&e, &public),
        "a record fails validation",
    );

    assert_refused(
        &site,
        "not-a-batch",
        b"PK\x03\x04 this is a zip, not an age file",
        "the batch file is not an age-encrypted file",
    );

    // The honest batch 2 still applies afterwards: the refusals left nothing behind.
    assert_eq!(site.counts(), before);
    let file = site.put("good", &good);
    let out = site.cli(&["import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(site.counts().records, 3);
}

fn the_same_number_with_different_content_is_refused_at_the_command_line(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let public = site.public();
    let first = site.put("first", &counter.seal_next(&public, &[(0, 1)]));
    let out = site.cli(&["import", first.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let receipt = std::fs::read(site.usb().join("PNH-01.loket-receipt")).unwrap();
    let other = counter.seal_as(&public, 1, None, &[(4, 1), (5, 1)]).bytes;
    assert_refused(
        &site,
        "same-number",
        &other,
        "batch 1 of device PNH-01 was imported before with different content",
    );
    assert_eq!(
        std::fs::read(site.usb().join("PNH-01.loket-receipt")).unwrap(),
        receipt
    );
}

fn a_wrong_passphrase_is_refused(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let file = site.put("b1", &counter.seal_next(&site.public(), &[(0, 1)]));
    let before = site.counts();
    for args in [vec!["import", file.to_str().unwrap()], vec!["cases"]] {
        let out = site
            .command(&args)
            .env("LOKET_HQ_PASSPHRASE", "not the passphrase")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(stdout(&out), "");
        assert_eq!(
            stderr(&out),
            "loket-hq: wrong passphrase: nothing was opened or changed\n"
        );
    }
    assert_eq!(site.counts(), before);
    assert!(!site.usb().join("PNH-01.loket-receipt").exists());

    // No headquarters at all is named as such.
    let empty = Site::uninitialised(b);
    let out = empty.cli(&["cases"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "loket-hq: no headquarters in {}: create one with `loket-hq init`\n",
            empty.dir.display()
        )
    );
    let out = site.cli(&["--database", "mysql://db/hq", "cases"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "loket-hq: the database URL must be sqlite:PATH, postgres://… or postgresql://… (got a \"mysql\" URL)\n"
    );
}

fn a_file_larger_than_the_maximum_is_refused_unread(b: Backend) {
    let site = Site::new(b);
    let folder = site.tmp.path().join("big");
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join("huge.loket-batch");
    // Sparse: a file one byte over the limit costs no disk.
    std::fs::File::create(&file)
        .unwrap()
        .set_len(loket_batch::Limits::default().max_file_bytes + 1)
        .unwrap();
    let out = site.cli(&["import", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "loket-hq: {}: refused: the batch file is larger than the configured maximum; nothing was applied and no receipt was written\n",
            file.display()
        )
    );
    assert_eq!(site.counts(), Counts::default());
}
