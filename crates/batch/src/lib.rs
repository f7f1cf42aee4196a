//! The sealed batch format `loket.batch/1` and receipts `loket.receipt/1`: the one
//! implementation both the counter (sealing) and headquarters (opening, receipts) use.
//! The format is written up in `docs/batch-format.md`.
#![forbid(unsafe_code)]

mod cores;
pub mod device;
pub mod error;
pub mod keys;
pub mod manifest;
pub mod open;
pub mod receipt;
pub mod seal;
pub mod wire;

pub use device::DeviceCard;
pub use error::{BatchError, KeyError, ReceiptError, SealError};
pub use keys::{verifying_key_from_hex, HqPublic, HqSecret};
pub use manifest::{
    sha256_hex, AuditHead, Entry, Manifest, RecordEntry, RequestAction, RequestEvent,
};
pub use open::{
    open, read_attachment, unseal, EntryBytes, Limits, Opened, OpenedRecord, Photos, Unsealed,
};
pub use receipt::{HeldVersion, Receipt};
pub use seal::{seal, SealInput, Sealed};

#[doc(hidden)]
pub use open::unseal_raw;
#[doc(hidden)]
pub use seal::seal_raw;
