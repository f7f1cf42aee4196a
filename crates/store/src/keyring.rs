//! The key file: the store's random data key, wrapped once for each officer of the counter.
//!
//! Every officer logs in with their own name and passphrase: their slot alone is tried, so
//! unlocking costs one key derivation however many officers there are, and the audit log
//! names whoever actually unlocked. The data key never changes, so an officer is added or
//! removed, or a passphrase changed, without re-encrypting the store. Wrapping is
//! XChaCha20-Poly1305 under an Argon2id key; a wrong passphrase fails the AEAD tag, before the
//! database is touched.
//!
//! Key files written before per-officer logins (`loket.keyring/1`) hold one passphrase for
//! the whole counter, with any name: the first officer to unlock such a file makes it theirs.

use crate::error::{io, Result, StoreError};
use argon2::{Algorithm, Argon2, Params, Version};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::Path;
use zeroize::Zeroizing;

const FORMAT: &str = "loket.keyring/2";
/// One passphrase for the counter, whatever name the officer gave.
const SHARED_FORMAT: &str = "loket.keyring/1";

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

/// The data key wrapped under one officer's passphrase.
#[derive(Serialize, Deserialize)]
struct Slot {
    /// The officer's name, as it was given when the slot was made.
    name: String,
    kdf: KdfParams,
    salt: String,
    nonce: String,
    wrapped: String,
}

pub const FILE_NAME: &str = "keyring.json";

/// The longest officer's name, in characters.
const MAX_NAME_CHARS: usize = 60;

/// A new random data key.
pub fn generate() -> DataKey {
    let mut key: DataKey = Zeroizing::new([0u8; 32]);
    rand::rngs::OsRng.fill_bytes(key.as_mut());
    key
}

/// An officer's name as a login: trimmed, inner spaces collapsed, 1–60 characters, no control
/// characters. Logins compare without regard to case.
pub fn officer_name(raw: &str) -> Result<String> {
    let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars = name.chars().count();
    if chars == 0 || chars > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(StoreError::InvalidOfficer);
    }
    Ok(name)
}

/// A new passphrase: refused when shorter than `MIN_PASSPHRASE_CHARS`.
pub(crate) fn long_enough(passphrase: &str) -> Result<()> {
    if passphrase.chars().count() < crate::MIN_PASSPHRASE_CHARS {
        return Err(StoreError::ShortPassphrase);
    }
    Ok(())
}

/// Whether two names are the same login.
pub(crate) fn same_officer(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

/// What unlocking gives: the data key, the officer's name as their slot spells it, and the
/// cost their passphrase was derived with (officers they add get the same).
pub struct Unlocked {
    pub key: DataKey,
    pub officer: String,
    pub kdf: KdfParams,
}

/// Writes a new key file in `dir` whose one slot is `officer`'s (a name `officer_name` has
/// checked).
pub fn create(
    dir: &Path,
    key: &DataKey,
    officer: &str,
    passphrase: &str,
    kdf: KdfParams,
) -> Result<()> {
    write(dir, vec![wrap(key, officer, passphrase, kdf)?])
}

/// Unwraps the data key with `officer`'s slot and `passphrase`. A key file from before
/// per-officer logins is rewritten so that its one passphrase becomes `officer`'s.
pub fn unlock(dir: &Path, officer: &str, passphrase: &str) -> Result<Unlocked> {
    let officer = officer_name(officer)?;
    let file = read(dir)?;
    let bad = |why| damaged(dir, why);
    if file.format == SHARED_FORMAT {
        for slot in &file.slots {
            if let Some(key) = unwrap(slot, SHARED_FORMAT, passphrase).map_err(bad)? {
                write(dir, vec![wrap(&key, &officer, passphrase, slot.kdf)?])?;
                return Ok(Unlocked {
                    key,
                    officer,
                    kdf: slot.kdf,
                });
            }
        }
        return Err(StoreError::WrongPassphrase);
    }
    let slot = file
        .slots
        .iter()
        .find(|s| same_officer(&s.name, &officer))
        .ok_or(StoreError::UnknownOfficer { name: officer })?;
    match unwrap(slot, FORMAT, passphrase).map_err(bad)? {
        Some(key) => Ok(Unlocked {
            key,
            officer: slot.name.clone(),
            kdf: slot.kdf,
        }),
        None => Err(StoreError::WrongPassphrase),
    }
}

/// The officers who can unlock the store, in the order they were added.
pub fn officers(dir: &Path) -> Result<Vec<String>> {
    let file = read(dir)?;
    Ok(file.slots.into_iter().map(|s| s.name).collect())
}

/// Adds a slot for `officer`; refused when they have one. Returns the name as stored.
pub fn add(
    dir: &Path,
    key: &DataKey,
    officer: &str,
    passphrase: &str,
    kdf: KdfParams,
) -> Result<String> {
    let officer = officer_name(officer)?;
    let mut file = read(dir)?;
    if file.slots.iter().any(|s| same_officer(&s.name, &officer)) {
        return Err(StoreError::OfficerExists { name: officer });
    }
    file.slots.push(wrap(key, &officer, passphrase, kdf)?);
    write(dir, file.slots)?;
    Ok(officer)
}

/// Removes `officer`'s slot; `Ok(false)` when they had none.
pub fn remove(dir: &Path, officer: &str) -> Result<bool> {
    let mut file = read(dir)?;
    let before = file.slots.len();
    file.slots.retain(|s| !same_officer(&s.name, officer));
    if file.slots.len() == before {
        return Ok(false);
    }
    write(dir, file.slots)?;
    Ok(true)
}

/// Wraps the data key again under `officer`'s new passphrase, in their slot's place.
pub fn change(
    dir: &Path,
    key: &DataKey,
    officer: &str,
    passphrase: &str,
    kdf: KdfParams,
) -> Result<()> {
    let mut file = read(dir)?;
    let Some(slot) = file
        .slots
        .iter_mut()
        .find(|s| same_officer(&s.name, officer))
    else {
        return Err(StoreError::UnknownOfficer {
            name: officer.to_string(),
        });
    };
    *slot = wrap(key, &slot.name, passphrase, kdf)?;
    write(dir, file.slots)
}

/// The key file in `dir` is not one Loket can read: `why`.
fn damaged(dir: &Path, why: String) -> StoreError {
    StoreError::Keyring {
        path: dir.join(FILE_NAME),
        why,
    }
}

/// The key file, current or from before per-officer logins.
fn read(dir: &Path) -> Result<KeyFile> {
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
    let file: KeyFile =
        serde_json::from_slice(&text).map_err(|_| damaged(dir, "not valid JSON".into()))?;
    if file.format != FORMAT && file.format != SHARED_FORMAT {
        return Err(damaged(dir, format!("unknown format {:?}", file.format)));
    }
    if file.slots.is_empty() {
        return Err(damaged(dir, "it has no officer's slot".into()));
    }
    Ok(file)
}

fn write(dir: &Path, slots: Vec<Slot>) -> Result<()> {
    let file = KeyFile {
        format: FORMAT.to_string(),
        slots,
    };
    let text = serde_json::to_vec_pretty(&file).expect("key file serializes");
    write_atomically(&dir.join(FILE_NAME), &text)
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

/// The slot's name and parameters are bound to the ciphertext, so a file edited to weaken
/// them, or to give one officer's slot another's name, fails.
fn aad(format: &str, name: &str, kdf: KdfParams) -> Vec<u8> {
    format!("{format}|{name}|{}|{}|{}", kdf.m_kib, kdf.t, kdf.p).into_bytes()
}

fn wrap(key: &DataKey, name: &str, passphrase: &str, kdf: KdfParams) -> Result<Slot> {
    wrap_as(FORMAT, key, name, passphrase, kdf)
}

fn wrap_as(
    format: &str,
    key: &DataKey,
    name: &str,
    passphrase: &str,
    kdf: KdfParams,
) -> Result<Slot> {
    let mut salt = [0u8; 16];
    let mut nonce = [0u8; 24];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let kek = derive(passphrase, &salt, kdf).map_err(|why| StoreError::Keyring {
        path: FILE_NAME.into(),
        why,
    })?;
    let cipher = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&kek[..]));
    let aad = aad(format, name, kdf);
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
fn unwrap(
    slot: &Slot,
    format: &str,
    passphrase: &str,
) -> std::result::Result<Option<DataKey>, String> {
    let salt = hex::decode(&slot.salt).map_err(|_| "bad salt")?;
    let nonce = hex::decode(&slot.nonce).map_err(|_| "bad nonce")?;
    let wrapped = hex::decode(&slot.wrapped).map_err(|_| "bad wrapped key")?;
    if nonce.len() != 24 {
        return Err("bad nonce".into());
    }
    let kek = derive(passphrase, &salt, slot.kdf)?;
    let cipher = XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&kek[..]));
    let aad = aad(format, &slot.name, slot.kdf);
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

#[cfg(test)]
mod tests {
    use super::*;

    const PASSPHRASE: &str = "the counter's old passphrase";

    /// A key file as builds before per-officer logins wrote it: one slot, any name.
    fn shared_key_file(dir: &Path, key: &DataKey) {
        let kdf = KdfParams::insecure_for_tests();
        let file = KeyFile {
            format: SHARED_FORMAT.into(),
            slots: vec![wrap_as(SHARED_FORMAT, key, "officer", PASSPHRASE, kdf).unwrap()],
        };
        std::fs::write(dir.join(FILE_NAME), serde_json::to_vec(&file).unwrap()).unwrap();
    }

    #[test]
    fn the_first_officer_to_unlock_a_shared_key_file_makes_it_theirs() {
        let dir = tempfile::tempdir().unwrap();
        let key = generate();
        shared_key_file(dir.path(), &key);
        assert!(matches!(
            unlock(dir.path(), "Rina", "not it"),
            Err(StoreError::WrongPassphrase)
        ));
        assert_eq!(officers(dir.path()).unwrap(), ["officer"]);

        let unlocked = unlock(dir.path(), "  Rina   Wulandari ", PASSPHRASE).unwrap();
        assert_eq!(*unlocked.key, *key);
        assert_eq!(unlocked.officer, "Rina Wulandari");
        let file: KeyFile =
            serde_json::from_slice(&std::fs::read(dir.path().join(FILE_NAME)).unwrap()).unwrap();
        assert_eq!(file.format, FORMAT);
        assert_eq!(officers(dir.path()).unwrap(), ["Rina Wulandari"]);

        let again = unlock(dir.path(), "RINA WULANDARI", PASSPHRASE).unwrap();
        assert_eq!(*again.key, *key);
        assert_eq!(again.officer, "Rina Wulandari");
        match unlock(dir.path(), "Budi", PASSPHRASE) {
            Err(StoreError::UnknownOfficer { name }) => assert_eq!(name, "Budi"),
            other => panic!("{:?}", other.err()),
        }
    }

    #[test]
    fn a_slot_given_another_officers_name_does_not_open() {
        let dir = tempfile::tempdir().unwrap();
        let key = generate();
        let kdf = KdfParams::insecure_for_tests();
        create(dir.path(), &key, "Rina", PASSPHRASE, kdf).unwrap();
        add(dir.path(), &key, "Budi", "Budi's passphrase", kdf).unwrap();
        let path = dir.path().join(FILE_NAME);
        let text = std::fs::read_to_string(&path).unwrap();
        // Budi's slot renamed to Rina's, Rina's removed: Budi's passphrase must not open it
        // as Rina.
        let mut file: KeyFile = serde_json::from_str(&text).unwrap();
        file.slots.remove(0);
        file.slots[0].name = "Rina".into();
        std::fs::write(&path, serde_json::to_vec(&file).unwrap()).unwrap();
        assert!(matches!(
            unlock(dir.path(), "Rina", "Budi's passphrase"),
            Err(StoreError::WrongPassphrase)
        ));
    }

    #[test]
    fn officers_names_are_trimmed_and_bounded() {
        assert_eq!(officer_name(" Andi \t Prasetyo ").unwrap(), "Andi Prasetyo");
        assert_eq!(officer_name("Ñoño").unwrap(), "Ñoño");
        assert!(matches!(
            officer_name("   "),
            Err(StoreError::InvalidOfficer)
        ));
        assert!(matches!(
            officer_name(&"A".repeat(61)),
            Err(StoreError::InvalidOfficer)
        ));
        assert!(officer_name(&"A".repeat(60)).is_ok());
        assert!(matches!(
            officer_name("Andi\u{7}"),
            Err(StoreError::InvalidOfficer)
        ));
    }
}
