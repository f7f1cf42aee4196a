//! Headquarters' public key, pinned on the counter: batches are encrypted to it and its
//! receipts are checked against it. Changing it is deliberate (`replace`), never silent: a
//! swapped key would send every case to someone else.

use crate::audit::{self, counter};
use crate::error::{Result, StoreError};
use crate::Store;
use loket_batch::HqPublic;

impl Store {
    /// Headquarters' key, once pinned.
    pub fn hq_key(&self) -> Result<Option<HqPublic>> {
        let text = crate::meta::get(&self.conn, "hq_key")?;
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
        crate::meta::put(&tx, "hq_key", text.as_bytes())?;
        let sha256 = loket_batch::sha256_hex(text.as_bytes());
        audit::append_counter(&tx, &self.officer, counter::HQ_KEY, None, &sha256)?;
        tx.commit()?;
        self.committed();
        Ok(())
    }
}
