//! Purge: once headquarters holds a case's closing version, the counter's copy of the person
//! goes (UU 27/2022: personal data is deleted once its purpose is met; at the counter it is
//! met when the case is closed and headquarters has it).
//!
//! What goes: every version's record and reason, the name, birth date, NIK, passport number
//! and ticket on the case's row, its name words, its photos and its requests' QR text. What
//! stays is what proves what happened, as ids and hashes: the case id, its versions' numbers,
//! times, officers and record hashes, the audit chain (with a `purge` entry), and the request
//! serials with their prints and voids. SQLite's `secure_delete` overwrites the freed bytes.
//! (A batch's bytes go once headquarters acknowledges it: `Store::apply_receipt`.)

use std::collections::BTreeSet;

use rusqlite::Transaction;

use crate::audit::{self, Entry};
use crate::cases::vid;
use crate::error::Result;
use crate::search;

/// The officer an automatic purge is recorded under: no person asked for it.
pub const PURGE_OFFICER: &str = "loket";

/// Purges every closed case whose closing version headquarters has acknowledged and which is
/// not purged yet, in the caller's transaction; returns how many.
pub(crate) fn acknowledged_closed(tx: &Transaction, at: &str) -> Result<u64> {
    let due: Vec<(i64, String, u32, String, String)> = tx
        .prepare_cached(
            "SELECT c.no, c.id, c.version, c.words, c.record_sha256 FROM cases c
             JOIN acknowledged a
               ON a.case_id = c.id AND a.version = c.version AND a.record_sha256 = c.record_sha256
             WHERE c.status = 'closed' AND c.purged_at IS NULL",
        )?
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    if due.is_empty() {
        return Ok(0);
    }
    // Only here: it zeroes every page a delete frees, which a dropped batch does not need.
    tx.pragma_update(None, "secure_delete", true)?;
    let purged = purge(tx, &due, at);
    tx.pragma_update(None, "secure_delete", false)?;
    purged
}

fn purge(tx: &Transaction, due: &[(i64, String, u32, String, String)], at: &str) -> Result<u64> {
    for (no, id, version, words, sha) in due {
        let (seq, hash) = audit::append(
            tx,
            &Entry {
                at,
                officer: PURGE_OFFICER,
                action: "purge",
                case_id: id,
                version: *version,
                record_sha256: sha,
                detail: None,
            },
        )?;
        tx.prepare_cached(
            "UPDATE case_versions SET record = '', reason = NULL WHERE vid >= ?1 AND vid < ?2",
        )?
        .execute([vid(*no, 0), vid(*no + 1, 0)])?;
        search::index(tx, *no, Some(words), &BTreeSet::new(), seq)?;
        tx.prepare_cached("DELETE FROM photos WHERE case_id = ?1")?
            .execute([id])?;
        tx.prepare_cached("UPDATE requests SET payload = '' WHERE case_id = ?1")?
            .execute([id])?;
        tx.prepare_cached(
            "UPDATE cases SET ticket = NULL, full_name = '', date_of_birth = NULL, nik = NULL,
                 passport_number = NULL, words = '', purged_at = ?2, changed = ?3,
                 changed_hash = ?4
             WHERE no = ?1",
        )?
        .execute(rusqlite::params![no, at, seq, hash])?;
    }
    Ok(due.len() as u64)
}
