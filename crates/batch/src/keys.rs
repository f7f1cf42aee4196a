//! Headquarters' keys: an Ed25519 key that signs receipts and an age X25519 identity that
//! batches are encrypted to. Counters pin the public half (`loket.hq-key/1`).

use std::fmt;

use age::secrecy::ExposeSecret;
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::error::KeyError;

/// Format tag of the public key file counters pin.
pub const HQ_KEY_FORMAT: &str = "loket.hq-key/1";
/// Format tag of headquarters' secret key file (kept by `loket-hq`, never shipped).
pub const HQ_SECRET_FORMAT: &str = "loket.hq-secret/1";

/// Headquarters' public identity: what a counter needs to seal to headquarters and to
/// check its receipts.
#[derive(Clone, PartialEq, Eq)]
pub struct HqPublic {
    /// Verifies receipts.
    pub sign: VerifyingKey,
    /// Batches are encrypted to it.
    pub age: age::x25519::Recipient,
}

#[derive(Serialize, Deserialize)]
struct HqKeyFile {
    format: String,
    sign: String,
    age: String,
}

impl HqPublic {
    /// The `age1…` recipient string, as the manifest names it.
    pub fn age_recipient(&self) -> String {
        self.age.to_string()
    }

    /// The pinned key file: `{"format":"loket.hq-key/1","sign":hex,"age":"age1…"}`.
    pub fn to_json(&self) -> String {
        let file = HqKeyFile {
            format: HQ_KEY_FORMAT.into(),
            sign: hex::encode(self.sign.as_bytes()),
            age: self.age.to_string(),
        };
        // A struct of three strings always serialises.
        serde_json::to_string_pretty(&file).unwrap_or_default() + "\n"
    }

    /// Reads a pinned key file (see [`HqPublic::to_json`]).
    pub fn from_json(text: &str) -> Result<Self, KeyError> {
        let file: HqKeyFile = serde_json::from_str(text).map_err(|_| KeyError::Malformed)?;
        if file.format != HQ_KEY_FORMAT {
            return Err(KeyError::UnknownFormat);
        }
        let sign = verifying_key_from_hex(&file.sign).ok_or(KeyError::BadSigningKey)?;
        let age = file.age.parse().map_err(|_| KeyError::BadAgeKey)?;
        Ok(HqPublic { sign, age })
    }
}

impl fmt::Debug for HqPublic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HqPublic")
            .field("sign", &hex::encode(self.sign.as_bytes()))
            .field("age", &self.age.to_string())
            .finish()
    }
}

/// Headquarters' secret keys. Debug never shows them; both wipe themselves on drop
/// (`SigningKey` and age's `StaticSecret` zeroize).
#[derive(Clone)]
pub struct HqSecret {
    /// Signs receipts.
    pub sign: SigningKey,
    /// Decrypts batches.
    pub age: age::x25519::Identity,
}

impl HqSecret {
    /// Fresh keys from the operating system's random source.
    pub fn generate() -> Self {
        HqSecret {
            sign: SigningKey::generate(&mut rand::rngs::OsRng),
            age: age::x25519::Identity::generate(),
        }
    }

    /// The public half, for `loket hq-key`.
    pub fn public(&self) -> HqPublic {
        HqPublic {
            sign: self.sign.verifying_key(),
            age: self.age.to_public(),
        }
    }

    /// The secret key file `{"format":"loket.hq-secret/1","sign":hex,"age":"AGE-SECRET-KEY-1…"}`,
    /// in a buffer that is wiped when dropped. Store it encrypted or with tight permissions.
    pub fn to_secret_json(&self) -> Zeroizing<String> {
        let sign = Zeroizing::new(hex::encode(self.sign.to_bytes()));
        let age = self.age.to_string();
        let mut out = Zeroizing::new(String::new());
        out.push_str("{\"format\":\"");
        out.push_str(HQ_SECRET_FORMAT);
        out.push_str("\",\"sign\":\"");
        out.push_str(&sign);
        out.push_str("\",\"age\":\"");
        out.push_str(age.expose_secret());
        out.push_str("\"}\n");
        out
    }

    /// Reads the secret key file written by [`HqSecret::to_secret_json`].
    pub fn from_secret_json(text: &str) -> Result<Self, KeyError> {
        let file: Zeroizing<HqKeyFileSecret> =
            Zeroizing::new(serde_json::from_str(text).map_err(|_| KeyError::Malformed)?);
        if file.format != HQ_SECRET_FORMAT {
            return Err(KeyError::UnknownFormat);
        }
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(&file.sign, bytes.as_mut()).map_err(|_| KeyError::BadSigningKey)?;
        let sign = SigningKey::from_bytes(&bytes);
        let age = file.age.parse().map_err(|_| KeyError::BadAgeKey)?;
        Ok(HqSecret { sign, age })
    }
}

#[derive(Deserialize, Default)]
struct HqKeyFileSecret {
    format: String,
    sign: String,
    age: String,
}

impl zeroize::Zeroize for HqKeyFileSecret {
    fn zeroize(&mut self) {
        self.sign.zeroize();
        self.age.zeroize();
    }
}

impl fmt::Debug for HqSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HqSecret")
            .field("public", &self.public())
            .finish_non_exhaustive()
    }
}

/// An Ed25519 public key from 64 hex digits; `None` when it is not one.
pub fn verifying_key_from_hex(text: &str) -> Option<VerifyingKey> {
    let mut bytes = [0u8; 32];
    hex::decode_to_slice(text, &mut bytes).ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}
