//! Saving, finalising and reading cases. Every save is a new version; nothing is overwritten.

use crate::audit::{self, Entry};
use crate::error::{Result, StoreError};
use crate::search;
use crate::Store;
use loket_core::status::CaseStatus;
use loket_core::{normalize, validate, IntakeRecord, Report};
use rusqlite::{Connection, OptionalExtension, Row, Transaction, TransactionBehavior};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// What a save did.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct Saved {
    pub case_id: String,
    pub version: u32,
    pub status: CaseStatus,
    /// Validation of the saved record, with likely duplicates as warnings.
    pub report: Report,
}

/// What finalising did.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "outcome", rename_all = "lowercase")]
pub enum Finalize {
    Done {
        version: u32,
    },
    /// Not finalised: the report holds the errors that block it.
    Blocked(Report),
}

/// A case as it stands now.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    pub id: String,
    pub status: CaseStatus,
    pub version: u32,
    pub record: IntakeRecord,
}

/// One line of a case list.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseSummary {
    pub id: String,
    pub full_name: String,
    pub status: CaseStatus,
    pub version: u32,
    pub ticket: Option<String>,
    pub updated_at: String,
    /// When the counter's copy was removed, headquarters holding the closed case (the name
    /// and ticket are empty then).
    pub purged_at: Option<String>,
}

/// One saved version, without its record.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionInfo {
    pub version: u32,
    pub status: CaseStatus,
    pub saved_at: String,
    pub officer: String,
    pub reason: Option<String>,
    pub record_sha256: String,
    pub has_errors: bool,
}

/// One saved version with its record.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Serialize)]
pub struct VersionRecord {
    pub info: VersionInfo,
    pub record: IntakeRecord,
}

/// The reason of a closing because headquarters reports the person departed, in both
/// languages: it travels to headquarters and is read there.
pub const DEPARTED_REASON: &str = "sudah berangkat menurut pusat / departed per headquarters";

/// Now, as stored: RFC 3339 in UTC with milliseconds.
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

fn status_of(text: String) -> rusqlite::Result<CaseStatus> {
    CaseStatus::parse(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, "status".into())
    })
}

pub(crate) const SUMMARY_COLUMNS: &str =
    "id, full_name, status, version, ticket, updated_at, purged_at";

pub(crate) fn summary(r: &Row) -> rusqlite::Result<CaseSummary> {
    summary_at(r, 0)
}

/// A summary from `SUMMARY_COLUMNS` starting at column `at`.
pub(crate) fn summary_at(r: &Row, at: usize) -> rusqlite::Result<CaseSummary> {
    Ok(CaseSummary {
        id: r.get(at)?,
        full_name: r.get(at + 1)?,
        status: status_of(r.get(at + 2)?)?,
        version: r.get(at + 3)?,
        ticket: r.get(at + 4)?,
        updated_at: r.get(at + 5)?,
        purged_at: r.get(at + 6)?,
    })
}

pub(crate) fn parse_record(text: &str) -> Result<IntakeRecord> {
    serde_json::from_str(text).map_err(|_| StoreError::Corrupt)
}

impl Store {
    /// Saves `record` as a new case, or as the next version of the case with its `id`.
    ///
    /// A record with errors is saved as a draft. Changing a finalised case needs a `reason`;
    /// it stays finalised if the new version is clean and returns to draft if not.
    pub fn save(&mut self, mut record: IntakeRecord, reason: Option<&str>) -> Result<Saved> {
        let officer = &self.officer.clone();
        normalize(&mut record, &self.mission, || {
            uuid::Uuid::now_v7().to_string()
        });
        let case_id = record.id.clone().unwrap_or_default();
        if uuid::Uuid::parse_str(&case_id).is_err() {
            return Err(StoreError::InvalidCaseId(case_id));
        }
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let mut report = validate(&record, today());
        let text = serde_json::to_string(&record).expect("a record always serializes");
        let sha = hex::encode(Sha256::digest(text.as_bytes()));
        let at = now();
        let words = search::words(&record);

        let tx = self.conn.transaction()?;
        report
            .findings
            .extend(search::duplicates(&tx, &record, &case_id)?);
        report
            .findings
            .extend(crate::mission_index::duplicates(&tx, &record, &case_id)?);
        let current = case_row(&tx, &case_id)?
            .map(|row| live(&case_id, row))
            .transpose()?;
        let (version, status) = match &current {
            None => (1, CaseStatus::Draft),
            Some(CaseRow {
                status: CaseStatus::Draft,
                version: v,
                ..
            }) => (v + 1, CaseStatus::Draft),
            Some(CaseRow {
                status: closed_or_final,
                version: v,
                ..
            }) => {
                if reason.is_none() {
                    return Err(StoreError::ReasonRequired {
                        id: case_id,
                        status: closed_or_final.to_string(),
                    });
                }
                let status = if report.has_errors() {
                    CaseStatus::Draft
                } else {
                    CaseStatus::Finalised
                };
                (v + 1, status)
            }
        };
        let (seq, hash) = audit::append(
            &tx,
            &Entry {
                at: &at,
                officer,
                action: "save",
                case_id: &case_id,
                version,
                record_sha256: &sha,
                detail: None,
            },
        )?;
        let p = &record.person;
        let passport = record.passport.as_ref().and_then(|p| p.number.as_deref());
        let words_text = words
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        let columns = rusqlite::params![
            status.as_str(),
            version,
            record.mission,
            record.ticket,
            p.full_name.as_deref().unwrap_or_default(),
            p.date_of_birth,
            p.nik.as_deref().filter(|n| !n.is_empty()),
            passport.filter(|n| !n.is_empty()),
            at,
            words_text,
            seq,
            hash,
            case_id,
            sha,
        ];
        let (no, old_words) = match &current {
            None => {
                tx.prepare_cached(
                    "INSERT INTO cases (status, version, mission, ticket, full_name, date_of_birth,
                                        nik, passport_number, created_at, updated_at, words,
                                        changed, changed_hash, id, record_sha256)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13, ?14)",
                )?
                .execute(columns)?;
                (tx.last_insert_rowid(), None)
            }
            Some(CaseRow {
                no,
                words: old_words,
                ..
            }) => {
                tx.prepare_cached(
                    "UPDATE cases SET status = ?1, version = ?2, mission = ?3, ticket = ?4,
                         full_name = ?5, date_of_birth = ?6, nik = ?7, passport_number = ?8,
                         updated_at = ?9, words = ?10, changed = ?11, changed_hash = ?12,
                         record_sha256 = ?14
                     WHERE id = ?13",
                )?
                .execute(columns)?;
                (*no, Some(old_words.as_str()))
            }
        };
        tx.prepare_cached(
            "INSERT INTO case_versions (vid, case_id, version, status, record, record_sha256,
                                        has_errors, saved_at, officer, reason)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        )?
        .execute(rusqlite::params![
            vid(no, version),
            case_id,
            version,
            status.as_str(),
            text,
            sha,
            report.has_errors(),
            at,
            officer,
            reason
        ])?;
        search::index(&tx, no, old_words, &words, seq)?;
        outbox(&tx, &case_id, version, status, &at)?;
        tx.commit()?;
        self.committed();
        Ok(Saved {
            case_id,
            version,
            status,
            report,
        })
    }

    /// Closes the interview of case `id` when its current version has no error.
    pub fn finalize(&mut self, id: &str) -> Result<Finalize> {
        let officer = &self.officer.clone();
        let case = self
            .case(id)?
            .ok_or_else(|| StoreError::CaseNotFound { id: id.to_string() })?;
        if case.status != CaseStatus::Draft {
            return Ok(Finalize::Done {
                version: case.version,
            });
        }
        let report = validate(&case.record, today());
        if report.has_errors() {
            return Ok(Finalize::Blocked(report));
        }
        let at = now();
        let tx = self.conn.transaction()?;
        let row = case_row(&tx, id)?.ok_or(StoreError::Corrupt)?;
        let (seq, hash) = audit::append(
            &tx,
            &Entry {
                at: &at,
                officer,
                action: "finalize",
                case_id: id,
                version: case.version,
                record_sha256: &row.record_sha256,
                detail: None,
            },
        )?;
        tx.prepare_cached("UPDATE cases SET status = 'finalised', updated_at = ?2 WHERE no = ?1")?
            .execute(rusqlite::params![row.no, at])?;
        mark_changed(&tx, row.no, &row.words, seq, &hash)?;
        outbox(&tx, id, case.version, CaseStatus::Finalised, &at)?;
        tx.commit()?;
        self.committed();
        Ok(Finalize::Done {
            version: case.version,
        })
    }

    /// Closes case `id`: nothing more happens for it at the counter (the person has left, or
    /// the case went elsewhere). A finalised case only, and with a `reason`; the closing is a
    /// new version holding the same record, so it travels to headquarters like any change.
    /// Closing a closed case changes nothing.
    pub fn close(&mut self, id: &str, reason: &str) -> Result<u32> {
        let officer = self.officer.clone();
        let tx = self.conn.transaction()?;
        let closed = close_in(&tx, id, reason, &officer, &now())?;
        tx.commit()?;
        self.committed();
        Ok(closed)
    }

    /// The finalised cases here whose person headquarters reports departed (from the mission
    /// index): nothing more happens for them at the counter, but until an officer closes them
    /// they stay on the laptop. Each with when headquarters recorded the departure.
    pub fn departed_open(&self) -> Result<Vec<(String, Option<String>)>> {
        departed_open(&self.conn)
    }

    /// Closes every case of [`Store::departed_open`] in one transaction, each a closing by
    /// this officer with the reason [`DEPARTED_REASON`] and when it was recorded; once
    /// headquarters holds the closings, the next receipt purges them. Returns the cases
    /// closed and their closing versions.
    pub fn close_departed(&mut self) -> Result<Vec<(String, u32)>> {
        let officer = self.officer.clone();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let due = departed_open(&tx)?;
        let at = now();
        let mut closed = Vec::with_capacity(due.len());
        for (id, when) in due {
            let reason = match when {
                Some(when) => format!("{DEPARTED_REASON} ({when})"),
                None => DEPARTED_REASON.to_owned(),
            };
            let version = close_in(&tx, &id, &reason, &officer, &at)?;
            closed.push((id, version));
        }
        tx.commit()?;
        self.committed();
        Ok(closed)
    }

    /// The case as it stands now; a purged case is `StoreError::Purged`.
    pub fn case(&self, id: &str) -> Result<Option<Case>> {
        let row: Option<(String, u32, String, Option<String>)> = self
            .conn
            .query_row(
                "SELECT c.status, c.version, v.record, c.purged_at FROM cases c
                 JOIN case_versions v ON v.vid = (c.no << 32) + c.version
                 WHERE c.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((status, version, text, purged_at)) = row else {
            return Ok(None);
        };
        if let Some(at) = purged_at {
            return Err(StoreError::Purged {
                id: id.to_string(),
                at,
            });
        }
        Ok(Some(Case {
            id: id.to_string(),
            status: CaseStatus::parse(&status).ok_or(StoreError::Corrupt)?,
            version,
            record: parse_record(&text)?,
        }))
    }

    /// Every version of case `id`, oldest first (empty when there is no such case).
    pub fn versions(&self, id: &str) -> Result<Vec<VersionInfo>> {
        let Some(no) = self.case_no(id)? else {
            return Ok(Vec::new());
        };
        let mut stmt = self.conn.prepare(
            "SELECT version, status, saved_at, officer, reason, record_sha256, has_errors
             FROM case_versions WHERE vid >= ?1 AND vid < ?2 ORDER BY vid",
        )?;
        let rows = stmt.query_map([vid(no, 0), vid(no + 1, 0)], version_info)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One version of case `id`, with its record; a purged case's is `StoreError::Purged`.
    pub fn version(&self, id: &str, version: u32) -> Result<Option<VersionRecord>> {
        let Some(case) = case_row(&self.conn, id)? else {
            return Ok(None);
        };
        let no = live(id, case)?.no;
        let row = self
            .conn
            .query_row(
                "SELECT version, status, saved_at, officer, reason, record_sha256, has_errors, record
                 FROM case_versions WHERE vid = ?1",
                [vid(no, version)],
                |r| Ok((version_info(r)?, r.get::<_, String>(7)?)),
            )
            .optional()?;
        row.map(|(info, text)| {
            Ok(VersionRecord {
                info,
                record: parse_record(&text)?,
            })
        })
        .transpose()
    }

    /// Every case, most recently changed first.
    pub fn list(&self) -> Result<Vec<CaseSummary>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM cases ORDER BY updated_at DESC, id"
        ))?;
        let rows = stmt.query_map([], summary)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// `limit` cases from the `offset`-th, the newest first: one screenful of a list too long
    /// to load whole (read in the table's own order, so any stretch costs the same).
    pub fn page(&self, offset: u64, limit: u64) -> Result<Vec<CaseSummary>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM cases ORDER BY no DESC LIMIT ?1 OFFSET ?2"
        ))?;
        let rows = stmt.query_map([limit as i64, offset as i64], summary)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The changes waiting for a batch, oldest first: case, version and status.
    pub fn unsent_changes(&self) -> Result<Vec<(String, u32, CaseStatus)>> {
        let mut stmt = self.conn.prepare(
            "SELECT case_id, version, status FROM outbox WHERE batch IS NULL ORDER BY seq",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, status_of(r.get(2)?)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The small integer key of case `id`.
    pub(crate) fn case_no(&self, id: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT no FROM cases WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }

    /// When case `id` was purged, if it was.
    pub fn purged_at(&self, id: &str) -> Result<Option<String>> {
        Ok(case_row(&self.conn, id)?.and_then(|row| row.purged_at))
    }

    /// How many cases the store holds.
    pub fn count(&self) -> Result<u64> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM cases", [], |r| r.get(0))?;
        Ok(n as u64)
    }
}

/// What a change to a case reads of its row first.
pub(crate) struct CaseRow {
    pub no: i64,
    pub status: CaseStatus,
    pub version: u32,
    /// The name words this case has in the search index.
    pub words: String,
    /// The current version's record hash.
    pub record_sha256: String,
    pub purged_at: Option<String>,
}

/// See [`Store::departed_open`].
fn departed_open(conn: &Connection) -> Result<Vec<(String, Option<String>)>> {
    Ok(conn
        .prepare_cached(
            "SELECT c.id, m.hq_status_at FROM cases c
             JOIN mission_cases m ON m.case_id = c.id
             WHERE c.status = 'finalised' AND m.hq_status = 'departed'
             ORDER BY c.no",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Closes case `id` in the caller's transaction (see [`Store::close`]); returns the closing
/// version, or the version it has when closed already.
fn close_in(tx: &Transaction, id: &str, reason: &str, officer: &str, at: &str) -> Result<u32> {
    let CaseRow {
        no,
        status,
        version,
        words,
        record_sha256: sha,
        ..
    } = case_row(tx, id)?.ok_or_else(|| StoreError::CaseNotFound { id: id.to_string() })?;
    match status {
        CaseStatus::Closed => return Ok(version),
        CaseStatus::Draft => return Err(StoreError::DraftNotClosable { id: id.to_string() }),
        CaseStatus::Finalised => {}
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(StoreError::ReasonRequired {
            id: id.to_string(),
            status: status.to_string(),
        });
    }
    let closed = version + 1;
    let (seq, hash) = audit::append(
        tx,
        &Entry {
            at,
            officer,
            action: "close",
            case_id: id,
            version: closed,
            record_sha256: &sha,
            detail: None,
        },
    )?;
    tx.prepare_cached(
        "INSERT INTO case_versions (vid, case_id, version, status, record, record_sha256,
                                    has_errors, saved_at, officer, reason)
         SELECT ?2, case_id, ?3, 'closed', record, record_sha256, has_errors, ?4, ?5, ?6
         FROM case_versions WHERE vid = ?1",
    )?
    .execute(rusqlite::params![
        vid(no, version),
        vid(no, closed),
        closed,
        at,
        officer,
        reason
    ])?;
    tx.prepare_cached(
        "UPDATE cases SET status = 'closed', version = ?2, updated_at = ?3 WHERE no = ?1",
    )?
    .execute(rusqlite::params![no, closed, at])?;
    mark_changed(tx, no, &words, seq, &hash)?;
    outbox(tx, id, closed, CaseStatus::Closed, at)?;
    Ok(closed)
}

/// Case `id`'s row, if the store has the case.
pub(crate) fn case_row(conn: &Connection, id: &str) -> Result<Option<CaseRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT no, status, version, words, record_sha256, purged_at
             FROM cases WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok(CaseRow {
                no: r.get(0)?,
                status: status_of(r.get(1)?)?,
                version: r.get(2)?,
                words: r.get(3)?,
                record_sha256: r.get(4)?,
                purged_at: r.get(5)?,
            })
        })
        .optional()?)
}

/// `row` as a live case: `StoreError::Purged` for a purged one.
pub(crate) fn live(id: &str, row: CaseRow) -> Result<CaseRow> {
    match row.purged_at {
        Some(at) => Err(StoreError::Purged {
            id: id.to_string(),
            at,
        }),
        None => Ok(row),
    }
}

/// Makes audit entry `seq` (with `hash`) the last change of case `no`, whose name words are
/// `words`: the case row carries the audit chain's head, and search ranks by it.
pub(crate) fn mark_changed(
    tx: &Transaction,
    no: i64,
    words: &str,
    seq: i64,
    hash: &str,
) -> Result<()> {
    tx.prepare_cached("UPDATE cases SET changed = ?2, changed_hash = ?3 WHERE no = ?1")?
        .execute(rusqlite::params![no, seq, hash])?;
    search::touch(tx, no, words, seq)
}

/// The key of version `version` of the case numbered `no` in `case_versions`.
pub(crate) fn vid(no: i64, version: u32) -> i64 {
    (no << 32) + i64::from(version)
}

fn version_info(r: &Row) -> rusqlite::Result<VersionInfo> {
    Ok(VersionInfo {
        version: r.get(0)?,
        status: status_of(r.get(1)?)?,
        saved_at: r.get(2)?,
        officer: r.get(3)?,
        reason: r.get(4)?,
        record_sha256: r.get(5)?,
        has_errors: r.get(6)?,
    })
}

/// The change headquarters will need, in the same transaction as the case.
fn outbox(
    tx: &Transaction,
    case_id: &str,
    version: u32,
    status: CaseStatus,
    at: &str,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO outbox (case_id, version, status, created_at) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(rusqlite::params![case_id, version, status.as_str(), at])?;
    Ok(())
}
