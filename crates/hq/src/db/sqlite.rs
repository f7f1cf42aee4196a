//! SQLite (SQLCipher): the default, one file in the data directory, no server to run.
//!
//! The whole file is encrypted with the random key from the logins, given raw (no key
//! derivation of SQLCipher's own). WAL and `synchronous=FULL`: an import is durable when
//! its commit returns, and a killed import leaves nothing of itself.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, TransactionBehavior};

use super::{
    split_ids, AccessEntry, BatchRow, CaseRow, Counts, Database, DeviceRow, ExposedCase, HeldBatch,
    HeldFromDevice, HeldRequest, IndexRow, PersonKey, PhotoAt, RecordRow, ReportSource,
    RequestEventRow, RequestRow, RequestVoid, StatusUpdate, Transaction, VersionRow,
    REQUEST_SELECT, VERSION_SELECT,
};
use crate::error::{io, HqError, Result};
use crate::secret::DatabaseKey;

/// Migration N (1-based) is `MIGRATIONS[N - 1]`. Never edit one that has shipped: add another.
const MIGRATIONS: &[&str] = &[
    // 1: devices, batches, case versions, photos and the cases' current rows.
    r#"
    CREATE TABLE devices (
        device_id   TEXT PRIMARY KEY,
        mission     TEXT NOT NULL,
        public_key  TEXT NOT NULL,
        enrolled_at TEXT NOT NULL
    ) STRICT;

    -- One row per batch applied: the unique key makes batch N of a device apply once.
    CREATE TABLE batches (
        device_id                TEXT NOT NULL REFERENCES devices (device_id),
        sequence                 INTEGER NOT NULL,
        mission                  TEXT NOT NULL,
        manifest_sha256          TEXT NOT NULL,
        file_sha256              TEXT NOT NULL,
        previous_manifest_sha256 TEXT,
        record_count             INTEGER NOT NULL,
        created_at               TEXT NOT NULL,
        imported_at              TEXT NOT NULL,
        PRIMARY KEY (device_id, sequence)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE photos (
        sha256 TEXT PRIMARY KEY,
        jpeg   BLOB NOT NULL
    ) STRICT;

    -- Every case version ever received, whole; `device_id` and `batch_sequence` name the
    -- batch that first brought it.
    CREATE TABLE records (
        case_id        TEXT NOT NULL,
        version        INTEGER NOT NULL,
        device_id      TEXT NOT NULL REFERENCES devices (device_id),
        mission        TEXT NOT NULL,
        status         TEXT NOT NULL,
        saved_at       TEXT NOT NULL,
        officer        TEXT NOT NULL,
        reason         TEXT,
        record_sha256  TEXT NOT NULL,
        record_text    TEXT NOT NULL,
        photo_sha256   TEXT REFERENCES photos (sha256),
        batch_sequence INTEGER NOT NULL,
        PRIMARY KEY (case_id, version)
    ) STRICT;
    CREATE INDEX records_device ON records (device_id, case_id, version);

    -- Each case's highest version held, with the columns a list or a search needs.
    CREATE TABLE cases (
        case_id         TEXT PRIMARY KEY,
        version         INTEGER NOT NULL,
        mission         TEXT NOT NULL,
        device_id       TEXT NOT NULL REFERENCES devices (device_id),
        status          TEXT NOT NULL,
        full_name       TEXT,
        date_of_birth   TEXT,
        nik             TEXT,
        passport_number TEXT,
        updated_at      TEXT NOT NULL
    ) STRICT;
    CREATE INDEX cases_nik ON cases (nik) WHERE nik IS NOT NULL;
    CREATE INDEX cases_passport ON cases (passport_number) WHERE passport_number IS NOT NULL;
    "#,
    // 2: the mission index (down-sync): a change number per case, headquarters' status
    // updates. Cases held already are numbered per mission in case id order.
    r#"
    CREATE TABLE mission_seq (
        mission  TEXT PRIMARY KEY,
        last_seq INTEGER NOT NULL
    ) STRICT;
    ALTER TABLE cases ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE cases ADD COLUMN hq_status TEXT;
    ALTER TABLE cases ADD COLUMN hq_status_at TEXT;
    UPDATE cases SET seq = n.seq
    FROM (SELECT case_id, row_number() OVER (PARTITION BY mission ORDER BY case_id) AS seq
          FROM cases) AS n
    WHERE cases.case_id = n.case_id;
    INSERT INTO mission_seq (mission, last_seq) SELECT mission, max(seq) FROM cases GROUP BY mission;
    CREATE UNIQUE INDEX cases_mission_seq ON cases (mission, seq);

    -- Every status update, in the order recorded; the latest is shown on the case's row.
    CREATE TABLE case_status (
        id          INTEGER PRIMARY KEY,
        case_id     TEXT NOT NULL REFERENCES cases (case_id),
        status      TEXT NOT NULL CHECK (status IN ('splp_issued', 'departed')),
        recorded_at TEXT NOT NULL,
        seq         INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX case_status_case ON case_status (case_id, id);
    CREATE TRIGGER case_status_no_update BEFORE UPDATE ON case_status
    BEGIN SELECT RAISE(ABORT, 'case_status is append-only'); END;
    CREATE TRIGGER case_status_no_delete BEFORE DELETE ON case_status
    BEGIN SELECT RAISE(ABORT, 'case_status is append-only'); END;
    "#,
    // 3: a photo stays in the batch that brought it, kept whole in the data directory
    // (`batches/`); its row names that batch. Photos stored before keep their bytes here.
    // An index of a device's versions by batch, for receipts from a batch on. `photos` is
    // rebuilt rather than altered (SQLite cannot drop a NOT NULL), with foreign keys off as
    // SQLite's procedure asks; `migrate` checks them before committing.
    r#"
    CREATE TABLE photos_3 (
        sha256         TEXT PRIMARY KEY,
        jpeg           BLOB,
        device_id      TEXT,
        batch_sequence INTEGER,
        FOREIGN KEY (device_id, batch_sequence) REFERENCES batches (device_id, sequence),
        CHECK ((jpeg IS NULL) = (batch_sequence IS NOT NULL)
               AND (device_id IS NULL) = (batch_sequence IS NULL))
    ) STRICT;
    INSERT INTO photos_3 (sha256, jpeg) SELECT sha256, jpeg FROM photos;
    DROP TABLE photos;
    ALTER TABLE photos_3 RENAME TO photos;
    -- A receipt may list only the versions of a device's later batches (`receipt_from`).
    CREATE INDEX records_device_batch ON records (device_id, batch_sequence);
    "#,
    // 4: SPLP requests, from the prints, reprints and voids the counters' batches carry.
    // No reference to `records`: batches arrive in any order, so a request may come before
    // the version it was printed from.
    r#"
    CREATE TABLE requests (
        serial        TEXT PRIMARY KEY,
        device_id     TEXT NOT NULL REFERENCES devices (device_id),
        mission       TEXT NOT NULL,
        case_id       TEXT NOT NULL,
        version       INTEGER NOT NULL,
        record_sha256 TEXT NOT NULL,
        issued_at     TEXT NOT NULL
    ) STRICT;
    CREATE INDEX requests_mission ON requests (mission, serial);
    CREATE INDEX requests_case ON requests (case_id);
    CREATE TABLE request_events (
        device_id      TEXT NOT NULL,
        seq            INTEGER NOT NULL,
        serial         TEXT NOT NULL REFERENCES requests (serial),
        action         TEXT NOT NULL CHECK (action IN ('print', 'reprint', 'void')),
        at             TEXT NOT NULL,
        officer        TEXT NOT NULL,
        reason         TEXT,
        batch_sequence INTEGER NOT NULL,
        PRIMARY KEY (device_id, seq),
        FOREIGN KEY (device_id, batch_sequence) REFERENCES batches (device_id, sequence)
    ) STRICT;
    CREATE INDEX request_events_serial ON request_events (serial, action);
    CREATE UNIQUE INDEX request_events_one_void ON request_events (serial) WHERE action = 'void';
    "#,
    // 5: the access log: who read people's data here, or recorded a case's status, with
    // which command and question (UU 27/2022's record of processing); and the cases each
    // entry showed one by one, so that a person's own cases find who looked at them.
    r#"
    CREATE TABLE access_log (
        seq        INTEGER PRIMARY KEY,
        at         TEXT NOT NULL,
        operator   TEXT NOT NULL,
        action     TEXT NOT NULL,
        query      TEXT,
        cases_read INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE access_log_cases (
        case_id TEXT NOT NULL,
        seq     INTEGER NOT NULL REFERENCES access_log (seq),
        PRIMARY KEY (case_id, seq)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX access_log_cases_seq ON access_log_cases (seq);
    CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
    BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
    CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
    BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
    CREATE TRIGGER access_log_cases_no_update BEFORE UPDATE ON access_log_cases
    BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
    CREATE TRIGGER access_log_cases_no_delete BEFORE DELETE ON access_log_cases
    BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
    "#,
];

/// The database's page size (SQLCipher's `cipher_page_size`, which sets SQLite's too).
const PAGE_SIZE: i64 = 16_384;

/// The schema version this build writes.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

pub struct Sqlite {
    conn: Connection,
}

/// Finishes SQLCipher's process-wide set-up before any connection is keyed. SQLite marks
/// itself initialised before that set-up has run, and a connection keyed on another thread in
/// between is refused ("An error occurred with PRAGMA key or rekey"); the first connection of
/// the process, opened here under a `Once`, makes every other thread wait until it is done.
fn sqlcipher_ready() {
    static READY: std::sync::Once = std::sync::Once::new();
    // An error here (no memory) comes back again, with its reason, on the real connection.
    READY.call_once(|| drop(Connection::open_in_memory()));
}

impl Sqlite {
    /// Opens (or, with `create`, creates) the database at `path` with `key`, and migrates it.
    pub fn open(path: &Path, key: &DatabaseKey, create: bool, upto: Option<i64>) -> Result<Sqlite> {
        if !create && !path.exists() {
            return Err(HqError::NoDatabase {
                path: path.to_path_buf(),
            });
        }
        let mut flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if create {
            flags |= OpenFlags::SQLITE_OPEN_CREATE;
        }
        sqlcipher_ready();
        let conn = Connection::open_with_flags(path, flags)?;
        // SQLite gives the -wal and -shm files the database's mode: keep all three private.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                .map_err(io(format!("cannot protect {}", path.display())))?;
        }
        // SQLCipher's own diagnostics would go to stderr; loket-hq reports every failure.
        conn.execute_batch("PRAGMA cipher_log_level = NONE")?;
        let hex_key = zeroize::Zeroizing::new(format!("x'{}'", hex::encode(&key[..])));
        conn.pragma_update(None, "key", hex_key.as_str())?;
        // 16 KiB pages: a batch is mostly 30 KB photos, and SQLCipher's cost is per page (an
        // IV, a MAC, a call into the cipher): 4 KiB pages made an import of 5,000 photos
        // spend half its time there (docs/hq.md). Not stored in the file: set on every open.
        conn.pragma_update(None, "cipher_page_size", PAGE_SIZE)?;
        // HMAC-SHA256 rather than SQLCipher's default SHA-512: as strong for authenticating
        // pages, and the CPU's SHA extensions make it several times faster here.
        conn.pragma_update(None, "cipher_hmac_algorithm", "HMAC_SHA256")?;
        // The first read proves the key.
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .map_err(|_| HqError::WrongDatabaseKey)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        conn.pragma_update(None, "cache_size", -32_768)?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        let mut db = Sqlite { conn };
        // Foreign keys are on from here: `migrate` turns them on after its own work.
        db.migrate(upto.unwrap_or_else(latest))?;
        Ok(db)
    }

    /// Runs the migrations not yet recorded up to `upto`, in one transaction; refuses a
    /// newer schema. Foreign keys are off while they run (a migration may rebuild a table
    /// others refer to) and checked whole before the commit.
    fn migrate(&mut self, upto: i64) -> Result<()> {
        self.conn.pragma_update(None, "foreign_keys", "OFF")?;
        let migrated = self.migrate_unchecked(upto);
        self.conn.pragma_update(None, "foreign_keys", "ON")?;
        migrated
    }

    fn migrate_unchecked(&mut self, upto: i64) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version    INTEGER PRIMARY KEY,
                applied_at TEXT NOT NULL
            ) STRICT",
        )?;
        let current: i64 = tx.query_row(
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?;
        if current > latest() {
            return Err(HqError::NewerSchema {
                database: current,
                ours: latest(),
            });
        }
        for (i, sql) in MIGRATIONS
            .iter()
            .enumerate()
            .take(upto as usize)
            .skip(current as usize)
        {
            tx.execute_batch(sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
                params![i as i64 + 1, crate::now()],
            )?;
        }
        if tx.prepare("PRAGMA foreign_key_check")?.exists([])? {
            return Err(HqError::Sqlite(
                "a migration left a reference to a missing row; nothing was changed".to_owned(),
            ));
        }
        tx.commit()?;
        Ok(())
    }
}

fn device_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<DeviceRow> {
    Ok(DeviceRow {
        device_id: r.get(0)?,
        mission: r.get(1)?,
        public_key: r.get(2)?,
        enrolled_at: r.get(3)?,
    })
}

/// The columns [`case_row`] reads, of `cases c`.
const CASE_COLUMNS: &str = "c.case_id, c.version, c.mission, c.device_id, c.status, c.full_name,
    c.date_of_birth, c.nik, c.passport_number, c.updated_at, c.hq_status, c.hq_status_at, c.seq";

fn case_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CaseRow> {
    Ok(CaseRow {
        case_id: r.get(0)?,
        version: u(r.get(1)?),
        mission: r.get(2)?,
        device_id: r.get(3)?,
        status: r.get(4)?,
        full_name: r.get(5)?,
        date_of_birth: r.get(6)?,
        nik: r.get(7)?,
        passport_number: r.get(8)?,
        updated_at: r.get(9)?,
        hq_status: r.get(10)?,
        hq_status_at: r.get(11)?,
        seq: u(r.get(12)?),
    })
}

/// A case row as the parameters of `upsert_cases`' two statements.
fn case_values(c: &CaseRow) -> impl rusqlite::Params + '_ {
    (
        c.case_id.as_str(),
        i(c.version),
        c.mission.as_str(),
        c.device_id.as_str(),
        c.status.as_str(),
        c.full_name.as_deref(),
        c.date_of_birth.as_deref(),
        c.nik.as_deref(),
        c.passport_number.as_deref(),
        c.updated_at.as_str(),
        i(c.seq),
    )
}

fn request_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RequestRow> {
    let void_at: Option<String> = r.get(8)?;
    Ok(RequestRow {
        serial: r.get(0)?,
        mission: r.get(1)?,
        device_id: r.get(2)?,
        case_id: r.get(3)?,
        version: u(r.get(4)?),
        record_sha256: r.get(5)?,
        issued_at: r.get(6)?,
        prints: u(r.get(7)?),
        void: match void_at {
            Some(at) => Some(RequestVoid {
                at,
                officer: r.get(9)?,
                reason: r.get::<_, Option<String>>(10)?.unwrap_or_default(),
            }),
            None => None,
        },
    })
}

fn u(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn i(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Database for Sqlite {
    fn backend(&self) -> &'static str {
        "SQLite"
    }

    fn transaction(&mut self) -> Result<Box<dyn Transaction + '_>> {
        // IMMEDIATE: the write lock up front, so two importers never deadlock on upgrading.
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        Ok(Box::new(SqliteTx { tx }))
    }

    fn devices(&mut self) -> Result<Vec<DeviceRow>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT device_id, mission, public_key, enrolled_at FROM devices ORDER BY device_id",
        )?;
        let rows = stmt.query_map([], device_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn device(&mut self, device_id: &str) -> Result<Option<DeviceRow>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT device_id, mission, public_key, enrolled_at FROM devices WHERE device_id = ?1",
            )?
            .query_row([device_id], device_row)
            .optional()?)
    }

    fn record_sha256(&mut self, case_id: &str, version: u64) -> Result<Option<String>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT record_sha256 FROM records WHERE case_id = ?1 AND version = ?2",
            )?
            .query_row(params![case_id, i(version)], |r| r.get(0))
            .optional()?)
    }

    fn batch_numbers(&mut self) -> Result<HashMap<String, Vec<u64>>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT device_id, sequence FROM batches ORDER BY device_id, sequence",
        )?;
        let mut out: HashMap<String, Vec<u64>> = HashMap::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            out.entry(r.get(0)?).or_default().push(u(r.get(1)?));
        }
        Ok(out)
    }

    fn held_from(&mut self, device_id: &str, first_batch: u64) -> Result<HeldFromDevice> {
        let batches = self
            .conn
            .prepare_cached("SELECT sequence FROM batches WHERE device_id = ?1 ORDER BY sequence")?
            .query_map([device_id], |r| r.get::<_, i64>(0))?
            .map(|n| n.map(u))
            .collect::<rusqlite::Result<_>>()?;
        // Every version: in the order of the device's index, nothing to sort. From a batch on:
        // the few versions of the later batches, sorted.
        let (sql, first) = if first_batch <= 1 {
            (
                "SELECT case_id, version, record_sha256 FROM records WHERE device_id = ?1
                 ORDER BY case_id, version",
                None,
            )
        } else {
            (
                "SELECT case_id, version, record_sha256 FROM records
                 WHERE device_id = ?1 AND batch_sequence >= ?2
                 ORDER BY case_id, version",
                Some(i(first_batch)),
            )
        };
        let mut stmt = self.conn.prepare_cached(sql)?;
        let row = |r: &rusqlite::Row<'_>| Ok((r.get(0)?, u(r.get::<_, i64>(1)?), r.get(2)?));
        let records = match first {
            None => stmt.query_map([device_id], row)?,
            Some(n) => stmt.query_map(params![device_id, n], row)?,
        }
        .collect::<rusqlite::Result<_>>()?;
        let last_change = self
            .conn
            .prepare_cached("SELECT max(imported_at) FROM batches WHERE device_id = ?1")?
            .query_row([device_id], |r| r.get(0))?;
        Ok(HeldFromDevice {
            batches,
            records,
            last_change,
        })
    }

    fn cases(&mut self) -> Result<Vec<CaseRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {CASE_COLUMNS} FROM cases c ORDER BY mission, device_id, case_id"
        ))?;
        let rows = stmt.query_map([], case_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn index(&mut self, mission: &str, after: u64, limit: u64) -> Result<Vec<IndexRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {CASE_COLUMNS}, r.record_text
             FROM cases c JOIN records r ON r.case_id = c.case_id AND r.version = c.version
             WHERE c.mission = ?1 AND c.seq > ?2 ORDER BY c.seq LIMIT ?3"
        ))?;
        let rows = stmt.query_map(params![mission, i(after), i(limit)], |r| {
            Ok(IndexRow {
                case: case_row(r)?,
                record_text: r.get(13)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn counts(&mut self) -> Result<Counts> {
        let count = |table: &str| -> Result<u64> {
            let n: i64 =
                self.conn
                    .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?;
            Ok(u(n))
        };
        Ok(Counts {
            devices: count("devices")?,
            batches: count("batches")?,
            records: count("records")?,
            photos: count("photos")?,
            cases: count("cases")?,
            requests: count("requests")?,
            request_events: count("request_events")?,
        })
    }

    fn report_source(&mut self, since: &str) -> Result<ReportSource> {
        let mut out = ReportSource::default();
        let mut stmt = self.conn.prepare(
            "SELECT c.mission, substr(f.saved_at, 1, 10) AS day, r.record_text
             FROM cases c
             JOIN records f ON f.case_id = c.case_id
                  AND f.version = (SELECT min(version) FROM records WHERE case_id = c.case_id)
             JOIN records r ON r.case_id = c.case_id AND r.version = c.version
             WHERE substr(f.saved_at, 1, 10) >= ?1",
        )?;
        let rows = stmt.query_map([since], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        out.intakes = rows.collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn.prepare(
            "SELECT mission, substr(issued_at, 1, 10) AS day, count(*) FROM requests
             WHERE substr(issued_at, 1, 10) >= ?1 GROUP BY mission, day",
        )?;
        let rows = stmt.query_map([since], |r| Ok((r.get(0)?, r.get(1)?, u(r.get(2)?))))?;
        out.printed = rows.collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn.prepare(
            "SELECT c.mission, substr(s.recorded_at, 1, 10) AS day, s.status,
                    count(DISTINCT s.case_id)
             FROM case_status s JOIN cases c ON c.case_id = s.case_id
             WHERE substr(s.recorded_at, 1, 10) >= ?1 GROUP BY c.mission, day, s.status",
        )?;
        let rows = stmt.query_map([since], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, u(r.get(3)?)))
        })?;
        out.statuses = rows.collect::<rusqlite::Result<_>>()?;
        Ok(out)
    }

    fn requests(&mut self) -> Result<Vec<RequestRow>> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{REQUEST_SELECT} ORDER BY r.mission, r.serial"))?;
        let rows = stmt.query_map([], request_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn cases_of(&mut self, key: PersonKey<'_>) -> Result<Vec<CaseRow>> {
        let (column, value) = match key {
            PersonKey::Nik(nik) => ("nik", nik),
            PersonKey::Passport(number) => ("passport_number", number),
            PersonKey::Case(id) => ("case_id", id),
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {CASE_COLUMNS} FROM cases c WHERE c.{column} = ?1 ORDER BY mission, case_id"
        ))?;
        let rows = stmt.query_map([value], case_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn versions(&mut self, case_id: &str) -> Result<Vec<VersionRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{VERSION_SELECT} WHERE case_id = ?1 ORDER BY version"
        ))?;
        let rows = stmt.query_map([case_id], |r| {
            Ok(VersionRow {
                version: u(r.get(0)?),
                status: r.get(1)?,
                saved_at: r.get(2)?,
                officer: r.get(3)?,
                reason: r.get(4)?,
                device_id: r.get(5)?,
                batch_sequence: u(r.get(6)?),
                record_sha256: r.get(7)?,
                record_text: r.get(8)?,
                photo_sha256: r.get(9)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn requests_of(&mut self, case_id: &str) -> Result<Vec<RequestRow>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "{REQUEST_SELECT} WHERE r.case_id = ?1 ORDER BY r.serial"
        ))?;
        let rows = stmt.query_map([case_id], request_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn status_updates(&mut self, case_id: &str) -> Result<Vec<StatusUpdate>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT case_id, status, recorded_at, seq FROM case_status
             WHERE case_id = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([case_id], |r| {
            Ok(StatusUpdate {
                case_id: r.get(0)?,
                status: r.get(1)?,
                recorded_at: r.get(2)?,
                seq: u(r.get(3)?),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn request(&mut self, serial: &str) -> Result<Option<RequestRow>> {
        Ok(self
            .conn
            .prepare_cached(&format!("{REQUEST_SELECT} WHERE r.serial = ?1"))?
            .query_row([serial], request_row)
            .optional()?)
    }

    fn photo(&mut self, sha256: &str) -> Result<Option<PhotoAt>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT p.jpeg, b.device_id, b.sequence, b.file_sha256
                 FROM photos p
                 LEFT JOIN batches b ON b.device_id = p.device_id AND b.sequence = p.batch_sequence
                 WHERE p.sha256 = ?1",
            )?
            .query_row([sha256], |r| {
                Ok(match r.get::<_, Option<Vec<u8>>>(0)? {
                    Some(jpeg) => PhotoAt::Stored(jpeg),
                    None => PhotoAt::Kept {
                        device_id: r.get(1)?,
                        sequence: u(r.get(2)?),
                        file_sha256: r.get(3)?,
                    },
                })
            })
            .optional()?)
    }

    fn case_photo(&mut self, case_id: &str) -> Result<Option<Option<String>>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT r.photo_sha256
                 FROM cases c JOIN records r ON r.case_id = c.case_id AND r.version = c.version
                 WHERE c.case_id = ?1",
            )?
            .query_row([case_id], |r| r.get(0))
            .optional()?)
    }

    fn access_log(&mut self, case_id: Option<&str>, limit: u64) -> Result<Vec<AccessEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.seq, a.at, a.operator, a.action, a.query, a.cases_read,
                    (SELECT group_concat(c.case_id, ' ' ORDER BY c.case_id)
                     FROM access_log_cases c WHERE c.seq = a.seq)
             FROM access_log a
             WHERE ?1 IS NULL
                OR a.seq IN (SELECT seq FROM access_log_cases WHERE case_id = ?1)
             ORDER BY a.seq DESC LIMIT ?2",
        )?;
        let rows = stmt.query_map(params![case_id, i(limit)], |r| {
            let ids: Option<String> = r.get(6)?;
            Ok(AccessEntry {
                seq: u(r.get(0)?),
                at: r.get(1)?,
                operator: r.get(2)?,
                action: r.get(3)?,
                query: r.get(4)?,
                cases_read: u(r.get(5)?),
                case_ids: split_ids(ids),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn exposed_to(&mut self, device_id: &str, reader: &str) -> Result<Vec<ExposedCase>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT * FROM (
                SELECT {CASE_COLUMNS},
                    c.case_id IN (SELECT case_id FROM records WHERE device_id = ?1) AS registered,
                    c.case_id IN (SELECT l.case_id FROM access_log_cases l
                                  JOIN access_log a ON a.seq = l.seq
                                  WHERE a.action = 'index' AND a.operator = ?2) AS indexed
                FROM cases c)
             WHERE registered OR indexed
             ORDER BY mission, case_id"
        ))?;
        let rows = stmt.query_map(params![device_id, reader], |r| {
            Ok(ExposedCase {
                case: case_row(r)?,
                registered: r.get(13)?,
                indexed: r.get(14)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn schema_version(&mut self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT coalesce(max(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?)
    }

    fn tamper(&mut self, sql: &str) -> Result<()> {
        self.conn.execute_batch(sql)?;
        Ok(())
    }
}

struct SqliteTx<'c> {
    tx: rusqlite::Transaction<'c>,
}

impl Transaction for SqliteTx<'_> {
    fn lock_device(&mut self, device_id: &str) -> Result<Option<DeviceRow>> {
        // The IMMEDIATE transaction holds the database's write lock already.
        Ok(self
            .tx
            .prepare_cached(
                "SELECT device_id, mission, public_key, enrolled_at FROM devices WHERE device_id = ?1",
            )?
            .query_row([device_id], device_row)
            .optional()?)
    }

    fn insert_device(&mut self, d: &DeviceRow) -> Result<()> {
        self.tx.execute(
            "INSERT INTO devices (device_id, mission, public_key, enrolled_at) VALUES (?1, ?2, ?3, ?4)",
            params![d.device_id, d.mission, d.public_key, d.enrolled_at],
        )?;
        Ok(())
    }

    fn update_device_mission(&mut self, device_id: &str, mission: &str) -> Result<()> {
        self.tx.execute(
            "UPDATE devices SET mission = ?2 WHERE device_id = ?1",
            params![device_id, mission],
        )?;
        Ok(())
    }

    fn batch(&mut self, device_id: &str, sequence: u64) -> Result<Option<HeldBatch>> {
        Ok(self
            .tx
            .prepare_cached(
                "SELECT manifest_sha256, previous_manifest_sha256 FROM batches
                 WHERE device_id = ?1 AND sequence = ?2",
            )?
            .query_row(params![device_id, i(sequence)], |r| {
                Ok(HeldBatch {
                    manifest_sha256: r.get(0)?,
                    previous_manifest_sha256: r.get(1)?,
                })
            })
            .optional()?)
    }

    fn insert_batch(&mut self, b: &BatchRow) -> Result<()> {
        self.tx.execute(
            "INSERT INTO batches (device_id, sequence, mission, manifest_sha256, file_sha256,
                previous_manifest_sha256, record_count, created_at, imported_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                b.device_id,
                i(b.sequence),
                b.mission,
                b.manifest_sha256,
                b.file_sha256,
                b.previous_manifest_sha256,
                i(b.record_count),
                b.created_at,
                b.imported_at
            ],
        )?;
        Ok(())
    }

    fn held_versions(&mut self, keys: &[(&str, u64)]) -> Result<HashMap<(String, u64), String>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT record_sha256 FROM records WHERE case_id = ?1 AND version = ?2",
        )?;
        let mut out = HashMap::new();
        for &(case_id, version) in keys {
            if let Some(hash) = stmt
                .query_row(params![case_id, i(version)], |r| r.get::<_, String>(0))
                .optional()?
            {
                out.insert((case_id.to_owned(), version), hash);
            }
        }
        Ok(out)
    }

    fn held_photos(&mut self, hashes: &[&str]) -> Result<HashSet<String>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT 1 FROM photos WHERE sha256 = ?1")?;
        let mut out = HashSet::new();
        for &h in hashes {
            if stmt.exists([h])? {
                out.insert(h.to_owned());
            }
        }
        Ok(out)
    }

    fn insert_records(&mut self, rows: &[RecordRow<'_>]) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO records (case_id, version, device_id, mission, status, saved_at, officer,
                reason, record_sha256, record_text, photo_sha256, batch_sequence)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        for r in rows {
            stmt.execute(params![
                r.case_id,
                i(r.version),
                r.device_id,
                r.mission,
                r.status,
                r.saved_at,
                r.officer,
                r.reason,
                r.record_sha256,
                r.record_text,
                r.photo_sha256,
                i(r.batch_sequence)
            ])?;
        }
        Ok(())
    }

    fn insert_photos(&mut self, hashes: &[&str], device_id: &str, sequence: u64) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO photos (sha256, device_id, batch_sequence) VALUES (?1, ?2, ?3)",
        )?;
        for &hash in hashes {
            stmt.execute(params![hash, device_id, i(sequence)])?;
        }
        Ok(())
    }

    fn held_requests(&mut self, serials: &[&str]) -> Result<HashMap<String, HeldRequest>> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT device_id, case_id, version, record_sha256,
                    EXISTS (SELECT 1 FROM request_events e
                            WHERE e.serial = r.serial AND e.action = 'void')
             FROM requests r WHERE serial = ?1",
        )?;
        let mut out = HashMap::new();
        for &serial in serials {
            let held = stmt
                .query_row([serial], |r| {
                    Ok(HeldRequest {
                        device_id: r.get(0)?,
                        case_id: r.get(1)?,
                        version: u(r.get(2)?),
                        record_sha256: r.get(3)?,
                        void: r.get(4)?,
                    })
                })
                .optional()?;
            if let Some(held) = held {
                out.insert(serial.to_owned(), held);
            }
        }
        Ok(out)
    }

    fn insert_requests(
        &mut self,
        new: &[RequestEventRow<'_>],
        events: &[RequestEventRow<'_>],
    ) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO requests (serial, device_id, mission, case_id, version, record_sha256,
                                   issued_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        for r in new {
            let e = r.event;
            stmt.execute(params![
                e.serial,
                r.device_id,
                r.mission,
                e.case_id,
                i(e.version),
                e.record_sha256,
                e.issued_at.to_rfc3339()
            ])?;
        }
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO request_events (device_id, seq, serial, action, at, officer, reason,
                                         batch_sequence)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (device_id, seq) DO NOTHING",
        )?;
        for r in events {
            let e = r.event;
            stmt.execute(params![
                r.device_id,
                i(e.seq),
                e.serial,
                e.action.as_str(),
                e.at.to_rfc3339(),
                e.officer,
                e.reason,
                i(r.batch_sequence)
            ])?;
        }
        Ok(())
    }

    fn upsert_cases(&mut self, new: &[CaseRow], replacing: &[CaseRow]) -> Result<()> {
        // Not one `INSERT … ON CONFLICT DO UPDATE`: on this table, with foreign keys on, SQLite
        // ran that several times slower than a plain INSERT of a new case (with them off, the
        // two were alike); docs/benchmarks.md, network sync.
        let mut insert = self.tx.prepare_cached(
            "INSERT INTO cases (case_id, version, mission, device_id, status, full_name,
                date_of_birth, nik, passport_number, updated_at, seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        let mut update = self.tx.prepare_cached(
            "UPDATE cases SET version = ?2, mission = ?3, device_id = ?4, status = ?5,
                full_name = ?6, date_of_birth = ?7, nik = ?8, passport_number = ?9,
                updated_at = ?10, seq = ?11
             WHERE case_id = ?1 AND version < ?2",
        )?;
        for c in new {
            insert.execute(case_values(c))?;
        }
        for c in replacing {
            update.execute(case_values(c))?;
        }
        Ok(())
    }

    fn current_versions(&mut self, case_ids: &[&str]) -> Result<HashMap<String, (u64, String)>> {
        let mut stmt = self
            .tx
            .prepare_cached("SELECT version, mission FROM cases WHERE case_id = ?1")?;
        let mut out = HashMap::new();
        for &id in case_ids {
            if let Some((version, mission)) = stmt
                .query_row([id], |r| Ok((u(r.get(0)?), r.get::<_, String>(1)?)))
                .optional()?
            {
                out.insert(id.to_owned(), (version, mission));
            }
        }
        Ok(out)
    }

    fn lock_missions(&mut self, missions: &[&str]) -> Result<HashMap<String, u64>> {
        // The IMMEDIATE transaction holds the database's write lock: numbers are taken and
        // committed one transaction at a time.
        let mut stmt = self
            .tx
            .prepare_cached("SELECT last_seq FROM mission_seq WHERE mission = ?1")?;
        let mut out = HashMap::new();
        for &m in missions {
            let last: Option<i64> = stmt.query_row([m], |r| r.get(0)).optional()?;
            out.insert(m.to_owned(), last.map_or(0, u));
        }
        Ok(out)
    }

    fn set_mission_seqs(&mut self, last: &HashMap<String, u64>) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "INSERT INTO mission_seq (mission, last_seq) VALUES (?1, ?2)
             ON CONFLICT (mission) DO UPDATE SET last_seq = excluded.last_seq",
        )?;
        for (mission, &n) in last {
            stmt.execute(params![mission, i(n)])?;
        }
        Ok(())
    }

    fn record_status(&mut self, update: &StatusUpdate, mission: &str) -> Result<bool> {
        let changed = self.tx.execute(
            "UPDATE cases SET hq_status = ?2, hq_status_at = ?3, seq = ?4
             WHERE case_id = ?1 AND mission = ?5",
            params![
                update.case_id,
                update.status,
                update.recorded_at,
                i(update.seq),
                mission
            ],
        )?;
        if changed == 0 {
            return Ok(false);
        }
        self.tx.execute(
            "INSERT INTO case_status (case_id, status, recorded_at, seq) VALUES (?1, ?2, ?3, ?4)",
            params![
                update.case_id,
                update.status,
                update.recorded_at,
                i(update.seq)
            ],
        )?;
        Ok(true)
    }

    fn log_access(&mut self, e: &AccessEntry) -> Result<()> {
        self.tx
            .prepare_cached(
                "INSERT INTO access_log (at, operator, action, query, cases_read)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![
                e.at,
                e.operator,
                e.action,
                e.query,
                i(e.cases_read)
            ])?;
        let seq = self.tx.last_insert_rowid();
        let mut insert = self.tx.prepare_cached(
            "INSERT OR IGNORE INTO access_log_cases (case_id, seq) VALUES (?1, ?2)",
        )?;
        for id in &e.case_ids {
            insert.execute(params![id, seq])?;
        }
        Ok(())
    }

    fn commit(self: Box<Self>) -> Result<()> {
        self.tx.commit()?;
        Ok(())
    }
}
