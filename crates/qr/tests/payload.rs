//! A printed code verifies with its counter's key, and any change to it fails.

use ed25519_dalek::SigningKey;
use loket_qr::{Claim, Payload, QrError};
use proptest::prelude::*;

fn claim() -> Claim {
    Claim {
        serial: "PNH-2026-7KQ2-000123".into(),
        case_id: "0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b11".into(),
        version: 3,
        full_name: "SITI AMINAH".into(),
        date_of_birth: "1999-04-12".into(),
        record_sha256: [7; 32],
        device_id: "0190f3c2-0000-7000-8000-000000000001".into(),
    }
}

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

#[test]
fn a_signed_claim_reads_back_and_verifies() {
    let text = claim().sign(&key(1)).unwrap();
    assert!(text.starts_with(
        "LOKET1;PNH-2026-7KQ2-000123;0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b11;3;SITI AMINAH;1999-04-12;"
    ));
    assert!(text.len() < 300, "{} bytes", text.len());
    let payload = Payload::parse(&text).unwrap();
    assert_eq!(payload.verify(&key(1).verifying_key()), Ok(&claim()));
}

#[test]
fn another_counters_key_fails() {
    let payload = Payload::parse(&claim().sign(&key(1)).unwrap()).unwrap();
    assert_eq!(
        payload.verify(&key(2).verifying_key()),
        Err(QrError::BadSignature)
    );
}

#[test]
fn a_name_with_a_separator_is_refused() {
    let mut c = claim();
    c.full_name = "A;B".into();
    assert_eq!(c.sign(&key(1)), Err(QrError::Unencodable("name")));
}

#[test]
fn a_non_canonical_field_is_malformed() {
    let text = claim().sign(&key(1)).unwrap().replace(";3;", ";03;");
    assert!(matches!(Payload::parse(&text), Err(QrError::Malformed(_))));
}

#[test]
fn a_diacritic_name_round_trips() {
    let mut c = claim();
    c.full_name = "JOSÉ ÑOÑO".into();
    let payload = Payload::parse(&c.sign(&key(1)).unwrap()).unwrap();
    assert_eq!(payload.verify(&key(1).verifying_key()).unwrap(), &c);
}

proptest! {
    /// Every single-byte change (any position, any new byte) is refused, either as malformed
    /// or as a bad signature: never accepted.
    #[test]
    fn any_changed_byte_fails(pos in 0usize..300, byte in any::<u8>()) {
        let text = claim().sign(&key(1)).unwrap();
        let mut bytes = text.clone().into_bytes();
        let pos = pos % bytes.len();
        prop_assume!(bytes[pos] != byte);
        bytes[pos] = byte;
        if let Ok(changed) = String::from_utf8(bytes) {
            let outcome = Payload::parse(&changed).and_then(|p| {
                p.verify(&key(1).verifying_key()).cloned()
            });
            prop_assert!(outcome.is_err(), "accepted {changed:?}");
        }
    }

    /// Parsing never panics, whatever is scanned.
    #[test]
    fn parse_never_panics(text in ".{0,400}") {
        let _ = Payload::parse(&text);
    }
}
