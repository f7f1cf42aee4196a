//! Finding cases again: by name in any word order and spelling of accents, by NIK, passport
//! number or ticket; and the likely duplicates reported on every save.

use crate::cases::{summary, CaseSummary, SUMMARY_COLUMNS};
use crate::error::Result;
use crate::Store;
use loket_core::{names, Finding, IntakeRecord, Text};
use rusqlite::{Connection, Transaction};
use std::collections::BTreeSet;

/// Replaces the name words indexed for `case_id` (full name and aliases).
pub(crate) fn index(tx: &Transaction, case_id: &str, record: &IntakeRecord) -> Result<()> {
    tx.execute("DELETE FROM name_tokens WHERE case_id = ?1", [case_id])?;
    let p = &record.person;
    let tokens: BTreeSet<String> = p
        .full_name
        .iter()
        .chain(p.aliases.iter().flatten())
        .flat_map(|n| names::words(n))
        .collect();
    let mut insert =
        tx.prepare_cached("INSERT INTO name_tokens (token, case_id) VALUES (?1, ?2)")?;
    for token in tokens {
        insert.execute((token, case_id))?;
    }
    Ok(())
}

/// The smallest string greater than every string starting with `prefix`.
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// Likely duplicates of `record` among the other cases: the same NIK, the same passport
/// number, or a close name with the same birth date. Each is a warning naming the other case.
pub(crate) fn duplicates(
    conn: &Connection,
    record: &IntakeRecord,
    case_id: &str,
) -> Result<Vec<Finding>> {
    let p = &record.person;
    let mut found = Vec::new();
    let other = |r: &rusqlite::Row| -> rusqlite::Result<(String, Option<String>)> {
        Ok((r.get(0)?, r.get(1)?))
    };
    let describe = |id: &str, ticket: &Option<String>| match ticket {
        Some(t) => format!("{id} ({t})"),
        None => id.to_string(),
    };
    if let Some(nik) = p.nik.as_deref().filter(|n| !n.is_empty()) {
        let mut stmt = conn
            .prepare_cached("SELECT id, ticket FROM cases WHERE nik = ?1 AND id <> ?2 LIMIT 5")?;
        for row in stmt.query_map((nik, case_id), other)? {
            let (id, ticket) = row?;
            let who = describe(&id, &ticket);
            found.push(Finding::warning(
                "person.nik",
                "duplicate.nik",
                Text::new(
                    format!("Kemungkinan duplikat: NIK yang sama ada di kasus {who}"),
                    format!("Possible duplicate: case {who} has the same NIK"),
                ),
            ));
        }
    }
    let passport = record
        .passport
        .as_ref()
        .and_then(|p| p.number.as_deref())
        .filter(|n| !n.is_empty());
    if let Some(number) = passport {
        let mut stmt = conn.prepare_cached(
            "SELECT id, ticket FROM cases WHERE passport_number = ?1 AND id <> ?2 LIMIT 5",
        )?;
        for row in stmt.query_map((number, case_id), other)? {
            let (id, ticket) = row?;
            let who = describe(&id, &ticket);
            found.push(Finding::warning(
                "passport.number",
                "duplicate.passport",
                Text::new(
                    format!("Kemungkinan duplikat: nomor paspor yang sama ada di kasus {who}"),
                    format!("Possible duplicate: case {who} has the same passport number"),
                ),
            ));
        }
    }
    if let (Some(dob), Some(name)) = (p.date_of_birth.as_deref(), p.full_name.as_deref()) {
        let mut stmt = conn.prepare_cached(
            "SELECT id, ticket, full_name FROM cases WHERE date_of_birth = ?1 AND id <> ?2",
        )?;
        let rows = stmt.query_map((dob, case_id), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?))
        })?;
        for row in rows {
            let (id, ticket, other_name): (String, Option<String>, String) = row?;
            let ours = std::iter::once(name).chain(p.aliases.iter().flatten().map(String::as_str));
            if ours.into_iter().any(|n| names::close(n, &other_name)) {
                let who = describe(&id, &ticket);
                found.push(Finding::warning(
                    "person.full_name",
                    "duplicate.name_dob",
                    Text::new(
                        format!("Kemungkinan duplikat: nama mirip dan tanggal lahir sama di kasus {who}"),
                        format!("Possible duplicate: case {who} has a close name and the same date of birth"),
                    ),
                ));
            }
        }
    }
    Ok(found)
}

impl Store {
    /// Cases matching `query`: every word a prefix of a word of the name or an alias (in any
    /// order, accents and punctuation ignored), or exactly the NIK, passport number or ticket.
    /// Most recently changed first.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<CaseSummary>> {
        let q = query.trim();
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let mut out: Vec<CaseSummary> = Vec::new();
        let mut exact = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM cases
             WHERE nik = ?1 OR passport_number = upper(?1) OR ticket = ?1 COLLATE NOCASE
             ORDER BY updated_at DESC LIMIT ?2"
        ))?;
        for row in exact.query_map((q, limit as i64), summary)? {
            out.push(row?);
        }
        let words = names::words(q);
        if !words.is_empty() && out.len() < limit {
            let clauses = vec![
                "id IN (SELECT case_id FROM name_tokens WHERE token >= ? AND token < ?)";
                words.len()
            ];
            let sql = format!(
                "SELECT {SUMMARY_COLUMNS} FROM cases WHERE {} ORDER BY updated_at DESC LIMIT ?",
                clauses.join(" AND ")
            );
            let mut params: Vec<rusqlite::types::Value> = Vec::new();
            for w in &words {
                params.push(w.clone().into());
                params.push(prefix_end(w).into());
            }
            params.push((limit as i64).into());
            let mut stmt = self.conn.prepare_cached(&sql)?;
            for row in stmt.query_map(rusqlite::params_from_iter(params), summary)? {
                let row = row?;
                if out.len() < limit && !out.iter().any(|c| c.id == row.id) {
                    out.push(row);
                }
            }
        }
        Ok(out)
    }

    /// The likely duplicates of `record` among the stored cases other than its own.
    pub fn duplicate_candidates(&self, record: &IntakeRecord) -> Result<Vec<Finding>> {
        duplicates(&self.conn, record, record.id.as_deref().unwrap_or(""))
    }
}
