//! The one error type that crosses to the window: a stable `code` the interface translates,
//! and an English `message` with the detail. Never personal data, never a backtrace.

use loket_store::StoreError;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct AppError {
    /// Stable, such as `store.wrong_passphrase`; the interface has a sentence for each.
    pub code: String,
    pub message: String,
}

impl AppError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        AppError {
            code: code.to_string(),
            message: message.into(),
        }
    }

    pub fn in_use() -> Self {
        AppError::new(
            "store.in_use",
            "Loket is already open in another window on this computer: use that one",
        )
    }

    pub fn locked() -> Self {
        AppError::new("store.locked", "the store is locked: unlock it first")
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        let code = match &e {
            StoreError::NotInitialised { .. } => "store.missing",
            StoreError::AlreadyInitialised { .. } => "store.exists",
            StoreError::ShortPassphrase => "store.short_passphrase",
            StoreError::WrongPassphrase => "store.wrong_passphrase",
            StoreError::NewerStore { .. } => "store.newer",
            StoreError::DiskFull => "store.disk_full",
            StoreError::Keyring { .. } => "store.keyring",
            StoreError::Corrupt => "store.corrupt",
            StoreError::CaseNotFound { .. } => "case.not_found",
            StoreError::ReasonRequired { .. } => "case.reason_required",
            StoreError::InvalidCaseId(_) => "case.invalid_id",
            StoreError::InvalidMission(_) => "settings.mission",
            StoreError::Io { .. } => "store.io",
            StoreError::Busy => "store.busy",
            StoreError::Sqlite(_) => "store.failed",
        };
        AppError::new(code, e.to_string())
    }
}

pub type Result<T> = std::result::Result<T, AppError>;
