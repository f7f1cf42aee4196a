//! Opening: headquarters checks a batch completely before anything of it is used.
//!
//! Order matters: size before decrypting; the manifest and its signature before any other
//! entry is decompressed; no entry is ever decompressed beyond its declared size + 1 byte.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use ed25519_dalek::{Signature, VerifyingKey};
use loket_core::status::CaseStatus;
use loket_core::IntakeRecord;
use zip::CompressionMethod;

use crate::cores::both;
use crate::error::BatchError;
use crate::keys::HqSecret;
use crate::manifest::{
    attachment_hash, attachment_name, is_allowed_name, is_sha256_hex, sha256_hex, Entry, Manifest,
    RecordEntry, RecordLine, BATCH_FORMAT, MANIFEST, RECORDS, SIGNATURE,
};

/// Bounds on what `open` will read, so a hostile file cannot exhaust memory or disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The encrypted file, checked before decrypting.
    pub max_file_bytes: u64,
    /// One decompressed entry.
    pub max_entry_bytes: u64,
    /// All decompressed entries together.
    pub max_total_bytes: u64,
    /// Zip entries.
    pub max_entries: usize,
    /// `manifest.json`, read before its signature is checked.
    pub max_manifest_bytes: u64,
}

impl Default for Limits {
    /// Room for a surge: 5,000 cases with a 30 KB photo each is about 170 MB.
    fn default() -> Self {
        Limits {
            max_file_bytes: 1 << 30,
            max_entry_bytes: 256 << 20,
            max_total_bytes: 1 << 30,
            max_entries: 200_000,
            max_manifest_bytes: 64 << 20,
        }
    }
}

/// The signature is 128 hex digits; a little slack, then refuse.
const MAX_SIGNATURE_BYTES: u64 = 1024;

/// A batch's photos by their SHA-256 hex.
pub type Photos = BTreeMap<String, Vec<u8>>;

/// A batch that passed every check.
#[derive(Clone)]
pub struct Opened {
    pub manifest: Manifest,
    /// SHA-256 hex of `manifest.json`: the next batch of this device names it.
    pub manifest_sha256: String,
    /// In the order of `records.jsonl`.
    pub records: Vec<OpenedRecord>,
    /// Photos by their SHA-256 hex.
    pub attachments: Photos,
}

/// One case version from a batch: the line as sealed, its hash, and the parsed record.
#[derive(Clone)]
pub struct OpenedRecord {
    pub entry: RecordEntry,
    pub record_sha256: String,
    pub record: IntakeRecord,
}

impl std::fmt::Debug for Opened {
    /// Counts and hashes only: the records and photos are personal data.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Opened")
            .field("device_id", &self.manifest.device_id)
            .field("sequence", &self.manifest.sequence)
            .field("manifest_sha256", &self.manifest_sha256)
            .field("records", &self.records.len())
            .field("attachments", &self.attachments.len())
            .finish()
    }
}

impl std::fmt::Debug for OpenedRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenedRecord")
            .field("entry", &self.entry)
            .field("record_sha256", &self.record_sha256)
            .finish_non_exhaustive()
    }
}

/// Decrypts and checks a batch; refuses it whole, with the reason, at the first fault.
///
/// `device_key` looks up an enrolled device's verifying key by its id. Records are validated
/// (`loket_core::validate`) as of the day the batch was sealed (`created_at`, the counter's
/// local date), so the verdict on a batch never depends on when it arrives. Checking the chain of
/// `previous_manifest_sha256` and the sequence against batches already held is the
/// caller's job, since batches may arrive in any order.
pub fn open(
    bytes: &[u8],
    hq: &HqSecret,
    limits: &Limits,
    device_key: impl Fn(&str) -> Option<VerifyingKey>,
) -> Result<Opened, BatchError> {
    let unsealed = unseal(bytes, hq, limits, device_key)?;
    let attachments = Mutex::new(Photos::new());
    let records = unsealed.check_entries(&|hash, data| {
        attachments
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(hash, data.to_vec());
    })?;
    Ok(Opened {
        manifest: unsealed.manifest,
        manifest_sha256: unsealed.manifest_sha256,
        records,
        attachments: attachments
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner),
    })
}

/// A batch decrypted, its manifest authentic and its entries exactly the ones listed; the
/// entries themselves not read yet. [`Unsealed::check_entries`] reads and checks them, so
/// that headquarters can look up the device and start keeping the file meanwhile.
pub struct Unsealed {
    pub manifest: Manifest,
    /// SHA-256 hex of `manifest.json`.
    pub manifest_sha256: String,
    plain: Plain,
    zip: Zip,
    index: HashMap<String, usize>,
}

impl std::fmt::Debug for Unsealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unsealed")
            .field("device_id", &self.manifest.device_id)
            .field("sequence", &self.manifest.sequence)
            .field("manifest_sha256", &self.manifest_sha256)
            .finish_non_exhaustive()
    }
}

/// The first half of [`open`]: size, decryption, the zip's structure, the manifest and its
/// signature, and the manifest's list against the zip's entries.
pub fn unseal(
    bytes: &[u8],
    hq: &HqSecret,
    limits: &Limits,
    device_key: impl Fn(&str) -> Option<VerifyingKey>,
) -> Result<Unsealed, BatchError> {
    if bytes.len() as u64 > limits.max_file_bytes {
        return Err(BatchError::FileTooLarge);
    }
    let plain = Plain(Arc::new(decrypt(bytes, hq)?));

    let mut zip =
        zip::ZipArchive::new(Cursor::new(plain.clone())).map_err(|_| BatchError::BadZip)?;
    if zip.len() > limits.max_entries {
        return Err(BatchError::TooManyEntries);
    }
    // One meaning only: a name twice, local headers that disagree with the central
    // directory, overlapping or hidden entries could be read differently by another tool.
    if zip.has_duplicate_names() {
        return Err(BatchError::DuplicateEntry);
    }
    zip.validate_header_consistency()
        .map_err(|_| BatchError::BadZip)?;
    // Names and shapes of every entry, before decompressing anything.
    let mut index: HashMap<String, usize> = HashMap::new();
    for i in 0..zip.len() {
        let file = zip.by_index_raw(i).map_err(|_| BatchError::BadZip)?;
        let name = std::str::from_utf8(file.name_raw())
            .map_err(|_| BatchError::UnsafeEntryName)?
            .to_owned();
        if !is_allowed_name(&name) {
            return Err(if looks_unsafe(&name) {
                BatchError::UnsafeEntryName
            } else {
                BatchError::UnlistedEntry
            });
        }
        if file.is_dir()
            || file.encrypted()
            || !matches!(
                file.compression(),
                CompressionMethod::Stored | CompressionMethod::Deflated
            )
        {
            return Err(BatchError::UnsupportedEntry);
        }
        if index.insert(name, i).is_some() {
            return Err(BatchError::DuplicateEntry);
        }
    }

    let (Some(&mi), Some(&si)) = (index.get(MANIFEST), index.get(SIGNATURE)) else {
        return Err(BatchError::MissingManifest);
    };
    let manifest_bytes = read_capped(&mut zip, mi, limits.max_manifest_bytes)?
        .ok_or(BatchError::ManifestTooLarge)?;
    let sig_text =
        read_capped(&mut zip, si, MAX_SIGNATURE_BYTES)?.ok_or(BatchError::ManifestTooLarge)?;

    let manifest = parse_manifest(&manifest_bytes)?;
    if manifest.recipient != hq.age.to_public().to_string() {
        return Err(BatchError::WrongRecipient);
    }
    let key = device_key(&manifest.device_id).ok_or(BatchError::UnknownDevice)?;
    let mut sig = [0u8; 64];
    hex::decode_to_slice(&sig_text, &mut sig).map_err(|_| BatchError::BadSignature)?;
    key.verify_strict(&manifest_bytes, &Signature::from_bytes(&sig))
        .map_err(|_| BatchError::BadSignature)?;
    check_manifest(&manifest)?;

    // The manifest is authentic; now its entries must be exactly the zip's other entries.
    let mut total: u64 = 0;
    let mut listed = BTreeSet::new();
    for e in &manifest.entries {
        if e.size > limits.max_entry_bytes {
            return Err(BatchError::EntryTooLarge);
        }
        total = total.saturating_add(e.size);
        if !listed.insert(e.name.as_str()) {
            return Err(BatchError::DuplicateEntry);
        }
        if !index.contains_key(&e.name) {
            return Err(BatchError::MissingEntry);
        }
    }
    if total > limits.max_total_bytes {
        return Err(BatchError::EntryTooLarge);
    }
    if index
        .keys()
        .any(|n| n != MANIFEST && n != SIGNATURE && !listed.contains(n.as_str()))
    {
        return Err(BatchError::UnlistedEntry);
    }

    if !listed.contains(RECORDS) {
        return Err(BatchError::MissingEntry);
    }
    Ok(Unsealed {
        manifest_sha256: sha256_hex(&manifest_bytes),
        manifest,
        plain,
        zip,
        index,
    })
}

impl Unsealed {
    /// The SHA-256 hex of every photo the manifest lists.
    pub fn photo_hashes(&self) -> impl Iterator<Item = &str> {
        self.manifest
            .entries
            .iter()
            .filter_map(|e| attachment_hash(&e.name))
    }

    /// The second half of [`open`]: reads every entry within its declared size, checks its
    /// hash, parses and validates the records. Each photo goes to `photo` as soon as its
    /// hash holds (from either of two threads, in no particular order); the records come
    /// back once all of it holds. The verdict is the sequential one: the first faulty
    /// entry in the manifest's order, else the records' fault.
    pub fn check_entries(
        &self,
        photo: &(dyn Fn(String, EntryBytes) + Sync),
    ) -> Result<Vec<OpenedRecord>, BatchError> {
        let manifest = &self.manifest;
        let records = read_entries(&self.zip, &self.plain, &self.index, manifest, photo)?;
        if records.len() as u64 != manifest.record_count {
            return Err(BatchError::RecordCountMismatch);
        }
        let referenced: BTreeSet<&str> = records
            .iter()
            .filter_map(|r| r.entry.photo_sha256.as_deref())
            .collect();
        if self.photo_hashes().any(|h| !referenced.contains(h)) {
            return Err(BatchError::UnreferencedAttachment);
        }
        Ok(records)
    }
}

/// Decrypts the age layer alone: for tests that take a real batch apart to tamper with it.
#[doc(hidden)]
pub fn unseal_raw(bytes: &[u8], hq: &HqSecret) -> Result<Vec<u8>, BatchError> {
    age::decrypt(&hq.age, bytes).map_err(|_| BatchError::Damaged)
}

/// Decrypts the age layer on two cores. age's STREAM chunks are independent (each is
/// authenticated under its own index, the last one as the last), so a second reader seeks
/// to the second half and decrypts it while the first reader does the first half.
fn decrypt(bytes: &[u8], hq: &HqSecret) -> Result<Vec<u8>, BatchError> {
    let map = |e: age::DecryptError| match e {
        age::DecryptError::NoMatchingKeys => BatchError::NotForThisKey,
        age::DecryptError::InvalidHeader | age::DecryptError::UnknownFormat => {
            BatchError::NotEncrypted
        }
        _ => BatchError::Damaged,
    };
    let reader = || {
        age::Decryptor::new_buffered(Cursor::new(bytes))
            .and_then(|d| d.decrypt(std::iter::once(&hq.age as &dyn age::Identity)))
            .map_err(map)
    };
    let damaged = |_| BatchError::Damaged;
    let mut first = reader()?;
    // Seeking to the end authenticates the last chunk as the last: a truncated file fails here.
    let len = first.seek(SeekFrom::End(0)).map_err(damaged)?;
    first.seek(SeekFrom::Start(0)).map_err(damaged)?;
    let mut plain = vec![0u8; usize::try_from(len).map_err(|_| BatchError::FileTooLarge)?];
    let half = plain.len() / 2 / AGE_CHUNK * AGE_CHUNK;
    if half == 0 {
        read_to_the_end(&mut first, &mut plain)?;
        return Ok(plain);
    }
    let (head, tail) = plain.split_at_mut(half);
    let (first, second) = both(
        || first.read_exact(head).map_err(damaged),
        || {
            let mut r = reader()?;
            r.seek(SeekFrom::Start(half as u64)).map_err(damaged)?;
            read_to_the_end(&mut r, tail)
        },
    );
    first.and(second)?;
    Ok(plain)
}

/// age's plaintext chunk: 64 KiB.
const AGE_CHUNK: usize = 64 << 10;

/// Fills `out` and checks that nothing follows.
fn read_to_the_end(r: &mut impl Read, out: &mut [u8]) -> Result<(), BatchError> {
    r.read_exact(out).map_err(|_| BatchError::Damaged)?;
    match r.read(&mut [0u8; 1]) {
        Ok(0) => Ok(()),
        _ => Err(BatchError::Damaged),
    }
}

/// The decrypted zip, shared by the threads that read it.
#[derive(Clone)]
struct Plain(Arc<Vec<u8>>);

impl AsRef<[u8]> for Plain {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

type Zip = zip::ZipArchive<Cursor<Plain>>;

/// Reads and checks every listed entry on two threads; the thread that reads
/// `records.jsonl` parses and validates it while the other goes on with the photos.
fn read_entries(
    zip: &Zip,
    plain: &Plain,
    index: &HashMap<String, usize>,
    manifest: &Manifest,
    photo: &(dyn Fn(String, EntryBytes) + Sync),
) -> Result<Vec<OpenedRecord>, BatchError> {
    // Every listed photo is read and checked here before the records are used, so the
    // records can be checked against the list.
    let photos: BTreeSet<&str> = manifest
        .entries
        .iter()
        .filter_map(|e| attachment_hash(&e.name))
        .collect();
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let work = |mut zip: Zip| {
        let mut faults = Vec::new();
        let mut records = None;
        while !failed.load(Ordering::Relaxed) {
            // Entries are taken in the manifest's order, so when one fails every earlier
            // one has been taken and its verdict will be known.
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(e) = manifest.entries.get(k) else {
                break;
            };
            match read_checked(&mut zip, plain, index[&e.name], e) {
                Err(fault) => {
                    failed.store(true, Ordering::Relaxed);
                    faults.push((k, fault));
                }
                Ok(bytes) if e.name == RECORDS => {
                    records = Some(parse_records(&bytes, manifest, &photos));
                }
                Ok(bytes) => {
                    if let Some(hash) = attachment_hash(&e.name) {
                        photo(hash.to_owned(), bytes);
                    }
                }
            }
        }
        (faults, records)
    };
    let ((mut faults, records), (more, more_records)) =
        both(|| work(zip.clone()), || work(zip.clone()));
    faults.extend(more);
    let records = records.or(more_records);
    if let Some((_, fault)) = faults.into_iter().min_by_key(|(k, _)| *k) {
        return Err(fault);
    }
    records.ok_or(BatchError::MissingEntry)?
}

/// One listed entry, read within its declared size and checked against its hash.
fn read_checked(
    zip: &mut Zip,
    plain: &Plain,
    i: usize,
    e: &Entry,
) -> Result<EntryBytes, BatchError> {
    let data = match stored(zip, plain, i, e)? {
        Some(in_place) => in_place,
        None => {
            let data = read_capped(zip, i, e.size)?.ok_or(BatchError::SizeMismatch)?;
            if data.len() as u64 != e.size {
                return Err(BatchError::SizeMismatch);
            }
            EntryBytes::from(data)
        }
    };
    if sha256_hex(&data) != e.sha256 {
        return Err(BatchError::HashMismatch);
    }
    Ok(data)
}

/// A stored (uncompressed) entry where it lies in the decrypted zip, not copied: a surge
/// batch's 150 MB of photos are not moved once more. `None` for a compressed entry.
fn stored(
    zip: &mut Zip,
    plain: &Plain,
    i: usize,
    e: &Entry,
) -> Result<Option<EntryBytes>, BatchError> {
    let file = zip.by_index_raw(i).map_err(|_| BatchError::BadZip)?;
    if file.compression() != CompressionMethod::Stored {
        return Ok(None);
    }
    if file.size() != e.size || file.compressed_size() != e.size {
        return Err(BatchError::SizeMismatch);
    }
    let start = file
        .data_start()
        .and_then(|s| usize::try_from(s).ok())
        .ok_or(BatchError::BadZip)?;
    let end = usize::try_from(e.size)
        .ok()
        .and_then(|n| start.checked_add(n))
        .filter(|&end| end <= plain.0.len())
        .ok_or(BatchError::BadZip)?;
    Ok(Some(EntryBytes {
        plain: plain.clone(),
        range: start..end,
    }))
}

/// An entry's checked bytes: for a stored entry, a view into the decrypted batch (shared,
/// not copied); for a compressed one, its own buffer. Debug shows the length only.
#[derive(Clone)]
pub struct EntryBytes {
    plain: Plain,
    range: std::ops::Range<usize>,
}

impl From<Vec<u8>> for EntryBytes {
    fn from(bytes: Vec<u8>) -> Self {
        EntryBytes {
            range: 0..bytes.len(),
            plain: Plain(Arc::new(bytes)),
        }
    }
}

impl std::ops::Deref for EntryBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.plain.0[self.range.clone()]
    }
}

impl std::fmt::Debug for EntryBytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "EntryBytes({} bytes)", self.range.len())
    }
}

/// Reads entry `i`, decompressing at most `cap + 1` bytes; `None` when it holds more than `cap`.
fn read_capped(zip: &mut Zip, i: usize, cap: u64) -> Result<Option<Vec<u8>>, BatchError> {
    let file = zip.by_index(i).map_err(|_| BatchError::BadZip)?;
    let mut out = Vec::with_capacity(usize::try_from(cap.min(1 << 20)).unwrap_or(0));
    file.take(cap.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|_| BatchError::BadZip)?;
    Ok((out.len() as u64 <= cap).then_some(out))
}

fn looks_unsafe(name: &str) -> bool {
    name.is_empty()
        || name.starts_with('/')
        || name.contains('\\')
        || name.contains(':')
        || name
            .split('/')
            .any(|c| c == ".." || c == "." || c.is_empty())
        || name.chars().any(char::is_control)
}

fn parse_manifest(bytes: &[u8]) -> Result<Manifest, BatchError> {
    // The format first, so that a newer version is named as such, not as "malformed".
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|_| BatchError::BadManifest)?;
    if value.get("format").and_then(|f| f.as_str()) != Some(BATCH_FORMAT) {
        return Err(BatchError::UnknownFormat);
    }
    serde_json::from_value(value).map_err(|_| BatchError::BadManifest)
}

/// The manifest's own rules, checked once its signature holds (so that a tampered manifest
/// is named as such, not as malformed).
fn check_manifest(m: &Manifest) -> Result<(), BatchError> {
    let previous_ok = match (&m.previous_manifest_sha256, m.sequence) {
        (_, 0) => false,
        (None, 1) => true,
        (Some(h), n) if n > 1 => is_sha256_hex(h),
        _ => false,
    };
    let names_ok = m.entries.iter().all(|e| {
        is_allowed_name(&e.name)
            && e.name != MANIFEST
            && e.name != SIGNATURE
            && is_sha256_hex(&e.sha256)
            && attachment_hash(&e.name).is_none_or(|h| h == e.sha256)
    });
    if !previous_ok || !names_ok || m.device_id.is_empty() || m.mission.is_empty() {
        // An attachment whose name and declared hash differ is named precisely.
        if m.entries
            .iter()
            .any(|e| attachment_hash(&e.name).is_some_and(|h| h != e.sha256))
        {
            return Err(BatchError::AttachmentHashMismatch);
        }
        return Err(BatchError::BadManifest);
    }
    if !crate::manifest::events_in_order(&m.requests) {
        return Err(BatchError::BadRequestEvent);
    }
    if m.record_count == 0 && m.requests.is_empty() {
        return Err(BatchError::EmptyBatch);
    }
    Ok(())
}

/// Parses and checks `records.jsonl`; the second half of a long one on a second thread. The
/// verdict is the sequential one: the first faulty line (a line is checked whole, then
/// against the lines before it).
fn parse_records(
    bytes: &[u8],
    manifest: &Manifest,
    photos: &BTreeSet<&str>,
) -> Result<Vec<OpenedRecord>, BatchError> {
    let text = std::str::from_utf8(bytes).map_err(|_| BatchError::BadRecordLine)?;
    // A batch of request events alone has no lines at all.
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let Some(body) = text.strip_suffix('\n') else {
        return Err(BatchError::BadRecordLine);
    };
    let lines: Vec<&str> = body.split('\n').collect();
    let half = if lines.len() >= 64 {
        lines.len() / 2
    } else {
        0
    };
    let (earlier, later) = lines.split_at(half);
    let ((mut out, fault), (rest, rest_fault)) = both(
        || parse_lines(earlier, manifest, photos),
        || parse_lines(later, manifest, photos),
    );
    if let Some(fault) = fault {
        return Err(fault);
    }
    // A version of the second half that the first half holds: found where a walk from the
    // top would have found it, before the second half's own fault.
    let seen: HashSet<(&str, u64)> = out.iter().map(version_of).collect();
    if rest.iter().any(|r| seen.contains(&version_of(r))) {
        return Err(BatchError::DuplicateRecord);
    }
    if let Some(fault) = rest_fault {
        return Err(fault);
    }
    out.extend(rest);
    Ok(out)
}

fn version_of(r: &OpenedRecord) -> (&str, u64) {
    (r.entry.case_id.as_str(), r.entry.version)
}

/// The lines' records up to the first faulty line, and its fault.
fn parse_lines(
    lines: &[&str],
    manifest: &Manifest,
    photos: &BTreeSet<&str>,
) -> (Vec<OpenedRecord>, Option<BatchError>) {
    let sealed_on = manifest.created_at.date_naive();
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        match parse_line(line, manifest, sealed_on, photos) {
            Ok(r) if seen.insert((r.entry.case_id.clone(), r.entry.version)) => out.push(r),
            Ok(_) => return (out, Some(BatchError::DuplicateRecord)),
            Err(fault) => return (out, Some(fault)),
        }
    }
    (out, None)
}

fn parse_line(
    line: &str,
    manifest: &Manifest,
    sealed_on: chrono::NaiveDate,
    photos: &BTreeSet<&str>,
) -> Result<OpenedRecord, BatchError> {
    let line: RecordLine<String> =
        serde_json::from_str(line).map_err(|_| BatchError::BadRecordLine)?;
    let (entry, stated_sha256) = line.into_entry();
    if entry.status == CaseStatus::Draft {
        return Err(BatchError::DraftRecord);
    }
    let record_sha256 = sha256_hex(entry.record_text.as_bytes());
    if stated_sha256 != record_sha256 {
        return Err(BatchError::RecordHashMismatch);
    }
    if let Some(photo) = &entry.photo_sha256 {
        if !photos.contains(photo.as_str()) {
            return Err(BatchError::MissingAttachment);
        }
    }
    let record: IntakeRecord =
        serde_json::from_str(&entry.record_text).map_err(|_| BatchError::BadRecord)?;
    if record.id.as_deref() != Some(entry.case_id.as_str())
        || record.mission.as_deref() != Some(manifest.mission.as_str())
    {
        return Err(BatchError::RecordMismatch);
    }
    if loket_core::validate(&record, sealed_on).has_errors() {
        return Err(BatchError::InvalidRecord);
    }
    Ok(OpenedRecord {
        entry,
        record_sha256,
        record,
    })
}

/// One photo out of a batch kept as it arrived (headquarters keeps every batch it applies
/// and the photos stay there): only the age chunks that hold the zip's directory and the
/// photo are decrypted, the photo is read within `max_bytes` and checked against `sha256`.
/// `None` when the batch lists no such photo.
pub fn read_attachment(
    file: impl Read + Seek,
    hq: &HqSecret,
    sha256: &str,
    max_bytes: u64,
) -> Result<Option<Vec<u8>>, BatchError> {
    if !is_sha256_hex(sha256) {
        return Ok(None);
    }
    let plain = age::Decryptor::new_buffered(std::io::BufReader::new(file))
        .and_then(|d| d.decrypt(std::iter::once(&hq.age as &dyn age::Identity)))
        .map_err(|_| BatchError::Damaged)?;
    let mut zip = zip::ZipArchive::new(plain).map_err(|_| BatchError::BadZip)?;
    let Some(i) = zip.index_for_name(&attachment_name(sha256)) else {
        return Ok(None);
    };
    let file = zip.by_index(i).map_err(|_| BatchError::BadZip)?;
    let mut out = Vec::new();
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|_| BatchError::Damaged)?;
    if out.len() as u64 > max_bytes {
        return Err(BatchError::EntryTooLarge);
    }
    if sha256_hex(&out) != sha256 {
        return Err(BatchError::HashMismatch);
    }
    Ok(Some(out))
}
