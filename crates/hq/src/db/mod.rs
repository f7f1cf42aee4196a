//! Headquarters' storage behind one trait, with a SQLite and a PostgreSQL implementation
//! chosen by the database URL (as Atuin's server does). The import algorithm (crate::import)
//! is written once against [`Transaction`]; each backend only stores and fetches rows.

pub mod postgres;
pub mod sqlite;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{HqError, Result};
use crate::files::DB_FILE;
use crate::secret::DatabaseKey;

/// Where headquarters' database is.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite:PATH`: a SQLCipher file encrypted with the key from the logins.
    Sqlite(PathBuf),
    /// `postgres://…` or `postgresql://…` (libpq's URL syntax).
    Postgres(String),
}

impl std::fmt::Debug for DatabaseUrl {
    /// Never the PostgreSQL URL itself: it may carry a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseUrl::Sqlite(p) => write!(f, "Sqlite({})", p.display()),
            DatabaseUrl::Postgres(_) => f.write_str("Postgres(…)"),
        }
    }
}

impl DatabaseUrl {
    /// Parses `--database`; `None` means the default, `sqlite:DIR/hq.db`.
    pub fn parse(url: Option<&str>, dir: &Path) -> Result<DatabaseUrl> {
        let Some(url) = url else {
            return Ok(DatabaseUrl::Sqlite(dir.join(DB_FILE)));
        };
        if let Some(path) = url.strip_prefix("sqlite:") {
            // sqlite://PATH is accepted too, as many tools write it.
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err(HqError::DatabaseUrl {
                    scheme: "sqlite".into(),
                });
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_owned()));
        }
        let scheme = url.split(':').next().unwrap_or_default();
        Err(HqError::DatabaseUrl {
            scheme: scheme.chars().take(20).collect(),
        })
    }

    /// Opens the database (creating it when `create`), runs pending migrations.
    pub fn open(&self, key: &DatabaseKey, create: bool) -> Result<Box<dyn Database>> {
        self.open_to(key, create, None)
    }

    /// [`DatabaseUrl::open`], migrating only up to schema `upto` when given: for tests that
    /// start from an older schema.
    pub(crate) fn open_to(
        &self,
        key: &DatabaseKey,
        create: bool,
        upto: Option<i64>,
    ) -> Result<Box<dyn Database>> {
        Ok(match self {
            DatabaseUrl::Sqlite(path) => Box::new(sqlite::Sqlite::open(path, key, create, upto)?),
            DatabaseUrl::Postgres(url) => Box::new(postgres::Postgres::open(url, upto)?),
        })
    }
}

/// An enrolled counter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceRow {
    pub device_id: String,
    pub mission: String,
    /// Ed25519 public key, 64 hex digits.
    pub public_key: String,
    pub enrolled_at: String,
}

/// A batch held: what the chain and idempotence checks need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldBatch {
    pub manifest_sha256: String,
    pub previous_manifest_sha256: Option<String>,
}

/// A batch as recorded when applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchRow {
    pub device_id: String,
    pub sequence: u64,
    pub mission: String,
    pub manifest_sha256: String,
    /// SHA-256 of the encrypted file as it arrived.
    pub file_sha256: String,
    pub previous_manifest_sha256: Option<String>,
    pub record_count: u64,
    pub created_at: String,
    pub imported_at: String,
}

/// One case version to store. Debug shows ids and hashes only.
#[derive(Clone)]
pub struct RecordRow<'a> {
    pub case_id: &'a str,
    pub version: u64,
    pub device_id: &'a str,
    pub mission: &'a str,
    pub status: &'static str,
    pub saved_at: String,
    pub officer: &'a str,
    pub reason: Option<&'a str>,
    pub record_sha256: &'a str,
    pub record_text: &'a str,
    pub photo_sha256: Option<&'a str>,
    pub batch_sequence: u64,
}

impl std::fmt::Debug for RecordRow<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordRow")
            .field("case_id", &self.case_id)
            .field("version", &self.version)
            .field("record_sha256", &self.record_sha256)
            .finish_non_exhaustive()
    }
}

/// A case's current row: its highest version held. Debug shows ids only.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct CaseRow {
    #[serde(rename = "id")]
    pub case_id: String,
    pub version: u64,
    pub mission: String,
    pub device_id: String,
    pub status: String,
    pub full_name: Option<String>,
    pub date_of_birth: Option<String>,
    pub nik: Option<String>,
    pub passport_number: Option<String>,
    /// When the counter saved this version (RFC 3339, the counter's offset).
    pub updated_at: String,
    /// Headquarters' latest status update (`splp_issued`, `departed`), and when.
    pub hq_status: Option<String>,
    pub hq_status_at: Option<String>,
    /// The mission's change number of this row (the index cursor); set by the import.
    #[serde(skip)]
    pub seq: u64,
}

impl std::fmt::Debug for CaseRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseRow")
            .field("case_id", &self.case_id)
            .field("version", &self.version)
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

/// Where a photo's bytes are.
#[derive(Clone, PartialEq, Eq)]
pub enum PhotoAt {
    /// In the batch that brought it, kept in the data directory.
    Kept {
        device_id: String,
        sequence: u64,
        file_sha256: String,
    },
    /// In the database itself: photos stored before schema 3.
    Stored(Vec<u8>),
}

impl std::fmt::Debug for PhotoAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PhotoAt::Kept {
                device_id,
                sequence,
                ..
            } => write!(f, "Kept({device_id}, {sequence})"),
            PhotoAt::Stored(bytes) => write!(f, "Stored({} bytes)", bytes.len()),
        }
    }
}

/// What `loket-hq report` counts, read from the database; [`crate::Hq::report`] sums it.
/// Debug shows the sizes only (the records hold people's data).
#[derive(Default)]
pub struct ReportSource {
    /// Per case whose first version was saved on `since` or later: its mission, that day
    /// (the counter's date), and its highest version's record text.
    pub intakes: Vec<(String, String, String)>,
    /// SPLP requests first printed on `since` or later: (mission, the counter's date, count).
    pub printed: Vec<(String, String, u64)>,
    /// Cases given a status on `since` or later: (mission, the UTC date, status, count of
    /// cases).
    pub statuses: Vec<(String, String, String, u64)>,
}

impl std::fmt::Debug for ReportSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportSource")
            .field("intakes", &self.intakes.len())
            .field("printed", &self.printed)
            .field("statuses", &self.statuses)
            .finish()
    }
}

/// Row counts of every table: what tests compare before and after a refusal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub devices: u64,
    pub batches: u64,
    pub records: u64,
    pub photos: u64,
    pub cases: u64,
    pub requests: u64,
    pub request_events: u64,
}

/// A print, reprint or void of an SPLP request to store, as batch `batch_sequence` of
/// `device_id` brought it. Debug leaves out the officer's reason (free text).
#[derive(Clone, Copy, Debug)]
pub struct RequestEventRow<'a> {
    pub device_id: &'a str,
    pub mission: &'a str,
    pub batch_sequence: u64,
    pub event: &'a loket_batch::RequestEvent,
}

/// What a request held was printed from, and whether it is void: what an import checks a
/// batch's events against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldRequest {
    pub device_id: String,
    pub case_id: String,
    pub version: u64,
    pub record_sha256: String,
    pub void: bool,
}

/// An SPLP request as headquarters knows it from its counter's batches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestRow {
    pub serial: String,
    pub mission: String,
    pub device_id: String,
    pub case_id: String,
    /// The case version it was printed from, and that record's SHA-256 hex.
    pub version: u64,
    pub record_sha256: String,
    pub issued_at: String,
    /// Prints held: the first, and each reprint.
    pub prints: u64,
    pub void: Option<RequestVoid>,
}

/// A request with its prints and its void: in the same order in both backends.
pub(crate) const REQUEST_SELECT: &str = "
    SELECT r.serial, r.mission, r.device_id, r.case_id, r.version, r.record_sha256, r.issued_at,
           (SELECT count(*) FROM request_events p
            WHERE p.serial = r.serial AND p.action <> 'void'),
           v.at, v.officer, v.reason
    FROM requests r
    LEFT JOIN request_events v ON v.serial = r.serial AND v.action = 'void'";

/// A case's versions: the columns of a [`VersionRow`], in order, in both backends.
pub(crate) const VERSION_SELECT: &str = "
    SELECT version, status, saved_at, officer, reason, device_id, batch_sequence,
           record_sha256, record_text, photo_sha256
    FROM records";

/// When, by whom and why the counter voided a request. Debug leaves out the reason (the
/// officer's free text).
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct RequestVoid {
    pub at: String,
    pub officer: String,
    pub reason: String,
}

impl std::fmt::Debug for RequestVoid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestVoid")
            .field("at", &self.at)
            .field("officer", &self.officer)
            .finish_non_exhaustive()
    }
}

/// What a person's request for their data names: their NIK, their passport number, or a
/// case id (from a printed request or an earlier answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonKey<'a> {
    Nik(&'a str),
    Passport(&'a str),
    Case(&'a str),
}

impl PersonKey<'_> {
    /// The question as the access log records it: `nik …`, `passport …` or `case …`.
    pub fn describe(&self) -> String {
        match self {
            PersonKey::Nik(nik) => format!("nik {nik}"),
            PersonKey::Passport(number) => format!("passport {number}"),
            PersonKey::Case(id) => format!("case {id}"),
        }
    }
}

/// One version of a case as headquarters holds it: what a person's data shows of it
/// (`loket-hq person`), its record as JSON. Debug shows ids and hashes only.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct VersionRow {
    pub version: u64,
    pub status: String,
    pub saved_at: String,
    pub officer: String,
    pub reason: Option<String>,
    /// The counter, and its batch, that brought this version.
    pub device_id: String,
    #[serde(rename = "batch")]
    pub batch_sequence: u64,
    pub record_sha256: String,
    /// The photo's hash, when the version has one (`loket-hq photo` writes the photo).
    pub photo_sha256: Option<String>,
    /// The `loket.intake/1` record as the counter stored it; serialized as JSON.
    #[serde(rename = "record", serialize_with = "record_as_json")]
    pub record_text: String,
}

/// A stored record's text as the JSON it holds (checked and parsed on import; kept as a
/// string should it ever not parse).
fn record_as_json<S: serde::Serializer>(text: &str, s: S) -> std::result::Result<S::Ok, S::Error> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(record) => record.serialize(s),
        Err(_) => s.serialize_str(text),
    }
}

impl std::fmt::Debug for VersionRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VersionRow")
            .field("version", &self.version)
            .field("record_sha256", &self.record_sha256)
            .finish_non_exhaustive()
    }
}

/// A status update headquarters recorded for a case (`loket-hq status`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatusUpdate {
    pub case_id: String,
    /// `splp_issued` or `departed`.
    pub status: String,
    /// When headquarters recorded it (UTC, RFC 3339).
    pub recorded_at: String,
    /// The case's new change number in its mission's index.
    pub seq: u64,
}

/// One entry of headquarters' access log: who read people's data (or recorded a case's
/// status), when, with what command and question, and which cases it showed one by one.
/// Debug leaves out the question (a NIK or passport number).
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct AccessEntry {
    /// The log's own number, ascending; 0 until stored.
    pub seq: u64,
    /// When (UTC, RFC 3339).
    pub at: String,
    pub operator: String,
    /// `cases`, `person`, `photo`, `verify-qr`, `status`, `exposure`, `access-log`, or
    /// `index` (a page of the mission index sent to a counter).
    pub action: String,
    /// What was asked (`nik …`, `passport …`, `case …`, `serial …`), if anything.
    pub query: Option<String>,
    /// How many cases it showed.
    pub cases_read: u64,
    /// The cases it showed one by one, by id; empty for a whole listing (`cases`).
    pub case_ids: Vec<String>,
}

impl std::fmt::Debug for AccessEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessEntry")
            .field("seq", &self.seq)
            .field("at", &self.at)
            .field("operator", &self.operator)
            .field("action", &self.action)
            .field("cases_read", &self.cases_read)
            .finish_non_exhaustive()
    }
}

/// A case whose data a counter has held ([`crate::Hq::exposure`]): its current row, and how
/// the counter came to hold it.
#[derive(Debug, Clone, Serialize)]
pub struct ExposedCase {
    #[serde(flatten)]
    pub case: CaseRow,
    /// The counter registered it: it sent headquarters a version of it.
    pub registered: bool,
    /// Headquarters sent it to the counter in a page of the mission index.
    pub indexed: bool,
}

/// The case ids of an access log entry as both backends aggregate them: space-separated.
pub(crate) fn split_ids(ids: Option<String>) -> Vec<String> {
    ids.map(|s| s.split(' ').map(str::to_owned).collect())
        .unwrap_or_default()
}

/// A case's current row with the text of its version: one entry of the mission index.
#[derive(Clone)]
pub struct IndexRow {
    pub case: CaseRow,
    pub record_text: String,
}

/// Everything held from one device: the content of its cumulative receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldFromDevice {
    pub batches: Vec<u64>,
    /// (case_id, version, record_sha256), ascending.
    pub records: Vec<(String, u64, String)>,
    /// When the last batch from the device was applied: the receipt's `issued_at`, so that
    /// a receipt changes only when what it states changes.
    pub last_change: Option<String>,
}

/// One backend. Reads outside an import; an import goes through [`Transaction`].
pub trait Database: Send {
    /// "SQLite" or "PostgreSQL", for messages.
    fn backend(&self) -> &'static str;

    /// Starts the one transaction an import or enrolment runs in. Dropping it uncommitted
    /// rolls everything back.
    fn transaction(&mut self) -> Result<Box<dyn Transaction + '_>>;

    fn devices(&mut self) -> Result<Vec<DeviceRow>>;

    fn device(&mut self, device_id: &str) -> Result<Option<DeviceRow>>;

    /// Batch numbers held per device.
    fn batch_numbers(&mut self) -> Result<HashMap<String, Vec<u64>>>;

    /// What is held from a device: every batch number, and the versions that batches
    /// numbered `first_batch` and later brought (1: every version).
    fn held_from(&mut self, device_id: &str, first_batch: u64) -> Result<HeldFromDevice>;

    /// The SHA-256 of a case version's record text, if it is held.
    fn record_sha256(&mut self, case_id: &str, version: u64) -> Result<Option<String>>;

    /// Current rows of every case, ordered by mission, device and case id.
    fn cases(&mut self) -> Result<Vec<CaseRow>>;

    /// Up to `limit` current rows of `mission` with a change number above `after`, in
    /// ascending order of it.
    fn index(&mut self, mission: &str, after: u64, limit: u64) -> Result<Vec<IndexRow>>;

    fn counts(&mut self) -> Result<Counts>;

    /// Where a photo is held, by its SHA-256 hex.
    fn photo(&mut self, sha256: &str) -> Result<Option<PhotoAt>>;

    /// Every SPLP request held, ordered by mission and serial.
    fn requests(&mut self) -> Result<Vec<RequestRow>>;

    /// What the report counts from day `since` (`YYYY-MM-DD`) on.
    fn report_source(&mut self, since: &str) -> Result<ReportSource>;

    /// One request held, by its serial.
    fn request(&mut self, serial: &str) -> Result<Option<RequestRow>>;

    /// The current rows of the cases a person's request names (by NIK or passport number
    /// as their highest version states it, or by id), ordered by mission and case id.
    fn cases_of(&mut self, key: PersonKey<'_>) -> Result<Vec<CaseRow>>;

    /// Every version held of a case, oldest first.
    fn versions(&mut self, case_id: &str) -> Result<Vec<VersionRow>>;

    /// The requests printed from any version of a case, by serial.
    fn requests_of(&mut self, case_id: &str) -> Result<Vec<RequestRow>>;

    /// Headquarters' status updates of a case, in the order recorded.
    fn status_updates(&mut self, case_id: &str) -> Result<Vec<StatusUpdate>>;

    /// The photo hash of a case's current version: `None` when the case is not held,
    /// `Some(None)` when that version has no photo.
    fn case_photo(&mut self, case_id: &str) -> Result<Option<Option<String>>>;

    /// The newest `limit` entries of the access log, newest first; with `case_id`, only
    /// those that showed that case one by one.
    fn access_log(&mut self, case_id: Option<&str>, limit: u64) -> Result<Vec<AccessEntry>>;

    /// Every case a counter has held data of: those it sent a version of, and those the
    /// access log says went to it in the mission index (its entries name the counter as
    /// `reader`); ordered by mission and case id.
    fn exposed_to(&mut self, device_id: &str, reader: &str) -> Result<Vec<ExposedCase>>;

    /// The schema version recorded in the database.
    fn schema_version(&mut self) -> Result<i64>;

    /// Runs raw SQL, bypassing every rule: only for tests that play a newer loket-hq.
    #[doc(hidden)]
    fn tamper(&mut self, sql: &str) -> Result<()>;
}

/// The operations an import is made of, inside one database transaction.
pub trait Transaction {
    /// The device row, locked against concurrent imports from the same device until commit.
    fn lock_device(&mut self, device_id: &str) -> Result<Option<DeviceRow>>;

    fn insert_device(&mut self, device: &DeviceRow) -> Result<()>;

    fn update_device_mission(&mut self, device_id: &str, mission: &str) -> Result<()>;

    fn batch(&mut self, device_id: &str, sequence: u64) -> Result<Option<HeldBatch>>;

    fn insert_batch(&mut self, batch: &BatchRow) -> Result<()>;

    /// The record hashes held for these (case_id, version) keys.
    fn held_versions(&mut self, keys: &[(&str, u64)]) -> Result<HashMap<(String, u64), String>>;

    /// Which of these photo hashes are held.
    fn held_photos(&mut self, hashes: &[&str]) -> Result<HashSet<String>>;

    /// Inserts new versions (the caller has left out those held).
    fn insert_records(&mut self, rows: &[RecordRow<'_>]) -> Result<()>;

    /// Records new photos, by SHA-256 hex, as held in batch `sequence` of `device_id` (kept
    /// in the data directory; that batch's row is inserted first). The caller has left out
    /// those held.
    fn insert_photos(&mut self, hashes: &[&str], device_id: &str, sequence: u64) -> Result<()>;

    /// The requests held among these serials.
    fn held_requests(&mut self, serials: &[&str]) -> Result<HashMap<String, HeldRequest>>;

    /// Records the requests first named by these events (one event each; the caller has
    /// left out those held), then every event; an event held already (same device and
    /// number) is left as it is.
    fn insert_requests(
        &mut self,
        new: &[RequestEventRow<'_>],
        events: &[RequestEventRow<'_>],
    ) -> Result<()>;

    /// Inserts the `new` cases and replaces the rows of `replacing`, each only where the
    /// version held is lower, as [`Transaction::current_versions`] found them under the
    /// missions' lock: the end state is the same whatever order versions arrive in. The
    /// headquarters status of a case held is kept.
    fn upsert_cases(&mut self, new: &[CaseRow], replacing: &[CaseRow]) -> Result<()>;

    /// The version and mission of each of these cases that is held.
    fn current_versions(&mut self, case_ids: &[&str]) -> Result<HashMap<String, (u64, String)>>;

    /// The last change number handed out in each mission (0 for a new one), locked until
    /// commit so that numbers commit in the order they are taken. Locks in name order.
    fn lock_missions(&mut self, missions: &[&str]) -> Result<HashMap<String, u64>>;

    /// Records the last change number handed out per mission.
    fn set_mission_seqs(&mut self, last: &HashMap<String, u64>) -> Result<()>;

    /// Appends a status update and shows it on the case's row with change number `seq`;
    /// `false` (nothing written) when the case is no longer in `mission`.
    fn record_status(&mut self, update: &StatusUpdate, mission: &str) -> Result<bool>;

    /// Appends an entry to the access log (its `seq` is given by the database).
    fn log_access(&mut self, entry: &AccessEntry) -> Result<()>;

    fn commit(self: Box<Self>) -> Result<()>;
}
