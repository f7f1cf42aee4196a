//! Headquarters' public key, pinned on the counter: batches are encrypted to it and its
//! receipts are checked against it. Changing it is deliberate (`replace`), never silent: a
//! swapped key would send every case to someone else.

use crate::audit::{self, counter};
use crate::error::{Result, StoreError};
use crate::Store;
use loket_batch::HqPublic;
use rusqlite::OptionalExtension;

impl Store {
    /// Headquarters' key, once pinned.
    pub fn hq_key(&self) -> Result<Option<HqPublic>> {
        let text: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT value FROM meta WHERE key = 'hq_key'")?
            .query_row([], |r| r.get(0))
            .optional()?;
        text.map(|t| {
            HqPublic::from_json(&String::from_utf8_lossy(&t)).map_err(|_| StoreError::Corrupt)
        })
        .transpose()
    }

    /// Pins headquarters' key. Pinning the same key again changes nothing; a different one
    /// is refused unless `replace` says the ministry really changed it. Either is an entry in
    /// the audit log, with the hash of the key's text.
    pub fn pin_hq_key(&mut self, key: &HqPublic, replace: bool) -> Result<()> {
        match self.hq_key()? {
            Some(pinned) if pinned == *key => return Ok(()),
            Some(_) if !replace => return Err(StoreError::HqKeyPinned),
            _ => {}
        }
        let text = key.to_json();
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO meta (key, value) VALUES ('hq_key', ?1)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [text.as_bytes()],
        )?;
        let sha256 = loket_batch::sha256_hex(text.as_bytes());
        audit::append_counter(&tx, &self.officer, counter::HQ_KEY, None, &sha256)?;
        tx.commit()?;
        self.committed();
        Ok(())
    }
}
