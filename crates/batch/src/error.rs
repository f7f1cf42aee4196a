//! Why a batch, a key file or a receipt was refused. Each reason is one English line that
//! names the kind of fault and never the data: messages end up in logs and on screens.

use thiserror::Error;

/// Why `open` refused a batch. The batch is refused whole: nothing from it may be applied.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BatchError {
    #[error("the batch file is larger than the configured maximum")]
    FileTooLarge,
    #[error("the batch file is not an age-encrypted file")]
    NotEncrypted,
    #[error("the batch is not encrypted to this headquarters' key")]
    NotForThisKey,
    #[error("the batch file is truncated or damaged: decryption failed")]
    Damaged,
    #[error("the decrypted batch is not a valid zip archive")]
    BadZip,
    #[error("the batch holds more entries than allowed")]
    TooManyEntries,
    #[error("a zip entry has an unsafe or invalid name")]
    UnsafeEntryName,
    #[error("a zip entry name occurs more than once")]
    DuplicateEntry,
    #[error("a zip entry is a directory, encrypted, or uses an unsupported compression")]
    UnsupportedEntry,
    #[error("the batch has no manifest.json or no manifest.sig")]
    MissingManifest,
    #[error("the manifest or its signature is larger than allowed")]
    ManifestTooLarge,
    #[error("the batch format version is unknown")]
    UnknownFormat,
    #[error("the manifest is malformed")]
    BadManifest,
    #[error("the batch was sealed for a different headquarters key")]
    WrongRecipient,
    #[error("the batch comes from a device that is not enrolled")]
    UnknownDevice,
    #[error("the manifest signature does not verify against the device's key")]
    BadSignature,
    #[error("a zip entry is not listed in the manifest")]
    UnlistedEntry,
    #[error("an entry listed in the manifest is missing from the batch")]
    MissingEntry,
    #[error("an entry is larger than the configured maximum, or the batch in total is")]
    EntryTooLarge,
    #[error("an entry's size differs from the size the manifest declares")]
    SizeMismatch,
    #[error("an entry's SHA-256 differs from the hash the manifest declares")]
    HashMismatch,
    #[error("an attachment's content does not match the hash in its name")]
    AttachmentHashMismatch,
    #[error("an attachment is not referenced by any record")]
    UnreferencedAttachment,
    #[error("a record refers to a photo the batch does not hold")]
    MissingAttachment,
    #[error("records.jsonl has a malformed line")]
    BadRecordLine,
    #[error("a record's text does not match its record_sha256")]
    RecordHashMismatch,
    #[error("a record is not a loket.intake/1 record")]
    BadRecord,
    #[error("a record's id or mission differs from its batch line or manifest")]
    RecordMismatch,
    #[error("a record fails validation")]
    InvalidRecord,
    #[error("a batch carries a draft; only finalised or closed case versions travel")]
    DraftRecord,
    #[error("the same case version occurs twice in the batch")]
    DuplicateRecord,
    #[error("the manifest's record_count differs from the records in the batch")]
    RecordCountMismatch,
    #[error("a request event in the manifest is malformed or out of order")]
    BadRequestEvent,
    #[error("the batch carries neither case versions nor request events")]
    EmptyBatch,
}

/// Why `seal` could not make a batch. These are the counter's own faults, not attacks.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SealError {
    #[error("a batch sequence number starts at 1")]
    BadSequence,
    #[error("batch 1 has no previous manifest; every later batch must name one")]
    BadPrevious,
    #[error("a batch holds at least one record or request event")]
    Empty,
    #[error("a request event is malformed, or the events are not in the order they happened")]
    BadRequestEvent,
    #[error("a record refers to a photo that was not given")]
    MissingAttachment,
    #[error("an attachment is not referenced by any record")]
    UnreferencedAttachment,
    #[error("the same case version is given twice")]
    DuplicateRecord,
    #[error("a draft cannot be sealed; only finalised or closed case versions travel")]
    Draft,
    #[error("building the zip archive failed")]
    Zip,
    #[error("encrypting the batch failed")]
    Encrypt,
}

/// Why a key file (headquarters' key, a device identity) could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum KeyError {
    #[error("the key file is not valid JSON of the expected shape")]
    Malformed,
    #[error("the key file's format is unknown")]
    UnknownFormat,
    #[error("the Ed25519 key in the key file is invalid")]
    BadSigningKey,
    #[error("the age key in the key file is invalid")]
    BadAgeKey,
}

/// Why a receipt was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ReceiptError {
    #[error("the receipt is larger than allowed")]
    TooLarge,
    #[error("the receipt file is malformed")]
    Malformed,
    #[error("the receipt format version is unknown")]
    UnknownFormat,
    #[error("the receipt signature does not verify against headquarters' key")]
    BadSignature,
}
