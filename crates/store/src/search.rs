//! Finding cases again: by name in any word order and spelling of accents, by NIK, passport
//! number or ticket; and the likely duplicates reported on every save.

use crate::cases::{summary, CaseSummary, SUMMARY_COLUMNS};
use crate::error::Result;
use crate::Store;
use loket_core::{names, Finding, IntakeRecord, Text};
use rusqlite::{Connection, Transaction};
use std::collections::{BTreeSet, HashMap, HashSet};

/// One stretch of a search's matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchPage {
    /// How many cases match (at most the cap asked for).
    pub total: usize,
    pub items: Vec<CaseSummary>,
}

/// The name words of `record` (full name and aliases), as the name index holds them.
pub(crate) fn words(record: &IntakeRecord) -> BTreeSet<String> {
    let p = &record.person;
    p.full_name
        .iter()
        .chain(p.aliases.iter().flatten())
        .flat_map(|n| names::words(n))
        .collect()
}

/// Brings the name words indexed for case `no` from `old` (its `cases.words`, absent for a new
/// case) to `new`; `changed` is the audit entry of this change, the recency searches rank by.
/// Only the words themselves are touched, by primary key.
pub(crate) fn index(
    tx: &Transaction,
    no: i64,
    old: Option<&str>,
    new: &BTreeSet<String>,
    changed: i64,
) -> Result<()> {
    let old: BTreeSet<&str> = old
        .map(|o| o.split(' ').filter(|w| !w.is_empty()).collect())
        .unwrap_or_default();
    let mut delete =
        tx.prepare_cached("DELETE FROM name_tokens WHERE token = ?1 AND case_no = ?2")?;
    for gone in old.iter().filter(|w| !new.contains(**w)) {
        delete.execute((gone, no))?;
    }
    let mut update =
        tx.prepare_cached("UPDATE name_tokens SET changed = ?3 WHERE token = ?1 AND case_no = ?2")?;
    let mut insert =
        tx.prepare_cached("INSERT INTO name_tokens (token, case_no, changed) VALUES (?1, ?2, ?3)")?;
    for word in new {
        if old.contains(word.as_str()) {
            update.execute((word, no, changed))?;
        } else {
            insert.execute((word, no, changed))?;
        }
    }
    Ok(())
}

/// Keeps the index's recency in step when a case changes without a new version.
pub(crate) fn touch(tx: &Transaction, no: i64, words: &str, changed: i64) -> Result<()> {
    let mut update =
        tx.prepare_cached("UPDATE name_tokens SET changed = ?3 WHERE token = ?1 AND case_no = ?2")?;
    for word in words.split(' ').filter(|w| !w.is_empty()) {
        update.execute((word, no, changed))?;
    }
    Ok(())
}

/// The smallest string greater than every string starting with `prefix`.
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

/// "Case ID (ticket)": how a duplicate warning names the other case.
fn describe(id: &str, ticket: &Option<String>) -> String {
    match ticket {
        Some(t) => format!("{id} ({t})"),
        None => id.to_string(),
    }
}

/// The other cases whose `column` (an indexed identifier) equals `value`, at most five.
fn same_identifier(
    conn: &Connection,
    column: &str,
    value: &str,
    case_id: &str,
) -> Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT id, ticket FROM cases WHERE {column} = ?1 AND id <> ?2 LIMIT 5"
    ))?;
    let rows = stmt.query_map((value, case_id), |r| {
        let id: String = r.get(0)?;
        let who = describe(&id, &r.get(1)?);
        Ok((id, who))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The three kinds of likely duplicate, each a warning at its own field.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Duplicate {
    Nik,
    Passport,
    NameAndBirthDate,
}

impl Duplicate {
    /// The warning naming the other case: `who` in Indonesian and in English.
    pub(crate) fn finding(self, who: (&str, &str)) -> Finding {
        let (id, en) = who;
        let (field, code, text) = match self {
            Duplicate::Nik => (
                "person.nik",
                "duplicate.nik",
                Text::new(
                    format!("Kemungkinan duplikat: NIK yang sama ada di kasus {id}"),
                    format!("Possible duplicate: case {en} has the same NIK"),
                ),
            ),
            Duplicate::Passport => (
                "passport.number",
                "duplicate.passport",
                Text::new(
                    format!("Kemungkinan duplikat: nomor paspor yang sama ada di kasus {id}"),
                    format!("Possible duplicate: case {en} has the same passport number"),
                ),
            ),
            Duplicate::NameAndBirthDate => (
                "person.full_name",
                "duplicate.name_dob",
                Text::new(
                    format!(
                        "Kemungkinan duplikat: nama mirip dan tanggal lahir sama di kasus {id}"
                    ),
                    format!(
                        "Possible duplicate: case {en} has a close name and the same date of birth"
                    ),
                ),
            ),
        };
        Finding::warning(field, code, text)
    }
}

/// The passport number of `record`, when one was typed.
pub(crate) fn passport_number(record: &IntakeRecord) -> Option<&str> {
    record
        .passport
        .as_ref()
        .and_then(|p| p.number.as_deref())
        .filter(|n| !n.is_empty())
}

/// Whether any of `ours` (a name and its aliases) is close to any of `theirs`.
pub(crate) fn names_close<'a>(ours: impl IntoIterator<Item = &'a str>, theirs: &[&str]) -> bool {
    ours.into_iter()
        .any(|n| theirs.iter().any(|t| names::close(n, t)))
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
    if let Some(nik) = p.nik.as_deref().filter(|n| !n.is_empty()) {
        for (id, who) in same_identifier(conn, "nik", nik, case_id)? {
            found.push(Duplicate::Nik.finding((&who, &who)).about(&id));
        }
    }
    if let Some(number) = passport_number(record) {
        for (id, who) in same_identifier(conn, "passport_number", number, case_id)? {
            found.push(Duplicate::Passport.finding((&who, &who)).about(&id));
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
            if names_close(ours, &[other_name.as_str()]) {
                let who = describe(&id, &ticket);
                found.push(Duplicate::NameAndBirthDate.finding((&who, &who)).about(&id));
            }
        }
    }
    Ok(found)
}

impl Store {
    /// Cases matching `query`: exactly the NIK, passport number or ticket first, then cases
    /// where every word is a prefix of a word of the name or an alias (in any order, accents
    /// and punctuation ignored), most recently changed first.
    pub fn search(&self, query: &str, limit: usize) -> Result<Vec<CaseSummary>> {
        Ok(self.search_page(query, 0, limit, limit)?.items)
    }

    /// One stretch of the matches of `query` (in the order of [`Store::search`]): `limit`
    /// cases from the `offset`-th, and how many matches there are, counting at most `cap`.
    /// Only the stretch is read from the cases table, so a long list costs no more than a
    /// short one.
    pub fn search_page(
        &self,
        query: &str,
        offset: usize,
        limit: usize,
        cap: usize,
    ) -> Result<SearchPage> {
        let q = query.trim();
        let mut nos: Vec<i64> = Vec::new();
        if !q.is_empty() && cap > 0 {
            // Three lookups, each on its own index.
            for sql in [
                "WHERE nik = ?1",
                "WHERE passport_number = upper(?1)",
                "WHERE ticket = ?1 COLLATE NOCASE",
            ] {
                let mut stmt = self
                    .conn
                    .prepare_cached(&format!("SELECT no FROM cases {sql} LIMIT ?2"))?;
                for no in stmt.query_map((q, cap as i64), |r| r.get::<_, i64>(0))? {
                    let no = no?;
                    if !nos.contains(&no) {
                        nos.push(no);
                    }
                }
            }
            let exact: HashSet<i64> = nos.iter().copied().collect();
            for no in self.name_matches(&names::words(q), cap)? {
                if !exact.contains(&no) {
                    nos.push(no);
                }
            }
            nos.truncate(cap);
        }
        let mut one = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM cases WHERE no = ?1"
        ))?;
        let items = nos
            .iter()
            .skip(offset)
            .take(limit)
            .map(|no| one.query_row([no], summary))
            .collect::<rusqlite::Result<_>>()?;
        Ok(SearchPage {
            total: nos.len(),
            items,
        })
    }

    /// The cases (by `no`) having a name word starting with each of `words`, most recently
    /// changed first. Reads only the name index: each word's range once, intersected in
    /// memory as integers (cheaper here than SQLite probing the other words case by case).
    fn name_matches(&self, words: &[String], limit: usize) -> Result<Vec<i64>> {
        let mut words: Vec<&String> = words.iter().collect::<BTreeSet<_>>().into_iter().collect();
        // The longest word first: it matches the fewest cases.
        words.sort_by_key(|w| std::cmp::Reverse(w.len()));
        let Some((first, rest)) = words.split_first() else {
            return Ok(Vec::new());
        };
        let range = |w: &str| (w.to_string(), prefix_end(w));
        let mut stmt = self.conn.prepare_cached(
            "SELECT case_no, changed FROM name_tokens WHERE token >= ?1 AND token < ?2",
        )?;
        let mut found: HashMap<i64, i64> = stmt
            .query_map(range(first), |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut nos = self
            .conn
            .prepare_cached("SELECT case_no FROM name_tokens WHERE token >= ?1 AND token < ?2")?;
        for word in rest {
            if found.is_empty() {
                break;
            }
            let mut keep: HashSet<i64> = HashSet::new();
            for no in nos.query_map(range(word), |r| r.get::<_, i64>(0))? {
                let no = no?;
                if found.contains_key(&no) {
                    keep.insert(no);
                }
            }
            found.retain(|no, _| keep.contains(no));
        }
        let mut ranked: Vec<(i64, i64)> = found.into_iter().collect();
        ranked.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.truncate(limit);
        Ok(ranked.into_iter().map(|(no, _)| no).collect())
    }

    /// The likely duplicates of `record` among the stored cases other than its own.
    pub fn duplicate_candidates(&self, record: &IntakeRecord) -> Result<Vec<Finding>> {
        let id = record.id.as_deref().unwrap_or("");
        let mut found = duplicates(&self.conn, record, id)?;
        found.extend(crate::mission_index::duplicates(&self.conn, record, id)?);
        Ok(found)
    }
}
