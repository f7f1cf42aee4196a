//! The mission's case index, as headquarters sends it after a sync: the cases every counter
//! of the mission registered, with headquarters' status updates (of this counter's own
//! cases, only those). It lets counter 2 warn about a person counter 1 registered
//! yesterday, and find them.

use std::collections::BTreeSet;

use loket_batch::wire::{IndexEntry, IndexPage};
use loket_core::{names, Finding, IntakeRecord};

use crate::search::{names_close, passport_number, Duplicate};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use serde::Serialize;

use crate::error::Result;
use crate::Store;

/// A case of the mission held by another counter, as search shows it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissionCase {
    pub id: String,
    /// The counter that registered it.
    pub device_id: String,
    pub full_name: String,
    pub date_of_birth: Option<String>,
    pub ticket: Option<String>,
    /// The counter's status of the version headquarters holds.
    pub status: String,
    pub version: u64,
    /// Headquarters' latest update: `splp_issued` or `departed`.
    pub hq_status: Option<String>,
}

/// Headquarters' latest status update of a case.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HqStatus {
    pub status: String,
    pub at: Option<String>,
}

/// What applying an index page did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct IndexApplied {
    /// Entries for cases not in the index before.
    pub new: u64,
    /// Entries that replaced an older one.
    pub updated: u64,
    /// The cursor now stored.
    pub cursor: u64,
}

/// The name words of an entry (full name and aliases), as the index holds them.
fn entry_words(e: &IndexEntry) -> BTreeSet<String> {
    e.full_name
        .iter()
        .chain(e.aliases.iter())
        .flat_map(|n| names::words(n))
        .collect()
}

fn mission_case(r: &rusqlite::Row) -> rusqlite::Result<MissionCase> {
    Ok(MissionCase {
        id: r.get(0)?,
        device_id: r.get(1)?,
        full_name: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
        date_of_birth: r.get(3)?,
        ticket: r.get(4)?,
        status: r.get(5)?,
        version: r.get::<_, i64>(6)?.max(0) as u64,
        hq_status: r.get(7)?,
    })
}

/// The index also lists this counter's own cases (for headquarters' status updates); the
/// local checks cover those, so the mission's checks leave them out.
const NOT_HELD_HERE: &str = "NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = mission_cases.case_id)";

const MISSION_COLUMNS: &str =
    "case_id, device_id, full_name, date_of_birth, ticket, status, version, hq_status";

/// "Case ID (ticket) at counter DEVICE": how a warning names a case of another counter.
fn describe(id: &str, ticket: &Option<String>, device: &str) -> (String, String) {
    let case = match ticket {
        Some(t) => format!("{id} ({t})"),
        None => id.to_owned(),
    };
    (
        format!("{case} di loket {device}"),
        format!("{case} at counter {device}"),
    )
}

/// Likely duplicates of `record` among the mission's cases this counter does not hold itself:
/// the same NIK, the same passport number, or a close name with the same birth date.
pub(crate) fn duplicates(
    conn: &Connection,
    record: &IntakeRecord,
    case_id: &str,
) -> Result<Vec<Finding>> {
    let p = &record.person;
    let mut found = Vec::new();
    let same = |column: &str, value: &str| -> Result<Vec<(String, Option<String>, String)>> {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT case_id, ticket, device_id FROM mission_cases
             WHERE {column} = ?1 AND case_id <> ?2 AND {NOT_HELD_HERE} LIMIT 5"
        ))?;
        let rows = stmt.query_map((value, case_id), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    let mut warn = |kind: Duplicate, id: &str, ticket: &Option<String>, device: &str| {
        let (id_who, en_who) = describe(id, ticket, device);
        found.push(kind.finding((&id_who, &en_who)));
    };
    if let Some(nik) = p.nik.as_deref().filter(|n| !n.is_empty()) {
        for (id, ticket, device) in same("nik", nik)? {
            warn(Duplicate::Nik, &id, &ticket, &device);
        }
    }
    if let Some(number) = passport_number(record) {
        for (id, ticket, device) in same("passport_number", number)? {
            warn(Duplicate::Passport, &id, &ticket, &device);
        }
    }
    if let (Some(dob), Some(name)) = (p.date_of_birth.as_deref(), p.full_name.as_deref()) {
        let mut stmt = conn.prepare_cached(&format!(
            "SELECT case_id, ticket, device_id, full_name, aliases FROM mission_cases
             WHERE date_of_birth = ?1 AND case_id <> ?2 AND {NOT_HELD_HERE}"
        ))?;
        let rows = stmt.query_map((dob, case_id), |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
            ))
        })?;
        for row in rows {
            let (id, ticket, device, other_name, aliases) = row?;
            let aliases: Vec<String> = serde_json::from_str(&aliases).unwrap_or_default();
            let theirs: Vec<&str> = other_name
                .iter()
                .map(String::as_str)
                .chain(aliases.iter().map(String::as_str))
                .collect();
            let ours = std::iter::once(name).chain(p.aliases.iter().flatten().map(String::as_str));
            if names_close(ours, &theirs) {
                warn(Duplicate::NameAndBirthDate, &id, &ticket, &device);
            }
        }
    }
    Ok(found)
}

impl Store {
    /// Stores one page of the mission index and moves the cursor to `page.next`, in one
    /// transaction: an interrupted sync resumes where the last stored page ended.
    ///
    /// An entry for one of this counter's own cases, or for a closed case, keeps
    /// headquarters' status and no personal data: the counter has its own people already, or
    /// purged them and must not get them back, and a closed case's purpose at the counters is
    /// met (its registering counter purges it too). Closing an entry held overwrites the
    /// person's freed bytes, as a purge does.
    pub fn apply_index_page(&mut self, page: &IndexPage) -> Result<IndexApplied> {
        let cursor = page.next.max(self.index_cursor()?);
        let ours = self.device_id()?;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (mut new, mut updated) = (0, 0);
        let closing = page.entries.iter().any(|e| e.status == IndexEntry::CLOSED);
        if closing {
            tx.pragma_update(None, "secure_delete", true)?;
        }
        {
            let mut old_words =
                tx.prepare_cached("SELECT words, seq FROM mission_cases WHERE case_id = ?1")?;
            // Not one `INSERT … ON CONFLICT DO UPDATE`, which SQLite runs several times slower
            // than a plain INSERT on a table with foreign keys (docs/benchmarks.md).
            let mut insert = tx.prepare_cached(
                "INSERT INTO mission_cases (case_id, device_id, version, status, ticket,
                     full_name, aliases, date_of_birth, nik, passport_number, hq_status,
                     hq_status_at, seq, words)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
            )?;
            let mut update = tx.prepare_cached(
                "UPDATE mission_cases SET device_id = ?2, version = ?3, status = ?4, ticket = ?5,
                     full_name = ?6, aliases = ?7, date_of_birth = ?8, nik = ?9,
                     passport_number = ?10, hq_status = ?11, hq_status_at = ?12, seq = ?13,
                     words = ?14
                 WHERE case_id = ?1",
            )?;
            let mut forget =
                tx.prepare_cached("DELETE FROM mission_tokens WHERE token = ?1 AND case_id = ?2")?;
            let mut learn = tx.prepare_cached(
                "INSERT OR IGNORE INTO mission_tokens (token, case_id) VALUES (?1, ?2)",
            )?;
            for e in &page.entries {
                let stripped;
                let e = if e.person_kept_by(&ours) {
                    e
                } else {
                    stripped = e.without_person();
                    &stripped
                };
                let old: Option<(String, i64)> = old_words
                    .query_row([&e.case_id], |r| Ok((r.get(0)?, r.get(1)?)))
                    .optional()?;
                // An entry older than the one held (a page replayed out of order) is skipped.
                if old.as_ref().is_some_and(|(_, seq)| *seq as u64 > e.seq) {
                    continue;
                }
                let words = entry_words(e);
                let joined = words.iter().cloned().collect::<Vec<_>>().join(" ");
                match &old {
                    Some((old, _)) => {
                        updated += 1;
                        for gone in old.split(' ').filter(|w| !w.is_empty()) {
                            if !words.contains(gone) {
                                forget.execute((gone, &e.case_id))?;
                            }
                        }
                    }
                    None => new += 1,
                }
                let write = if old.is_some() {
                    &mut update
                } else {
                    &mut insert
                };
                write.execute(rusqlite::params![
                    e.case_id,
                    e.device_id,
                    e.version as i64,
                    e.status,
                    e.ticket,
                    e.full_name,
                    serde_json::to_string(&e.aliases).unwrap_or_else(|_| "[]".into()),
                    e.date_of_birth,
                    e.nik,
                    e.passport_number.as_deref().map(str::to_ascii_uppercase),
                    e.hq_status,
                    e.hq_status_at,
                    e.seq as i64,
                    joined,
                ])?;
                for word in &words {
                    learn.execute((word, &e.case_id))?;
                }
            }
        }
        if closing {
            tx.pragma_update(None, "secure_delete", false)?;
        }
        Store::set_index_cursor(&tx, cursor)?;
        tx.commit()?;
        Ok(IndexApplied {
            new,
            updated,
            cursor,
        })
    }

    /// The mission's cases this counter does not hold itself that match `query`: exactly by
    /// NIK, passport number or ticket, else every word a prefix of a name word (any order).
    pub fn search_mission(&self, query: &str, limit: usize) -> Result<Vec<MissionCase>> {
        let q = query.trim();
        if q.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {MISSION_COLUMNS} FROM mission_cases
             WHERE (nik = ?1 OR passport_number = upper(?1) OR ticket = ?1 COLLATE NOCASE)
               AND {NOT_HELD_HERE}
             ORDER BY seq DESC LIMIT ?2"
        ))?;
        let mut found: Vec<MissionCase> = stmt
            .query_map((q, limit as i64), mission_case)?
            .collect::<rusqlite::Result<_>>()?;
        let words: BTreeSet<String> = names::words(q).into_iter().collect();
        if found.len() < limit && !words.is_empty() {
            // Each word's prefix range once; a case matches when it has every word.
            let mut clauses = Vec::new();
            let mut params: Vec<String> = Vec::new();
            for w in &words {
                clauses.push(format!(
                    "case_id IN (SELECT case_id FROM mission_tokens
                                 WHERE token >= ?{} AND token < ?{})",
                    params.len() + 1,
                    params.len() + 2
                ));
                params.push(w.clone());
                params.push(format!("{w}\u{10FFFF}"));
            }
            let sql = format!(
                "SELECT {MISSION_COLUMNS} FROM mission_cases WHERE {NOT_HELD_HERE} AND {}
                 ORDER BY seq DESC LIMIT {limit}",
                clauses.join(" AND "),
            );
            let mut stmt = self.conn.prepare(&sql)?;
            for case in stmt.query_map(rusqlite::params_from_iter(params.iter()), mission_case)? {
                let case = case?;
                if found.len() < limit && !found.iter().any(|f| f.id == case.id) {
                    found.push(case);
                }
            }
        }
        Ok(found)
    }

    /// How many cases of the mission the index holds (every counter's, this one's included).
    pub fn mission_case_count(&self) -> Result<u64> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM mission_cases", [], |r| {
                r.get::<_, i64>(0)
            })?
            .max(0) as u64)
    }

    /// Headquarters' latest status update of case `id`, if the index has one.
    pub fn hq_status(&self, id: &str) -> Result<Option<HqStatus>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT hq_status, hq_status_at FROM mission_cases
                 WHERE case_id = ?1 AND hq_status IS NOT NULL",
            )?
            .query_row([id], |r| {
                Ok(HqStatus {
                    status: r.get(0)?,
                    at: r.get(1)?,
                })
            })
            .optional()?)
    }
}
