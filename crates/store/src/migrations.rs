//! The schema, as numbered migrations. `PRAGMA user_version` says how many have run; a store
//! whose number is higher than this build knows was written by a newer Loket and is refused.

use rusqlite::Transaction;

/// Migration N (1-based) is `MIGRATIONS[N - 1]`. Never edit one that has shipped: add another.
pub const MIGRATIONS: &[&str] = &[
    // 1: cases, their versions, the audit chain, the outbox and the name index.
    r#"
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value BLOB NOT NULL
    ) STRICT;

    -- `no` is the case's small integer key (the name index and the versions use it); `changed`
    -- and `changed_hash` name the audit entry of the case's last change, so the case row
    -- written by every change also carries the audit chain's head (no separate row to update).
    -- `words` are the name words this case has in `name_tokens`.
    CREATE TABLE cases (
        no              INTEGER PRIMARY KEY,
        id              TEXT NOT NULL UNIQUE,
        -- Spelled with OR: `IN (...)` here builds a temporary B-tree on every write.
        status          TEXT NOT NULL
                        CHECK (status = 'draft' OR status = 'finalised' OR status = 'closed'),
        version         INTEGER NOT NULL,
        mission         TEXT,
        ticket          TEXT,
        full_name       TEXT NOT NULL,
        date_of_birth   TEXT,
        nik             TEXT,
        passport_number TEXT,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        words           TEXT NOT NULL,
        changed         INTEGER NOT NULL,
        changed_hash    TEXT NOT NULL
    ) STRICT;
    CREATE INDEX cases_nik ON cases (nik) WHERE nik IS NOT NULL;
    CREATE INDEX cases_passport ON cases (passport_number) WHERE passport_number IS NOT NULL;
    CREATE INDEX cases_ticket ON cases (ticket COLLATE NOCASE) WHERE ticket IS NOT NULL;
    CREATE INDEX cases_date_of_birth ON cases (date_of_birth) WHERE date_of_birth IS NOT NULL;

    -- Every save, whole; never updated or deleted. `vid` is (case no << 32) + version: one
    -- B-tree serves both the rows and the lookup by case and version.
    CREATE TABLE case_versions (
        vid           INTEGER PRIMARY KEY,
        case_id       TEXT NOT NULL REFERENCES cases (id),
        version       INTEGER NOT NULL,
        status        TEXT NOT NULL,
        record        TEXT NOT NULL,
        record_sha256 TEXT NOT NULL,
        has_errors    INTEGER NOT NULL,
        saved_at      TEXT NOT NULL,
        officer       TEXT NOT NULL,
        reason        TEXT
    ) STRICT;
    CREATE TRIGGER case_versions_no_update BEFORE UPDATE ON case_versions
        BEGIN SELECT RAISE(ABORT, 'case versions are append-only'); END;
    CREATE TRIGGER case_versions_no_delete BEFORE DELETE ON case_versions
        BEGIN SELECT RAISE(ABORT, 'case versions are append-only'); END;

    -- Ids and hashes only: no personal data.
    CREATE TABLE audit (
        seq           INTEGER PRIMARY KEY,
        at            TEXT NOT NULL,
        officer       TEXT NOT NULL,
        action        TEXT NOT NULL,
        case_id       TEXT NOT NULL,
        version       INTEGER NOT NULL,
        record_sha256 TEXT NOT NULL,
        prev_hash     TEXT NOT NULL,
        hash          TEXT NOT NULL
    ) STRICT;
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

    -- What headquarters will need, written with the change; `batch` is set when sealed.
    CREATE TABLE outbox (
        seq        INTEGER PRIMARY KEY,
        case_id    TEXT NOT NULL REFERENCES cases (id),
        version    INTEGER NOT NULL,
        status     TEXT NOT NULL,
        created_at TEXT NOT NULL,
        batch      INTEGER
    ) STRICT;

    -- Each word of each name and alias, for search in any word order. Cases are named by
    -- their small integer `no`, and `changed` (the audit entry of the case's last change)
    -- rides along, so a search ranks by recency from this index alone. A case's words are
    -- found again through `cases.words`, so no second index on `case_no` is kept up to date.
    CREATE TABLE name_tokens (
        token   TEXT NOT NULL,
        case_no INTEGER NOT NULL REFERENCES cases (no),
        changed INTEGER NOT NULL,
        PRIMARY KEY (token, case_no)
    ) STRICT, WITHOUT ROWID;
    "#,
    // 2: SPLP requests (serial numbers and their prints, reprints and voids), case photos,
    // and the audit entry's detail (the serial a print concerns).
    r#"
    ALTER TABLE audit ADD COLUMN detail TEXT;

    -- One row per serial number ever issued; never updated or deleted, so a number is never
    -- reused and never silently skipped. `payload` is the signed text of the QR code.
    CREATE TABLE requests (
        serial        TEXT PRIMARY KEY,
        series        TEXT NOT NULL,
        number        INTEGER NOT NULL,
        case_id       TEXT NOT NULL REFERENCES cases (id),
        version       INTEGER NOT NULL,
        record_sha256 TEXT NOT NULL,
        payload       TEXT NOT NULL,
        issued_at     TEXT NOT NULL,
        officer       TEXT NOT NULL,
        UNIQUE (series, number)
    ) STRICT;
    CREATE INDEX requests_case ON requests (case_id);
    CREATE TRIGGER requests_no_update BEFORE UPDATE ON requests
        BEGIN SELECT RAISE(ABORT, 'requests are append-only'); END;
    CREATE TRIGGER requests_no_delete BEFORE DELETE ON requests
        BEGIN SELECT RAISE(ABORT, 'requests are append-only'); END;

    -- Each print, reprint and void of a request, with the officer's reason where one is needed.
    CREATE TABLE request_events (
        seq     INTEGER PRIMARY KEY,
        serial  TEXT NOT NULL REFERENCES requests (serial),
        action  TEXT NOT NULL CHECK (action = 'print' OR action = 'reprint' OR action = 'void'),
        at      TEXT NOT NULL,
        officer TEXT NOT NULL,
        reason  TEXT
    ) STRICT;
    CREATE INDEX request_events_serial ON request_events (serial, action);
    CREATE UNIQUE INDEX request_events_one_void ON request_events (serial) WHERE action = 'void';
    CREATE INDEX request_events_printed ON request_events (at) WHERE action = 'print';
    CREATE TRIGGER request_events_no_update BEFORE UPDATE ON request_events
        BEGIN SELECT RAISE(ABORT, 'request events are append-only'); END;
    CREATE TRIGGER request_events_no_delete BEFORE DELETE ON request_events
        BEGIN SELECT RAISE(ABORT, 'request events are append-only'); END;

    -- Photos as attached (normalised JPEG, about 30 KB); the latest is the case's photo.
    CREATE TABLE photos (
        seq      INTEGER PRIMARY KEY,
        case_id  TEXT NOT NULL REFERENCES cases (id),
        jpeg     BLOB NOT NULL,
        sha256   TEXT NOT NULL,
        added_at TEXT NOT NULL,
        officer  TEXT NOT NULL
    ) STRICT;
    CREATE INDEX photos_case ON photos (case_id, seq);
    "#,
    // 3: sealed batches (frozen: the same bytes on every retry) and the case versions
    // headquarters acknowledged in its signed receipts.
    r#"
    CREATE TABLE batches (
        sequence        INTEGER PRIMARY KEY,
        manifest_sha256 TEXT NOT NULL,
        file_sha256     TEXT NOT NULL,
        bytes           BLOB NOT NULL,
        record_count    INTEGER NOT NULL,
        sealed_at       TEXT NOT NULL,
        acknowledged_at TEXT
    ) STRICT;
    CREATE TRIGGER batches_frozen
        BEFORE UPDATE OF sequence, manifest_sha256, file_sha256, bytes, record_count, sealed_at
        ON batches
        BEGIN SELECT RAISE(ABORT, 'a sealed batch is frozen'); END;
    CREATE TRIGGER batches_no_delete BEFORE DELETE ON batches
        BEGIN SELECT RAISE(ABORT, 'a sealed batch is frozen'); END;

    -- What the next batch takes: finalised (or closed) versions not yet sealed.
    CREATE INDEX outbox_unsent ON outbox (seq) WHERE batch IS NULL AND status <> 'draft';

    CREATE TABLE acknowledged (
        case_id         TEXT NOT NULL REFERENCES cases (id),
        version         INTEGER NOT NULL,
        record_sha256   TEXT NOT NULL,
        acknowledged_at TEXT NOT NULL,
        PRIMARY KEY (case_id, version)
    ) STRICT, WITHOUT ROWID;
    "#,
    // 4: the mission's case index as headquarters sends it after a sync (cases of every
    // counter of the mission, this one's included, with headquarters' status updates), for
    // duplicate checks and search across counters. Replaced entry by entry, never edited here.
    r#"
    CREATE TABLE mission_cases (
        case_id         TEXT PRIMARY KEY,
        device_id       TEXT NOT NULL,
        version         INTEGER NOT NULL,
        status          TEXT NOT NULL,
        ticket          TEXT,
        full_name       TEXT,
        aliases         TEXT NOT NULL,
        date_of_birth   TEXT,
        nik             TEXT,
        passport_number TEXT,
        hq_status       TEXT,
        hq_status_at    TEXT,
        seq             INTEGER NOT NULL,
        words           TEXT NOT NULL
    ) STRICT;
    CREATE INDEX mission_cases_nik ON mission_cases (nik) WHERE nik IS NOT NULL;
    CREATE INDEX mission_cases_passport ON mission_cases (passport_number)
        WHERE passport_number IS NOT NULL;
    CREATE INDEX mission_cases_dob ON mission_cases (date_of_birth)
        WHERE date_of_birth IS NOT NULL;
    CREATE TABLE mission_tokens (
        token   TEXT NOT NULL,
        case_id TEXT NOT NULL REFERENCES mission_cases (case_id),
        PRIMARY KEY (token, case_id)
    ) STRICT, WITHOUT ROWID;
    "#,
    // 5: the Today screen counts the day's cases by status from this index alone, instead of
    // reading every case row ever saved (80 ms at 100,000 cases, 17 ms with it).
    r#"
    CREATE INDEX cases_created ON cases (created_at, status);
    "#,
    // 6: the current version's record hash on the case's row, so a receipt from headquarters
    // is checked against these compact rows instead of reading (and decrypting) every
    // version's page again: 10,000 versions took ~60 ms that way.
    r#"
    ALTER TABLE cases ADD COLUMN record_sha256 TEXT NOT NULL DEFAULT '';
    UPDATE cases SET record_sha256 = coalesce(
        (SELECT v.record_sha256 FROM case_versions v WHERE v.vid = (cases.no << 32) + cases.version),
        '');
    "#,
    // 7: purge. Once headquarters holds a case's closing version, the counter's copy of the
    // person goes: `purged_at` says when. The versions keep their hashes (the audit chain
    // still verifies) but lose their record and the officer's reason; a request keeps its
    // serial but loses its QR text (it names the person). Once headquarters holds a batch,
    // the batch's bytes go. Only those changes get past the append-only triggers. The partial
    // index finds the closed cases not yet purged. The mission index keeps only
    // headquarters' status of this counter's own cases: their names and numbers are here
    // already, or must go with a purge.
    r#"
    DELETE FROM mission_tokens WHERE case_id IN (
        SELECT case_id FROM mission_cases
        WHERE device_id = (SELECT CAST(value AS TEXT) FROM meta WHERE key = 'device_id'));
    UPDATE mission_cases SET ticket = NULL, full_name = NULL, aliases = '[]',
        date_of_birth = NULL, nik = NULL, passport_number = NULL, words = ''
    WHERE device_id = (SELECT CAST(value AS TEXT) FROM meta WHERE key = 'device_id');

    ALTER TABLE cases ADD COLUMN purged_at TEXT;
    CREATE INDEX cases_to_purge ON cases (id) WHERE status = 'closed' AND purged_at IS NULL;

    DROP TRIGGER case_versions_no_update;
    CREATE TRIGGER case_versions_no_update BEFORE UPDATE ON case_versions
        WHEN NOT (NEW.record = '' AND NEW.reason IS NULL
                  AND NEW.vid = OLD.vid AND NEW.case_id = OLD.case_id
                  AND NEW.version = OLD.version AND NEW.status = OLD.status
                  AND NEW.record_sha256 = OLD.record_sha256
                  AND NEW.has_errors = OLD.has_errors AND NEW.saved_at = OLD.saved_at
                  AND NEW.officer = OLD.officer)
        BEGIN SELECT RAISE(ABORT, 'case versions are append-only'); END;

    -- A batch headquarters acknowledged is never sent again: its bytes go (their size stays).
    ALTER TABLE batches ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
    UPDATE batches SET size = length(bytes);
    DROP TRIGGER batches_frozen;
    CREATE TRIGGER batches_frozen
        BEFORE UPDATE OF sequence, manifest_sha256, file_sha256, bytes, record_count, sealed_at,
                         size
        ON batches
        WHEN NOT (NEW.bytes = X'' AND NEW.acknowledged_at IS NOT NULL
                  AND NEW.sequence = OLD.sequence AND NEW.manifest_sha256 = OLD.manifest_sha256
                  AND NEW.file_sha256 = OLD.file_sha256 AND NEW.record_count = OLD.record_count
                  AND NEW.sealed_at = OLD.sealed_at AND NEW.size = OLD.size)
        BEGIN SELECT RAISE(ABORT, 'a sealed batch is frozen'); END;
    UPDATE batches SET bytes = X'' WHERE acknowledged_at IS NOT NULL;

    DROP TRIGGER requests_no_update;
    CREATE TRIGGER requests_no_update BEFORE UPDATE ON requests
        WHEN NOT (NEW.payload = ''
                  AND NEW.serial = OLD.serial AND NEW.series = OLD.series
                  AND NEW.number = OLD.number AND NEW.case_id = OLD.case_id
                  AND NEW.version = OLD.version AND NEW.record_sha256 = OLD.record_sha256
                  AND NEW.issued_at = OLD.issued_at AND NEW.officer = OLD.officer)
        BEGIN SELECT RAISE(ABORT, 'requests are append-only'); END;
    "#,
    // 8: a case's audit entries, and the counter's own (logins, batches, receipts: case ''),
    // found without reading the whole log: a case's history took ~100 ms at 100,000 cases.
    // Case ids are time-ordered (UUID v7), so a save's entry lands at the index's right end.
    r#"
    CREATE INDEX audit_case ON audit (case_id, seq);
    "#,
    // 9: the prints, reprints and voids of SPLP requests travel to headquarters in batches;
    // a batch records how many it carries. Which was the last one sealed is `meta`'s
    // `requests_sealed_through` (absent: none yet, so the next batch carries every event
    // from before this version): reading it from the batch rows would walk the overflow
    // pages of every unacknowledged batch's bytes, which come before any added column.
    r#"
    ALTER TABLE batches ADD COLUMN request_count INTEGER NOT NULL DEFAULT 0;
    DROP TRIGGER batches_frozen;
    CREATE TRIGGER batches_frozen
        BEFORE UPDATE OF sequence, manifest_sha256, file_sha256, bytes, record_count, sealed_at,
                         size, request_count
        ON batches
        WHEN NOT (NEW.bytes = X'' AND NEW.acknowledged_at IS NOT NULL
                  AND NEW.sequence = OLD.sequence AND NEW.manifest_sha256 = OLD.manifest_sha256
                  AND NEW.file_sha256 = OLD.file_sha256 AND NEW.record_count = OLD.record_count
                  AND NEW.sealed_at = OLD.sealed_at AND NEW.size = OLD.size
                  AND NEW.request_count = OLD.request_count)
        BEGIN SELECT RAISE(ABORT, 'a sealed batch is frozen'); END;
    "#,
    // 10: the mission index keeps no person of a closed case, whichever counter registered
    // it: the case's purpose at the counters is met (UU 27/2022), and its own counter purges
    // it. The freed bytes are overwritten, as in a purge. The partial index finds the people
    // headquarters reports departed, whose cases here an officer may close in one go.
    r#"
    CREATE INDEX mission_departed ON mission_cases (case_id) WHERE hq_status = 'departed';
    PRAGMA secure_delete = ON;
    DELETE FROM mission_tokens
    WHERE case_id IN (SELECT case_id FROM mission_cases WHERE status = 'closed');
    UPDATE mission_cases SET ticket = NULL, full_name = NULL, aliases = '[]',
        date_of_birth = NULL, nik = NULL, passport_number = NULL, words = ''
    WHERE status = 'closed';
    PRAGMA secure_delete = OFF;
    "#,
    // 11: exit-permit lists, the annexes of the mission's notes asking Cambodia for exit
    // permits and fine waivers: numbered per mission, year and counter like requests, each
    // naming the case versions it listed; a case is listed once. Never changed or deleted.
    r#"
    CREATE TABLE exit_lists (
        label   TEXT PRIMARY KEY,
        series  TEXT NOT NULL,
        number  INTEGER NOT NULL,
        made_at TEXT NOT NULL,
        officer TEXT NOT NULL,
        UNIQUE (series, number)
    ) STRICT;
    CREATE TABLE exit_list_cases (
        case_id  TEXT PRIMARY KEY REFERENCES cases (id),
        label    TEXT NOT NULL REFERENCES exit_lists (label),
        position INTEGER NOT NULL,
        version  INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX exit_list_cases_label ON exit_list_cases (label, position);
    -- Who waits for the next list (Today asks on every visit) without reading every case.
    CREATE INDEX cases_finalised ON cases (no) WHERE status = 'finalised';
    CREATE TRIGGER exit_lists_frozen BEFORE UPDATE ON exit_lists
    BEGIN SELECT RAISE(ABORT, 'an exit-permit list is never changed'); END;
    CREATE TRIGGER exit_lists_kept BEFORE DELETE ON exit_lists
    BEGIN SELECT RAISE(ABORT, 'an exit-permit list is never deleted'); END;
    CREATE TRIGGER exit_list_cases_frozen BEFORE UPDATE ON exit_list_cases
    BEGIN SELECT RAISE(ABORT, 'an exit-permit list is never changed'); END;
    CREATE TRIGGER exit_list_cases_kept BEFORE DELETE ON exit_list_cases
    BEGIN SELECT RAISE(ABORT, 'an exit-permit list is never deleted'); END;
    "#,
];

/// The schema version this build writes.
pub fn latest() -> i64 {
    MIGRATIONS.len() as i64
}

/// Runs the migrations after `from`, in the caller's transaction.
pub fn run(tx: &Transaction, from: i64) -> rusqlite::Result<()> {
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(from as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
    }
    Ok(())
}
