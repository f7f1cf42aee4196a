//! The whole way of a request's QR code: printed by the store (serial, signature), rendered,
//! scanned back from the page's pixels, and verified with the counter's key; a changed byte
//! of what was scanned fails.

mod common;
use common::*;
use loket_store::{KdfParams, Store};

#[test]
fn the_printed_code_scans_back_and_verifies_and_a_changed_byte_fails() {
    if !have_tools(
        "the_printed_code_scans_back_and_verifies_and_a_changed_byte_fails",
        &["pdftoppm"],
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (mut store, _) = Store::init_with(
        &dir.path().join("store"),
        "o1",
        "correct horse battery staple",
        "PNH",
        KdfParams::insecure_for_tests(),
    )
    .unwrap();
    let m = mission();
    store
        .set_mission_details(&m.name, &m.address, &m.city)
        .unwrap();
    let saved = store.save(example(), None).unwrap();
    store.finalize(&saved.case_id).unwrap();
    let (request, pdf) = store
        .print_request(&saved.case_id, None, loket_pdf::render_job)
        .unwrap()
        .unwrap();

    let scanned = scan_qr(&write_pdf(dir.path(), "request.pdf", &pdf));
    assert_eq!(scanned, vec![request.payload.clone()]);

    let key = store.verifying_key().unwrap();
    let claim = loket_qr::Payload::parse(&scanned[0])
        .unwrap()
        .verify(&key)
        .unwrap()
        .clone();
    assert_eq!(claim.serial, request.serial);
    assert_eq!(claim.case_id, saved.case_id);
    assert_eq!(
        Some(claim.record_sha256),
        store.record_sha256(&saved.case_id, 1).unwrap()
    );
    // Every single changed byte is refused (as malformed or as a bad signature).
    let text = scanned[0].as_bytes();
    for at in 0..text.len() {
        let mut changed = text.to_vec();
        changed[at] = if changed[at] == b'A' { b'B' } else { b'A' };
        let changed = String::from_utf8(changed).unwrap();
        let outcome = loket_qr::Payload::parse(&changed).and_then(|p| p.verify(&key).cloned());
        assert!(outcome.is_err(), "byte {at} changed and still accepted");
    }
}
