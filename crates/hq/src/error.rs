//! What can go wrong at headquarters, in words a person can act on.
//!
//! No message carries personal data: only ids, batch numbers, hashes, paths and versions.
//! Database errors are reduced to their kind and code for the same reason (a PostgreSQL
//! error's detail can quote a row).

use std::path::PathBuf;

use loket_batch::BatchError;

/// Why a `loket-hq` operation failed. Every variant that refuses a batch means nothing of it
/// was applied.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HqError {
    #[error("no headquarters in {dir}: create one with `loket-hq init`")]
    NotInitialised { dir: PathBuf },
    #[error("headquarters is initialised in {dir} already; nothing was changed")]
    AlreadyInitialised { dir: PathBuf },
    #[error(
        "the database already holds headquarters data (enrolled devices); nothing was changed"
    )]
    DatabaseInUse,
    #[error(
        "the passphrase must have at least {} characters",
        crate::MIN_PASSPHRASE_CHARS
    )]
    ShortPassphrase,
    #[error("wrong passphrase: nothing was opened or changed")]
    WrongPassphrase,
    #[error("no operator {name} has a login at headquarters: an operator who has one adds you (`loket-hq operator add NAME`)")]
    UnknownOperator { name: String },
    #[error("operator {name} has a login at headquarters already; nothing was changed")]
    OperatorExists { name: String },
    #[error("you cannot remove your own login: another operator removes it")]
    RemoveOwnLogin,
    #[error("headquarters' key file {path} is damaged or not loket-hq's: {why}; restore it from a backup")]
    SecretFile { path: PathBuf, why: String },
    #[error("the database URL must be sqlite:PATH, postgres://… or postgresql://… (got a {scheme:?} URL)")]
    DatabaseUrl { scheme: String },
    #[error("no headquarters database at {path}: run `loket-hq init`, or give the --database it was created with")]
    NoDatabase { path: PathBuf },
    #[error("the headquarters database cannot be read with this headquarters' key: it is damaged or belongs to another headquarters")]
    WrongDatabaseKey,
    #[error(
        "the database has schema version {database}, newer than this loket-hq knows ({ours}): update loket-hq"
    )]
    NewerSchema { database: i64, ours: i64 },
    #[error("the database is busy (another loket-hq is writing): try again when it has finished")]
    Busy,
    #[error("the disk is full: nothing was applied; free some space and try again")]
    DiskFull,
    #[error("SQLite: {0}")]
    Sqlite(String),
    #[error("PostgreSQL: {0}")]
    Postgres(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
    #[error("device {device_id} is enrolled with a different key; nothing was changed")]
    DeviceKeyConflict { device_id: String },
    #[error("a device id must be 1–64 letters, digits, '.', '_' or '-', not starting with '.'")]
    BadDeviceId,
    #[error("no device {device_id} is enrolled")]
    UnknownDevice { device_id: String },
    #[error("refused: {0}")]
    Refused(BatchError),
    #[error("refused: batch {sequence} of device {device_id} was imported before with different content")]
    DifferentContent { device_id: String, sequence: u64 },
    #[error("refused: batch {sequence} of device {device_id} does not follow batch {previous} held (its previous manifest hash differs): a fork")]
    ForkAfter {
        device_id: String,
        sequence: u64,
        previous: u64,
    },
    #[error("refused: batch {next} of device {device_id}, held, does not follow batch {sequence} (its previous manifest hash differs): a fork")]
    ForkBefore {
        device_id: String,
        sequence: u64,
        next: u64,
    },
    #[error("not a request's QR code: {0}")]
    BadQr(String),
    #[error("refused: case {case_id} version {version} is held already with different content")]
    VersionConflict { case_id: String, version: u64 },
    #[error("refused: the batch is not batch {sequence} of device {device_id}: its manifest names another device or number")]
    NotAtPath { device_id: String, sequence: u64 },
    #[error("refused: the Idempotency-Key is not the SHA-256 of this batch's signed manifest")]
    IdempotencyKey,
    #[error("refused: request {serial} {why}")]
    RequestConflict { serial: String, why: &'static str },
    #[error("no case {case_id} is held")]
    UnknownCase { case_id: String },
    #[error("not a status list: {why}; its first line names the columns, `status` and one of `case_id`, `nik`, `passport`")]
    NotAStatusList { why: String },
    #[error("the status list was refused, nothing was recorded: {}{}", join(problems), and_more(*more))]
    StatusListRefused {
        problems: Vec<crate::ListProblem>,
        more: usize,
    },
    #[error("the operator's name must be 1 to 60 characters, without control characters")]
    BadOperator,
    #[error("the photo {sha256} stored in the database no longer matches its hash: restore the database from a backup")]
    PhotoDamaged { sha256: String },
    #[error("the batch kept at {path}, which holds this photo, is missing or damaged ({why}): restore the data directory's batches/ folder from a backup")]
    KeptBatch { path: PathBuf, why: String },
    #[error("the database is unreachable: {0}")]
    Unavailable(String),
}

impl HqError {
    /// Whether this error refuses a batch (as opposed to a fault of headquarters' own).
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            HqError::Refused(_)
                | HqError::DifferentContent { .. }
                | HqError::ForkAfter { .. }
                | HqError::ForkBefore { .. }
                | HqError::VersionConflict { .. }
                | HqError::RequestConflict { .. }
                | HqError::NotAtPath { .. }
                | HqError::IdempotencyKey
        )
    }

    /// Whether the database could not be reached or is busy: worth trying again later (and,
    /// for a server, reconnecting).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, HqError::Unavailable(_) | HqError::Busy)
    }
}

impl From<rusqlite::Error> for HqError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => HqError::DiskFull,
            Some(rusqlite::ErrorCode::NotADatabase) => HqError::WrongDatabaseKey,
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                HqError::Busy
            }
            // SQLite's messages name tables and constraints, never values.
            _ => HqError::Sqlite(e.to_string()),
        }
    }
}

impl From<postgres::Error> for HqError {
    fn from(e: postgres::Error) -> Self {
        // A server error's detail may quote a row: keep its code and message only.
        match e.as_db_error() {
            Some(db) => {
                let code = db.code().code();
                let text = format!("{} ({code})", db.message());
                // Class 08: connection exception; 57P0x: the server is shutting down or
                // starting; 53300: too many connections. All pass with time.
                if code.starts_with("08") || code.starts_with("57P0") || code == "53300" {
                    HqError::Unavailable(text)
                } else {
                    HqError::Postgres(text)
                }
            }
            // A closed connection or a socket error: the server went away.
            None if e.is_closed() || source_is_io(&e) => HqError::Unavailable(e.to_string()),
            None => HqError::Postgres(e.to_string()),
        }
    }
}

fn source_is_io(e: &postgres::Error) -> bool {
    std::error::Error::source(e).is_some_and(|s| s.is::<std::io::Error>())
}

pub type Result<T> = std::result::Result<T, HqError>;

pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> HqError {
    let context = context.into();
    move |source| HqError::Io { context, source }
}

/// Problems of a list, one after the other on one line.
fn join<T: std::fmt::Display>(problems: &[T]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

fn and_more(more: usize) -> String {
    match more {
        0 => String::new(),
        n => format!("; and {n} more"),
    }
}
