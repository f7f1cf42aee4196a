//! PostgreSQL: for the ministry, where one server aggregates every mission.
//!
//! Protection at rest is the server's (disk encryption, access control); loket-hq connects
//! with the URL it is given, without TLS (docs/hq.md). Bulk rows go in with
//! `COPY … FROM STDIN BINARY` inside the import's transaction, and the cases' upsert is one
//! statement over arrays, so a 5,000-case batch costs a handful of round trips.

use std::collections::{HashMap, HashSet};

use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls};

use super::{
    split_ids, AccessEntry, BatchRow, CaseRow, Counts, Database, DeviceRow, ExposedCase, HeldBatch,
    HeldFromDevice, HeldRequest, IndexRow, PersonKey, PhotoAt, RecordRow, ReportSource,
    RequestEventRow, RequestRow, RequestVoid, StatusUpdate, Transaction, VersionRow,
    REQUEST_SELECT, VERSION_SELECT,
};
use crate::error::{HqError, Result};

/// Migration N (1-based) is `MIGRATIONS[N - 1]`. Never edit one that has shipped: add another.
const MIGRATIONS: &[&str] = &[
    // 1: devices, batches, case versions, photos and the cases' current rows.
    r#"
    CREATE TABLE devices (
        device_id   text PRIMARY KEY,
        mission     text NOT NULL,
        public_key  text NOT NULL,
        enrolled_at text NOT NULL
    );

    -- One row per batch applied: the unique key makes batch N of a device apply once.
    CREATE TABLE batches (
        device_id                text NOT NULL REFERENCES devices (device_id),
        sequence                 bigint NOT NULL,
        mission                  text NOT NULL,
        manifest_sha256          text NOT NULL,
        file_sha256              text NOT NULL,
        previous_manifest_sha256 text,
        record_count             bigint NOT NULL,
        created_at               text NOT NULL,
        imported_at              text NOT NULL,
        PRIMARY KEY (device_id, sequence)
    );

    CREATE TABLE photos (
        sha256 text PRIMARY KEY,
        jpeg   bytea NOT NULL
    );
    -- Photos are JPEG already: compressing them again only costs time.
    ALTER TABLE photos ALTER COLUMN jpeg SET STORAGE EXTERNAL;

    -- Every case version ever received, whole; `device_id` and `batch_sequence` name the
    -- batch that first brought it.
    CREATE TABLE records (
        case_id        text NOT NULL,
        version        bigint NOT NULL,
        device_id      text NOT NULL REFERENCES devices (device_id),
        mission        text NOT NULL,
        status         text NOT NULL,
        saved_at       text NOT NULL,
        officer        text NOT NULL,
        reason         text,
        record_sha256  text NOT NULL,
        record_text    text NOT NULL,
        photo_sha256   text REFERENCES photos (sha256),
        batch_sequence bigint NOT NULL,
        PRIMARY KEY (case_id, version)
    );
    CREATE INDEX records_device ON records (device_id, case_id, version);
    -- A record's text (a few KB) stays in its row, uncompressed: compressing each one on
    -- the way in cost an import more than the space saved is worth.
    ALTER TABLE records SET (toast_tuple_target = 8160);

    -- Each case's highest version held, with the columns a list or a search needs.
    CREATE TABLE cases (
        case_id         text PRIMARY KEY,
        version         bigint NOT NULL,
        mission         text NOT NULL,
        device_id       text NOT NULL REFERENCES devices (device_id),
        status          text NOT NULL,
        full_name       text,
        date_of_birth   text,
        nik             text,
        passport_number text,
        updated_at      text NOT NULL
    );
    CREATE INDEX cases_nik ON cases (nik) WHERE nik IS NOT NULL;
    CREATE INDEX cases_passport ON cases (passport_number) WHERE passport_number IS NOT NULL;
    "#,
    // 2: the mission index (down-sync): a change number per case, headquarters' status
    // updates. Cases held already are numbered per mission in case id order.
    r#"
    CREATE TABLE mission_seq (
        mission  text PRIMARY KEY,
        last_seq bigint NOT NULL
    );
    ALTER TABLE cases ADD COLUMN seq bigint NOT NULL DEFAULT 0,
        ADD COLUMN hq_status text, ADD COLUMN hq_status_at text;
    UPDATE cases SET seq = n.seq
    FROM (SELECT case_id,
                 row_number() OVER (PARTITION BY mission ORDER BY case_id COLLATE "C") AS seq
          FROM cases) AS n
    WHERE cases.case_id = n.case_id;
    INSERT INTO mission_seq (mission, last_seq) SELECT mission, max(seq) FROM cases GROUP BY mission;
    CREATE UNIQUE INDEX cases_mission_seq ON cases (mission, seq);

    -- Every status update, in the order recorded; the latest is shown on the case's row.
    CREATE TABLE case_status (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        case_id     text NOT NULL REFERENCES cases (case_id),
        status      text NOT NULL CHECK (status IN ('splp_issued', 'departed')),
        recorded_at text NOT NULL,
        seq         bigint NOT NULL
    );
    CREATE INDEX case_status_case ON case_status (case_id, id);
    CREATE FUNCTION case_status_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'case_status is append-only'; END $$;
    CREATE TRIGGER case_status_append_only BEFORE UPDATE OR DELETE ON case_status
    FOR EACH ROW EXECUTE FUNCTION case_status_append_only();
    "#,
    // 3: a photo stays in the batch that brought it, kept whole in the data directory
    // (`batches/`); its row names that batch. Photos stored before keep their bytes here.
    // A device's versions by batch, for receipts from a batch on.
    r#"
    ALTER TABLE photos ALTER COLUMN jpeg DROP NOT NULL,
        ADD COLUMN device_id text,
        ADD COLUMN batch_sequence bigint,
        ADD FOREIGN KEY (device_id, batch_sequence) REFERENCES batches (device_id, sequence),
        ADD CHECK ((jpeg IS NULL) = (batch_sequence IS NOT NULL)
                   AND (device_id IS NULL) = (batch_sequence IS NULL));
    -- A receipt may list only the versions of a device's later batches (`receipt_from`).
    CREATE INDEX records_device_batch ON records (device_id, batch_sequence);
    "#,
    // 4: SPLP requests, from the prints, reprints and voids the counters' batches carry.
    // No reference to `records`: batches arrive in any order, so a request may come before
    // the version it was printed from.
    r#"
    CREATE TABLE requests (
        serial        text PRIMARY KEY,
        device_id     text NOT NULL REFERENCES devices (device_id),
        mission       text NOT NULL,
        case_id       text NOT NULL,
        version       bigint NOT NULL,
        record_sha256 text NOT NULL,
        issued_at     text NOT NULL
    );
    CREATE INDEX requests_mission ON requests (mission, serial);
    CREATE INDEX requests_case ON requests (case_id);
    CREATE TABLE request_events (
        device_id      text NOT NULL,
        seq            bigint NOT NULL,
        serial         text NOT NULL REFERENCES requests (serial),
        action         text NOT NULL CHECK (action IN ('print', 'reprint', 'void')),
        at             text NOT NULL,
        officer        text NOT NULL,
        reason         text,
        batch_sequence bigint NOT NULL,
        PRIMARY KEY (device_id, seq),
        FOREIGN KEY (device_id, batch_sequence) REFERENCES batches (device_id, sequence)
    );
    CREATE INDEX request_events_serial ON request_events (serial, action);
    CREATE UNIQUE INDEX request_events_one_void ON request_events (serial) WHERE action = 'void';
    "#,
    // 5: the access log: who read people's data here, or recorded a case's status, with
    // which command and question (UU 27/2022's record of processing); and the cases each
    // entry showed one by one, so that a person's own cases find who looked at them.
    r#"
    CREATE TABLE access_log (
        seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at         text NOT NULL,
        operator   text NOT NULL,
        action     text NOT NULL,
        query      text,
        cases_read bigint NOT NULL
    );
    CREATE TABLE access_log_cases (
        case_id text NOT NULL,
        seq     bigint NOT NULL REFERENCES access_log (seq),
        PRIMARY KEY (case_id, seq)
    );
    CREATE INDEX access_log_cases_seq ON access_log_cases (seq);
    CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'the access log is append-only'; END $$;
    CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log
    FOR EACH ROW EXECUTE FUNCTION access_log_append_only();
    CREATE TRIGGER access_log_cases_append_only BEFORE UPDATE OR DELETE ON access_log_cases
    FOR EACH ROW EXECUTE FUNCTION access_log_append_only();
    "#,
];

/// Serialises migrations between loket-hq processes (`pg_advisory_xact_lock`).
const MIGRATION_LOCK: i64 = 0x6c6f_6b65_7468_7100;

/// The schema version this build writes.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

pub struct Postgres {
    client: Client,
}

impl Postgres {
    /// Connects to `url` and migrates the database.
    pub fn open(url: &str, upto: Option<i64>) -> Result<Postgres> {
        let client = Client::connect(url, NoTls)?;
        let mut db = Postgres { client };
        db.migrate(upto.unwrap_or_else(latest))?;
        Ok(db)
    }

    /// Runs the migrations not yet recorded up to `upto`; refuses a newer schema.
    fn migrate(&mut self, upto: i64) -> Result<()> {
        let mut tx = self.client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
        tx.batch_execute(
            "SET LOCAL client_min_messages = warning;
             CREATE TABLE IF NOT EXISTS schema_migrations (
                version    bigint PRIMARY KEY,
                applied_at text NOT NULL
             )",
        )?;
        let current: i64 = tx
            .query_one(
                "SELECT coalesce(max(version), 0)::bigint FROM schema_migrations",
                &[],
            )?
            .get(0);
        if current > latest() {
            return Err(HqError::NewerSchema {
                database: current,
                ours: latest(),
            });
        }
        for (n, sql) in MIGRATIONS
            .iter()
            .enumerate()
            .take(upto as usize)
            .skip(current as usize)
        {
            tx.batch_execute(sql)?;
            tx.execute(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                &[&(n as i64 + 1), &crate::now()],
            )?;
        }
        tx.commit()?;
        Ok(())
    }
}

fn request_row(r: &postgres::Row) -> RequestRow {
    let void_at: Option<String> = r.get(8);
    RequestRow {
        serial: r.get(0),
        mission: r.get(1),
        device_id: r.get(2),
        case_id: r.get(3),
        version: u(r.get(4)),
        record_sha256: r.get(5),
        issued_at: r.get(6),
        prints: u(r.get(7)),
        void: void_at.map(|at| RequestVoid {
            at,
            officer: r.get(9),
            reason: r.get::<_, Option<String>>(10).unwrap_or_default(),
        }),
    }
}

fn u(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn i(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The columns [`case_row`] reads, of `cases c`.
const CASE_COLUMNS: &str = "c.case_id, c.version, c.mission, c.device_id, c.status, c.full_name,
    c.date_of_birth, c.nik, c.passport_number, c.updated_at, c.hq_status, c.hq_status_at, c.seq";

fn case_row(r: &postgres::Row) -> CaseRow {
    CaseRow {
        case_id: r.get(0),
        version: u(r.get(1)),
        mission: r.get(2),
        device_id: r.get(3),
        status: r.get(4),
        full_name: r.get(5),
        date_of_birth: r.get(6),
        nik: r.get(7),
        passport_number: r.get(8),
        updated_at: r.get(9),
        hq_status: r.get(10),
        hq_status_at: r.get(11),
        seq: u(r.get(12)),
    }
}

fn device_row(r: &postgres::Row) -> DeviceRow {
    DeviceRow {
        device_id: r.get(0),
        mission: r.get(1),
        public_key: r.get(2),
        enrolled_at: r.get(3),
    }
}

impl Database for Postgres {
    fn backend(&self) -> &'static str {
        "PostgreSQL"
    }

    fn transaction(&mut self) -> Result<Box<dyn Transaction + '_>> {
        let tx = self.client.transaction()?;
        Ok(Box::new(PgTx { tx }))
    }

    fn devices(&mut self) -> Result<Vec<DeviceRow>> {
        Ok(self
            .client
            .query(
                "SELECT device_id, mission, public_key, enrolled_at FROM devices ORDER BY device_id",
                &[],
            )?
            .iter()
            .map(device_row)
            .collect())
    }

    fn device(&mut self, device_id: &str) -> Result<Option<DeviceRow>> {
        Ok(self
            .client
            .query_opt(
                "SELECT device_id, mission, public_key, enrolled_at FROM devices WHERE device_id = $1",
                &[&device_id],
            )?
            .as_ref()
            .map(device_row))
    }

    fn record_sha256(&mut self, case_id: &str, version: u64) -> Result<Option<String>> {
        Ok(self
            .client
            .query_opt(
                "SELECT record_sha256 FROM records WHERE case_id = $1 AND version = $2",
                &[&case_id, &i(version)],
            )?
            .map(|r| r.get(0)))
    }

    fn batch_numbers(&mut self) -> Result<HashMap<String, Vec<u64>>> {
        let mut out: HashMap<String, Vec<u64>> = HashMap::new();
        for r in self.client.query(
            "SELECT device_id, sequence FROM batches ORDER BY device_id, sequence",
            &[],
        )? {
            out.entry(r.get(0)).or_default().push(u(r.get(1)));
        }
        Ok(out)
    }

    fn held_from(&mut self, device_id: &str, first_batch: u64) -> Result<HeldFromDevice> {
        let batches = self
            .client
            .query(
                "SELECT sequence FROM batches WHERE device_id = $1 ORDER BY sequence",
                &[&device_id],
            )?
            .iter()
            .map(|r| u(r.get(0)))
            .collect();
        // COLLATE "C": byte order, the same as SQLite's, so receipts are identical on both.
        // Every version, or (from a batch on) those of the later batches: one statement, the
        // planner picks the index by the bound.
        let records = self
            .client
            .query(
                r#"SELECT case_id, version, record_sha256 FROM records
                   WHERE device_id = $1 AND batch_sequence >= $2
                   ORDER BY case_id COLLATE "C", version"#,
                &[&device_id, &i(first_batch)],
            )?
            .iter()
            .map(|r| (r.get(0), u(r.get(1)), r.get(2)))
            .collect();
        let last_change = self
            .client
            .query_one(
                "SELECT max(imported_at) FROM batches WHERE device_id = $1",
                &[&device_id],
            )?
            .get(0);
        Ok(HeldFromDevice {
            batches,
            records,
            last_change,
        })
    }

    fn cases(&mut self) -> Result<Vec<CaseRow>> {
        Ok(self
            .client
            .query(
                &format!(
                    r#"SELECT {CASE_COLUMNS} FROM cases c
                       ORDER BY mission COLLATE "C", device_id COLLATE "C", case_id COLLATE "C""#
                ),
                &[],
            )?
            .iter()
            .map(case_row)
            .collect())
    }

    fn index(&mut self, mission: &str, after: u64, limit: u64) -> Result<Vec<IndexRow>> {
        Ok(self
            .client
            .query(
                &format!(
                    "SELECT {CASE_COLUMNS}, r.record_text
                     FROM cases c JOIN records r ON r.case_id = c.case_id AND r.version = c.version
                     WHERE c.mission = $1 AND c.seq > $2 ORDER BY c.seq LIMIT $3"
                ),
                &[&mission, &i(after), &i(limit)],
            )?
            .iter()
            .map(|r| IndexRow {
                case: case_row(r),
                record_text: r.get(13),
            })
            .collect())
    }

    fn counts(&mut self) -> Result<Counts> {
        let r = self.client.query_one(
            "SELECT (SELECT count(*) FROM devices), (SELECT count(*) FROM batches),
                    (SELECT count(*) FROM records), (SELECT count(*) FROM photos),
                    (SELECT count(*) FROM cases), (SELECT count(*) FROM requests),
                    (SELECT count(*) FROM request_events)",
            &[],
        )?;
        Ok(Counts {
            devices: u(r.get(0)),
            batches: u(r.get(1)),
            records: u(r.get(2)),
            photos: u(r.get(3)),
            cases: u(r.get(4)),
            requests: u(r.get(5)),
            request_events: u(r.get(6)),
        })
    }

    fn report_source(&mut self, since: &str) -> Result<ReportSource> {
        let intakes = self.client.query(
            "SELECT c.mission, substr(f.saved_at, 1, 10) AS day, r.record_text
             FROM cases c
             JOIN records f ON f.case_id = c.case_id
                  AND f.version = (SELECT min(version) FROM records WHERE case_id = c.case_id)
             JOIN records r ON r.case_id = c.case_id AND r.version = c.version
             WHERE substr(f.saved_at, 1, 10) >= $1",
            &[&since],
        )?;
        let printed = self.client.query(
            "SELECT mission, substr(issued_at, 1, 10) AS day, count(*) FROM requests
             WHERE substr(issued_at, 1, 10) >= $1 GROUP BY mission, day",
            &[&since],
        )?;
        let statuses = self.client.query(
            "SELECT c.mission, substr(s.recorded_at, 1, 10) AS day, s.status,
                    count(DISTINCT s.case_id)
             FROM case_status s JOIN cases c ON c.case_id = s.case_id
             WHERE substr(s.recorded_at, 1, 10) >= $1 GROUP BY c.mission, day, s.status",
            &[&since],
        )?;
        Ok(ReportSource {
            intakes: intakes
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect(),
            printed: printed
                .iter()
                .map(|r| (r.get(0), r.get(1), u(r.get(2))))
                .collect(),
            statuses: statuses
                .iter()
                .map(|r| (r.get(0), r.get(1), r.get(2), u(r.get(3))))
                .collect(),
        })
    }

    fn requests(&mut self) -> Result<Vec<RequestRow>> {
        let rows = self.client.query(
            &format!("{REQUEST_SELECT} ORDER BY r.mission COLLATE \"C\", r.serial COLLATE \"C\""),
            &[],
        )?;
        Ok(rows.iter().map(request_row).collect())
    }

    fn cases_of(&mut self, key: PersonKey<'_>) -> Result<Vec<CaseRow>> {
        let (column, value) = match key {
            PersonKey::Nik(nik) => ("nik", nik),
            PersonKey::Passport(number) => ("passport_number", number),
            PersonKey::Case(id) => ("case_id", id),
        };
        let rows = self.client.query(
            &format!(
                r#"SELECT {CASE_COLUMNS} FROM cases c WHERE c.{column} = $1
                   ORDER BY mission COLLATE "C", case_id COLLATE "C""#
            ),
            &[&value],
        )?;
        Ok(rows.iter().map(case_row).collect())
    }

    fn versions(&mut self, case_id: &str) -> Result<Vec<VersionRow>> {
        let rows = self.client.query(
            &format!("{VERSION_SELECT} WHERE case_id = $1 ORDER BY version"),
            &[&case_id],
        )?;
        Ok(rows
            .iter()
            .map(|r| VersionRow {
                version: u(r.get(0)),
                status: r.get(1),
                saved_at: r.get(2),
                officer: r.get(3),
                reason: r.get(4),
                device_id: r.get(5),
                batch_sequence: u(r.get(6)),
                record_sha256: r.get(7),
                record_text: r.get(8),
                photo_sha256: r.get(9),
            })
            .collect())
    }

    fn requests_of(&mut self, case_id: &str) -> Result<Vec<RequestRow>> {
        let rows = self.client.query(
            &format!("{REQUEST_SELECT} WHERE r.case_id = $1 ORDER BY r.serial COLLATE \"C\""),
            &[&case_id],
        )?;
        Ok(rows.iter().map(request_row).collect())
    }

    fn status_updates(&mut self, case_id: &str) -> Result<Vec<StatusUpdate>> {
        let rows = self.client.query(
            "SELECT case_id, status, recorded_at, seq FROM case_status
             WHERE case_id = $1 ORDER BY id",
            &[&case_id],
        )?;
        Ok(rows
            .iter()
            .map(|r| StatusUpdate {
                case_id: r.get(0),
                status: r.get(1),
                recorded_at: r.get(2),
                seq: u(r.get(3)),
            })
            .collect())
    }

    fn request(&mut self, serial: &str) -> Result<Option<RequestRow>> {
        Ok(self
            .client
            .query_opt(&format!("{REQUEST_SELECT} WHERE r.serial = $1"), &[&serial])?
            .map(|r| request_row(&r)))
    }

    fn photo(&mut self, sha256: &str) -> Result<Option<PhotoAt>> {
        let Some(r) = self.client.query_opt(
            "SELECT p.jpeg, b.device_id, b.sequence, b.file_sha256
                 FROM photos p
                 LEFT JOIN batches b ON b.device_id = p.device_id AND b.sequence = p.batch_sequence
                 WHERE p.sha256 = $1",
            &[&sha256],
        )?
        else {
            return Ok(None);
        };
        Ok(Some(match r.try_get::<_, Option<Vec<u8>>>(0)? {
            Some(jpeg) => PhotoAt::Stored(jpeg),
            None => PhotoAt::Kept {
                device_id: r.try_get(1)?,
                sequence: u(r.try_get(2)?),
                file_sha256: r.try_get(3)?,
            },
        }))
    }

    fn case_photo(&mut self, case_id: &str) -> Result<Option<Option<String>>> {
        Ok(self
            .client
            .query_opt(
                "SELECT r.photo_sha256
                 FROM cases c JOIN records r ON r.case_id = c.case_id AND r.version = c.version
                 WHERE c.case_id = $1",
                &[&case_id],
            )?
            .map(|r| r.get(0)))
    }

    fn access_log(&mut self, case_id: Option<&str>, limit: u64) -> Result<Vec<AccessEntry>> {
        let rows = self.client.query(
            "SELECT a.seq, a.at, a.operator, a.action, a.query, a.cases_read,
                    (SELECT string_agg(c.case_id, ' ' ORDER BY c.case_id COLLATE \"C\")
                     FROM access_log_cases c WHERE c.seq = a.seq)
             FROM access_log a
             WHERE $1::text IS NULL
                OR a.seq IN (SELECT seq FROM access_log_cases WHERE case_id = $1)
             ORDER BY a.seq DESC LIMIT $2",
            &[&case_id, &i(limit)],
        )?;
        Ok(rows
            .iter()
            .map(|r| AccessEntry {
                seq: u(r.get(0)),
                at: r.get(1),
                operator: r.get(2),
                action: r.get(3),
                query: r.get(4),
                cases_read: u(r.get(5)),
                case_ids: split_ids(r.get(6)),
            })
            .collect())
    }

    fn exposed_to(&mut self, device_id: &str, reader: &str) -> Result<Vec<ExposedCase>> {
        let rows = self.client.query(
            &format!(
                r#"SELECT * FROM (
                    SELECT {CASE_COLUMNS},
                        c.case_id IN (SELECT case_id FROM records WHERE device_id = $1)
                            AS registered,
                        c.case_id IN (SELECT l.case_id FROM access_log_cases l
                                      JOIN access_log a ON a.seq = l.seq
                                      WHERE a.action = 'index' AND a.operator = $2) AS indexed
                    FROM cases c) AS e
                   WHERE registered OR indexed
                   ORDER BY mission COLLATE "C", case_id COLLATE "C""#
            ),
            &[&device_id, &reader],
        )?;
        Ok(rows
            .iter()
            .map(|r| ExposedCase {
                case: case_row(r),
                registered: r.get(13),
                indexed: r.get(14),
            })
            .collect())
    }

    fn schema_version(&mut self) -> Result<i64> {
        Ok(self
            .client
            .query_one(
                "SELECT coalesce(max(version), 0)::bigint FROM schema_migrations",
                &[],
            )?
            .get(0))
    }

    fn tamper(&mut self, sql: &str) -> Result<()> {
        self.client.batch_execute(sql)?;
        Ok(())
    }
}

struct PgTx<'c> {
    tx: postgres::Transaction<'c>,
}

impl Transaction for PgTx<'_> {
    fn lock_device(&mut self, device_id: &str) -> Result<Option<DeviceRow>> {
        // FOR UPDATE: a second import from the same device waits for this one to commit,
        // then sees its batch (the chain checks need a stable view of the device's batches).
        Ok(self
            .tx
            .query_opt(
                "SELECT device_id, mission, public_key, enrolled_at FROM devices
                 WHERE device_id = $1 FOR UPDATE",
                &[&device_id],
            )?
            .as_ref()
            .map(device_row))
    }

    fn insert_device(&mut self, d: &DeviceRow) -> Result<()> {
        self.tx.execute(
            "INSERT INTO devices (device_id, mission, public_key, enrolled_at) VALUES ($1, $2, $3, $4)",
            &[&d.device_id, &d.mission, &d.public_key, &d.enrolled_at],
        )?;
        Ok(())
    }

    fn update_device_mission(&mut self, device_id: &str, mission: &str) -> Result<()> {
        self.tx.execute(
            "UPDATE devices SET mission = $2 WHERE device_id = $1",
            &[&device_id, &mission],
        )?;
        Ok(())
    }

    fn batch(&mut self, device_id: &str, sequence: u64) -> Result<Option<HeldBatch>> {
        Ok(self
            .tx
            .query_opt(
                "SELECT manifest_sha256, previous_manifest_sha256 FROM batches
                 WHERE device_id = $1 AND sequence = $2",
                &[&device_id, &i(sequence)],
            )?
            .map(|r| HeldBatch {
                manifest_sha256: r.get(0),
                previous_manifest_sha256: r.get(1),
            }))
    }

    fn insert_batch(&mut self, b: &BatchRow) -> Result<()> {
        self.tx.execute(
            "INSERT INTO batches (device_id, sequence, mission, manifest_sha256, file_sha256,
                previous_manifest_sha256, record_count, created_at, imported_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                &b.device_id,
                &i(b.sequence),
                &b.mission,
                &b.manifest_sha256,
                &b.file_sha256,
                &b.previous_manifest_sha256,
                &i(b.record_count),
                &b.created_at,
                &b.imported_at,
            ],
        )?;
        Ok(())
    }

    fn held_versions(&mut self, keys: &[(&str, u64)]) -> Result<HashMap<(String, u64), String>> {
        let ids: Vec<&str> = keys.iter().map(|k| k.0).collect();
        let versions: Vec<i64> = keys.iter().map(|k| i(k.1)).collect();
        let rows = self.tx.query(
            "SELECT r.case_id, r.version, r.record_sha256
             FROM records r
             JOIN unnest($1::text[], $2::bigint[]) AS k (case_id, version)
               ON r.case_id = k.case_id AND r.version = k.version",
            &[&ids, &versions],
        )?;
        Ok(rows
            .iter()
            .map(|r| ((r.get(0), u(r.get(1))), r.get(2)))
            .collect())
    }

    fn held_photos(&mut self, hashes: &[&str]) -> Result<HashSet<String>> {
        let rows = self.tx.query(
            "SELECT sha256 FROM photos WHERE sha256 = ANY($1::text[])",
            &[&hashes],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn insert_records(&mut self, rows: &[RecordRow<'_>]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let sink = self.tx.copy_in(
            "COPY records (case_id, version, device_id, mission, status, saved_at, officer,
                reason, record_sha256, record_text, photo_sha256, batch_sequence)
             FROM STDIN (FORMAT binary)",
        )?;
        let types = [
            Type::TEXT,
            Type::INT8,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::TEXT,
            Type::INT8,
        ];
        let mut writer = BinaryCopyInWriter::new(sink, &types);
        for r in rows {
            let version = i(r.version);
            let batch = i(r.batch_sequence);
            let row: [&(dyn ToSql + Sync); 12] = [
                &r.case_id,
                &version,
                &r.device_id,
                &r.mission,
                &r.status,
                &r.saved_at,
                &r.officer,
                &r.reason,
                &r.record_sha256,
                &r.record_text,
                &r.photo_sha256,
                &batch,
            ];
            writer.write(&row)?;
        }
        writer.finish()?;
        Ok(())
    }

    fn insert_photos(&mut self, hashes: &[&str], device_id: &str, sequence: u64) -> Result<()> {
        if hashes.is_empty() {
            return Ok(());
        }
        self.tx.execute(
            "INSERT INTO photos (sha256, device_id, batch_sequence)
             SELECT unnest($1::text[]), $2, $3",
            &[&hashes, &device_id, &i(sequence)],
        )?;
        Ok(())
    }

    fn held_requests(&mut self, serials: &[&str]) -> Result<HashMap<String, HeldRequest>> {
        let rows = self.tx.query(
            "SELECT serial, device_id, case_id, version, record_sha256,
                    EXISTS (SELECT 1 FROM request_events e
                            WHERE e.serial = r.serial AND e.action = 'void')
             FROM requests r WHERE serial = ANY($1::text[])",
            &[&serials],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let held = HeldRequest {
                    device_id: r.get(1),
                    case_id: r.get(2),
                    version: u(r.get(3)),
                    record_sha256: r.get(4),
                    void: r.get(5),
                };
                (r.get(0), held)
            })
            .collect())
    }

    fn insert_requests(
        &mut self,
        new: &[RequestEventRow<'_>],
        events: &[RequestEventRow<'_>],
    ) -> Result<()> {
        // A handful per batch at most a few thousand: one statement per row is plenty.
        for r in new {
            let e = r.event;
            self.tx.execute(
                "INSERT INTO requests (serial, device_id, mission, case_id, version,
                                       record_sha256, issued_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    &e.serial,
                    &r.device_id,
                    &r.mission,
                    &e.case_id,
                    &i(e.version),
                    &e.record_sha256,
                    &e.issued_at.to_rfc3339(),
                ],
            )?;
        }
        for r in events {
            let e = r.event;
            self.tx.execute(
                "INSERT INTO request_events (device_id, seq, serial, action, at, officer, reason,
                                             batch_sequence)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (device_id, seq) DO NOTHING",
                &[
                    &r.device_id,
                    &i(e.seq),
                    &e.serial,
                    &e.action.as_str(),
                    &e.at.to_rfc3339(),
                    &e.officer,
                    &e.reason,
                    &i(r.batch_sequence),
                ],
            )?;
        }
        Ok(())
    }

    fn upsert_cases(&mut self, new: &[CaseRow], replacing: &[CaseRow]) -> Result<()> {
        // One statement for both: the upsert also settles a case another import stored since.
        let rows: Vec<&CaseRow> = new.iter().chain(replacing).collect();
        if rows.is_empty() {
            return Ok(());
        }
        let col = |f: fn(&CaseRow) -> &str| rows.iter().map(|c| f(c)).collect::<Vec<&str>>();
        let opt = |f: fn(&CaseRow) -> Option<&str>| rows.iter().map(|c| f(c)).collect::<Vec<_>>();
        let ids = col(|c| &c.case_id);
        let versions: Vec<i64> = rows.iter().map(|c| i(c.version)).collect();
        let missions = col(|c| &c.mission);
        let devices = col(|c| &c.device_id);
        let statuses = col(|c| &c.status);
        let names = opt(|c| c.full_name.as_deref());
        let births = opt(|c| c.date_of_birth.as_deref());
        let niks = opt(|c| c.nik.as_deref());
        let passports = opt(|c| c.passport_number.as_deref());
        let updated = col(|c| &c.updated_at);
        let seqs: Vec<i64> = rows.iter().map(|c| i(c.seq)).collect();
        self.tx.execute(
            "INSERT INTO cases (case_id, version, mission, device_id, status, full_name,
                date_of_birth, nik, passport_number, updated_at, seq)
             SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[],
                $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[])
             ON CONFLICT (case_id) DO UPDATE SET
                version = excluded.version, mission = excluded.mission,
                device_id = excluded.device_id, status = excluded.status,
                full_name = excluded.full_name, date_of_birth = excluded.date_of_birth,
                nik = excluded.nik, passport_number = excluded.passport_number,
                updated_at = excluded.updated_at, seq = excluded.seq
             WHERE excluded.version > cases.version",
            &[
                &ids, &versions, &missions, &devices, &statuses, &names, &births, &niks,
                &passports, &updated, &seqs,
            ],
        )?;
        Ok(())
    }

    fn current_versions(&mut self, case_ids: &[&str]) -> Result<HashMap<String, (u64, String)>> {
        Ok(self
            .tx
            .query(
                "SELECT case_id, version, mission FROM cases WHERE case_id = ANY($1::text[])",
                &[&case_ids],
            )?
            .iter()
            .map(|r| (r.get(0), (u(r.get(1)), r.get(2))))
            .collect())
    }

    fn lock_missions(&mut self, missions: &[&str]) -> Result<HashMap<String, u64>> {
        let mut sorted = missions.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        // A new mission's row first (a concurrent insert of the same row waits for ours),
        // then every row locked in name order, so two importers never deadlock.
        self.tx.execute(
            "INSERT INTO mission_seq (mission, last_seq) SELECT unnest($1::text[]), 0
             ON CONFLICT (mission) DO NOTHING",
            &[&sorted],
        )?;
        Ok(self
            .tx
            .query(
                r#"SELECT mission, last_seq FROM mission_seq WHERE mission = ANY($1::text[])
                   ORDER BY mission COLLATE "C" FOR UPDATE"#,
                &[&sorted],
            )?
            .iter()
            .map(|r| (r.get(0), u(r.get(1))))
            .collect())
    }

    fn set_mission_seqs(&mut self, last: &HashMap<String, u64>) -> Result<()> {
        let missions: Vec<&str> = last.keys().map(String::as_str).collect();
        let seqs: Vec<i64> = last.values().map(|&n| i(n)).collect();
        self.tx.execute(
            "UPDATE mission_seq SET last_seq = k.last_seq
             FROM unnest($1::text[], $2::bigint[]) AS k (mission, last_seq)
             WHERE mission_seq.mission = k.mission",
            &[&missions, &seqs],
        )?;
        Ok(())
    }

    fn record_status(&mut self, update: &StatusUpdate, mission: &str) -> Result<bool> {
        let seq = i(update.seq);
        let changed = self.tx.execute(
            "UPDATE cases SET hq_status = $2, hq_status_at = $3, seq = $4
             WHERE case_id = $1 AND mission = $5",
            &[
                &update.case_id,
                &update.status,
                &update.recorded_at,
                &seq,
                &mission,
            ],
        )?;
        if changed == 0 {
            return Ok(false);
        }
        self.tx.execute(
            "INSERT INTO case_status (case_id, status, recorded_at, seq) VALUES ($1, $2, $3, $4)",
            &[&update.case_id, &update.status, &update.recorded_at, &seq],
        )?;
        Ok(true)
    }

    fn log_access(&mut self, e: &AccessEntry) -> Result<()> {
        self.tx.execute(
            "WITH entry AS (
                 INSERT INTO access_log (at, operator, action, query, cases_read)
                 VALUES ($1, $2, $3, $4, $5) RETURNING seq)
             INSERT INTO access_log_cases (case_id, seq)
             SELECT DISTINCT unnest($6::text[]), entry.seq FROM entry",
            &[
                &e.at,
                &e.operator,
                &e.action,
                &e.query,
                &i(e.cases_read),
                &e.case_ids,
            ],
        )?;
        Ok(())
    }

    fn commit(self: Box<Self>) -> Result<()> {
        self.tx.commit()?;
        Ok(())
    }
}
