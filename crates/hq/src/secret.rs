//! Headquarters' keys (`loket.hq-secret/1`) and the random key of the SQLite database,
//! encrypted with age to a passphrase (age's scrypt recipient): in each operator's login
//! (`logins.rs`), or, as loket-hq wrote before logins, in the one file `hq-secret.age`.
//!
//! Plaintext, two lines: the `loket.hq-secret/1` JSON, then
//! `{"format":"loket.hq-database-key/1","key":"<64 hex>"}`; a login's adds a third,
//! `{"format":"loket.hq-login/1","operator":"<name>"}`, so that a login copied under another
//! name does not open. age authenticates the whole, so a wrong passphrase or an altered file
//! fails before anything else is read or touched.

use std::path::Path;

use age::secrecy::SecretString;
use loket_batch::HqSecret;
use rand::RngCore;
use serde::Deserialize;
use zeroize::Zeroizing;

use crate::error::{io, HqError, Result};
use crate::files::SECRET_FILE;

const DATABASE_KEY_FORMAT: &str = "loket.hq-database-key/1";
const LOGIN_FORMAT: &str = "loket.hq-login/1";

/// age's scrypt work factor (log2 of N). The default, 18, is what the `age` tool itself
/// settles on for a second's work on a current machine: 256 MiB and about a second per
/// unlock (docs/hq.md). A stolen login then costs an attacker that much per guess.
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

/// What a login (or the old shared file) holds.
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

    fn plaintext(&self, operator: Option<&str>) -> Zeroizing<String> {
        let mut out = self.hq.to_secret_json();
        let key = Zeroizing::new(hex::encode(self.database.as_slice()));
        out.push_str("{\"format\":\"");
        out.push_str(DATABASE_KEY_FORMAT);
        out.push_str("\",\"key\":\"");
        out.push_str(&key);
        out.push_str("\"}\n");
        if let Some(operator) = operator {
            let line = serde_json::json!({ "format": LOGIN_FORMAT, "operator": operator });
            out.push_str(&line.to_string());
            out.push('\n');
        }
        out
    }

    /// The keys, and the operator a login names, encrypted to `passphrase`.
    pub fn encrypt(
        &self,
        passphrase: &str,
        work: WorkFactor,
        operator: Option<&str>,
    ) -> Result<Vec<u8>> {
        let mut recipient = age::scrypt::Recipient::new(SecretString::from(passphrase.to_owned()));
        recipient.set_work_factor(work.0.clamp(1, MAX_WORK_FACTOR));
        let plain = self.plaintext(operator);
        age::encrypt(&recipient, plain.as_bytes()).map_err(|_| HqError::Io {
            context: "cannot encrypt headquarters' keys".into(),
            source: std::io::Error::other("age encryption failed"),
        })
    }

    /// Decrypts what [`Keys::encrypt`] wrote: the keys, and the operator named inside (none in
    /// the old `hq-secret.age`). `path` names the file in errors.
    pub fn decrypt(sealed: &[u8], passphrase: &str, path: &Path) -> Result<(Keys, Option<String>)> {
        let bad = |why: &str| HqError::SecretFile {
            path: path.to_path_buf(),
            why: why.into(),
        };
        let mut identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_owned()));
        identity.set_max_work_factor(MAX_WORK_FACTOR);
        let plain = Zeroizing::new(age::decrypt(&identity, sealed).map_err(|e| match e {
            age::DecryptError::DecryptionFailed | age::DecryptError::KeyDecryptionFailed => {
                HqError::WrongPassphrase
            }
            age::DecryptError::ExcessiveWork { .. } => bad("it asks for more work than allowed"),
            age::DecryptError::NoMatchingKeys => bad("it is not encrypted to a passphrase"),
            _ => bad("it is not an age file, or it was altered"),
        })?);
        let text = std::str::from_utf8(&plain).map_err(|_| bad("not UTF-8"))?;
        let mut lines = text.lines();
        let secret = lines.next().unwrap_or_default();
        let key = lines
            .next()
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
        let operator = match lines.next() {
            None => None,
            Some(line) => {
                let login: LoginLine =
                    serde_json::from_str(line).map_err(|_| bad("malformed login"))?;
                if login.format != LOGIN_FORMAT {
                    return Err(bad("unknown login format"));
                }
                Some(login.operator)
            }
        };
        Ok((Keys { hq, database }, operator))
    }

    /// Reads and decrypts the old `dir/hq-secret.age` (before logins).
    pub fn unlock_shared(dir: &Path, passphrase: &str) -> Result<Keys> {
        let path = dir.join(SECRET_FILE);
        let sealed = std::fs::read(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => HqError::NotInitialised {
                dir: dir.to_path_buf(),
            },
            _ => io(format!("cannot read {}", path.display()))(e),
        })?;
        Ok(Self::decrypt(&sealed, passphrase, &path)?.0)
    }
}

#[derive(Deserialize)]
struct LoginLine {
    format: String,
    operator: String,
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
