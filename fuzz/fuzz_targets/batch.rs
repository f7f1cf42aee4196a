//! Any batch headquarters might be handed: opened or refused whole, never a panic.
//!
//! The first byte picks what the rest stands for:
//! - 0: the zip inside the age layer, as anyone holding headquarters' public key can make it;
//! - 1: `records.jsonl` whole, in a batch signed by an enrolled device (a stolen laptop);
//! - 2: the record text of the first line, with its hash to match, signed the same way;
//! - 3: the manifest's `requests` (the counter's prints, reprints and voids), as JSON text,
//!   signed the same way.
//!
//! What is opened keeps its promise: every record's hash is its text's, and every request
//! event is well formed, in rising order.
#![no_main]

#[path = "../../crates/batch/tests/common/tamper.rs"]
mod tamper;

use std::sync::OnceLock;

use chrono::DateTime;
use ed25519_dalek::SigningKey;
use libfuzzer_sys::fuzz_target;
use loket_batch::{
    open, seal, seal_raw, sha256_hex, AuditHead, HqSecret, Limits, RecordEntry, RequestAction,
    SealInput,
};
use loket_core::status::CaseStatus;

const DEVICE: &str = "PNH-01";

struct World {
    device: SigningKey,
    hq: HqSecret,
    /// The entries of a valid batch of two cases.
    entries: Vec<(String, Vec<u8>)>,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let device = SigningKey::from_bytes(&[7; 32]);
        let hq = HqSecret::generate();
        let example = include_str!("../../crates/core/tests/fixtures/example.json");
        let at = DateTime::parse_from_rfc3339("2026-01-19T18:00:00+07:00").unwrap();
        let records = (0..2)
            .map(|i| {
                let id = format!("0190f3c2-8a7e-7b7c-9a51-{i:012x}");
                RecordEntry {
                    case_id: id.clone(),
                    version: 1,
                    status: CaseStatus::Finalised,
                    saved_at: at,
                    officer: "officer1".into(),
                    reason: None,
                    photo_sha256: None,
                    record_text: example.replace("0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b11", &id),
                }
            })
            .collect();
        let input = SealInput {
            device_id: DEVICE.into(),
            mission: "PNH".into(),
            sequence: 1,
            previous_manifest_sha256: None,
            created_at: at,
            audit_head: AuditHead {
                seq: 1,
                hash: "ab".repeat(32),
            },
            records,
            attachments: Vec::new(),
            requests: Vec::new(),
        };
        let sealed = seal(&input, &device, &hq.public()).unwrap();
        let entries = tamper::unpack(&sealed.bytes, &hq);
        World {
            device,
            hq,
            entries,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let w = world();
    let batch = match mode % 4 {
        0 => seal_raw(rest, &w.hq.public()).unwrap(),
        1 => {
            let mut entries = w.entries.clone();
            *tamper::get_mut(&mut entries, "records.jsonl") = rest.to_vec();
            tamper::refresh(&mut entries, &w.device);
            tamper::pack(&entries, &w.hq.public())
        }
        2 => {
            let Ok(text) = std::str::from_utf8(rest) else {
                return;
            };
            let mut entries = w.entries.clone();
            tamper::edit_record_text(&mut entries, 0, |_| text.to_owned());
            tamper::refresh(&mut entries, &w.device);
            tamper::pack(&entries, &w.hq.public())
        }
        _ => {
            let Ok(requests) = serde_json::from_slice::<serde_json::Value>(rest) else {
                return;
            };
            let mut entries = w.entries.clone();
            tamper::edit_manifest(&mut entries, |m| m["requests"] = requests);
            tamper::resign(&mut entries, &w.device);
            tamper::pack(&entries, &w.hq.public())
        }
    };
    let key = w.device.verifying_key();
    let lookup = |id: &str| (id == DEVICE).then_some(key);
    if let Ok(opened) = open(&batch, &w.hq, &Limits::default(), lookup) {
        for r in &opened.records {
            assert_eq!(r.record_sha256, sha256_hex(r.entry.record_text.as_bytes()));
        }
        let events = &opened.manifest.requests;
        assert!(events.windows(2).all(|p| p[0].seq < p[1].seq));
        for e in events {
            let reasoned = e.reason.as_deref().is_some_and(|r| !r.trim().is_empty());
            assert_eq!(reasoned, e.action != RequestAction::Print);
            assert!(e.seq > 0 && e.version > 0 && e.record_sha256.len() == 64);
        }
    }
});
