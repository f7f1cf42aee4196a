//! Receipts (`loket.receipt/1`): headquarters' signed, cumulative statement of what it
//! holds from one device. The counter marks cases acknowledged only on a receipt that
//! verifies against the pinned key.
//!
//! The file is `{"format":"loket.receipt/1","body":"<JSON text>","signature":"<hex>"}`; the
//! signature is over the exact UTF-8 bytes of `body`, so no re-serialisation is ever needed
//! to check it.

use chrono::{DateTime, FixedOffset};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::error::ReceiptError;

/// Format tag of a receipt (outer file and body).
pub const RECEIPT_FORMAT: &str = "loket.receipt/1";
/// A receipt larger than this is refused unread (room for about a million record versions).
pub const MAX_RECEIPT_BYTES: usize = 256 << 20;

/// What headquarters holds from one device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// Always [`RECEIPT_FORMAT`].
    pub format: String,
    pub device_id: String,
    /// Batch sequence numbers held (ascending): every one, or with `records_from_batch`
    /// that batch and later ones.
    pub batches: Vec<u64>,
    /// Record versions held: every one, or with `records_from_batch` those of that batch and
    /// later ones.
    pub records: Vec<HeldVersion>,
    /// Set when the counter asked for no more: `batches` lists only the batches numbered
    /// this or higher, and `records` only the versions they brought (the counter holds the
    /// acknowledgement of the earlier ones), so a receipt does not grow with a counter's
    /// years. Absent: every batch and every version held.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records_from_batch: Option<u64>,
    pub issued_at: DateTime<FixedOffset>,
}

/// One case version headquarters holds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct HeldVersion {
    pub case_id: String,
    pub version: u64,
    pub record_sha256: String,
}

#[derive(Serialize, Deserialize)]
struct ReceiptFile {
    format: String,
    body: String,
    signature: String,
}

impl Receipt {
    /// A receipt with the format tag filled in.
    pub fn new(
        device_id: impl Into<String>,
        batches: Vec<u64>,
        records: Vec<HeldVersion>,
        issued_at: DateTime<FixedOffset>,
    ) -> Self {
        Receipt {
            format: RECEIPT_FORMAT.into(),
            device_id: device_id.into(),
            batches,
            records,
            records_from_batch: None,
            issued_at,
        }
    }

    /// The same receipt from batch `first` on (see [`Receipt::records_from_batch`]): the
    /// caller lists only the versions of those batches; the batch numbers before `first`
    /// are dropped here. Batch 1 or lower is everything.
    pub fn records_from(mut self, first: u64) -> Self {
        self.records_from_batch = (first > 1).then_some(first);
        self.batches.retain(|&n| n >= first);
        self
    }

    /// The lowest batch whose versions `records` lists in full.
    pub fn first_listed_batch(&self) -> u64 {
        self.records_from_batch.unwrap_or(1)
    }

    /// The receipt file's text, signed with headquarters' key.
    pub fn sign(&self, hq_key: &SigningKey) -> String {
        // Strings, numbers and a timestamp: serialisation cannot fail.
        let body = serde_json::to_string(self).unwrap_or_default();
        let signature = hex::encode(hq_key.sign(body.as_bytes()).to_bytes());
        let file = ReceiptFile {
            format: RECEIPT_FORMAT.into(),
            body,
            signature,
        };
        serde_json::to_string_pretty(&file).unwrap_or_default() + "\n"
    }

    /// Checks a receipt file against headquarters' pinned key and returns its content.
    pub fn verify(text: &[u8], hq_key: &VerifyingKey) -> Result<Receipt, ReceiptError> {
        if text.len() > MAX_RECEIPT_BYTES {
            return Err(ReceiptError::TooLarge);
        }
        let file: ReceiptFile =
            serde_json::from_slice(text).map_err(|_| ReceiptError::Malformed)?;
        if file.format != RECEIPT_FORMAT {
            return Err(ReceiptError::UnknownFormat);
        }
        let mut sig = [0u8; 64];
        hex::decode_to_slice(&file.signature, &mut sig).map_err(|_| ReceiptError::BadSignature)?;
        hq_key
            .verify_strict(file.body.as_bytes(), &Signature::from_bytes(&sig))
            .map_err(|_| ReceiptError::BadSignature)?;
        let receipt: Receipt =
            serde_json::from_str(&file.body).map_err(|_| ReceiptError::Malformed)?;
        if receipt.format != RECEIPT_FORMAT {
            return Err(ReceiptError::UnknownFormat);
        }
        Ok(receipt)
    }
}
