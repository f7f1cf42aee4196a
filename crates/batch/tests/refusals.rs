//! Every way a batch must be refused whole, one test each, asserting the reason.
mod common;

use common::*;
use loket_batch::*;
use serde_json::Value;

#[test]
fn truncated_file() {
    let w = World::new();
    let bytes = w.sealed(2);
    for cut in [
        0,
        10,
        60,
        200,
        bytes.len() / 2,
        bytes.len() - 17,
        bytes.len() - 1,
    ] {
        let err = w.open(&bytes[..cut]).unwrap_err();
        assert!(
            matches!(err, BatchError::Damaged | BatchError::NotEncrypted),
            "cut at {cut}: {err:?}"
        );
    }
}

/// A batch of several 64 KiB age chunks is decrypted in two halves at once: damage in the
/// second half, a chunk moved, or the last chunk cut off is still refused.
#[test]
fn damage_in_a_batch_decrypted_in_two_halves() {
    let w = World::new();
    let bytes = w.sealed(200);
    let records = w.input(200).records.len();
    assert_eq!(w.open(&bytes).unwrap().records.len(), records);
    // Where the chunks lie: after the header, each 64 KiB of plaintext plus a 16-byte tag.
    let (plain, sealed_chunk) = (unseal_raw(&bytes, &w.hq).unwrap().len(), 65_536 + 16);
    let chunks = plain.div_ceil(65_536);
    assert!(chunks >= 6, "only {chunks} chunks");
    let header = bytes.len() - plain - 16 * chunks;
    let chunk_at = |k: usize| header + k * sealed_chunk;

    let mut flipped = bytes.clone();
    flipped[chunk_at(chunks - 2) + 100] ^= 1;
    assert_eq!(w.open(&flipped).unwrap_err(), BatchError::Damaged);

    let mut swapped = bytes.clone();
    let (a, b) = (chunk_at(chunks - 3), chunk_at(chunks - 2));
    let second: Vec<u8> = swapped[b..b + sealed_chunk].to_vec();
    swapped.copy_within(a..a + sealed_chunk, b);
    swapped[a..a + sealed_chunk].copy_from_slice(&second);
    assert_eq!(w.open(&swapped).unwrap_err(), BatchError::Damaged);

    let cut = &bytes[..chunk_at(chunks - 1)];
    assert_eq!(w.open(cut).unwrap_err(), BatchError::Damaged);
}

#[test]
fn one_flipped_bit_anywhere() {
    let w = World::new();
    let bytes = w.sealed(1);
    let n = bytes.len();
    // The header (text line, stanza, MAC), the payload nonce, the body and the last byte.
    let mut positions: Vec<usize> = (0..n).step_by(37).collect();
    positions.extend([0, 5, 30, 100, 150, n / 2, n - 2, n - 1]);
    for pos in positions {
        for bit in [0, 7] {
            let mut b = bytes.clone();
            b[pos] ^= 1 << bit;
            assert!(
                w.open(&b).is_err(),
                "flip at byte {pos} bit {bit} was accepted"
            );
        }
    }
    let mut last = bytes.clone();
    last[n - 1] ^= 1;
    assert_eq!(w.open(&last).unwrap_err(), BatchError::Damaged);
}

#[test]
fn encrypted_to_another_key() {
    let w = World::new();
    let other = HqSecret::generate();
    let bytes = seal(&w.input(1), &w.device, &other.public()).unwrap().bytes;
    assert_eq!(w.open(&bytes).unwrap_err(), BatchError::NotForThisKey);
}

#[test]
fn sealed_for_another_recipient_then_reencrypted_to_us() {
    let w = World::new();
    let other = World {
        device: w.device.clone(),
        hq: HqSecret::generate(),
    };
    let entries = other.unpack(&other.sealed(1));
    assert_eq!(
        w.open(&w.pack(&entries)).unwrap_err(),
        BatchError::WrongRecipient
    );
}

#[test]
fn unknown_device() {
    let w = World::new();
    let bytes = w.sealed(1);
    let err = open(&bytes, &w.hq, &Limits::default(), |_| None).unwrap_err();
    assert_eq!(err, BatchError::UnknownDevice);
    // A known device id with another device's key: the signature fails.
    let stranger = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let err = open(&bytes, &w.hq, &Limits::default(), |_| {
        Some(stranger.verifying_key())
    })
    .unwrap_err();
    assert_eq!(err, BatchError::BadSignature);
}

#[test]
fn manifest_changed_without_resigning() {
    let w = World::new();
    let mut e = w.unpack(&w.sealed(1));
    edit_manifest(&mut e, |m| m["sequence"] = 7.into());
    assert_eq!(w.open(&w.pack(&e)).unwrap_err(), BatchError::BadSignature);
}

#[test]
fn valid_signature_over_hashes_that_do_not_match_the_entries() {
    let w = World::new();
    let mut e = w.unpack(&w.sealed(2));
    // Same size, different content, manifest untouched (its signature still holds).
    let photo = e
        .iter_mut()
        .find(|(n, _)| n.starts_with("attachments/"))
        .unwrap();
    photo.1[100] ^= 0xFF;
    assert_eq!(w.open(&w.pack(&e)).unwrap_err(), BatchError::HashMismatch);

    // A manifest re-signed by the device that declares a wrong hash.
    let mut e = w.unpack(&w.sealed(2));
    edit_manifest(&mut e, |m| {
        m["entries"][0]["sha256"] = "00".repeat(32).into()
    });
    w.resign(&mut e);
    assert_eq!(w.open(&w.pack(&e)).unwrap_err(), BatchError::HashMismatch);

    // An attachment whose name and declared hash disagree.
    let mut e = w.unpack(&w.sealed(2));
    edit_manifest(&mut e, |m| {
        m["entries"][1]["sha256"] = "11".repeat(32).into()
    });
    w.resign(&mut e);
    assert_eq!(
        w.open(&w.pack(&e)).unwrap_err(),
        BatchError::AttachmentHashMismatch
    );
}

#[test]
fn an_entry_not_listed_in_the_manifest() {
    let w = World::new();
    let mut e = w.unpack(&w.sealed(1));
    let extra = photo(99);
    e.push((format!("attachments/{}.jpg", sha256_hex(&extra)), extra));
    assert_eq!(w.open(&w.pack(&e)).unwrap_err(), BatchError::UnlistedEntry);

    let mut e = w.unpack(&w.sealed(1));
    e.push(("notes.txt".into(), b"hello".to_vec()));
    assert_eq!(w.open(&w.pack(&e)).unwrap_err(), BatchError::UnlistedEntry);
}

#[test]
fn a_listed_entry_missing() {
    let w = World::new();
    let mut e = w.unpack(&w.sealed(2));
    e.retain(|(n, _)| !n.starts_with("attachments/"));
    assert_eq!(w.open(&w.pack(&e)).unwrap_err(), BatchError::MissingEntry);

    let mut e = w.unpack(&w.sealed(1));
    e.retain(|(n, _)| n != "manifest.sig");
    assert_eq!(
        w.open(&w.pack(&e)).unwrap_err(),
        BatchError::MissingManifest
    );
}

#[test]
fn entry_names_that_escape_or_are_not_portable() {
    let w = World::new();
    for bad in [
        "../records.jsonl",
        "attachments/../../etc/passwd",
        "/etc/passwd",
        "attachments\\x.jpg",
        "C:/x.jpg",
        "attachments//x.jpg",
        "./manifest.json",
    ] {
        let mut e = w.unpack(&w.sealed(1));
        e.push((bad.into(), b"x".to_vec()));
        // Listed in a re-signed manifest, so only the name itself is at fault.
        w.refresh(&mut e);
        assert_eq!(
            w.open(&w.pack(&e)).unwrap_err(),
            BatchError::UnsafeEntryName,
            "{bad}"
        );
    }
}

#[test]
fn duplicate_entry_names() {
    let w = World::new();
    let mut e = w.unpack(&w.sealed(1));
    let r = get(&e, "records.jsonl").to_vec();
    e.push(("records.jsonl".into(), r));
    let zip = raw_zip_allowing_duplicates(&e);
    let err = w
        .open(&seal_raw(&zip, &w.hq.public()).unwrap())
        .unwrap_err();
    // The zip crate keeps one of two same-named entries silently; open must notice.
    assert_eq!(err, BatchError::DuplicateEntry);
    // The hand-written zip is otherwise sound: without the duplicate it opens.
    e.pop();
    let zip = raw_zip_allowing_duplicates(&e);
    assert!(w.open(&seal_raw(&zip, &w.hq.public()).unwrap()).is_ok());
}

/// A stored zip written by hand, since the zip crate refuses duplicate names when writing.
fn raw_zip_allowing_duplicates(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in data {
            crc ^= b as u32;
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in entries {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend(sig.to_le_bytes());
            if central {
                h.extend(20u16.to_le_bytes());
            }
            h.extend(20u16.to_le_bytes()); // version needed
            h.extend(0u16.to_le_bytes()); // flags
            h.extend(0u16.to_le_bytes()); // stored
            h.extend(0u32.to_le_bytes()); // time, date
            h.extend(crc.to_le_bytes());
            h.extend((data.len() as u32).to_le_bytes());
            h.extend((data.len() as u32).to_le_bytes());
            h.extend((name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes()); // extra
            if central {
                h.extend([0u8; 6]); // comment len, disk, internal attrs
                h.extend(0u32.to_le_bytes()); // external attrs
                h.extend(offset.to_le_bytes());
            }
            h.extend(name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend(data);
        central.extend(header(0x0201_4b50, true));
    }
    let cd_offset = out.len() as u32;
    let cd_len = central.len() as u32;
    out.extend(central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend((entries.len() as u16).to_le_bytes());
    out.extend(cd_len.to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

#[test]
fn zip_bomb_an_entry_far_larger_than_declared() {
    let w = World::new();
    let mut e = w.unpack(&w.sealed(1));
    let honest = get(&e, "records.jsonl").to_vec();
    // 64 MiB of newlines deflate to a few tens of KB; the manifest still declares the
    // honest size, and the device re-signs it.
    let mut bomb = honest.clone();
    bomb.resize(64 << 20, b'\n');
    *get_mut(&mut e, "records.jsonl") = bomb;
    w.resign(&mut e);
    let packed = w.pack(&e);
    assert!(
        packed.len() < 1 << 20,
        "the bomb should be small: {}",
        packed.len()
    );
    assert_eq!(w.open(&packed).unwrap_err(), BatchError::SizeMismatch);
}

/// Photos are stored uncompressed and checked where they lie in the decrypted zip: one
/// longer or shorter than the manifest declares, or with other bytes, is refused.
#[test]
fn a_stored_photo_that_differs_from_its_declaration() {
    let w = World::new();
    let good = w.unpack(&w.sealed(2));
    let photo = good
        .iter()
        .position(|(n, _)| n.starts_with("attachments/"))
        .unwrap();
    for (change, reason) in [
        (
            (|p: &mut Vec<u8>| p.extend([0u8; 100])) as fn(&mut Vec<u8>),
            BatchError::SizeMismatch,
        ),
        (
            |p: &mut Vec<u8>| p.truncate(p.len() - 1),
            BatchError::SizeMismatch,
        ),
        (|p: &mut Vec<u8>| p[10] ^= 1, BatchError::HashMismatch),
    ] {
        let mut e = good.clone();
        change(&mut e[photo].1);
        assert_eq!(w.open(&w.pack(&e)).unwrap_err(), reason);
    }
    assert!(w.open(&w.pack(&good)).is_ok());
}

#[test]
fn declared_sizes_beyond_the_caps() {
    let w = World::new();
    let bytes = w.sealed(3);
    let tight = Limits {
        max_entry_bytes: 1000,
        ..Limits::default()
    };
    assert_eq!(
        w.open_with(&bytes, &tight).unwrap_err(),
        BatchError::EntryTooLarge
    );
    let tight = Limits {
        max_total_bytes: 5000,
        ..Limits::default()
    };
    assert_eq!(
        w.open_with(&bytes, &tight).unwrap_err(),
        BatchError::EntryTooLarge
    );
    let tight = Limits {
        max_entries: 3,
        ..Limits::default()
    };
    assert_eq!(
        w.open_with(&bytes, &tight).unwrap_err(),
        BatchError::TooManyEntries
    );
    let tight = Limits {
        max_manifest_bytes: 100,
        ..Limits::default()
    };
    assert_eq!(
        w.open_with(&bytes, &tight).unwrap_err(),
        BatchError::ManifestTooLarge
    );
}

#[test]
fn a_file_larger_than_the_maximum_is_refused_before_decrypting() {
    let w = World::new();
    let limits = Limits {
        max_file_bytes: 1000,
        ..Limits::default()
    };
    // Not even an age file: had it been decrypted, the reason would be NotEncrypted.
    assert_eq!(
        w.open_with(&vec![0u8; 1001], &limits).unwrap_err(),
        BatchError::FileTooLarge
    );
    assert_eq!(
        w.open_with(&w.sealed(1), &limits).unwrap_err(),
        BatchError::FileTooLarge
    );
    assert_eq!(
        w.open_with(&vec![0u8; 1000], &limits).unwrap_err(),
        BatchError::NotEncrypted
    );
}

#[test]
fn an_unknown_format_version() {
    let w = World::new();
    for format in [Value::from("loket.batch/2"), Value::Null, Value::from(1)] {
        let mut e = w.unpack(&w.sealed(1));
        edit_manifest(&mut e, |m| m["format"] = format.clone());
        w.resign(&mut e);
        assert_eq!(w.open(&w.pack(&e)).unwrap_err(), BatchError::UnknownFormat);
    }
}

#[test]
fn a_malformed_manifest() {
    let w = World::new();
    let cases: [fn(&mut Value); 4] = [
        |m| m["sequence"] = 0.into(),
        |m| m["previous_manifest_sha256"] = "ab".repeat(32).into(),
        |m| m["created_at"] = "yesterday".into(),
        |m| m["entries"] = Value::Null,
    ];
    for f in cases {
        let mut e = w.unpack(&w.sealed(1));
        edit_manifest(&mut e, f);
        w.resign(&mut e);
        assert_eq!(w.open(&w.pack(&e)).unwrap_err(), BatchError::BadManifest);
    }
}

#[test]
fn a_record_that_fails_validation() {
    let w = World::new();
    let mut e = w.unpack(&w.sealed(2));
    edit_record_text(&mut e, 1, |text| {
        text.replace("\"sex\": \"F\"", "\"sex\": \"X\"")
    });
    w.refresh(&mut e);
    assert_eq!(w.open(&w.pack(&e)).unwrap_err(), BatchError::InvalidRecord);

    // Validation is as of the sealing date: a birth date after it is an error, whenever
    // the batch arrives.
    let mut input = w.input(1);
    input.created_at = at("1999-01-01T12:00:00+07:00");
    let bytes = seal(&input, &w.device, &w.hq.public()).unwrap().bytes;
    assert_eq!(w.open(&bytes).unwrap_err(), BatchError::InvalidRecord);
}

#[test]
fn a_record_whose_hash_does_not_match() {
    let w = World::new();
    let mut e = w.unpack(&w.sealed(2));
    edit_records(&mut e, |i, line| {
        if i == 0 {
            let text = line["record_text"]
                .as_str()
                .unwrap()
                .replace("A-042", "A-099");
            line["record_text"] = text.into();
        }
    });
    w.refresh(&mut e);
    assert_eq!(
        w.open(&w.pack(&e)).unwrap_err(),
        BatchError::RecordHashMismatch
    );
}

#[test]
fn a_record_that_is_not_an_intake_record_or_belongs_elsewhere() {
    let w = World::new();
    let set_text = |e: &mut Vec<(String, Vec<u8>)>, new: &dyn Fn(&str) -> String| {
        edit_record_text(e, 0, new);
        w.refresh(e);
    };
    let mut e = w.unpack(&w.sealed(1));
    set_text(&mut e, &|_| "not json".into());
    assert_eq!(w.open(&w.pack(&e)).unwrap_err(), BatchError::BadRecord);
    let mut e = w.unpack(&w.sealed(1));
    set_text(&mut e, &|t| t.replace("\"PNH\"", "\"KUL\""));
    assert_eq!(w.open(&w.pack(&e)).unwrap_err(), BatchError::RecordMismatch);
    let mut e = w.unpack(&w.sealed(1));
    set_text(&mut e, &|t| t.replace("9a51-0000", "9a51-ffff"));
    assert_eq!(w.open(&w.pack(&e)).unwrap_err(), BatchError::RecordMismatch);
}

#[test]
fn record_count_mismatch() {
    let w = World::new();
    let mut e = w.unpack(&w.sealed(2));
    edit_manifest(&mut e, |m| m["record_count"] = 2.into());
    w.resign(&mut e);
    assert_eq!(
        w.open(&w.pack(&e)).unwrap_err(),
        BatchError::RecordCountMismatch
    );
}

#[test]
fn malformed_records_lines_and_photo_references() {
    let w = World::new();
    let mut e = w.unpack(&w.sealed(1));
    get_mut(&mut e, "records.jsonl").extend(b"{oops}\n");
    w.refresh(&mut e);
    assert_eq!(w.open(&w.pack(&e)).unwrap_err(), BatchError::BadRecordLine);

    let mut e = w.unpack(&w.sealed(1));
    get_mut(&mut e, "records.jsonl").pop(); // no final newline
    w.refresh(&mut e);
    assert_eq!(w.open(&w.pack(&e)).unwrap_err(), BatchError::BadRecordLine);

    let mut e = w.unpack(&w.sealed(1));
    edit_records(&mut e, |_, line| {
        line["photo_sha256"] = "cd".repeat(32).into()
    });
    w.refresh(&mut e);
    assert_eq!(
        w.open(&w.pack(&e)).unwrap_err(),
        BatchError::MissingAttachment
    );

    let mut e = w.unpack(&w.sealed(1));
    edit_records(&mut e, |_, line| line["photo_sha256"] = Value::Null);
    w.refresh(&mut e);
    assert_eq!(
        w.open(&w.pack(&e)).unwrap_err(),
        BatchError::UnreferencedAttachment
    );

    let mut e = w.unpack(&w.sealed(1));
    edit_records(&mut e, |_, line| line["version"] = 1.into());
    w.refresh(&mut e);
    assert_eq!(
        w.open(&w.pack(&e)).unwrap_err(),
        BatchError::DuplicateRecord
    );
}

/// The records of a long batch are checked in two halves at once; the reason given is still
/// the one of the first faulty line, a duplicate across the halves included.
#[test]
fn the_first_faulty_record_line_names_the_reason() {
    let w = World::new();
    // 100 cases, then case 0's version 2 on the last line (100).
    let good = w.unpack(&w.sealed(100));
    let line = |n: usize| {
        let mut found = Value::Null;
        edit_records(&mut good.clone(), |i, l| {
            if i == n {
                found = l.clone();
            }
        });
        found
    };
    let invalid = |e: &mut Vec<(String, Vec<u8>)>, n: usize| {
        edit_record_text(e, n, |text| {
            text.replace("\"sex\": \"F\"", "\"sex\": \"X\"")
        })
    };
    let copy = |e: &mut Vec<(String, Vec<u8>)>, from: usize, to: usize| {
        let value = line(from);
        edit_records(e, |i, l| {
            if i == to {
                *l = value.clone();
            }
        });
    };
    let reason = |mut e: Vec<(String, Vec<u8>)>| {
        w.refresh(&mut e);
        w.open(&w.pack(&e)).unwrap_err()
    };

    let mut e = good.clone();
    edit_records(&mut e, |i, l| {
        if i == 100 {
            l["version"] = 1.into();
        }
    });
    assert_eq!(reason(e), BatchError::DuplicateRecord, "across the halves");

    let mut e = good.clone();
    copy(&mut e, 10, 60);
    invalid(&mut e, 70);
    assert_eq!(reason(e), BatchError::DuplicateRecord, "line 60 before 70");

    let mut e = good.clone();
    copy(&mut e, 10, 80);
    invalid(&mut e, 70);
    assert_eq!(reason(e), BatchError::InvalidRecord, "line 70 before 80");

    let mut e = good.clone();
    invalid(&mut e, 20);
    copy(&mut e, 10, 60);
    assert_eq!(reason(e), BatchError::InvalidRecord, "line 20 before 60");
}

#[test]
fn error_messages_are_one_english_line_without_data() {
    let all = [
        BatchError::FileTooLarge,
        BatchError::HashMismatch,
        BatchError::InvalidRecord,
        BatchError::UnsafeEntryName,
    ];
    for e in all {
        let m = e.to_string();
        assert!(!m.contains('\n') && !m.is_empty() && m.is_ascii(), "{m}");
    }
}

#[test]
fn a_draft_in_a_batch() {
    let w = World::new();
    let mut e = w.unpack(&w.sealed(1));
    edit_records(&mut e, |i, line| {
        if i == 1 {
            line["status"] = "draft".into();
        }
    });
    w.refresh(&mut e);
    assert_eq!(w.open(&w.pack(&e)).unwrap_err(), BatchError::DraftRecord);
}
