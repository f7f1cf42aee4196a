//! What can go wrong with the store, in words a person can act on.
//!
//! No message carries personal data: only ids, paths and version numbers.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no Loket store in {dir}: create one with `loket init --mission CODE`")]
    NotInitialised { dir: PathBuf },
    #[error("a Loket store already exists in {dir}; nothing was changed")]
    AlreadyInitialised { dir: PathBuf },
    #[error(
        "the passphrase must have at least {} characters",
        crate::MIN_PASSPHRASE_CHARS
    )]
    ShortPassphrase,
    #[error("wrong passphrase: nothing was opened or changed")]
    WrongPassphrase,
    #[error("an officer's name must have 1–60 characters and no control characters")]
    InvalidOfficer,
    #[error("no officer {name} at this counter: an officer who can unlock it adds you (Settings, or `loket officer add`)")]
    UnknownOfficer { name: String },
    #[error("officer {name} already has a login at this counter; nothing was changed")]
    OfficerExists { name: String },
    #[error("you cannot remove your own login: another officer of this counter removes it")]
    RemoveSelf,
    #[error(
        "this store was written by Loket {store_app_version} (store version {store_schema}); \
         this is Loket {our_app_version} (store version {our_schema}): update Loket to open it"
    )]
    NewerStore {
        store_schema: i64,
        store_app_version: String,
        our_schema: i64,
        our_app_version: String,
    },
    #[error("the disk is full: the change was rolled back and nothing was half-written; free some space and save again")]
    DiskFull,
    #[error("the store is in use by another Loket program (a `loket` command?): try again when it has finished")]
    Busy,
    #[error("the key file {path} is damaged or not a Loket key file: {why}")]
    Keyring { path: PathBuf, why: String },
    #[error("the store's database cannot be read with its key: it is damaged or was replaced")]
    Corrupt,
    #[error("no case {id} at this counter")]
    CaseNotFound { id: String },
    #[error("case {id} is {status}: changing it needs a reason")]
    ReasonRequired { id: String, status: String },
    #[error("case {id} was closed and handed over to headquarters, and removed from this laptop on {at}: headquarters holds its record")]
    Purged { id: String, at: String },
    #[error("case {id} is a draft: finalise it before closing it")]
    DraftNotClosable { id: String },
    #[error("the record's id {0:?} is not a UUID; nothing was stored")]
    InvalidCaseId(String),
    #[error("mission code {0:?} must be 2–8 upper-case letters or digits")]
    InvalidMission(String),
    #[error("case {id} is a draft: finalise it before printing its request")]
    NotFinalised { id: String },
    #[error("case {id} does not ask for an SPLP (its request is not `splp`): there is no request to print")]
    NoSplpRequest { id: String },
    #[error("case {id} cannot be printed: {why}")]
    Unprintable { id: String, why: String },
    #[error(
        "request {serial} was printed already: printing it again is a reprint and needs a reason"
    )]
    ReprintReasonRequired { serial: String },
    #[error("voiding request {serial} needs a reason")]
    VoidReasonRequired { serial: String },
    #[error("request {serial} is void already")]
    AlreadyVoid { serial: String },
    #[error("no request {serial} at this counter")]
    RequestNotFound { serial: String },
    #[error("the mission's name, address and city are not set: set them in Settings (or `loket mission --name … --address … --city …`) before printing")]
    MissionProfileMissing,
    #[error("every finalised case here is on an exit-permit list already: nobody to list")]
    NobodyToList,
    #[error(
        "no exit-permit list {label} was made at this counter (`loket exit-list list` shows them)"
    )]
    ExitListNotFound { label: String },
    #[error("exit-permit list {label} cannot be printed again: {purged} of its people have left this laptop (closed and held by headquarters)")]
    ExitListPurged { label: String, purged: usize },
    #[error("a different headquarters key is pinned already: give --replace if the ministry really changed its key")]
    HqKeyPinned,
    #[error("headquarters' key is not pinned: get its key file (`loket-hq init` names it) and run `loket hq-key FILE`")]
    HqKeyMissing,
    #[error("the batch could not be sealed: {0}")]
    Seal(loket_batch::SealError),
    #[error("the receipt was refused: {0}; nothing was marked")]
    Receipt(loket_batch::ReceiptError),
    #[error("the receipt is for another counter ({device_id}), not this one; nothing was marked")]
    ReceiptForAnotherCounter { device_id: String },
    #[error("{dir} is not a folder: is the USB stick mounted?")]
    NotAFolder { dir: PathBuf },
    #[error("could not write the batch to {dir} ({source}): no batch file was left there and nothing changed at this counter; free space on the stick or use another, then export again")]
    ExportWrite {
        dir: PathBuf,
        source: std::io::Error,
    },
    #[error("{path} read back differently from what was written: the stick may be failing; the file was removed and nothing changed at this counter")]
    ExportMismatch { path: PathBuf },
    #[error("headquarters' address {0:?} is not an http:// or https:// address (e.g. https://hq.example.go.id or http://10.0.0.5:8080)")]
    BadHqUrl(String),
    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },
    #[error("the store could not complete the change (it was rolled back): {0}")]
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => StoreError::DiskFull,
            Some(rusqlite::ErrorCode::NotADatabase) => StoreError::Corrupt,
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => {
                StoreError::Busy
            }
            _ => StoreError::Sqlite(e),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

pub(crate) fn io(context: impl Into<String>) -> impl FnOnce(std::io::Error) -> StoreError {
    let context = context.into();
    move |source| StoreError::Io { context, source }
}
