//! The key file: the store's random data key, wrapped under a key derived from a passphrase.
//!
//! The data key never changes, so a passphrase can be changed, or a second officer's added
//! (one slot each), without re-encrypting the store. Wrapping is XChaCha20-Poly1305 under an
//! Argon2id key; a wrong passphrase fails the AEAD tag, before the database is touched.

use crate::error::{io, Result, StoreError};
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;
use zeroize::Zeroizing;

const FORMAT: &str = "loket.keyring/1";

/// Argon2id cost. The default takes about half a second on a counter laptop (see
/// docs/benchmarks.md): slow enough to make guessing a stolen laptop's passphrase costly,
/// fast enough that an officer unlocks without waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes over the memory.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl Default for KdfParams {
    fn default() -> Self {
        KdfParams {
            m_kib: 64 * 1024,
            t: 3,
            p: 1,
        }
    }
}

impl KdfParams {
    /// The lightest Argon2id allows: only for tests and benchmarks that create many stores.
    pub fn insecure_for_tests() -> Self {
        KdfParams {
            m_kib: 8,
            t: 1,
            p: 1,
        }
    }
}

/// The 32-byte key SQLCipher encrypts the database with; wiped from memory when dropped.
pub type DataKey = Zeroizing<[u8; 32]>;

#[derive(Serialize, Deserialize)]
struct KeyFile {
    format: String,
    slots: Vec<Slot>,
}

/// The data key wrapped under one passphrase.
#[derive(Serialize, Deserialize)]
struct Slot {
    name: String,
    kdf: KdfParams,
    salt: String,
    nonce: String,
    wrapped: String,
}

pub const FILE_NAME: &str = "keyring.json";

/// A new random data key.
pub fn generate() -> DataKey {
    let mut key: DataKey = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(key.as_mut());
    key
}

/// Writes `key`, wrapped under `passphrase`, to `dir/keyring.json`.
pub fn save(dir: &Path, key: &DataKey, passphrase: &str, kdf: KdfParams) -> Result<()> {
    let slot = wrap(key, "officer", passphrase, kdf)?;
    let file = KeyFile {
        format: FORMAT.to_string(),
        slots: vec![slot],
    };
    let text = serde_json::to_vec_pretty(&file).expect("key file serializes");
    write_atomically(&dir.join(FILE_NAME), &text)
}

/// Unwraps the data key with `passphrase`, trying each slot.
pub fn unlock(dir: &Path, passphrase: &str) -> Result<DataKey> {
    let path = dir.join(FILE_NAME);
    let text = match std::fs::read(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(StoreError::NotInitialised {
                dir: dir.to_path_buf(),
            })
        }
        Err(e) => return Err(io(format!("cannot read {}", path.display()))(e)),
    };
    let bad = |why: &str| StoreError::Keyring {
        path: path.clone(),
        why: why.to_string(),
    };
    let file: KeyFile = serde_json::from_slice(&text).map_err(|_| bad("not valid JSON"))?;
    if file.format != FORMAT {
        return Err(bad(&format!("unknown format {:?}", file.format)));
    }
    for slot in &file.slots {
        if let Some(key) = unwrap(slot, passphrase).map_err(|why| bad(&why))? {
            return Ok(key);
        }
    }
    Err(StoreError::WrongPassphrase)
}

fn derive(
    passphrase: &str,
    salt: &[u8],
    kdf: KdfParams,
) -> std::result::Result<Zeroizing<[u8; 32]>, String> {
    let params = Params::new(kdf.m_kib, kdf.t, kdf.p, Some(32)).map_err(|e| e.to_string())?;
    let mut out = Zeroizing::new([0u8; 32]);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_into(passphrase.as_bytes(), salt, out.as_mut())
        .map_err(|e| e.to_string())?;
    Ok(out)
}

/// The slot's parameters are bound to the ciphertext, so a file edited to weaken them fails.
fn aad(name: &str, kdf: KdfParams) -> Vec<u8> {
    format!("{FORMAT}|{name}|{}|{}|{}", kdf.m_kib, kdf.t, kdf.p).into_bytes()
}

fn wrap(key: &DataKey, name: &str, passphrase: &str, kdf: KdfParams) -> Result<Slot> {
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let kek = derive(passphrase, &salt, kdf).map_err(|why| StoreError::Keyring {
        path: FILE_NAME.into(),
        why,
    })?;
    let cipher = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&kek[..]));
    let aad = aad(name, kdf);
    let wrapped = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &key[..],
                aad: &aad,
            },
        )
        .expect("encryption of 32 bytes cannot fail");
    Ok(Slot {
        name: name.to_string(),
        kdf,
        salt: hex::encode(salt),
        nonce: hex::encode(nonce),
        wrapped: hex::encode(wrapped),
    })
}

/// `Ok(None)` when the passphrase is not this slot's.
fn unwrap(slot: &Slot, passphrase: &str) -> std::result::Result<Option<DataKey>, String> {
    let salt = hex::decode(&slot.salt).map_err(|_| "bad salt")?;
    let nonce = hex::decode(&slot.nonce).map_err(|_| "bad nonce")?;
    let wrapped = hex::decode(&slot.wrapped).map_err(|_| "bad wrapped key")?;
    if nonce.len() != 24 {
        return Err("bad nonce".into());
    }
    let kek = derive(passphrase, &salt, slot.kdf)?;
    let cipher = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&kek[..]));
    let aad = aad(&slot.name, slot.kdf);
    let Ok(plain) = cipher.decrypt(
        XNonce::from_slice(&nonce),
        Payload {
            msg: &wrapped,
            aad: &aad,
        },
    ) else {
        return Ok(None);
    };
    let plain = Zeroizing::new(plain);
    let mut key: DataKey = Zeroizing::new([0u8; 32]);
    if plain.len() != 32 {
        return Err("wrapped key has the wrong length".into());
    }
    key.copy_from_slice(&plain);
    Ok(Some(key))
}

/// Temp file, fsync, rename, fsync the folder: a crash leaves the old file or the new one.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let tmp = path.with_extension("json.tmp");
    let what = || format!("cannot write {}", path.display());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(&tmp).map_err(io(what()))?;
    f.write_all(bytes).map_err(io(what()))?;
    f.sync_all().map_err(io(what()))?;
    std::fs::rename(&tmp, path).map_err(io(what()))?;
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(what()))?;
    Ok(())
}
