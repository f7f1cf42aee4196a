//! Sealing: the counter turns case versions into one frozen batch file.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Cursor, Write};

use chrono::{DateTime, FixedOffset};
use ed25519_dalek::{Signer, SigningKey};
use loket_core::status::CaseStatus;
use sha2::{Digest, Sha256};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

use crate::cores::both;
use crate::error::SealError;
use crate::keys::HqPublic;
use crate::manifest::{
    attachment_name, events_in_order, sha256_hex, AuditHead, Entry, Manifest, RecordEntry,
    RecordLine, RequestEvent, BATCH_FORMAT, MANIFEST, RECORDS, SIGNATURE,
};

/// Everything one batch carries, as the counter's store hands it over.
#[derive(Clone)]
pub struct SealInput {
    pub device_id: String,
    pub mission: String,
    /// From 1, per device.
    pub sequence: u64,
    /// SHA-256 hex of batch `sequence - 1`'s manifest; `None` only for batch 1.
    pub previous_manifest_sha256: Option<String>,
    pub created_at: DateTime<FixedOffset>,
    pub audit_head: AuditHead,
    /// One per case version.
    pub records: Vec<RecordEntry>,
    /// Photos (JPEG bytes as given); each referenced by some record's `photo_sha256`.
    pub attachments: Vec<Vec<u8>>,
    /// The requests' prints, reprints and voids since the last batch, oldest first.
    pub requests: Vec<RequestEvent>,
}

impl std::fmt::Debug for SealInput {
    /// Records as ids and hashes, photos as a count: never personal data.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealInput")
            .field("device_id", &self.device_id)
            .field("mission", &self.mission)
            .field("sequence", &self.sequence)
            .field("previous_manifest_sha256", &self.previous_manifest_sha256)
            .field("records", &self.records)
            .field("attachments", &self.attachments.len())
            .field("requests", &self.requests)
            .finish_non_exhaustive()
    }
}

/// A sealed batch: the bytes to write or send (the same bytes on every retry: store them),
/// and the hash of its manifest, which the next batch names.
#[derive(Clone, PartialEq, Eq)]
pub struct Sealed {
    pub bytes: Vec<u8>,
    pub manifest_sha256: String,
}

impl std::fmt::Debug for Sealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealed")
            .field("len", &self.bytes.len())
            .field("manifest_sha256", &self.manifest_sha256)
            .finish()
    }
}

/// Seals `input`: signs the manifest with the device key, encrypts the zip to headquarters.
///
/// Records are not validated here (the store seals only finalised versions); headquarters'
/// `open` validates every one.
pub fn seal(
    input: &SealInput,
    device_key: &SigningKey,
    hq: &HqPublic,
) -> Result<Sealed, SealError> {
    if input.sequence == 0 {
        return Err(SealError::BadSequence);
    }
    if (input.sequence == 1) != input.previous_manifest_sha256.is_none() {
        return Err(SealError::BadPrevious);
    }
    if input.records.is_empty() && input.requests.is_empty() {
        return Err(SealError::Empty);
    }
    if !events_in_order(&input.requests) {
        return Err(SealError::BadRequestEvent);
    }

    let mut photos: BTreeMap<String, &[u8]> = BTreeMap::new();
    for bytes in &input.attachments {
        photos.insert(sha256_hex(bytes), bytes);
    }
    let mut seen = BTreeSet::new();
    let mut referenced = BTreeSet::new();
    for r in &input.records {
        if r.status == CaseStatus::Draft {
            return Err(SealError::Draft);
        }
        if !seen.insert((r.case_id.as_str(), r.version)) {
            return Err(SealError::DuplicateRecord);
        }
        if let Some(photo) = &r.photo_sha256 {
            if !photos.contains_key(photo) {
                return Err(SealError::MissingAttachment);
            }
            referenced.insert(photo.as_str());
        }
    }
    if photos.keys().any(|k| !referenced.contains(k.as_str())) {
        return Err(SealError::UnreferencedAttachment);
    }
    // JPEG is already compressed: storing it keeps sealing fast. A fixed timestamp: the zip
    // says nothing about when or where it was built.
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(zip::DateTime::default());
    let deflated = stored.compression_method(CompressionMethod::Deflated);
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));

    // The lines (escaping and hashing 17 MB for 10,000 records) are built in two halves at
    // once; the first half is deflated while the second is built, and the second while the
    // whole is hashed. So the records come first in the zip, and the manifest, which holds
    // their hash, after them (readers find entries by name).
    let (earlier, later) = input.records.split_at(input.records.len() / 2);
    zip.start_file(RECORDS, deflated).map_err(zip_err)?;
    let (first, second) = both(
        || {
            let first = lines(earlier);
            zip.write_all(&first).map(|()| first)
        },
        || lines(later),
    );
    let first = first.map_err(zip_err)?;
    let (written, records_sha256) = both(
        || zip.write_all(&second),
        || {
            let mut hash = Sha256::new();
            hash.update(&first);
            hash.update(&second);
            hex::encode(hash.finalize())
        },
    );
    written.map_err(zip_err)?;

    let mut entries = vec![Entry {
        name: RECORDS.into(),
        size: (first.len() + second.len()) as u64,
        sha256: records_sha256,
    }];
    for (hash, bytes) in &photos {
        entries.push(Entry {
            name: attachment_name(hash),
            size: bytes.len() as u64,
            sha256: hash.clone(),
        });
    }
    let manifest = Manifest {
        format: BATCH_FORMAT.into(),
        device_id: input.device_id.clone(),
        mission: input.mission.clone(),
        sequence: input.sequence,
        recipient: hq.age_recipient(),
        previous_manifest_sha256: input.previous_manifest_sha256.clone(),
        created_at: input.created_at,
        record_count: input.records.len() as u64,
        audit_head: input.audit_head.clone(),
        entries,
        requests: input.requests.clone(),
    };
    let manifest_bytes = serde_json::to_vec_pretty(&manifest).map_err(zip_err)?;
    let signature = hex::encode(device_key.sign(&manifest_bytes).to_bytes());

    let mut add = |name: &str, opts: SimpleFileOptions, bytes: &[u8]| -> Result<(), SealError> {
        zip.start_file(name, opts).map_err(zip_err)?;
        zip.write_all(bytes).map_err(zip_err)
    };
    add(MANIFEST, stored, &manifest_bytes)?;
    add(SIGNATURE, stored, signature.as_bytes())?;
    for (hash, bytes) in &photos {
        add(&attachment_name(hash), stored, bytes)?;
    }
    let zip_bytes = zip.finish().map_err(zip_err)?.into_inner();

    Ok(Sealed {
        bytes: seal_raw(&zip_bytes, hq)?,
        manifest_sha256: sha256_hex(&manifest_bytes),
    })
}

/// Any failure of the zip writer (into memory, so none is expected).
fn zip_err<E>(_: E) -> SealError {
    SealError::Zip
}

/// `records.jsonl`'s lines for `records`.
fn lines(records: &[RecordEntry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(records.iter().map(|r| r.record_text.len() + 512).sum());
    for r in records {
        let hash = r.record_sha256();
        // Strings, numbers and a timestamp into a Vec: serialisation cannot fail.
        let _ = serde_json::to_writer(&mut out, &RecordLine::of(r, &hash));
        out.push(b'\n');
    }
    out
}

/// Encrypts arbitrary bytes to headquarters: the age layer alone. For tests that need to
/// craft malicious batches; real batches come from [`seal`].
#[doc(hidden)]
pub fn seal_raw(zip_bytes: &[u8], hq: &HqPublic) -> Result<Vec<u8>, SealError> {
    age::encrypt(&hq.age, zip_bytes).map_err(|_| SealError::Encrypt)
}
