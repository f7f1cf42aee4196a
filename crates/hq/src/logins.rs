//! Headquarters' logins (`hq-logins.json`): one per operator, each holding headquarters' keys
//! and the database key encrypted with age to that operator's own passphrase, with the
//! operator's name inside the encryption. Unlocking tries the named operator's login alone,
//! so the access log names whoever actually unlocked, not a name anyone could type.
//!
//! Before logins, loket-hq kept the keys in one file, `hq-secret.age`, under one passphrase;
//! the first operator to unlock such a headquarters makes it their own login, and the shared
//! file goes (`Hq::open_with`).

use std::path::{Path, PathBuf};

use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::access::operator_name;
use crate::error::{io, HqError, Result};
use crate::files::{write_atomically, LOGINS_FILE, SECRET_FILE};
use crate::secret::{Keys, WorkFactor};
use crate::{Hq, MIN_PASSPHRASE_CHARS};

const LOGINS_FORMAT: &str = "loket.hq-logins/1";
/// Held while the logins change (`lock`).
const LOCK_FILE: &str = "hq-logins.lock";

/// The logins file: names and when each was added in the clear, the keys only encrypted.
#[derive(Serialize, Deserialize)]
struct LoginsFile {
    format: String,
    logins: Vec<Login>,
}

#[derive(Serialize, Deserialize)]
struct Login {
    operator: String,
    added_at: String,
    /// The age file (scrypt to the operator's passphrase), base64.
    keys: String,
}

/// An operator with a login at headquarters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Operator {
    pub name: String,
    /// When the login was added (UTC).
    pub added_at: String,
}

/// Names compare without regard to case: "Ani" and "ani" are one login.
fn same(a: &str, b: &str) -> bool {
    a.to_lowercase() == b.to_lowercase()
}

fn path(dir: &Path) -> PathBuf {
    dir.join(LOGINS_FILE)
}

/// Whether headquarters has been created in `dir` (with logins, or before them).
pub fn initialised(dir: &Path) -> bool {
    path(dir).exists() || dir.join(SECRET_FILE).exists()
}

fn read(dir: &Path) -> Result<Option<LoginsFile>> {
    let path = path(dir);
    let text = match std::fs::read(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(format!("cannot read {}", path.display()))(e)),
    };
    let file: LoginsFile = serde_json::from_slice(&text).map_err(|_| HqError::SecretFile {
        path: path.clone(),
        why: "it is not a logins file".into(),
    })?;
    if file.format != LOGINS_FORMAT {
        return Err(HqError::SecretFile {
            path,
            why: "unknown logins format".into(),
        });
    }
    Ok(Some(file))
}

fn write(dir: &Path, file: &LoginsFile) -> Result<()> {
    let text = serde_json::to_vec_pretty(file).expect("the logins file serialises");
    write_atomically(&path(dir), &text, 0o600)
}

fn login(keys: &Keys, operator: &str, passphrase: &str, work: WorkFactor) -> Result<Login> {
    if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(HqError::ShortPassphrase);
    }
    let sealed = keys.encrypt(passphrase, work, Some(operator))?;
    Ok(Login {
        operator: operator.to_owned(),
        added_at: crate::now(),
        keys: base64::engine::general_purpose::STANDARD.encode(sealed),
    })
}

/// Writes the logins file of a new headquarters, with its first operator (a name as
/// `operator_name` keeps it: both callers have checked it already).
pub(crate) fn create(
    dir: &Path,
    keys: &Keys,
    operator: &str,
    passphrase: &str,
    work: WorkFactor,
) -> Result<()> {
    let file = LoginsFile {
        format: LOGINS_FORMAT.into(),
        logins: vec![login(keys, operator, passphrase, work)?],
    };
    write(dir, &file)
}

/// Unlocks with `operator`'s login: the keys, and the operator's name as the login spells it.
/// Headquarters from before logins is unlocked with its one passphrase, which becomes this
/// operator's login.
pub(crate) fn unlock(
    dir: &Path,
    operator: &str,
    passphrase: &str,
    work: WorkFactor,
) -> Result<(Keys, String)> {
    let operator = operator_name(operator)?;
    let shared = dir.join(SECRET_FILE);
    let file = match read(dir)? {
        Some(file) => file,
        None if !shared.exists() => {
            return Err(HqError::NotInitialised {
                dir: dir.to_path_buf(),
            })
        }
        None => {
            let _lock = lock(dir)?;
            match read(dir)? {
                Some(file) => file, // another operator's unlock made the logins meanwhile
                None => {
                    let keys = Keys::unlock_shared(dir, passphrase)?;
                    create(dir, &keys, &operator, passphrase, work)?;
                    remove_shared(&shared)?;
                    return Ok((keys, operator));
                }
            }
        }
    };
    if shared.exists() {
        // A conversion interrupted after the logins were written: finish it.
        remove_shared(&shared)?;
    }
    let found = file
        .logins
        .iter()
        .find(|l| same(&l.operator, &operator))
        .ok_or_else(|| HqError::UnknownOperator {
            name: operator.clone(),
        })?;
    let path = path(dir);
    let sealed = base64::engine::general_purpose::STANDARD
        .decode(&found.keys)
        .map_err(|_| HqError::SecretFile {
            path: path.clone(),
            why: format!("the login of {} is damaged", found.operator),
        })?;
    let (keys, inside) = Keys::decrypt(&sealed, passphrase, &path)?;
    // The name inside the encryption is the one that counts: a login copied under another
    // name in the clear does not open as that name.
    if inside.as_deref() != Some(found.operator.as_str()) {
        return Err(HqError::SecretFile {
            path,
            why: format!("the login of {} was not made for that name", found.operator),
        });
    }
    Ok((keys, found.operator.clone()))
}

/// The shared passphrase's file, once a login holds its keys: it goes, so that passphrase no
/// longer opens headquarters.
fn remove_shared(shared: &Path) -> Result<()> {
    match std::fs::remove_file(shared) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(io(format!("cannot remove {}", shared.display()))(e))
        }
        _ => Ok(()),
    }
}

/// Holds `DIR/hq-logins.lock` while the logins change, so that two operators changing them
/// at once do not write over each other; released when dropped.
fn lock(dir: &Path) -> Result<std::fs::File> {
    let path = dir.join(LOCK_FILE);
    let what = || format!("cannot lock {}", path.display());
    let mut options = std::fs::OpenOptions::new();
    options.create(true).write(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(&path).map_err(io(what()))?;
    file.lock().map_err(io(what()))?;
    Ok(file)
}

impl Hq {
    /// The operators with a login here, in the order they were added.
    pub fn operators(&self) -> Result<Vec<Operator>> {
        let file = read(self.dir())?.unwrap_or(LoginsFile {
            format: LOGINS_FORMAT.into(),
            logins: Vec::new(),
        });
        Ok(file
            .logins
            .into_iter()
            .map(|l| Operator {
                name: l.operator,
                added_at: l.added_at,
            })
            .collect())
    }

    /// Gives `name` a login with their own passphrase; an entry in the access log. Returns
    /// the name as kept.
    pub fn add_operator(&mut self, name: &str, passphrase: &str) -> Result<String> {
        let name = operator_name(name)?;
        let _lock = lock(self.dir())?;
        let mut file = self.logins()?;
        if file.logins.iter().any(|l| same(&l.operator, &name)) {
            return Err(HqError::OperatorExists { name });
        }
        let u = &self.unlocked;
        file.logins.push(login(&u.keys, &name, passphrase, u.work)?);
        self.log_access("login-add", Some(name.clone()), 0, Vec::new())?;
        write(self.dir(), &file)?;
        Ok(name)
    }

    /// Removes `name`'s login (never one's own); an entry in the access log. Their entries in
    /// the access log stay.
    pub fn remove_operator(&mut self, name: &str) -> Result<String> {
        let name = operator_name(name)?;
        if same(&name, self.operator()) {
            return Err(HqError::RemoveOwnLogin);
        }
        let _lock = lock(self.dir())?;
        let mut file = self.logins()?;
        let at = file
            .logins
            .iter()
            .position(|l| same(&l.operator, &name))
            .ok_or(HqError::UnknownOperator { name })?;
        let removed = file.logins.remove(at).operator;
        self.log_access("login-remove", Some(removed.clone()), 0, Vec::new())?;
        write(self.dir(), &file)?;
        Ok(removed)
    }

    /// Changes this handle's operator's own passphrase; an entry in the access log.
    pub fn change_passphrase(&mut self, passphrase: &str) -> Result<()> {
        let _lock = lock(self.dir())?;
        let mut file = self.logins()?;
        let operator = self.operator().to_owned();
        let u = &self.unlocked;
        let fresh = login(&u.keys, &operator, passphrase, u.work)?;
        let own = file
            .logins
            .iter_mut()
            .find(|l| l.operator == operator)
            .ok_or_else(|| HqError::UnknownOperator {
                name: operator.clone(),
            })?;
        own.keys = fresh.keys;
        self.log_access("login-passphrase", Some(operator), 0, Vec::new())?;
        write(self.dir(), &file)
    }

    fn logins(&self) -> Result<LoginsFile> {
        read(self.dir())?.ok_or_else(|| HqError::NotInitialised {
            dir: self.dir().to_path_buf(),
        })
    }
}
