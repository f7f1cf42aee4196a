//! The counter's case store: one SQLCipher database and its key file in the data directory.
//!
//! ```text
//! DIR/keyring.json   the data key, wrapped under each passphrase (Argon2id + XChaCha20-Poly1305)
//! DIR/loket.db       SQLCipher database (+ -wal, -shm): cases, versions, audit chain, outbox
//! ```
//! Every user action is one transaction: case row, new version, audit entry and outbox change
//! commit together or not at all (WAL, `synchronous=FULL`). Nothing is written unencrypted:
//! SQLite's temporary tables and sorts stay in memory.
#![forbid(unsafe_code)]

mod audit;
mod batches;
mod cases;
mod checkpoint;
mod error;
mod exit_lists;
mod export;
mod hq;
mod keyring;
mod meta;
mod migrations;
mod mission;
mod mission_index;
mod network;
mod officers;
mod photos;
mod purge;
mod requests;
mod search;
mod today;

pub use audit::{AuditCheck, AuditEntry};
pub use batches::{Acknowledgement, BatchInfo, SyncCounts, Unacknowledged};
pub use cases::{Case, CaseSummary, Finalize, Saved, VersionInfo, VersionRecord, DEPARTED_REASON};
pub use error::{Result, StoreError};
pub use exit_lists::{ExitList, ExitListJob, ExitLists};
pub use export::{
    batch_file_name, mounted_sticks, receipt_file_name, Exported, BATCH_EXTENSION,
    RECEIPT_EXTENSION,
};
pub use keyring::KdfParams;
pub use mission::MissionProfile;
pub use mission_index::{HqStatus, IndexApplied, MissionCase};
pub use network::normalise_hq_url;
pub use purge::PURGE_OFFICER;
pub use requests::{PrintJob, PrintKind, RequestInfo, Voided};
pub use search::SearchPage;
pub use today::{start_of_local_day, Today};

use error::io;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The database file inside the data directory.
pub const DB_FILE: &str = "loket.db";

/// The shortest passphrase a new store accepts.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// This build's version, recorded in the store by every build that writes it.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The platform's data directory for Loket (`~/.local/share/loket` on Linux).
pub fn default_dir() -> Option<PathBuf> {
    dirs_data_dir().map(|d| d.join("loket"))
}

fn dirs_data_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
}

/// A mission code: 2–8 upper-case letters or digits.
fn valid_mission(code: &str) -> bool {
    (2..=8).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// The counter's public identity: what headquarters enrols.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceIdentity {
    pub device_id: String,
    pub mission: String,
    /// Ed25519 public key, hex.
    pub public_key: String,
}

/// An open, unlocked store.
pub struct Store {
    /// Declared first: stopped (and its connection closed) before `conn`.
    checkpointer: checkpoint::Checkpointer,
    conn: Connection,
    dir: PathBuf,
    /// The database key, for a second connection reading beside this one (sealing a batch).
    key: keyring::DataKey,
    /// The mission, read once at open (and kept in step by `set_mission`).
    mission: String,
    /// The officer who unlocked the store, as their login spells it: every change made through
    /// this store (versions, audit entries, photos, prints, voids) names them.
    officer: String,
    /// The cost their passphrase was derived with; officers they add get the same.
    kdf: KdfParams,
}

impl Store {
    /// Creates the store in `dir`, with `officer` its first login, at the default Argon2id
    /// cost.
    pub fn init(
        dir: &Path,
        officer: &str,
        passphrase: &str,
        mission: &str,
    ) -> Result<(Store, DeviceIdentity)> {
        Self::init_with(dir, officer, passphrase, mission, KdfParams::default())
    }

    /// Whether `dir` holds a store (its key file), without opening it.
    pub fn exists(dir: &Path) -> bool {
        dir.join(keyring::FILE_NAME).exists()
    }

    /// Creates the store with a chosen Argon2id cost (tests and benchmarks use a light one).
    pub fn init_with(
        dir: &Path,
        officer: &str,
        passphrase: &str,
        mission: &str,
        kdf: KdfParams,
    ) -> Result<(Store, DeviceIdentity)> {
        let officer = keyring::officer_name(officer)?;
        if !valid_mission(mission) {
            return Err(StoreError::InvalidMission(mission.to_string()));
        }
        keyring::long_enough(passphrase)?;
        if dir.join(keyring::FILE_NAME).exists() {
            return Err(StoreError::AlreadyInitialised {
                dir: dir.to_path_buf(),
            });
        }
        create_private_dir(dir)?;
        // A database without a key file is what an interrupted init leaves: start again.
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(dir.join(format!("{DB_FILE}{suffix}")));
        }
        let key = keyring::generate();
        let mut conn = open_db(dir, &key, true)?;
        let tx = conn.transaction()?;
        migrations::run(&tx, 0)?;
        let signing = ed25519_dalek::SigningKey::generate(&mut rand::rngs::OsRng);
        let device_id = uuid::Uuid::now_v7().to_string();
        let created_at = cases::now();
        for (k, v) in [
            ("app_version", APP_VERSION.as_bytes()),
            ("mission", mission.as_bytes()),
            ("device_id", device_id.as_bytes()),
            ("device_signing_key", signing.to_bytes().as_slice()),
            ("created_at", created_at.as_bytes()),
        ] {
            tx.execute("INSERT INTO meta (key, value) VALUES (?1, ?2)", (k, v))?;
        }
        tx.commit()?;
        // The key file last: until it exists, the store does not.
        keyring::create(dir, &key, &officer, passphrase, kdf)?;
        let unlocked = keyring::Unlocked { key, officer, kdf };
        let store = Store::assemble(conn, dir, unlocked, mission.to_string())?;
        let identity = store.device_identity()?;
        Ok((store, identity))
    }

    /// Unlocks the store in `dir` with `officer`'s login. A wrong passphrase leaves every file
    /// untouched.
    pub fn open(dir: &Path, officer: &str, passphrase: &str) -> Result<Store> {
        let unlocked = keyring::unlock(dir, officer, passphrase)?;
        let key = &unlocked.key;
        if !dir.join(DB_FILE).exists() {
            return Err(StoreError::NotInitialised {
                dir: dir.to_path_buf(),
            });
        }
        let mut conn = open_db(dir, key, false)?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        if version > migrations::latest() {
            let store_app_version = conn
                .query_row(
                    "SELECT value FROM meta WHERE key = 'app_version'",
                    [],
                    |r| r.get::<_, Vec<u8>>(0),
                )
                .optional()?
                .map(|v| String::from_utf8_lossy(&v).into_owned())
                .unwrap_or_else(|| "unknown".into());
            return Err(StoreError::NewerStore {
                store_schema: version,
                store_app_version,
                our_schema: migrations::latest(),
                our_app_version: APP_VERSION.to_string(),
            });
        }
        if version < migrations::latest() {
            let tx = conn.transaction()?;
            migrations::run(&tx, version)?;
            tx.execute(
                "UPDATE meta SET value = ?1 WHERE key = 'app_version'",
                [APP_VERSION.as_bytes()],
            )?;
            tx.commit()?;
        }
        let mission = conn.query_row("SELECT value FROM meta WHERE key = 'mission'", [], |r| {
            r.get::<_, Vec<u8>>(0)
        })?;
        Store::assemble(
            conn,
            dir,
            unlocked,
            String::from_utf8_lossy(&mission).into_owned(),
        )
    }

    /// The open store: checkpoints move to their own thread and connection, and the saving
    /// connection keeps SQLite's automatic checkpoint only as a backstop.
    fn assemble(
        conn: Connection,
        dir: &Path,
        unlocked: keyring::Unlocked,
        mission: String,
    ) -> Result<Store> {
        let checkpointer = checkpoint::Checkpointer::start(dir, &unlocked.key)?;
        conn.pragma_update(None, "wal_autocheckpoint", checkpoint::BACKSTOP_FRAMES)?;
        conn.query_row(
            &format!("PRAGMA journal_size_limit = {}", checkpoint::WAL_SIZE_LIMIT),
            [],
            |_| Ok(()),
        )?;
        Ok(Store {
            checkpointer,
            conn,
            dir: dir.to_path_buf(),
            key: unlocked.key,
            mission,
            officer: unlocked.officer,
            kdf: unlocked.kdf,
        })
    }

    /// Called after each commit: lets the checkpoint thread count them.
    pub(crate) fn committed(&self) {
        self.checkpointer.committed();
    }

    /// The directory this store lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn meta(&self, key: &str) -> Result<Vec<u8>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
            .query_row([key], |r| r.get(0))?)
    }

    pub(crate) fn meta_text(&self, key: &str) -> Result<String> {
        Ok(String::from_utf8_lossy(&self.meta(key)?).into_owned())
    }

    /// The mission this counter serves (set at init).
    pub fn mission(&self) -> Result<String> {
        Ok(self.mission.clone())
    }

    /// Changes the mission this counter serves; cases already saved keep the code they have.
    pub fn set_mission(&mut self, code: &str) -> Result<()> {
        let code = code.trim().to_ascii_uppercase();
        if !valid_mission(&code) {
            return Err(StoreError::InvalidMission(code));
        }
        if code == self.mission {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'mission'",
            [code.as_bytes()],
        )?;
        audit::append_counter(&tx, &self.officer, audit::counter::MISSION, Some(&code), "")?;
        tx.commit()?;
        self.committed();
        self.mission = code;
        Ok(())
    }

    /// The device's Ed25519 signing key (zeroized when dropped: `SigningKey` wipes itself).
    pub(crate) fn signing_key(&self) -> Result<ed25519_dalek::SigningKey> {
        let secret = zeroize::Zeroizing::new(self.meta("device_signing_key")?);
        let bytes: zeroize::Zeroizing<[u8; 32]> = zeroize::Zeroizing::new(
            secret
                .as_slice()
                .try_into()
                .map_err(|_| StoreError::Corrupt)?,
        );
        Ok(ed25519_dalek::SigningKey::from_bytes(&bytes))
    }

    /// The counter's public identity, as the window shows it (the key in hex).
    pub fn device_identity(&self) -> Result<DeviceIdentity> {
        let card = self.device_card()?;
        Ok(DeviceIdentity {
            device_id: card.device_id,
            mission: card.mission,
            public_key: hex::encode(card.public_key.as_bytes()),
        })
    }

    /// This counter's device id (the name headquarters enrolled it under).
    pub fn device_id(&self) -> Result<String> {
        self.meta_text("device_id")
    }

    /// The counter's public identity as the file `loket-hq device add` enrols.
    pub fn device_card(&self) -> Result<loket_batch::DeviceCard> {
        Ok(loket_batch::DeviceCard {
            device_id: self.device_id()?,
            mission: self.mission()?,
            public_key: self.signing_key()?.verifying_key(),
        })
    }

    /// `PRAGMA integrity_check`: "ok" when the database is sound.
    pub fn integrity_check(&self) -> Result<String> {
        Ok(self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?)
    }

    /// Runs raw SQL on the unlocked database, bypassing every rule of the store: only for
    /// tests that play an attacker with the key (editing the audit log, faking a newer store).
    #[doc(hidden)]
    pub fn tamper(&self, sql: &str) -> Result<()> {
        self.conn.execute_batch(sql)?;
        Ok(())
    }

    /// Every text and blob in every table, with the table's name: lets tests look for what
    /// must no longer be anywhere in the store (a purged person).
    #[doc(hidden)]
    pub fn every_value(&self) -> Result<Vec<(String, Vec<u8>)>> {
        let tables: Vec<String> = self
            .conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table'")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut values = Vec::new();
        for table in tables {
            let mut stmt = self.conn.prepare(&format!("SELECT * FROM \"{table}\""))?;
            let columns = stmt.column_count();
            let mut rows = stmt.query([])?;
            while let Some(row) = rows.next()? {
                for i in 0..columns {
                    if let Ok(bytes) = row.get_ref(i)?.as_bytes() {
                        values.push((table.clone(), bytes.to_vec()));
                    }
                }
            }
        }
        Ok(values)
    }

    /// Limits the database's size in pages: lets tests fill the "disk" on purpose.
    #[doc(hidden)]
    pub fn set_max_page_count(&self, pages: u64) -> Result<()> {
        self.conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))?;
        Ok(())
    }
}

fn create_private_dir(dir: &Path) -> Result<()> {
    let what = || format!("cannot create the data directory {}", dir.display());
    std::fs::create_dir_all(dir).map_err(io(what()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(io(what()))?;
    }
    Ok(())
}

/// Finishes SQLCipher's process-wide set-up before any connection is keyed. SQLite marks
/// itself initialised before that set-up has run, and a connection keyed on another thread in
/// between is refused ("An error occurred with PRAGMA key or rekey"); the first connection of
/// the process, opened here under a `Once`, makes every other thread wait until it is done.
fn sqlcipher_ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    // An error here (no memory) comes back again, with its reason, on the real connection.
    READY.call_once(|| drop(Connection::open_in_memory()));
}

/// Opens the database with the raw data key (so SQLCipher runs no key derivation of its own)
/// and the settings every connection needs.
pub(crate) fn open_db(dir: &Path, key: &keyring::DataKey, create: bool) -> Result<Connection> {
    let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    if create {
        flags |= OpenFlags::SQLITE_OPEN_CREATE;
    }
    let path = dir.join(DB_FILE);
    sqlcipher_ready();
    let conn = Connection::open_with_flags(&path, flags)?;
    // SQLite gives the -wal and -shm files the database's mode: keep all three private.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .map_err(io(format!("cannot protect {}", path.display())))?;
    }
    // SQLCipher writes its own diagnostics to stderr (a damaged page, a failed HMAC); the
    // store reports every failure itself, in words an officer can act on.
    conn.execute_batch("PRAGMA cipher_log_level = NONE")?;
    let hex_key = zeroize::Zeroizing::new(format!("x'{}'", hex::encode(&key[..])));
    conn.pragma_update(None, "key", hex_key.as_str())?;
    // The first read proves the key; a wrong or damaged file fails here.
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    })
    .map_err(|_| StoreError::Corrupt)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // Every page read from disk is decrypted and authenticated: keep the hot ones (the name
    // index and the identifier indexes of 100,000+ cases) in memory. 16 MiB, not more: when a
    // B-tree split reorders sibling pages, SQLite parks one under the lock page's number
    // (page 262,145), and the next commit then walks the page cache's whole hash table, whose
    // size follows the cache (64 MiB made that ~6% of a save's CPU time at 100,000 cases).
    conn.pragma_update(None, "cache_size", -16_384)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}
