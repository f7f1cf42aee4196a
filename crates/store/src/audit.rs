//! The append-only audit log: who did what to which case version, and what was done at the
//! counter itself (logins, batches, receipts), as ids and hashes only.
//!
//! Each entry's hash covers the previous entry's hash, so editing, inserting or deleting an
//! entry breaks the chain. The head is kept too, without a row of its own on the save path:
//! every change rewrites its case's row anyway, and that row names the change's entry
//! (`changed`, its seq, and `changed_hash`, its hash); the counter's own entries, which are
//! rare, name their last one in `meta`. Every case and the counter must find their entries,
//! the newest of them the last entry, and every case version must have its entry, so removing
//! the newest entries (or rewriting them with fresh hashes) is caught too.

use crate::error::Result;
use crate::Store;
use rusqlite::{Connection, OptionalExtension, Transaction};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The `meta` key naming the counter's last entry of its own: `"<seq> <hash>"`.
const COUNTER_HEAD: &str = "audit_counter_head";

/// What the counter's own entries (about no case) record, each with its detail.
pub mod counter {
    /// A login was added; the detail is its name.
    pub const OFFICER_ADD: &str = "officer_add";
    /// A login was removed; the detail is its name.
    pub const OFFICER_REMOVE: &str = "officer_remove";
    /// The acting officer changed their own passphrase.
    pub const PASSPHRASE: &str = "passphrase";
    /// The mission's code was changed (it begins every new serial); the detail is the new one.
    pub const MISSION: &str = "mission";
    /// The mission's name, address or city, printed on every request, was changed.
    pub const MISSION_DETAILS: &str = "mission_details";
    /// Headquarters' public key was pinned or replaced; the hash is the key's text.
    pub const HQ_KEY: &str = "hq_key";
    /// A batch was sealed; the detail is its number, the hash its manifest's.
    pub const SEAL: &str = "seal";
    /// A batch file was written to a folder (a USB stick); the detail is its number, the
    /// hash the file's.
    pub const EXPORT: &str = "export";
    /// A receipt from headquarters acknowledged something new; the detail lists the batches
    /// it confirmed, the hash is the receipt's.
    pub const RECEIPT: &str = "receipt";
    /// An exit-permit list was printed again; the detail is its number, no hash.
    pub const EXIT_LIST_REPRINT: &str = "exit_list_reprint";
}

/// What an entry records.
pub(crate) struct Entry<'a> {
    pub at: &'a str,
    pub officer: &'a str,
    /// `save`, `finalize`, `close`, `photo`, `purge`, `print`, `reprint`, `void` (of a
    /// request) or `exit_list` (listed on an exit-permit list); for the counter's own
    /// entries, one of [`counter`].
    pub action: &'a str,
    /// Empty for the counter's own entries.
    pub case_id: &'a str,
    pub version: u32,
    /// The record's hash (the photo's, for `photo`; see [`counter`] for the others).
    pub record_sha256: &'a str,
    /// An id the action concerns: a request's serial number, a batch's number, an officer's
    /// login. Never free text.
    pub detail: Option<&'a str>,
}

/// The result of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditCheck {
    Intact {
        entries: u64,
    },
    /// `seq` names the first entry found broken, when the fault is at an entry.
    Broken {
        seq: Option<i64>,
        why: String,
    },
}

fn entry_hash(prev: &str, seq: i64, e: &Entry) -> String {
    // A JSON array is an unambiguous encoding of the fields. The detail joins it only when
    // there is one, so entries written before it existed keep their hashes.
    let mut canonical = serde_json::json!([
        prev,
        seq,
        e.at,
        e.officer,
        e.action,
        e.case_id,
        e.version,
        e.record_sha256
    ]);
    if let (Some(detail), Some(fields)) = (e.detail, canonical.as_array_mut()) {
        fields.push(detail.into());
    }
    hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
}

/// Appends one entry in the caller's transaction; returns its sequence number and hash, which
/// the caller writes into the case's row (the chain head).
pub(crate) fn append(tx: &Transaction, e: &Entry) -> Result<(i64, String)> {
    let (last_seq, prev): (i64, String) = tx
        .prepare_cached("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .unwrap_or((0, GENESIS.to_string()));
    let seq = last_seq + 1;
    let hash = entry_hash(&prev, seq, e);
    tx.prepare_cached(
        "INSERT INTO audit (seq, at, officer, action, case_id, version, record_sha256, prev_hash,
                            hash, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(rusqlite::params![
        seq,
        e.at,
        e.officer,
        e.action,
        e.case_id,
        e.version,
        e.record_sha256,
        prev,
        hash,
        e.detail
    ])?;
    Ok((seq, hash))
}

/// Appends an entry about the counter itself (no case) in the caller's transaction, and
/// makes it the counter's head.
pub(crate) fn append_counter(
    tx: &Transaction,
    officer: &str,
    action: &str,
    detail: Option<&str>,
    sha256: &str,
) -> Result<()> {
    let at = crate::cases::now();
    let (seq, hash) = append(
        tx,
        &Entry {
            at: &at,
            officer,
            action,
            case_id: "",
            version: 0,
            record_sha256: sha256,
            detail,
        },
    )?;
    crate::meta::put(tx, COUNTER_HEAD, format!("{seq} {hash}").as_bytes())
}

/// Who an anchored entry belongs to, for a message: a case, or the counter (`""`).
fn owner(case_id: &str) -> String {
    if case_id.is_empty() {
        "the counter itself".into()
    } else {
        format!("case {case_id}")
    }
}

fn verify(conn: &Connection) -> Result<AuditCheck> {
    let broken = |seq: Option<i64>, why: String| Ok(AuditCheck::Broken { seq, why });
    // The entry each case names as its last change, and the counter's last entry of its own:
    // seq -> (case, or "" for the counter, hash).
    let mut heads: HashMap<i64, (String, String)> = HashMap::new();
    let mut newest = 0i64;
    let mut stmt = conn.prepare("SELECT changed, id, changed_hash FROM cases")?;
    for row in stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))? {
        let (seq, head): (i64, (String, String)) = row?;
        newest = newest.max(seq);
        heads.insert(seq, head);
    }
    if let Some(value) = crate::meta::get(conn, COUNTER_HEAD)? {
        let text = String::from_utf8_lossy(&value);
        let Some((seq, hash)) = text
            .split_once(' ')
            .and_then(|(seq, hash)| Some((seq.parse::<i64>().ok()?, hash)))
        else {
            return broken(None, "the counter's last entry is named unreadably".into());
        };
        newest = newest.max(seq);
        heads.insert(seq, (String::new(), hash.to_string()));
    }
    let mut stmt = conn.prepare(
        "SELECT seq, at, officer, action, case_id, version, record_sha256, prev_hash, hash,
                detail
         FROM audit ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_seq = 1i64;
    let mut prev = GENESIS.to_string();
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let (at, officer, action, case_id): (String, String, String, String) =
            (r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
        let version: u32 = r.get(5)?;
        let (record_sha256, prev_hash, hash): (String, String, String) =
            (r.get(6)?, r.get(7)?, r.get(8)?);
        let detail: Option<String> = r.get(9)?;
        if seq != expected_seq {
            return broken(
                Some(seq),
                format!("entry {expected_seq} is missing (the next entry is {seq})"),
            );
        }
        if prev_hash != prev {
            return broken(
                Some(seq),
                "it does not follow the entry before it (an entry was removed or inserted)".into(),
            );
        }
        let entry = Entry {
            at: &at,
            officer: &officer,
            action: &action,
            case_id: &case_id,
            version,
            record_sha256: &record_sha256,
            detail: detail.as_deref(),
        };
        if entry_hash(&prev, seq, &entry) != hash {
            return broken(
                Some(seq),
                "its content was changed after it was written".into(),
            );
        }
        if let Some((head_case, head_hash)) = heads.remove(&seq) {
            if head_case != case_id || head_hash != hash {
                return broken(
                    Some(seq),
                    format!(
                        "it is not the entry {} was last changed by",
                        owner(&head_case)
                    ),
                );
            }
        }
        prev = hash;
        expected_seq += 1;
    }
    let entries = (expected_seq - 1) as u64;
    if newest > expected_seq - 1 {
        return broken(
            None,
            format!("the log ends at entry {entries} but was last written at entry {newest}"),
        );
    }
    if let Some((seq, (case_id, _))) = heads.into_iter().min_by_key(|(seq, _)| *seq) {
        return broken(
            None,
            format!(
                "{} was last changed by entry {seq}, which is not in the log",
                owner(&case_id)
            ),
        );
    }
    // Every version has the entry that made it (a save, or a closing), with the hash of the
    // record as stored; a version without its record belongs to a case the log says was
    // purged.
    let mut logged: HashSet<(String, u32, String)> = HashSet::new();
    let mut stmt = conn.prepare(
        "SELECT case_id, version, record_sha256 FROM audit WHERE action IN ('save', 'close')",
    )?;
    for row in stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))? {
        logged.insert(row?);
    }
    let purged: HashSet<String> = conn
        .prepare("SELECT case_id FROM audit WHERE action = 'purge'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt =
        conn.prepare("SELECT case_id, version, record, record_sha256 FROM case_versions")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (case_id, version): (String, u32) = (r.get(0)?, r.get(1)?);
        let (record, sha): (String, String) = (r.get(2)?, r.get(3)?);
        if record.is_empty() && !purged.contains(&case_id) {
            return broken(
                None,
                format!("case {case_id} version {version} lost its record without a purge"),
            );
        }
        if !record.is_empty() && hex::encode(Sha256::digest(record.as_bytes())) != sha {
            return broken(
                None,
                format!("case {case_id} version {version} was changed after it was saved"),
            );
        }
        if !logged.contains(&(case_id.clone(), version, sha)) {
            return broken(
                None,
                format!("the save of case {case_id} version {version} has no audit entry"),
            );
        }
    }
    Ok(AuditCheck::Intact { entries })
}

/// One entry of the log, as a case's history and the counter's log show it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: String,
    pub officer: String,
    pub action: String,
    pub version: u32,
    pub record_sha256: String,
    /// The request serial a print, reprint or void concerns; for the counter's own entries,
    /// the batch number or officer's login.
    pub detail: Option<String>,
    pub hash: String,
}

/// An [`AuditEntry`] from `seq, at, officer, action, version, record_sha256, hash, detail`.
fn audit_entry(r: &rusqlite::Row) -> rusqlite::Result<AuditEntry> {
    Ok(AuditEntry {
        seq: r.get(0)?,
        at: r.get(1)?,
        officer: r.get(2)?,
        action: r.get(3)?,
        version: r.get(4)?,
        record_sha256: r.get(5)?,
        hash: r.get(6)?,
        detail: r.get(7)?,
    })
}

impl Store {
    /// The entries about case `id`, oldest first.
    pub fn audit_of(&self, id: &str) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, at, officer, action, version, record_sha256, hash, detail
             FROM audit WHERE case_id = ?1 ORDER BY seq",
        )?;
        let rows = stmt.query_map([id], audit_entry)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The counter's own entries (logins, batches, receipts), newest first, at most `limit`.
    pub fn counter_log(&self, limit: u32) -> Result<Vec<AuditEntry>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, at, officer, action, version, record_sha256, hash, detail
             FROM audit WHERE case_id = '' ORDER BY seq DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], audit_entry)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Walks the whole audit chain and checks it against the case versions.
    pub fn verify_audit(&self) -> Result<AuditCheck> {
        verify(&self.conn)
    }
}
