//! The prints, reprints and voids of SPLP requests, carried in the signed manifest.

mod common;

use common::*;
use loket_batch::*;
use proptest::prelude::*;
use serde_json::{json, Value};

fn event(seq: u64, action: RequestAction, reason: Option<&str>) -> RequestEvent {
    RequestEvent {
        seq,
        serial: "PNH-2026-7KQ2-000001".into(),
        action,
        at: at("2026-01-19T10:00:00+07:00"),
        officer: "officer1".into(),
        reason: reason.map(Into::into),
        case_id: case_id(0),
        version: 1,
        record_sha256: sha256_hex(record_text(0).as_bytes()),
        issued_at: at("2026-01-19T09:45:00+07:00"),
    }
}

/// A print, a reprint and a void of one request.
fn three_events() -> Vec<RequestEvent> {
    vec![
        event(3, RequestAction::Print, None),
        event(4, RequestAction::Reprint, Some("paper jam")),
        event(7, RequestAction::Void, Some("name misspelt")),
    ]
}

/// A change to a manifest's JSON.
type Edit = fn(&mut Value);

fn manifest_of(entries: &[(String, Vec<u8>)]) -> Value {
    serde_json::from_slice(get(entries, "manifest.json")).unwrap()
}

#[test]
fn request_events_travel_in_the_signed_manifest_and_come_back_exactly() {
    let w = World::new();
    let mut input = w.input(2);
    input.requests = three_events();
    let sealed = seal(&input, &w.device, &w.hq.public()).unwrap();
    let opened = w.open(&sealed.bytes).unwrap();
    assert_eq!(opened.manifest.requests, three_events());
    assert_eq!(opened.records.len(), 3);
    let manifest = manifest_of(&w.unpack(&sealed.bytes));
    assert_eq!(
        manifest["requests"][2],
        json!({
            "seq": 7, "serial": "PNH-2026-7KQ2-000001", "action": "void",
            "at": "2026-01-19T10:00:00+07:00", "officer": "officer1",
            "reason": "name misspelt", "case_id": case_id(0), "version": 1,
            "record_sha256": sha256_hex(record_text(0).as_bytes()),
            "issued_at": "2026-01-19T09:45:00+07:00"
        })
    );
}

#[test]
fn a_batch_without_requests_has_no_requests_field_as_before() {
    let w = World::new();
    let manifest = manifest_of(&w.unpack(&w.sealed(1)));
    assert!(manifest.get("requests").is_none(), "{manifest}");
    assert!(w.open(&w.sealed(1)).unwrap().manifest.requests.is_empty());
}

#[test]
fn a_void_alone_makes_a_batch_without_records() {
    let w = World::new();
    let mut input = w.input(0);
    input.requests = vec![event(9, RequestAction::Void, Some("spoiled"))];
    let sealed = seal(&input, &w.device, &w.hq.public()).unwrap();
    let entries = w.unpack(&sealed.bytes);
    assert_eq!(get(&entries, "records.jsonl"), b"");
    let opened = w.open(&sealed.bytes).unwrap();
    assert!(opened.records.is_empty() && opened.attachments.is_empty());
    assert_eq!(opened.manifest.record_count, 0);
    assert_eq!(opened.manifest.requests, input.requests);
}

#[test]
fn seal_refuses_an_empty_batch_and_events_out_of_order_or_without_their_reason() {
    let w = World::new();
    let hq = w.hq.public();
    let refused = |requests: Vec<RequestEvent>, records: usize| {
        let mut input = w.input(records);
        input.requests = requests;
        seal(&input, &w.device, &hq).unwrap_err()
    };
    assert_eq!(refused(Vec::new(), 0), SealError::Empty);
    let mut backwards = three_events();
    backwards.swap(0, 1);
    assert_eq!(refused(backwards, 1), SealError::BadRequestEvent);
    let twice = vec![event(3, RequestAction::Print, None); 2];
    assert_eq!(refused(twice, 1), SealError::BadRequestEvent);
    let unexplained = vec![event(3, RequestAction::Void, Some("  "))];
    assert_eq!(refused(unexplained, 1), SealError::BadRequestEvent);
    let print_with_reason = vec![event(3, RequestAction::Print, Some("why?"))];
    assert_eq!(refused(print_with_reason, 1), SealError::BadRequestEvent);
    let mut lower_case = event(3, RequestAction::Print, None);
    lower_case.serial = "pnh-2026-7kq2-000001".into();
    assert_eq!(refused(vec![lower_case], 1), SealError::BadRequestEvent);
    let mut no_hash = event(3, RequestAction::Print, None);
    no_hash.record_sha256 = "abc".into();
    assert_eq!(refused(vec![no_hash], 1), SealError::BadRequestEvent);
}

/// A device with a real key signs a manifest whose events break a rule: refused whole.
#[test]
fn open_refuses_a_signed_manifest_with_a_malformed_event() {
    let w = World::new();
    let mut input = w.input(1);
    input.requests = three_events();
    let bytes = seal(&input, &w.device, &w.hq.public()).unwrap().bytes;
    let edits: [(&str, Edit, BatchError); 5] = [
        (
            "a void without its reason",
            |m| m["requests"][2]["reason"] = Value::Null,
            BatchError::BadRequestEvent,
        ),
        (
            "events out of order",
            |m| m["requests"][1]["seq"] = 2.into(),
            BatchError::BadRequestEvent,
        ),
        (
            "an unknown action",
            |m| m["requests"][0]["action"] = "issue".into(),
            BatchError::BadManifest,
        ),
        (
            "a serial with a path in it",
            |m| m["requests"][0]["serial"] = "../../etc".into(),
            BatchError::BadRequestEvent,
        ),
        (
            "version 0",
            |m| m["requests"][1]["version"] = 0.into(),
            BatchError::BadRequestEvent,
        ),
    ];
    for (what, edit, expected) in edits {
        let mut e = w.unpack(&bytes);
        edit_manifest(&mut e, edit);
        w.resign(&mut e);
        assert_eq!(w.open(&w.pack(&e)).unwrap_err(), expected, "{what}");
    }
}

#[test]
fn open_refuses_a_batch_that_carries_nothing() {
    let w = World::new();
    let mut input = w.input(0);
    input.requests = vec![event(9, RequestAction::Void, Some("spoiled"))];
    let mut e = w.unpack(&seal(&input, &w.device, &w.hq.public()).unwrap().bytes);
    edit_manifest(&mut e, |m| {
        m.as_object_mut().unwrap().remove("requests");
    });
    w.resign(&mut e);
    assert_eq!(w.open(&w.pack(&e)).unwrap_err(), BatchError::EmptyBatch);
}

#[test]
fn debug_output_leaves_out_the_officers_reason() {
    let shown = format!("{:?}", three_events());
    assert!(shown.contains("PNH-2026-7KQ2-000001"), "{shown}");
    assert!(
        !shown.contains("misspelt") && !shown.contains("paper jam"),
        "{shown}"
    );
}

fn any_action() -> impl Strategy<Value = RequestAction> {
    prop_oneof![
        Just(RequestAction::Print),
        Just(RequestAction::Reprint),
        Just(RequestAction::Void),
    ]
}

/// Up to 12 events with rising numbers, free-text reasons (any Unicode) where one is needed.
fn any_events() -> impl Strategy<Value = Vec<RequestEvent>> {
    proptest::collection::vec(
        (1u64..50, any_action(), "\\PC{1,40}", 1u64..9, 0u32..999_999),
        0..12,
    )
    .prop_map(|picks| {
        let mut seq = 0;
        picks
            .into_iter()
            .map(|(step, action, reason, version, number)| {
                seq += step;
                let mut e = event(seq, action, None);
                e.serial = format!("PNH-2026-7KQ2-{number:06}");
                e.version = version;
                if action != RequestAction::Print {
                    e.reason = Some(format!("x{reason}"));
                }
                e
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the events (and however their reasons are spelt), they come back exactly,
    /// with or without case versions beside them; nothing at all is refused at sealing.
    #[test]
    fn any_well_formed_events_round_trip(events in any_events(), records in 0usize..3) {
        let w = World::new();
        let mut input = w.input(records);
        input.requests = events.clone();
        match seal(&input, &w.device, &w.hq.public()) {
            Ok(sealed) => {
                let opened = w.open(&sealed.bytes).unwrap();
                prop_assert_eq!(opened.manifest.requests, events);
                prop_assert_eq!(opened.manifest.record_count, input.records.len() as u64);
            }
            Err(e) => {
                prop_assert!(events.is_empty() && records == 0);
                prop_assert_eq!(e, SealError::Empty);
            }
        }
    }
}
