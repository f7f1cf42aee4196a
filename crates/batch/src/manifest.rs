//! What a batch holds: the signed manifest, the lines of records.jsonl and the rules for
//! entry names. Sealing and opening both use these types, so the format exists once.

use chrono::{DateTime, FixedOffset};
use loket_core::status::CaseStatus;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Format tag of a batch manifest.
pub const BATCH_FORMAT: &str = "loket.batch/1";
/// The manifest's entry name.
pub const MANIFEST: &str = "manifest.json";
/// The signature's entry name: hex Ed25519 over the exact bytes of `manifest.json`.
pub const SIGNATURE: &str = "manifest.sig";
/// The records' entry name.
pub const RECORDS: &str = "records.jsonl";
/// Folder of the photos, each named `<sha256>.jpg`.
pub const ATTACHMENTS_DIR: &str = "attachments/";

/// The signed table of contents of a batch (`manifest.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always [`BATCH_FORMAT`].
    pub format: String,
    /// The counter that sealed the batch; headquarters looks its key up by this.
    pub device_id: String,
    /// The mission's code; every record in the batch belongs to it.
    pub mission: String,
    /// Per device, from 1, without gaps.
    pub sequence: u64,
    /// Headquarters' `age1…` recipient this batch was sealed for.
    pub recipient: String,
    /// SHA-256 hex of the previous batch's `manifest.json`; `null` for batch 1.
    pub previous_manifest_sha256: Option<String>,
    /// When the batch was sealed (RFC 3339).
    pub created_at: DateTime<FixedOffset>,
    /// Number of lines in `records.jsonl`.
    pub record_count: u64,
    /// The head of the counter's audit chain when the batch was sealed.
    pub audit_head: AuditHead,
    /// Every zip entry except `manifest.json` and `manifest.sig`, each exactly once.
    pub entries: Vec<Entry>,
    /// The SPLP requests printed, reprinted and voided at the counter since its last batch,
    /// in the order they happened. Absent when there are none, so a batch without any is
    /// the same bytes as before this field existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<RequestEvent>,
}

/// What happened to an SPLP request at the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RequestAction {
    /// Printed for the first time: the serial was issued.
    Print,
    /// Printed again (the page says REPRINT); needs a reason.
    Reprint,
    /// Voided: the number stays used, the paper is no longer valid; needs a reason.
    Void,
}

impl RequestAction {
    const ALL: [RequestAction; 3] = [
        RequestAction::Print,
        RequestAction::Reprint,
        RequestAction::Void,
    ];

    /// As the batch, and both stores, spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestAction::Print => "print",
            RequestAction::Reprint => "reprint",
            RequestAction::Void => "void",
        }
    }

    /// The action spelt `text`, if it is one.
    pub fn parse(text: &str) -> Option<RequestAction> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// One print, reprint or void of an SPLP request, with what the request was printed from,
/// so that headquarters can record the request whichever of its events arrives first.
/// Debug leaves out the officer's reason: it is free text.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestEvent {
    /// The counter's number for this event: from 1, rising, never reused.
    pub seq: u64,
    /// `MISSION-YEAR-COUNTER-NUMBER`, as printed on the request.
    pub serial: String,
    pub action: RequestAction,
    pub at: DateTime<FixedOffset>,
    /// The officer whose login printed or voided it.
    pub officer: String,
    /// Why it was reprinted or voided; `null` for a print.
    pub reason: Option<String>,
    /// The case version the request was printed from, and its record's SHA-256 hex (what
    /// the request's QR code states).
    pub case_id: String,
    pub version: u64,
    pub record_sha256: String,
    /// When the serial was issued (its first print).
    pub issued_at: DateTime<FixedOffset>,
}

impl std::fmt::Debug for RequestEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestEvent")
            .field("seq", &self.seq)
            .field("serial", &self.serial)
            .field("action", &self.action)
            .field("case_id", &self.case_id)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

impl RequestEvent {
    /// The event's own rules: a serial of upper-case letters, digits and hyphens, a record
    /// hash, a version from 1, and a reason exactly when it is a reprint or a void.
    pub(crate) fn is_well_formed(&self) -> bool {
        let serial_ok = (1..=64).contains(&self.serial.len())
            && self
                .serial
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
        let reason_ok = match self.action {
            RequestAction::Print => self.reason.is_none(),
            RequestAction::Reprint | RequestAction::Void => {
                self.reason.as_deref().is_some_and(|r| !r.trim().is_empty())
            }
        };
        serial_ok
            && reason_ok
            && self.seq > 0
            && self.version > 0
            && !self.case_id.is_empty()
            && !self.officer.is_empty()
            && is_sha256_hex(&self.record_sha256)
    }
}

/// Every event well formed, and numbered in the order they happened: what sealing and
/// opening both require of a manifest's `requests`.
pub(crate) fn events_in_order(events: &[RequestEvent]) -> bool {
    events.iter().all(RequestEvent::is_well_formed)
        && events.windows(2).all(|w| w[0].seq < w[1].seq)
}

/// The last entry of the counter's audit chain at sealing time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditHead {
    pub seq: u64,
    pub hash: String,
}

/// One zip entry as the manifest declares it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub name: String,
    /// Uncompressed size in bytes; never more is decompressed (plus one byte to detect it).
    pub size: u64,
    /// SHA-256 hex of the uncompressed bytes.
    pub sha256: String,
}

/// One case version, as a line of `records.jsonl` carries it.
///
/// The record travels as the exact text the counter stored (`record_text`), so that
/// `record_sha256` can be rechecked byte for byte; headquarters parses it after checking.
/// Debug shows ids and hashes only: the record is personal data.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordEntry {
    pub case_id: String,
    /// Version of the case, from 1.
    pub version: u64,
    pub status: CaseStatus,
    pub saved_at: DateTime<FixedOffset>,
    /// The officer who saved this version (login name).
    pub officer: String,
    /// Why this version was made (required at the counter for changes after finalising).
    pub reason: Option<String>,
    /// SHA-256 hex of `photo_sha256`'s attachment, if the case has a photo.
    pub photo_sha256: Option<String>,
    /// The stored `loket.intake/1` record, exactly as stored.
    pub record_text: String,
}

/// A line of `records.jsonl`: the entry's fields plus the hash of its record text. `S` is
/// `&str` when sealing (nothing is copied) and `String` when opening. The fields are spelled
/// out rather than a flattened [`RecordEntry`]: serde reads a flattened struct through an
/// intermediate map, which made reading a batch's lines several times slower.
#[derive(Serialize, Deserialize)]
pub(crate) struct RecordLine<S> {
    pub case_id: S,
    pub version: u64,
    pub status: CaseStatus,
    pub saved_at: DateTime<FixedOffset>,
    pub officer: S,
    pub reason: Option<S>,
    pub photo_sha256: Option<S>,
    pub record_text: S,
    pub record_sha256: S,
}

impl<'a> RecordLine<&'a str> {
    /// The line of `entry`, whose record text hashes to `record_sha256`.
    pub fn of(entry: &'a RecordEntry, record_sha256: &'a str) -> Self {
        RecordLine {
            case_id: &entry.case_id,
            version: entry.version,
            status: entry.status,
            saved_at: entry.saved_at,
            officer: &entry.officer,
            reason: entry.reason.as_deref(),
            photo_sha256: entry.photo_sha256.as_deref(),
            record_text: &entry.record_text,
            record_sha256,
        }
    }
}

impl RecordLine<String> {
    /// The entry, and the hash the line states for its record text.
    pub fn into_entry(self) -> (RecordEntry, String) {
        let entry = RecordEntry {
            case_id: self.case_id,
            version: self.version,
            status: self.status,
            saved_at: self.saved_at,
            officer: self.officer,
            reason: self.reason,
            photo_sha256: self.photo_sha256,
            record_text: self.record_text,
        };
        (entry, self.record_sha256)
    }
}

impl std::fmt::Debug for RecordEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordEntry")
            .field("case_id", &self.case_id)
            .field("version", &self.version)
            .field("status", &self.status)
            .field("saved_at", &self.saved_at)
            .field("photo_sha256", &self.photo_sha256)
            .field("record_sha256", &self.record_sha256())
            .finish_non_exhaustive()
    }
}

impl RecordEntry {
    /// SHA-256 hex of the record's stored text, as the batch and receipts name it.
    pub fn record_sha256(&self) -> String {
        sha256_hex(self.record_text.as_bytes())
    }
}

/// Lower-case SHA-256 hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// 64 lower-case hex digits.
pub(crate) fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The entry name of a photo: `attachments/<sha256>.jpg`.
pub fn attachment_name(sha256: &str) -> String {
    format!("{ATTACHMENTS_DIR}{sha256}.jpg")
}

/// The hash in an attachment's name, if the name is one.
pub(crate) fn attachment_hash(name: &str) -> Option<&str> {
    let hash = name.strip_prefix(ATTACHMENTS_DIR)?.strip_suffix(".jpg")?;
    is_sha256_hex(hash).then_some(hash)
}

/// Names a batch may hold: a few fixed ones and `attachments/<sha256>.jpg`. Anything else
/// (`../`, absolute, backslashes, drive letters, control characters) is refused, which
/// also rules out every path trick a zip can play on an extracting tool.
pub(crate) fn is_allowed_name(name: &str) -> bool {
    matches!(name, MANIFEST | SIGNATURE | RECORDS) || attachment_hash(name).is_some()
}
