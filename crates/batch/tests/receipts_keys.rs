mod common;

use common::*;
use loket_batch::*;

fn receipt() -> Receipt {
    Receipt::new(
        "PNH-01",
        vec![1, 2],
        vec![HeldVersion {
            case_id: case_id(0),
            version: 1,
            record_sha256: sha256_hex(record_text(0).as_bytes()),
        }],
        at("2026-01-20T10:00:00+07:00"),
    )
}

#[test]
fn a_signed_receipt_verifies_and_gives_back_its_content() {
    let hq = HqSecret::generate();
    let text = receipt().sign(&hq.sign);
    assert_eq!(
        Receipt::verify(text.as_bytes(), &hq.public().sign).unwrap(),
        receipt()
    );
}

#[test]
fn a_receipt_from_a_batch_leaves_out_the_earlier_batch_numbers_and_says_so() {
    let hq = HqSecret::generate();
    let from_2 = receipt().records_from(2);
    assert_eq!(
        (from_2.batches.as_slice(), from_2.records_from_batch),
        (&[2][..], Some(2))
    );
    assert_eq!(from_2.first_listed_batch(), 2);
    let text = from_2.sign(&hq.sign);
    assert_eq!(
        Receipt::verify(text.as_bytes(), &hq.public().sign).unwrap(),
        from_2
    );
    // From batch 1 is the whole receipt: nothing dropped, nothing added to the text.
    assert_eq!(receipt().records_from(1), receipt());
    assert!(!receipt()
        .records_from(1)
        .sign(&hq.sign)
        .contains("records_from_batch"));
}

#[test]
fn a_receipt_with_any_changed_byte_fails() {
    let hq = HqSecret::generate();
    let text = receipt().sign(&hq.sign).into_bytes();
    for i in 0..text.len() {
        let mut t = text.clone();
        t[i] ^= 0x01;
        // Whitespace outside the strings may change harmlessly; nothing else may.
        if let Ok(r) = Receipt::verify(&t, &hq.public().sign) {
            assert_eq!(r, receipt(), "byte {i} changed the content yet verified");
        }
    }
    let tampered = String::from_utf8(text).unwrap().replace("[1,2]", "[1,3]");
    assert_eq!(
        Receipt::verify(tampered.as_bytes(), &hq.public().sign).unwrap_err(),
        ReceiptError::BadSignature
    );
}

#[test]
fn a_receipt_signed_by_another_key_fails() {
    let hq = HqSecret::generate();
    let other = HqSecret::generate();
    let text = receipt().sign(&other.sign);
    assert_eq!(
        Receipt::verify(text.as_bytes(), &hq.public().sign).unwrap_err(),
        ReceiptError::BadSignature
    );
    assert_eq!(
        Receipt::verify(b"not json", &hq.public().sign).unwrap_err(),
        ReceiptError::Malformed
    );
}

#[test]
fn the_public_key_file_round_trips_and_has_the_pinned_shape() {
    let hq = HqSecret::generate();
    let json = hq.public().to_json();
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["format"], "loket.hq-key/1");
    assert_eq!(v["sign"].as_str().unwrap().len(), 64);
    assert!(v["age"].as_str().unwrap().starts_with("age1"));
    assert_eq!(HqPublic::from_json(&json).unwrap(), hq.public());
    assert_eq!(
        HqPublic::from_json(&json.replace("hq-key/1", "hq-key/2")).unwrap_err(),
        KeyError::UnknownFormat
    );
    assert_eq!(HqPublic::from_json("{}").unwrap_err(), KeyError::Malformed);
}

#[test]
fn the_secret_key_file_round_trips_and_debug_shows_no_secret() {
    let hq = HqSecret::generate();
    let text = hq.to_secret_json();
    let back = HqSecret::from_secret_json(&text).unwrap();
    assert_eq!(back.public(), hq.public());
    assert_eq!(back.sign.to_bytes(), hq.sign.to_bytes());

    let debug = format!("{hq:?}");
    let sign_hex = hex::encode(hq.sign.to_bytes());
    assert!(!debug.contains(&sign_hex));
    assert!(!debug.to_uppercase().contains("AGE-SECRET-KEY"));
    assert!(debug.contains(&hq.public().age_recipient()));
}

#[test]
fn a_batch_sealed_to_the_pinned_key_file_opens_at_headquarters() {
    let w = World::new();
    let pinned = HqPublic::from_json(&w.hq.public().to_json()).unwrap();
    let bytes = seal(&w.input(1), &w.device, &pinned).unwrap().bytes;
    assert!(w.open(&bytes).is_ok());
}

#[test]
fn a_device_identity_file_round_trips_and_bad_ones_are_refused() {
    let device = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
    let card = DeviceCard {
        device_id: "0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b11".into(),
        mission: "PNH".into(),
        public_key: device.verifying_key(),
    };
    let text = card.to_json();
    assert!(text.contains("\"format\": \"loket.device/1\""));
    assert_eq!(DeviceCard::from_json(&text).unwrap(), card);

    let other_format = text.replace("loket.device/1", "loket.device/2");
    assert_eq!(
        DeviceCard::from_json(&other_format),
        Err(KeyError::UnknownFormat)
    );
    let bad_key = text.replace(&hex::encode(device.verifying_key().as_bytes())[..4], "zzzz");
    assert_eq!(
        DeviceCard::from_json(&bad_key),
        Err(KeyError::BadSigningKey)
    );
    let bad_id = text.replace("0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b11", "a b");
    assert_eq!(DeviceCard::from_json(&bad_id), Err(KeyError::Malformed));
    assert_eq!(DeviceCard::from_json("{}"), Err(KeyError::Malformed));
}
