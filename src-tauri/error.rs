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
            StoreError::InvalidOfficer => "officer.invalid",
            StoreError::UnknownOfficer { .. } => "officer.unknown",
            StoreError::OfficerExists { .. } => "officer.exists",
            StoreError::RemoveSelf => "officer.remove_self",
            StoreError::NewerStore { .. } => "store.newer",
            StoreError::DiskFull => "store.disk_full",
            StoreError::Keyring { .. } => "store.keyring",
            StoreError::Corrupt => "store.corrupt",
            StoreError::CaseNotFound { .. } => "case.not_found",
            StoreError::ReasonRequired { .. } => "case.reason_required",
            StoreError::DraftNotClosable { .. } => "case.draft_not_closable",
            StoreError::Purged { .. } => "case.purged",
            StoreError::InvalidCaseId(_) => "case.invalid_id",
            StoreError::InvalidMission(_) => "settings.mission",
            StoreError::Io { .. } => "store.io",
            StoreError::Busy => "store.busy",
            StoreError::Sqlite(_) => "store.failed",
            StoreError::NotFinalised { .. } => "request.draft",
            StoreError::NoSplpRequest { .. } => "request.no_splp",
            StoreError::Unprintable { .. } => "request.unprintable",
            StoreError::ReprintReasonRequired { .. } => "request.reprint_reason",
            StoreError::VoidReasonRequired { .. } => "request.void_reason",
            StoreError::AlreadyVoid { .. } => "request.already_void",
            StoreError::RequestNotFound { .. } => "request.not_found",
            StoreError::MissionProfileMissing => "request.mission_missing",
            StoreError::NobodyToList => "exit_list.nobody",
            StoreError::ExitListNotFound { .. } => "exit_list.not_found",
            StoreError::ExitListPurged { .. } => "exit_list.purged",
            StoreError::HqKeyPinned => "settings.hq_key",
            StoreError::HqKeyMissing => "usb.no_hq_key",
            StoreError::Seal(_) => "usb.seal",
            StoreError::Receipt(_) | StoreError::ReceiptForAnotherCounter { .. } => "usb.receipt",
            StoreError::NotAFolder { .. } => "usb.not_a_folder",
            StoreError::ExportWrite { .. } => "usb.write",
            StoreError::ExportMismatch { .. } => "usb.mismatch",
            StoreError::BadHqUrl(_) => "settings.hq_url",
        };
        AppError::new(code, e.to_string())
    }
}

impl From<loket_pdf::PdfError> for AppError {
    fn from(e: loket_pdf::PdfError) -> Self {
        AppError::new("request.pdf", e.to_string())
    }
}

impl From<loket_pdf::PhotoError> for AppError {
    fn from(e: loket_pdf::PhotoError) -> Self {
        AppError::new("photo.invalid", e.to_string())
    }
}

impl From<loket_pdf::cups::PrintError> for AppError {
    fn from(e: loket_pdf::cups::PrintError) -> Self {
        use loket_pdf::cups::PrintError;
        let code = match &e {
            PrintError::NoCups => "print.no_cups",
            PrintError::UnknownPrinter(_) => "print.unknown_printer",
            PrintError::Refused(_) | PrintError::Io(_) => "print.failed",
        };
        AppError::new(code, e.to_string())
    }
}

impl From<loket_pdf::viewer::ViewError> for AppError {
    fn from(e: loket_pdf::viewer::ViewError) -> Self {
        AppError::new("print.no_viewer", e.to_string())
    }
}

pub type Result<T> = std::result::Result<T, AppError>;
