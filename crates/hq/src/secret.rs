//! The secret file `hq-secret.age`: headquarters' keys (`loket.hq-secret/1`) and the random
//! key of the SQLite database, encrypted with age to a passphrase (age's scrypt recipient).
//!
//! Plaintext, two lines: the `loket.hq-secret/1` JSON, then
//! `{"format":"loket.hq-database-key/1","key":"<64 hex>"}`. age authenticates the whole file,
//! so a wrong passphrase or an altered file fails before anything else is read or touched.

use std::path::Path;

use age::secrecy::SecretString;
use loket_batch::HqSecret;
use rand::RngCore;
use serde::Deserialize;
use zeroize::Zeroizing;

use crate::error::{io, HqError, Result};
use crate::files::{write_atomically, SECRET_FILE};

const DATABASE_KEY_FORMAT: &str = "loket.hq-database-key/1";

/// age's scrypt work factor (log2 of N). The default, 18, is what the `age` tool itself
/// settles on for a second's work on a current machine: 256 MiB and about a second per
/// unlock (docs/hq.md). A stolen secret file then costs an attacker that much per guess.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkFactor(pub u8);

impl Default for WorkFactor {
    fn default() -> Self {
        WorkFactor(18)
    }
}

impl WorkFactor {
    /// A trivial cost: only for tests and benchmarks that create many headquarters.
    pub fn insecure_for_tests() -> Self {
        WorkFactor(4)
    }
}

/// A file asking for more work than this is refused rather than run (2^22: 4 GiB, minutes).
const MAX_WORK_FACTOR: u8 = 22;

/// The 32-byte SQLCipher key; wiped from memory when dropped.
pub type DatabaseKey = Zeroizing<[u8; 32]>;

/// What the secret file holds.
pub(crate) struct Keys {
    pub hq: HqSecret,
    pub database: DatabaseKey,
}

impl Keys {
    pub fn generate() -> Keys {
        let mut database: DatabaseKey = Zeroizing::new([0u8; 32]);
        rand::rngs::OsRng.fill_bytes(database.as_mut());
        Keys {
            hq: HqSecret::generate(),
            database,
        }
    }

    fn plaintext(&self) -> Zeroizing<String> {
        let mut out = self.hq.to_secret_json();
        let key = Zeroizing::new(hex::encode(self.database.as_slice()));
        out.push_str("{\"format\":\"");
        out.push_str(DATABASE_KEY_FORMAT);
        out.push_str("\",\"key\":\"");
        out.push_str(&key);
        out.push_str("\"}\n");
        out
    }

    /// Encrypts to `passphrase` and writes `dir/hq-secret.age` (mode 0600, atomically).
    pub fn save(&self, dir: &Path, passphrase: &str, work: WorkFactor) -> Result<()> {
        let mut recipient = age::scrypt::Recipient::new(SecretString::from(passphrase.to_owned()));
        recipient.set_work_factor(work.0.clamp(1, MAX_WORK_FACTOR));
        let plain = self.plaintext();
        let sealed =
            age::encrypt(&recipient, plain.as_bytes()).map_err(|_| HqError::SecretFile {
                path: dir.join(SECRET_FILE),
                why: "encryption failed".into(),
            })?;
        write_atomically(&dir.join(SECRET_FILE), &sealed, 0o600)
    }

    /// Reads and decrypts `dir/hq-secret.age`.
    pub fn unlock(dir: &Path, passphrase: &str) -> Result<Keys> {
        let path = dir.join(SECRET_FILE);
        let sealed = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(HqError::NotInitialised {
                    dir: dir.to_path_buf(),
                })
            }
            Err(e) => return Err(io(format!("cannot read {}", path.display()))(e)),
        };
        let bad = |why: &str| HqError::SecretFile {
            path: path.clone(),
            why: why.into(),
        };
        let mut identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_owned()));
        identity.set_max_work_factor(MAX_WORK_FACTOR);
        let plain = Zeroizing::new(age::decrypt(&identity, &sealed).map_err(|e| match e {
            age::DecryptError::DecryptionFailed | age::DecryptError::KeyDecryptionFailed => {
                HqError::WrongPassphrase
            }
            age::DecryptError::ExcessiveWork { .. } => bad("it asks for more work than allowed"),
            age::DecryptError::NoMatchingKeys => bad("it is not encrypted to a passphrase"),
            _ => bad("it is not an age file, or it was altered"),
        })?);
        let text = std::str::from_utf8(&plain).map_err(|_| bad("not UTF-8"))?;
        let (secret, key) = text
            .split_once('\n')
            .ok_or_else(|| bad("the database key is missing"))?;
        let hq = HqSecret::from_secret_json(secret).map_err(|e| bad(&e.to_string()))?;
        let file: Zeroizing<KeyLine> =
            Zeroizing::new(serde_json::from_str(key).map_err(|_| bad("malformed database key"))?);
        if file.format != DATABASE_KEY_FORMAT {
            return Err(bad("unknown database key format"));
        }
        let mut database: DatabaseKey = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(&file.key, database.as_mut())
            .map_err(|_| bad("malformed database key"))?;
        Ok(Keys { hq, database })
    }
}

#[derive(Deserialize, Default)]
struct KeyLine {
    format: String,
    key: String,
}

impl zeroize::Zeroize for KeyLine {
    fn zeroize(&mut self) {
        self.key.zeroize();
    }
}
