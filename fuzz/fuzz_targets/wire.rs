//! What a counter or headquarters reads from a file or the network besides batches: any
//! bytes as a receipt (from a stick), a device identity file (`loket-hq device add`),
//! headquarters' public key file (`loket hq-key`), or a mission index answer. Read or
//! refused, never a panic. The first byte picks what the rest is; the receipt and index
//! modes also sign the rest as a body with headquarters' key (as a leaked key or a bug at
//! headquarters could), so the fuzzer reaches the parsing behind the signature.
#![no_main]

use ed25519_dalek::{Signer, SigningKey};
use libfuzzer_sys::fuzz_target;
use loket_batch::wire::{IndexPage, INDEX_FORMAT};
use loket_batch::{DeviceCard, HqPublic, Receipt};

/// A signed envelope `{"format","body","signature"}` around `body`, as both formats use.
fn signed(format: &str, body: &str, key: &SigningKey) -> Vec<u8> {
    serde_json::to_vec(&serde_json::json!({
        "format": format,
        "body": body,
        "signature": hex::encode(key.sign(body.as_bytes()).to_bytes()),
    }))
    .unwrap()
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let key = SigningKey::from_bytes(&[7; 32]);
    let text = String::from_utf8_lossy(rest);
    match mode % 5 {
        0 => {
            let _ = Receipt::verify(rest, &key.verifying_key());
        }
        1 => {
            let file = signed("loket.receipt/1", &text, &key);
            if let Ok(receipt) = Receipt::verify(&file, &key.verifying_key()) {
                // What verifies re-signs to the same content.
                let again = receipt.sign(&key);
                let back = Receipt::verify(again.as_bytes(), &key.verifying_key()).unwrap();
                assert_eq!(back, receipt);
            }
        }
        2 => {
            if let Ok(card) = DeviceCard::from_json(&text) {
                assert_eq!(DeviceCard::from_json(&card.to_json()).unwrap(), card);
            }
        }
        3 => {
            if let Ok(public) = HqPublic::from_json(&text) {
                let again = HqPublic::from_json(&public.to_json()).unwrap();
                assert_eq!(again.to_json(), public.to_json());
            }
        }
        _ => {
            // An index answer: the envelope signed, then encrypted to the request's key.
            let identity = age::x25519::Identity::generate();
            let envelope = signed(INDEX_FORMAT, &text, &key);
            let bytes = age::encrypt(&identity.to_public(), &envelope).unwrap();
            if let Ok(page) =
                IndexPage::open(&bytes, &identity, &key.verifying_key(), "PNH", "nonce")
            {
                assert_eq!((page.mission.as_str(), page.request_nonce.as_str()), ("PNH", "nonce"));
            }
        }
    }
});
