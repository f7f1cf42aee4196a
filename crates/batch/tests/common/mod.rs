//! Shared helpers: a valid batch from the spec's example record, and tools to take a
//! batch apart, change it, re-sign and re-seal it (as a hostile device with a real key could).
#![allow(dead_code)]

pub mod tamper;
#[allow(unused_imports)]
pub use tamper::*;

use chrono::{DateTime, FixedOffset};
use ed25519_dalek::{SigningKey, VerifyingKey};
use loket_batch::*;

pub const EXAMPLE: &str = include_str!("../../../core/tests/fixtures/example.json");

pub fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

/// The example record with another case id (ids are UUIDs).
pub fn record_text(i: usize) -> String {
    EXAMPLE.replace(
        "0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b11",
        &format!("0190f3c2-8a7e-7b7c-9a51-{i:012x}"),
    )
}

pub fn case_id(i: usize) -> String {
    format!("0190f3c2-8a7e-7b7c-9a51-{i:012x}")
}

/// A fake JPEG: bytes that differ per case.
pub fn photo(i: usize) -> Vec<u8> {
    let mut p = vec![0xFF, 0xD8, 0xFF, 0xE0];
    p.extend((0..3000).map(|k| ((k * 31 + i * 7) % 251) as u8));
    p.extend([0xFF, 0xD9]);
    p
}

pub struct World {
    pub device: SigningKey,
    pub hq: HqSecret,
}

impl World {
    pub fn new() -> Self {
        World {
            device: SigningKey::generate(&mut rand::rngs::OsRng),
            hq: HqSecret::generate(),
        }
    }

    pub fn lookup(&self) -> impl Fn(&str) -> Option<VerifyingKey> + '_ {
        move |id: &str| (id == "PNH-01").then(|| self.device.verifying_key())
    }

    pub fn open(&self, bytes: &[u8]) -> Result<Opened, BatchError> {
        open(bytes, &self.hq, &Limits::default(), self.lookup())
    }

    pub fn open_with(&self, bytes: &[u8], limits: &Limits) -> Result<Opened, BatchError> {
        open(bytes, &self.hq, limits, self.lookup())
    }

    /// A valid batch of `n` cases, each with a photo; case 0 also has a second version.
    pub fn input(&self, n: usize) -> SealInput {
        let mut records = Vec::new();
        let mut attachments = Vec::new();
        for i in 0..n {
            let p = photo(i);
            records.push(RecordEntry {
                case_id: case_id(i),
                version: 1,
                status: loket_core::status::CaseStatus::Finalised,
                saved_at: at("2026-01-19T09:30:00+07:00"),
                officer: "officer1".into(),
                reason: None,
                photo_sha256: Some(sha256_hex(&p)),
                record_text: record_text(i),
            });
            attachments.push(p);
        }
        if n > 0 {
            let mut v2 = records[0].clone();
            v2.version = 2;
            v2.reason = Some("corrected ticket".into());
            v2.record_text = record_text(0).replace("A-042", "A-043");
            records.push(v2);
        }
        SealInput {
            device_id: "PNH-01".into(),
            mission: "PNH".into(),
            sequence: 1,
            previous_manifest_sha256: None,
            created_at: at("2026-01-19T18:00:00+07:00"),
            audit_head: AuditHead {
                seq: 42,
                hash: "ab".repeat(32),
            },
            records,
            attachments,
            requests: Vec::new(),
        }
    }

    pub fn sealed(&self, n: usize) -> Vec<u8> {
        seal(&self.input(n), &self.device, &self.hq.public())
            .unwrap()
            .bytes
    }

    /// The zip entries of a batch, in order.
    pub fn unpack(&self, bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
        tamper::unpack(bytes, &self.hq)
    }

    /// Zips and seals the entries as they are.
    pub fn pack(&self, entries: &[(String, Vec<u8>)]) -> Vec<u8> {
        tamper::pack(entries, &self.hq.public())
    }

    /// Re-signs whatever manifest.json now holds, with the device's real key.
    pub fn resign(&self, entries: &mut [(String, Vec<u8>)]) {
        tamper::resign(entries, &self.device)
    }

    /// Rewrites the manifest's entry list from the actual entries, then re-signs: a batch
    /// that is consistent apart from whatever the test changed inside an entry.
    pub fn refresh(&self, entries: &mut [(String, Vec<u8>)]) {
        tamper::refresh(entries, &self.device)
    }
}
