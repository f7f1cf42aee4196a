//! SPLP requests at headquarters, from the prints, reprints and voids the counters' batches
//! carry: stored once, in any order of arrival, and a batch that contradicts them refused
//! whole. On SQLite and on PostgreSQL alike.

mod common;

use common::*;
use loket_batch::{sha256_hex, RequestAction, RequestEvent};
use loket_hq::{Counts, RequestRow, RequestVoid};

on_both_backends!(
    a_request_is_held_from_its_print_and_its_void_from_a_batch_of_its_own,
    a_void_arriving_before_its_print_ends_in_the_same_state,
    an_event_that_contradicts_a_request_held_refuses_the_whole_batch,
);

const SERIAL: &str = "PNH-2026-7KQ2-000001";

fn event(seq: u64, action: RequestAction, reason: Option<&str>) -> RequestEvent {
    RequestEvent {
        seq,
        serial: SERIAL.into(),
        action,
        at: at("2026-01-19T10:00:00+07:00") + chrono::Duration::minutes(seq as i64),
        officer: "officer1".into(),
        reason: reason.map(Into::into),
        case_id: case_id(0),
        version: 1,
        record_sha256: sha256_hex(record_text(0, 1).as_bytes()),
        issued_at: at("2026-01-19T10:01:00+07:00"),
    }
}

fn printed() -> Vec<RequestEvent> {
    vec![
        event(1, RequestAction::Print, None),
        event(2, RequestAction::Reprint, Some("paper jam")),
    ]
}

fn voided() -> Vec<RequestEvent> {
    vec![event(5, RequestAction::Void, Some("name misspelt"))]
}

fn request(prints: u64, void: bool) -> RequestRow {
    RequestRow {
        serial: SERIAL.into(),
        mission: "PNH".into(),
        device_id: "PNH-01".into(),
        case_id: case_id(0),
        version: 1,
        record_sha256: sha256_hex(record_text(0, 1).as_bytes()),
        issued_at: "2026-01-19T10:01:00+07:00".into(),
        prints,
        void: void.then(|| RequestVoid {
            at: "2026-01-19T10:05:00+07:00".into(),
            officer: "officer1".into(),
            reason: "name misspelt".into(),
        }),
    }
}

/// Headquarters with one counter enrolled, and that counter's batches: 1 with case 0 and
/// its request's print and reprint, 2 with the request's void alone.
fn printed_then_voided(b: Backend) -> (Site, Vec<u8>, Vec<u8>) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let public = site.public();
    let b1 = counter.seal_next_with(&public, &[(0, 1)], printed());
    let b2 = counter.seal_next_with(&public, &[], voided());
    (site, b1, b2)
}

fn a_request_is_held_from_its_print_and_its_void_from_a_batch_of_its_own(b: Backend) {
    let (site, b1, b2) = printed_then_voided(b);
    let mut hq = site.hq();

    let first = hq.import(&b1).unwrap();
    assert_eq!((first.request_events, first.new_requests), (2, 1));
    assert_eq!(hq.requests().unwrap(), [request(2, false)]);

    let second = hq.import(&b2).unwrap();
    assert_eq!(
        (second.records, second.request_events, second.new_requests),
        (0, 1, 0)
    );
    assert_eq!(hq.requests().unwrap(), [request(2, true)]);
    let counts = hq.counts().unwrap();
    assert_eq!(
        counts,
        Counts {
            devices: 1,
            batches: 2,
            records: 1,
            photos: 1,
            cases: 1,
            requests: 1,
            request_events: 3,
        }
    );
    // The receipt names both batches; the same batch again changes nothing.
    let receipt = verify_receipt(second.receipt.as_bytes(), &site.public());
    assert_eq!(receipt.batches, [1, 2]);
    assert_eq!(
        hq.import(&b2).unwrap().outcome,
        loket_hq::Outcome::AlreadyHeld
    );
    assert_eq!(hq.counts().unwrap(), counts);
}

fn a_void_arriving_before_its_print_ends_in_the_same_state(b: Backend) {
    let (site, b1, b2) = printed_then_voided(b);
    let mut hq = site.hq();
    hq.import(&b2).unwrap();
    // Only the void is held: the request, with no print yet.
    assert_eq!(hq.requests().unwrap(), [request(0, true)]);
    hq.import(&b1).unwrap();
    assert_eq!(hq.requests().unwrap(), [request(2, true)]);
}

fn an_event_that_contradicts_a_request_held_refuses_the_whole_batch(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    let mut other = Counter::new("PNH-02");
    site.enrol(&counter);
    site.enrol(&other);
    let public = site.public();
    let mut hq = site.hq();
    hq.import(&counter.seal_next_with(&public, &[(0, 1)], printed()))
        .unwrap();
    let before = hq.counts().unwrap();

    let refused = |hq: &mut loket_hq::Hq, bytes: &[u8]| {
        let err = hq.import(bytes).unwrap_err();
        assert!(err.is_refusal(), "{err}");
        assert_eq!(hq.counts().unwrap(), before, "{err}");
        err.to_string()
    };
    // The same serial for case 0's version 2.
    let mut moved = event(3, RequestAction::Reprint, Some("again"));
    moved.version = 2;
    moved.record_sha256 = sha256_hex(record_text(0, 2).as_bytes());
    let bytes = counter.seal_next_with(&public, &[(0, 2), (1, 1)], vec![moved]);
    assert_eq!(
        refused(&mut hq, &bytes),
        format!("refused: request {SERIAL} is held as printed from another case version or record")
    );
    // Voided twice in one batch.
    counter.chain.pop();
    let twice = vec![
        event(3, RequestAction::Void, Some("spoiled")),
        event(4, RequestAction::Void, Some("spoiled again")),
    ];
    let bytes = counter.seal_next_with(&public, &[(1, 1)], twice);
    assert_eq!(
        refused(&mut hq, &bytes),
        format!("refused: request {SERIAL} is voided twice")
    );
    // Another counter claiming the serial.
    let bytes = other.seal_next_with(&public, &[(7, 1)], printed());
    assert_eq!(
        refused(&mut hq, &bytes),
        format!("refused: request {SERIAL} was issued by another counter")
    );
    assert_eq!(hq.requests().unwrap(), [request(2, false)]);
}
