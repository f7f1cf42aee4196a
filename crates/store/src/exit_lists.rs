//! Exit-permit lists: for every person it registers, the mission asks Cambodia's immigration
//! department for an exit permit and a waiver of the overstay fine, by a diplomatic note whose
//! annex lists them (shared/domain.md). A list takes every finalised case here that no list
//! has named yet, in the order the people came, so that each note names the people who came
//! since the last one and nobody twice.
//!
//! A list is numbered like a request's serial, `MISSION-YEAR-COUNTER-L0001`, and names the
//! case versions it listed; it is never changed or deleted (its number is never reused). Each
//! case listed gets an audit entry naming the list; printing a list again is an entry of the
//! counter's own.

use chrono::NaiveDate;
use loket_core::IntakeRecord;
use rusqlite::{OptionalExtension, Transaction, TransactionBehavior};
use serde::Serialize;

use crate::audit::{self, counter, Entry};
use crate::cases::{mark_changed, now, parse_record};
use crate::error::{Result, StoreError};
use crate::requests::{counter_code, deliver_then_commit, local_date};
use crate::{MissionProfile, Store};

/// A list made at this counter.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExitList {
    /// `PNH-2026-7KQ2-L0003`.
    pub label: String,
    pub made_at: String,
    pub officer: String,
    /// How many people it lists.
    pub people: u32,
}

/// The lists made here, and how many people wait for the next one.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExitLists {
    /// Newest first.
    pub lists: Vec<ExitList>,
    /// Finalised cases no list has named yet.
    pub pending: u32,
}

/// A list to print: the list, the records of the case versions it named (in its order), the
/// mission printed at the top, and whether it is a further print.
#[derive(Debug, Clone)]
pub struct ExitListJob {
    pub list: ExitList,
    pub records: Vec<IntakeRecord>,
    pub mission: MissionProfile,
    /// The day the list was made (local), printed beside the signature.
    pub date: NaiveDate,
    pub reprint: bool,
}

/// A case a list names: its row number, id, version listed, that version's record hash and
/// record, and its name words.
struct Listed {
    no: i64,
    id: String,
    version: u32,
    sha: String,
    words: String,
    record: IntakeRecord,
}

/// The finalised cases no list has named yet (with `cases c`), in any query that counts or
/// lists them.
const UNLISTED: &str = "c.status = 'finalised'
    AND NOT EXISTS (SELECT 1 FROM exit_list_cases l WHERE l.case_id = c.id)";

/// The finalised cases no list has named yet, in the order they were registered.
fn unlisted(tx: &Transaction) -> Result<Vec<Listed>> {
    let rows: Vec<(i64, String, u32, String, String, String)> = tx
        .prepare_cached(&format!(
            "SELECT c.no, c.id, c.version, v.record_sha256, c.words, v.record FROM cases c
             JOIN case_versions v ON v.vid = (c.no << 32) + c.version
             WHERE {UNLISTED} ORDER BY c.no"
        ))?
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter()
        .map(|(no, id, version, sha, words, text)| {
            Ok(Listed {
                no,
                id,
                version,
                sha,
                words,
                record: parse_record(&text)?,
            })
        })
        .collect()
}

/// The records of the versions list `label` named, in its order; `None` for one purged since.
fn listed_records(tx: &Transaction, label: &str) -> Result<Vec<Option<IntakeRecord>>> {
    let texts: Vec<String> = tx
        .prepare_cached(
            "SELECT v.record FROM exit_list_cases l
             JOIN cases c ON c.id = l.case_id
             JOIN case_versions v ON v.vid = (c.no << 32) + l.version
             WHERE l.label = ?1 ORDER BY l.position",
        )?
        .query_map([label], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    texts
        .iter()
        .map(|t| match t.as_str() {
            "" => Ok(None), // purged: the record's text is gone
            t => parse_record(t).map(Some),
        })
        .collect()
}

fn exit_list(r: &rusqlite::Row) -> rusqlite::Result<ExitList> {
    Ok(ExitList {
        label: r.get(0)?,
        made_at: r.get(1)?,
        officer: r.get(2)?,
        people: r.get(3)?,
    })
}

const LIST_SELECT: &str = "SELECT x.label, x.made_at, x.officer,
        (SELECT count(*) FROM exit_list_cases l WHERE l.label = x.label)
    FROM exit_lists x";

impl Store {
    /// The lists made here, newest first, and how many finalised cases no list has named.
    pub fn exit_lists(&self) -> Result<ExitLists> {
        let mut stmt = self.conn.prepare(&format!(
            "{LIST_SELECT} ORDER BY x.made_at DESC, x.label DESC"
        ))?;
        let lists = stmt
            .query_map([], exit_list)?
            .collect::<rusqlite::Result<_>>()?;
        let pending = self.conn.query_row(
            &format!("SELECT count(*) FROM cases c WHERE {UNLISTED}"),
            [],
            |r| r.get(0),
        )?;
        Ok(ExitLists { lists, pending })
    }

    /// Makes a new list of every finalised case no list has named yet and hands it to
    /// `deliver` (to render and print it) inside the store's transaction: when delivery
    /// fails, no list is made and no number used. Refused when there is nobody to list or
    /// the mission's name and address are not set.
    pub fn make_exit_list<T, E>(
        &mut self,
        deliver: impl FnOnce(&ExitListJob) -> std::result::Result<T, E>,
    ) -> Result<std::result::Result<(ExitList, T), E>> {
        let officer = self.officer.clone();
        let mission = self.printable_mission()?;
        let code = counter_code(&self.signing_key()?.verifying_key().to_bytes());
        let at = now();
        let today = chrono::Local::now().date_naive();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let cases = unlisted(&tx)?;
        if cases.is_empty() {
            return Err(StoreError::NobodyToList);
        }
        let series = format!("{}-{}-{code}", mission.code, today.format("%Y"));
        let number: u32 = tx
            .prepare_cached(
                "SELECT coalesce(max(number), 0) + 1 FROM exit_lists WHERE series = ?1",
            )?
            .query_row([&series], |r| r.get(0))?;
        let label = format!("{series}-L{number:04}");
        tx.prepare_cached(
            "INSERT INTO exit_lists (label, series, number, made_at, officer)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(rusqlite::params![label, series, number, at, officer])?;
        let mut insert = tx.prepare_cached(
            "INSERT INTO exit_list_cases (case_id, label, position, version)
             VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (position, case) in (1_i64..).zip(&cases) {
            insert.execute(rusqlite::params![case.id, label, position, case.version])?;
            let (seq, hash) = audit::append(
                &tx,
                &Entry {
                    at: &at,
                    officer: &officer,
                    action: "exit_list",
                    case_id: &case.id,
                    version: case.version,
                    record_sha256: &case.sha,
                    detail: Some(&label),
                },
            )?;
            mark_changed(&tx, case.no, &case.words, seq, &hash)?;
        }
        drop(insert);
        let job = ExitListJob {
            list: ExitList {
                label,
                made_at: at,
                officer,
                people: cases.len() as u32,
            },
            records: cases.into_iter().map(|c| c.record).collect(),
            mission,
            date: today,
            reprint: false,
        };
        let delivered = deliver_then_commit(tx, &job, deliver)?;
        if delivered.is_ok() {
            self.committed();
        }
        Ok(delivered.map(|t| (job.list, t)))
    }

    /// Prints list `label` again, as it was made (the versions it named), marked as a
    /// reprint; an audit entry of the counter's own, written only when delivery succeeds.
    /// Refused once any of its people has left this laptop (closed, held by headquarters and
    /// purged): the paper would no longer be the list that was sent.
    pub fn reprint_exit_list<T, E>(
        &mut self,
        label: &str,
        deliver: impl FnOnce(&ExitListJob) -> std::result::Result<T, E>,
    ) -> Result<std::result::Result<(ExitList, T), E>> {
        let label = label.trim().to_ascii_uppercase();
        let officer = self.officer.clone();
        let mission = self.printable_mission()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let list = tx
            .prepare_cached(&format!("{LIST_SELECT} WHERE x.label = ?1"))?
            .query_row([&label], exit_list)
            .optional()?
            .ok_or_else(|| StoreError::ExitListNotFound {
                label: label.clone(),
            })?;
        let records: Vec<Option<IntakeRecord>> = listed_records(&tx, &label)?;
        let purged = records.iter().filter(|r| r.is_none()).count();
        if purged > 0 {
            return Err(StoreError::ExitListPurged { label, purged });
        }
        audit::append_counter(&tx, &officer, counter::EXIT_LIST_REPRINT, Some(&label), "")?;
        let job = ExitListJob {
            date: local_date(&list.made_at).unwrap_or_else(|| chrono::Local::now().date_naive()),
            list,
            records: records.into_iter().flatten().collect(),
            mission,
            reprint: true,
        };
        let delivered = deliver_then_commit(tx, &job, deliver)?;
        if delivered.is_ok() {
            self.committed();
        }
        Ok(delivered.map(|t| (job.list, t)))
    }
}
