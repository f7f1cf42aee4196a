//! Any text scanned from a QR code: read or refused, never a panic; what is read verifies
//! only with the key that signed it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(payload) = loket_qr::Payload::parse(&text) {
        let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]).verifying_key();
        let _ = payload.verify(&key);
    }
});
