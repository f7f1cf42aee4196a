//! The case's photo (3×4 cm, for the SPLP request): kept in the encrypted store, never as a
//! file. A new photo replaces the old one for printing; the old one stays (nothing is lost).

use crate::audit::{self, Entry};
use crate::cases::{case_row, live, now, CaseRow};
use crate::error::{Result, StoreError};
use crate::Store;
use rusqlite::OptionalExtension;
use sha2::{Digest, Sha256};

impl Store {
    /// Attaches `jpeg` (already checked and normalised by the caller: `loket_pdf::Photo`) as
    /// case `id`'s photo; returns its SHA-256, which the audit entry records.
    pub fn attach_photo(&mut self, id: &str, jpeg: &[u8]) -> Result<String> {
        let officer = &self.officer.clone();
        let sha = hex::encode(Sha256::digest(jpeg));
        let at = now();
        let tx = self.conn.transaction()?;
        let row =
            case_row(&tx, id)?.ok_or_else(|| StoreError::CaseNotFound { id: id.to_string() })?;
        let CaseRow {
            no, version, words, ..
        } = live(id, row)?;
        tx.prepare_cached(
            "INSERT INTO photos (case_id, jpeg, sha256, added_at, officer)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(rusqlite::params![id, jpeg, sha, at, officer])?;
        let (seq, hash) = audit::append(
            &tx,
            &Entry {
                at: &at,
                officer,
                action: "photo",
                case_id: id,
                version,
                record_sha256: &sha,
                detail: None,
            },
        )?;
        crate::cases::mark_changed(&tx, no, &words, seq, &hash)?;
        tx.commit()?;
        self.committed();
        Ok(sha)
    }

    /// Case `id`'s photo (the latest attached), if it has one.
    pub fn photo(&self, id: &str) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .prepare_cached("SELECT jpeg FROM photos WHERE case_id = ?1 ORDER BY seq DESC LIMIT 1")?
            .query_row([id], |r| r.get(0))
            .optional()?)
    }
}
