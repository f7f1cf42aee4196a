//! The counter's officers: each logs in with their own name and passphrase (see `keyring`).
//!
//! Adding or removing an officer, or changing a passphrase, asks again for the passphrase of
//! the officer who has the store open, so a laptop left unlocked at the counter does not let
//! a passer-by give themselves a login; each is an entry in the audit log.

use crate::audit::{self, counter};
use crate::error::{Result, StoreError};
use crate::{keyring, Store};
use rusqlite::{Transaction, TransactionBehavior};

impl Store {
    /// The officer who unlocked the store, as their login spells it (named in the audit log).
    pub fn officer(&self) -> &str {
        &self.officer
    }

    /// Every officer with a login at this counter, in the order they were added.
    pub fn officers(&self) -> Result<Vec<String>> {
        keyring::officers(&self.dir)
    }

    /// Gives `name` a login with `passphrase`; `own_passphrase` is the current officer's.
    /// Returns the name as stored.
    pub fn add_officer(
        &self,
        own_passphrase: &str,
        name: &str,
        passphrase: &str,
    ) -> Result<String> {
        keyring::long_enough(passphrase)?;
        let name = keyring::officer_name(name)?;
        self.as_officer(own_passphrase, counter::OFFICER_ADD, Some(&name), || {
            keyring::add(&self.dir, &self.key, &name, passphrase, self.kdf)
        })
    }

    /// Removes `name`'s login (never the current officer's own); their entries in the audit
    /// log stay.
    pub fn remove_officer(&self, own_passphrase: &str, name: &str) -> Result<()> {
        let name = keyring::officer_name(name)?;
        if keyring::same_officer(&name, &self.officer) {
            return Err(StoreError::RemoveSelf);
        }
        // The log names the login as it was spelled, however it is typed here.
        let login = self
            .officers()?
            .into_iter()
            .find(|o| keyring::same_officer(o, &name))
            .ok_or_else(|| StoreError::UnknownOfficer { name: name.clone() })?;
        self.as_officer(
            own_passphrase,
            counter::OFFICER_REMOVE,
            Some(&login),
            || {
                if keyring::remove(&self.dir, &name)? {
                    Ok(())
                } else {
                    Err(StoreError::UnknownOfficer { name: name.clone() })
                }
            },
        )
    }

    /// Changes the current officer's passphrase from `own_passphrase` to `passphrase`.
    pub fn change_passphrase(&self, own_passphrase: &str, passphrase: &str) -> Result<()> {
        keyring::long_enough(passphrase)?;
        self.as_officer(own_passphrase, counter::PASSPHRASE, None, || {
            keyring::change(&self.dir, &self.key, &self.officer, passphrase, self.kdf)
        })
    }

    /// Runs `edit` of the key file once `own_passphrase` proves the current officer, and
    /// records it in the audit log as `action`. The edit (not the proof) holds the store's
    /// write lock, so that two Loket programs never edit the key file at once and saving
    /// waits as little as it can. The entry commits only once the edit is done; should the
    /// commit itself fail after that, the edit stands without its entry.
    fn as_officer<T>(
        &self,
        own_passphrase: &str,
        action: &str,
        detail: Option<&str>,
        edit: impl FnOnce() -> Result<T>,
    ) -> Result<T> {
        keyring::unlock(&self.dir, &self.officer, own_passphrase)?;
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?;
        audit::append_counter(&tx, &self.officer, action, detail, "")?;
        let done = edit()?;
        tx.commit()?;
        self.committed();
        Ok(done)
    }
}
