//! Headquarters (`loket-hq`): enrols counters, imports their sealed batches into SQLite or
//! PostgreSQL, and answers each with a signed, cumulative receipt.
//!
//! ```text
//! DIR/hq-logins.json  one login per operator: headquarters' keys + the database key,
//!                     age-encrypted to that operator's passphrase
//! DIR/hq-key.json     the public key counters pin (`loket hq-key FILE`)
//! DIR/hq.db           the default database: SQLCipher (+ -wal, -shm)
//! DIR/batches/DEVICE/N-SHA256.loket-batch
//!                     every batch applied, as it arrived (encrypted to headquarters' key):
//!                     the photos are read from here, the database says which batch holds each
//! ```
//! The import path is a library function ([`Hq::import`]) so that the USB command and the
//! network endpoint apply batches the same way. docs/hq.md describes the whole.
#![forbid(unsafe_code)]

mod access;
pub mod db;
mod error;
mod files;
mod held;
mod import;
mod index;
mod logins;
mod report;
mod secret;
pub mod serve;
mod status;

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use loket_batch::wire::{IndexError, IndexPage};
use loket_batch::{
    sha256_hex, unseal, BatchError, DeviceCard, HeldVersion, HqPublic, Limits, Receipt, Unsealed,
};
use serde::Serialize;

pub use access::DEFAULT_OPERATOR;
pub use db::{
    AccessEntry, CaseRow, Counts, Database, DatabaseUrl, DeviceRow, ExposedCase, PersonKey,
    PhotoAt, RequestRow, RequestVoid, StatusUpdate, VersionRow,
};
pub use error::{HqError, Result};
pub use files::{
    default_dir, kept_batch_path, receipt_path, write_atomically, BATCHES_DIR, BATCH_EXTENSION,
    DB_FILE, LOGINS_FILE, PUBLIC_KEY_FILE, RECEIPT_SUFFIX, SECRET_FILE,
};
pub use held::{ranges, BatchNumbers};
pub use import::Outcome;
pub use logins::{initialised, Operator};
pub use report::ReportDay;
pub use secret::WorkFactor;
pub use status::{lines_in, read_status_list, HqStatus, ListKey, ListLine, ListProblem, Listed};

use secret::Keys;

/// The shortest passphrase `loket-hq init` accepts.
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// Now, in UTC with milliseconds: stored timestamps sort as text.
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// An unlocked headquarters: its keys and its database.
pub struct Hq {
    unlocked: Arc<Unlocked>,
    db: Box<dyn Database>,
    limits: Limits,
    /// Whose login unlocked this handle: the access log names them.
    operator: String,
}

/// What unlocking a login gave, shared by every handle [`Hq::connect_again`] makes,
/// so that a second database connection costs no second scrypt. The keys are wiped from
/// memory when the last handle is dropped.
struct Unlocked {
    dir: PathBuf,
    url: DatabaseUrl,
    keys: Keys,
    /// The scrypt cost of the logins this handle adds or changes.
    work: WorkFactor,
}

impl std::fmt::Debug for Hq {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hq")
            .field("dir", &self.unlocked.dir)
            .field("backend", &self.db.backend())
            .finish_non_exhaustive()
    }
}

/// What enrolling a device card did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "outcome")]
pub enum Enrolment {
    /// A new device.
    Enrolled,
    /// The same card was enrolled before: nothing changed.
    AlreadyEnrolled,
    /// The same device and key, now serving another mission: the mission was updated.
    MissionChanged { from: String },
}

/// An enrolled device with the batch numbers held from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviceSummary {
    #[serde(flatten)]
    pub device: DeviceRow,
    pub batches: BatchNumbers,
}

/// One case of a person's data ([`Hq::person`]): its current row, every version, the
/// requests printed for it, headquarters' status updates, and who at headquarters looked
/// at it (the access log's entries that showed it, this one included), newest first.
#[derive(Clone, Serialize)]
pub struct PersonCase {
    pub case: CaseRow,
    pub versions: Vec<VersionRow>,
    pub requests: Vec<RequestRow>,
    pub status_updates: Vec<StatusUpdate>,
    pub access_log: Vec<AccessEntry>,
}

/// What one import did, and the device's receipt afterwards.
#[derive(Clone, PartialEq, Eq)]
pub struct Imported {
    pub device_id: String,
    pub sequence: u64,
    pub outcome: Outcome,
    /// Case versions in the batch.
    pub records: u64,
    /// Case versions this import stored.
    pub new_records: u64,
    /// Case versions of the batch held already (all of them when the batch was held).
    pub held_records: u64,
    pub new_photos: u64,
    /// Request events (prints, reprints, voids) in the batch.
    pub request_events: u64,
    /// Requests headquarters learnt of from this import.
    pub new_requests: u64,
    /// The device's batch numbers held after this import, and the gaps.
    pub batches: BatchNumbers,
    /// The signed cumulative receipt (`loket.receipt/1`) for the device.
    pub receipt: String,
}

impl std::fmt::Debug for Imported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Imported")
            .field("device_id", &self.device_id)
            .field("sequence", &self.sequence)
            .field("outcome", &self.outcome)
            .field("records", &self.records)
            .field("new_records", &self.new_records)
            .field("held_records", &self.held_records)
            .field("batches", &self.batches)
            .finish_non_exhaustive()
    }
}

impl Hq {
    /// Creates headquarters in `dir`: keys, public key file, database, and the logins file
    /// with `operator`'s login under `passphrase`.
    pub fn init(
        dir: &Path,
        database: &DatabaseUrl,
        operator: &str,
        passphrase: &str,
    ) -> Result<Hq> {
        Self::init_with(dir, database, operator, passphrase, WorkFactor::default())
    }

    /// [`Hq::init`] with a chosen scrypt cost (tests use a trivial one).
    pub fn init_with(
        dir: &Path,
        database: &DatabaseUrl,
        operator: &str,
        passphrase: &str,
        work: WorkFactor,
    ) -> Result<Hq> {
        Self::init_at_schema(dir, database, operator, passphrase, work, None)
    }

    /// [`Hq::init_with`] on a database migrated only up to schema `upto`: for tests of the
    /// migrations from an older schema.
    #[doc(hidden)]
    pub fn init_at_schema(
        dir: &Path,
        database: &DatabaseUrl,
        operator: &str,
        passphrase: &str,
        work: WorkFactor,
        upto: Option<i64>,
    ) -> Result<Hq> {
        let operator = access::operator_name(operator)?;
        if passphrase.chars().count() < MIN_PASSPHRASE_CHARS {
            return Err(HqError::ShortPassphrase);
        }
        if logins::initialised(dir) {
            return Err(HqError::AlreadyInitialised {
                dir: dir.to_path_buf(),
            });
        }
        files::create_private_dir(dir)?;
        if let DatabaseUrl::Sqlite(path) = database {
            if path.exists() {
                // Inside the data directory, a database without logins is what an
                // interrupted init leaves (its key is lost): start again. Elsewhere, refuse.
                if path.parent() != Some(dir) {
                    return Err(HqError::DatabaseInUse);
                }
                for suffix in ["", "-wal", "-shm"] {
                    let mut p = path.as_os_str().to_owned();
                    p.push(suffix);
                    let _ = std::fs::remove_file(PathBuf::from(p));
                }
            }
        }
        let keys = Keys::generate();
        let mut db = database.open_to(&keys.database, true, upto)?;
        if !db.devices()?.is_empty() {
            return Err(HqError::DatabaseInUse);
        }
        let public = keys.hq.public().to_json();
        files::write_atomically(&dir.join(PUBLIC_KEY_FILE), public.as_bytes(), 0o644)?;
        // The logins last: until they exist, headquarters does not.
        logins::create(dir, &keys, &operator, passphrase, work)?;
        Ok(Hq::new(dir, database, keys, operator, work, db))
    }

    /// Unlocks headquarters in `dir` with `operator`'s login. A wrong passphrase touches
    /// nothing.
    pub fn open(
        dir: &Path,
        database: &DatabaseUrl,
        operator: &str,
        passphrase: &str,
    ) -> Result<Hq> {
        Self::open_with(dir, database, operator, passphrase, WorkFactor::default())
    }

    /// [`Hq::open`], adding or changing logins at a chosen scrypt cost (tests use a trivial
    /// one). Headquarters made before logins opens with its one passphrase, which becomes
    /// `operator`'s login; the shared file goes.
    pub fn open_with(
        dir: &Path,
        database: &DatabaseUrl,
        operator: &str,
        passphrase: &str,
        work: WorkFactor,
    ) -> Result<Hq> {
        let (keys, operator) = logins::unlock(dir, operator, passphrase, work)?;
        let db = database.open(&keys.database, false)?;
        Ok(Hq::new(dir, database, keys, operator, work, db))
    }

    /// Puts headquarters' keys back in one file under one passphrase, and removes the logins,
    /// as loket-hq kept them before logins: for tests of the change to logins.
    #[doc(hidden)]
    pub fn share_keys_as_before_logins(&self, passphrase: &str) -> Result<()> {
        let u = &self.unlocked;
        let sealed = u.keys.encrypt(passphrase, u.work, None)?;
        files::write_atomically(&u.dir.join(SECRET_FILE), &sealed, 0o600)?;
        let logins = u.dir.join(LOGINS_FILE);
        std::fs::remove_file(&logins)
            .map_err(error::io(format!("cannot remove {}", logins.display())))
    }

    fn new(
        dir: &Path,
        url: &DatabaseUrl,
        keys: Keys,
        operator: String,
        work: WorkFactor,
        db: Box<dyn Database>,
    ) -> Hq {
        Hq {
            unlocked: Arc::new(Unlocked {
                dir: dir.to_path_buf(),
                url: url.clone(),
                keys,
                work,
            }),
            db,
            limits: Limits::default(),
            operator,
        }
    }

    /// A second handle on the same headquarters: a new database connection with the keys
    /// unlocked already (no passphrase, no scrypt). A server keeps a few.
    pub fn connect_again(&self) -> Result<Hq> {
        let u = &self.unlocked;
        Ok(Hq {
            unlocked: Arc::clone(u),
            db: u.url.open(&u.keys.database, false)?,
            limits: self.limits,
            operator: self.operator.clone(),
        })
    }

    /// Replaces this handle's database connection with a new one (after the database went
    /// away). A failure to connect is [`HqError::Unavailable`].
    pub fn reconnect(&mut self) -> Result<()> {
        let u = &self.unlocked;
        self.db = u.url.open(&u.keys.database, false).map_err(|e| match e {
            HqError::Postgres(why) | HqError::Sqlite(why) => HqError::Unavailable(why),
            other => other,
        })?;
        Ok(())
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.unlocked.dir
    }

    /// The public key file counters pin.
    pub fn public_key_path(&self) -> PathBuf {
        self.unlocked.dir.join(PUBLIC_KEY_FILE)
    }

    /// Headquarters' public keys.
    pub fn public(&self) -> HqPublic {
        self.unlocked.keys.hq.public()
    }

    /// An enrolled device.
    pub fn device(&mut self, device_id: &str) -> Result<Option<DeviceRow>> {
        self.db.device(device_id)
    }

    /// Signs an index page with headquarters' receipt key and encrypts it to `reply_to`
    /// (an `age1…` key): the answer to `GET /v1/missions/{mission}/index`.
    pub fn seal_index(
        &self,
        page: &IndexPage,
        reply_to: &str,
    ) -> std::result::Result<Vec<u8>, IndexError> {
        page.seal(&self.unlocked.keys.hq.sign, reply_to)
    }

    /// "SQLite" or "PostgreSQL".
    pub fn backend(&self) -> &'static str {
        self.db.backend()
    }

    /// The bounds batches are opened with (default: `Limits::default()`).
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// Enrols a counter. The same card again changes nothing; the same id with another key
    /// is refused (a device's key never changes: a new laptop is a new device).
    pub fn enrol(&mut self, card: &DeviceCard) -> Result<Enrolment> {
        if !valid_device_id(&card.device_id) {
            return Err(HqError::BadDeviceId);
        }
        let key = hex::encode(card.public_key.as_bytes());
        let mut tx = self.db.transaction()?;
        let outcome = match tx.lock_device(&card.device_id)? {
            None => {
                tx.insert_device(&DeviceRow {
                    device_id: card.device_id.clone(),
                    mission: card.mission.clone(),
                    public_key: key,
                    enrolled_at: now(),
                })?;
                Enrolment::Enrolled
            }
            Some(held) if held.public_key != key => {
                return Err(HqError::DeviceKeyConflict {
                    device_id: card.device_id.clone(),
                })
            }
            Some(held) if held.mission != card.mission => {
                tx.update_device_mission(&card.device_id, &card.mission)?;
                Enrolment::MissionChanged { from: held.mission }
            }
            Some(_) => return Ok(Enrolment::AlreadyEnrolled),
        };
        tx.commit()?;
        Ok(outcome)
    }

    /// Every enrolled device, with its batch numbers held and gaps.
    pub fn devices(&mut self) -> Result<Vec<DeviceSummary>> {
        let mut numbers = self.db.batch_numbers()?;
        Ok(self
            .db
            .devices()?
            .into_iter()
            .map(|device| {
                let held = numbers.remove(&device.device_id).unwrap_or_default();
                DeviceSummary {
                    device,
                    batches: BatchNumbers::new(held),
                }
            })
            .collect())
    }

    /// The current row of every case held (an entry in the access log).
    pub fn cases(&mut self) -> Result<Vec<CaseRow>> {
        let cases = self.db.cases()?;
        self.log_access("cases", None, cases.len(), Vec::new())?;
        Ok(cases)
    }

    /// Row counts of every table.
    pub fn counts(&mut self) -> Result<Counts> {
        self.db.counts()
    }

    /// A photo held, by its SHA-256 hex, read from the batch that brought it (photos stored
    /// by a loket-hq before schema 3 from the database) and checked against that hash.
    pub fn photo(&mut self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let (device_id, sequence, file_sha256) = match self.db.photo(sha256)? {
            None => return Ok(None),
            Some(PhotoAt::Stored(bytes)) if sha256_hex(&bytes) == sha256 => return Ok(Some(bytes)),
            Some(PhotoAt::Stored(_)) => {
                return Err(HqError::PhotoDamaged {
                    sha256: sha256.to_owned(),
                })
            }
            Some(PhotoAt::Kept {
                device_id,
                sequence,
                file_sha256,
            }) => (device_id, sequence, file_sha256),
        };
        let path = files::kept_batch_path(self.dir(), &device_id, sequence, &file_sha256);
        let damaged = |why: String| HqError::KeptBatch {
            path: path.clone(),
            why,
        };
        let file = std::fs::File::open(&path).map_err(|e| damaged(e.to_string()))?;
        let max = self.limits.max_entry_bytes;
        match loket_batch::read_attachment(file, &self.unlocked.keys.hq, sha256, max) {
            Ok(Some(photo)) => Ok(Some(photo)),
            Ok(None) => Err(damaged("the photo is not in it".to_owned())),
            Err(e) => Err(damaged(e.to_string())),
        }
    }

    /// The photo of a case's current version; `None` when that version has none. A case
    /// held is an entry in the access log, photo or not.
    pub fn case_photo(&mut self, case_id: &str) -> Result<Option<Vec<u8>>> {
        let Some(photo) = self.db.case_photo(case_id)? else {
            return Err(HqError::UnknownCase {
                case_id: case_id.to_owned(),
            });
        };
        let asked = Some(format!("case {case_id}"));
        self.log_access("photo", asked, 1, vec![case_id.to_owned()])?;
        match photo {
            None => Ok(None),
            // A record's photo is held by its foreign key.
            Some(sha256) => self.photo(&sha256),
        }
    }

    /// The database, for tests that play a newer loket-hq.
    #[doc(hidden)]
    pub fn database(&mut self) -> &mut dyn Database {
        self.db.as_mut()
    }

    /// Opens, checks and applies one batch file's bytes, all or nothing; returns what
    /// happened and the device's signed cumulative receipt. The same batch again changes
    /// nothing and yields the same receipt, byte for byte.
    pub fn import(&mut self, bytes: &[u8]) -> Result<Imported> {
        self.import_checked(bytes, None, 1, |_| Ok(()))
    }

    /// [`Hq::import`], with `check` run on the batch once its manifest is verified and before
    /// anything is applied: the network endpoint checks that the batch is the one its path
    /// and Idempotency-Key name.
    /// A batch `check` refuses is not applied. `file_sha256` is the file's SHA-256 hex when
    /// the caller has it already (the endpoint checked the body's Content-Digest). The receipt
    /// lists batch `receipt_from` and later ones and their versions (1: everything held).
    pub fn import_checked(
        &mut self,
        bytes: &[u8],
        file_sha256: Option<String>,
        receipt_from: u64,
        check: impl FnOnce(&Unsealed) -> Result<()>,
    ) -> Result<Imported> {
        if bytes.len() as u64 > self.limits.max_file_bytes {
            return Err(HqError::Refused(BatchError::FileTooLarge));
        }
        std::thread::scope(|s| {
            // The file's own hash (recorded with the batch) on a thread of its own.
            let hashing = file_sha256.is_none().then(|| s.spawn(|| sha256_hex(bytes)));
            let batch = Arc::new(self.unseal(bytes)?);
            check(&batch)?;
            // The entries are checked on other threads while this one keeps the file.
            let checked = Arc::clone(&batch);
            let checking = s.spawn(move || checked.check_entries(&|_, _| {}));
            let file_sha256 = match hashing {
                Some(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
                None => file_sha256.unwrap_or_default(),
            };
            let m = &batch.manifest;
            let path = files::kept_batch_path(self.dir(), &m.device_id, m.sequence, &file_sha256);
            let mut kept = files::Keeper::start(s, path, bytes);
            let records = checking
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))
                .map_err(HqError::Refused)?;
            let applied = import::apply(
                self.db.as_mut(),
                &batch,
                records,
                &file_sha256,
                &now(),
                &mut || kept.keep(),
            )?;
            let device_id = batch.manifest.device_id.clone();
            let (receipt, batches) = self.receipt_for(&device_id, receipt_from)?;
            Ok(Imported {
                device_id,
                sequence: batch.manifest.sequence,
                outcome: applied.outcome,
                records: batch.manifest.record_count,
                new_records: applied.new_records,
                held_records: applied.held_records,
                new_photos: applied.new_photos,
                request_events: batch.manifest.requests.len() as u64,
                new_requests: applied.new_requests,
                batches,
                receipt,
            })
        })
    }

    /// Decrypts a batch and checks its manifest against the enrolled device's key.
    fn unseal(&mut self, bytes: &[u8]) -> Result<Unsealed> {
        let lookup_error = RefCell::new(None);
        let db = RefCell::new(&mut self.db);
        let unsealed = unseal(bytes, &self.unlocked.keys.hq, &self.limits, |id| {
            match db.borrow_mut().device(id) {
                Ok(row) => row.and_then(|d| loket_batch::verifying_key_from_hex(&d.public_key)),
                Err(e) => {
                    *lookup_error.borrow_mut() = Some(e);
                    None
                }
            }
        });
        if let Some(e) = lookup_error.into_inner() {
            return Err(e);
        }
        unsealed.map_err(HqError::Refused)
    }

    /// Imports the batch file at `path` (refusing it unread beyond the size limit) and
    /// writes the receipt beside it: `<dir of path>/<device_id>.loket-receipt`.
    pub fn import_file(&mut self, path: &Path) -> Result<(Imported, PathBuf)> {
        let size = std::fs::metadata(path)
            .map_err(error::io(format!("cannot read {}", path.display())))?
            .len();
        if size > self.limits.max_file_bytes {
            return Err(HqError::Refused(BatchError::FileTooLarge));
        }
        // Capped again while reading: the file may grow in between.
        let bytes = files::read_capped(path, self.limits.max_file_bytes)?;
        let imported = self.import(&bytes)?;
        let receipt = receipt_path(path, &imported.device_id);
        files::write_atomically(&receipt, imported.receipt.as_bytes(), 0o644)?;
        Ok((imported, receipt))
    }

    /// Checks the QR code printed on an SPLP request against what headquarters holds: signed
    /// by the enrolled counter named in it, over a record version headquarters holds with
    /// the same hash, and not voided at the counter. `problem` says what does not hold. A
    /// request whose print has not reached headquarters yet is judged on the rest alone.
    pub fn verify_qr(&mut self, text: &str) -> Result<loket_qr::Verdict> {
        let payload = loket_qr::Payload::parse(text).map_err(|e| HqError::BadQr(e.to_string()))?;
        let problem = self.qr_problem(&payload)?;
        let claim = &payload.claim;
        let held = !self
            .db
            .cases_of(PersonKey::Case(&claim.case_id))?
            .is_empty();
        let shown = if held {
            vec![claim.case_id.clone()]
        } else {
            Vec::new()
        };
        let asked = Some(format!("serial {}", claim.serial));
        self.log_access("verify-qr", asked, shown.len(), shown)?;
        Ok(loket_qr::Verdict::new(payload.claim, problem))
    }

    /// What does not hold about a QR code, or `None` when all of it does.
    fn qr_problem(&mut self, payload: &loket_qr::Payload) -> Result<Option<String>> {
        let claim = &payload.claim;
        let Some(device) = self.db.device(&claim.device_id)? else {
            return Ok(Some(format!(
                "signed by counter {}, which headquarters has not enrolled",
                claim.device_id
            )));
        };
        let Some(key) = loket_batch::verifying_key_from_hex(&device.public_key) else {
            return Ok(Some(
                "the enrolled key of that counter is unreadable".to_owned(),
            ));
        };
        if let Err(e) = payload.verify(&key) {
            return Ok(Some(e.to_string()));
        }
        Ok(
            match self
                .db
                .record_sha256(&claim.case_id, u64::from(claim.version))?
            {
                None => {
                    Some("headquarters holds no such case version (not synced yet?)".to_owned())
                }
                Some(sha) if sha != hex::encode(claim.record_sha256) => {
                    Some("the record hash differs from the record headquarters holds".to_owned())
                }
                Some(_) => self.request_problem(claim)?,
            },
        )
    }

    /// What the counter's own account of the request (its prints and voids) says against
    /// the QR code, if headquarters has it.
    fn request_problem(&mut self, claim: &loket_qr::Claim) -> Result<Option<String>> {
        let Some(request) = self.db.request(&claim.serial)? else {
            return Ok(None);
        };
        if request.device_id != claim.device_id
            || request.case_id != claim.case_id
            || request.version != u64::from(claim.version)
            || request.record_sha256 != hex::encode(claim.record_sha256)
        {
            return Ok(Some(
                "the counter issued this serial for another case version".to_owned(),
            ));
        }
        Ok(request
            .void
            .map(|v| format!("the request was voided on {}: {}", v.at, v.reason)))
    }

    /// Everything headquarters holds about the person `key` names, for their request to see
    /// it: each case, with every version's record, its requests and its status updates.
    pub fn person(&mut self, key: PersonKey<'_>) -> Result<Vec<PersonCase>> {
        let cases = self.db.cases_of(key)?;
        let ids = cases.iter().map(|c| c.case_id.clone()).collect();
        self.log_access("person", Some(key.describe()), cases.len(), ids)?;
        let mut out = Vec::with_capacity(cases.len());
        for case in cases {
            out.push(PersonCase {
                versions: self.db.versions(&case.case_id)?,
                requests: self.db.requests_of(&case.case_id)?,
                status_updates: self.db.status_updates(&case.case_id)?,
                access_log: self
                    .db
                    .access_log(Some(&case.case_id), access::EVERY_ENTRY)?,
                case,
            });
        }
        Ok(out)
    }

    /// Every SPLP request headquarters holds (from the counters' prints and voids), by
    /// mission and serial.
    pub fn requests(&mut self) -> Result<Vec<RequestRow>> {
        self.db.requests()
    }

    /// The signed cumulative receipt for a device: every batch number and case version held
    /// from it. `issued_at` is when its last batch was applied, so the receipt changes only
    /// when what it states changes.
    pub fn receipt(&mut self, device_id: &str) -> Result<String> {
        if self.db.device(device_id)?.is_none() {
            return Err(HqError::UnknownDevice {
                device_id: device_id.to_owned(),
            });
        }
        Ok(self.receipt_for(device_id, 1)?.0)
    }

    /// [`Hq::receipt`] listing batch `first` and later ones and their versions, with every
    /// batch number held (for the high-water mark).
    pub fn receipt_and_batches(
        &mut self,
        device_id: &str,
        first: u64,
    ) -> Result<(String, BatchNumbers)> {
        if self.db.device(device_id)?.is_none() {
            return Err(HqError::UnknownDevice {
                device_id: device_id.to_owned(),
            });
        }
        self.receipt_for(device_id, first)
    }

    fn receipt_for(&mut self, device_id: &str, first: u64) -> Result<(String, BatchNumbers)> {
        let held = self.db.held_from(device_id, first)?;
        let issued_at = held
            .last_change
            .as_deref()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .unwrap_or_else(|| chrono::Utc::now().fixed_offset());
        let records = held
            .records
            .into_iter()
            .map(|(case_id, version, record_sha256)| HeldVersion {
                case_id,
                version,
                record_sha256,
            })
            .collect();
        let numbers = BatchNumbers::new(held.batches.clone());
        let text = Receipt::new(device_id, held.batches, records, issued_at)
            .records_from(first)
            .sign(&self.unlocked.keys.hq.sign);
        Ok((text, numbers))
    }
}

/// Device ids become file names (the receipt beside the batch): letters, digits, `.`, `_`,
/// `-`, not starting with a dot. Counters use UUIDs.
fn valid_device_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('.')
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}
