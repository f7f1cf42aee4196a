//! How the sync worker reaches the store: briefly, and only while it is unlocked. The window
//! holds the store; the worker borrows it for one short step at a time (seal, sign a
//! request, apply a receipt) and never across network I/O, so the officer keeps working.

use std::sync::{Arc, Mutex};

use loket_store::Store;

/// Short access to the counter's store.
pub trait StoreSlot: Send + Sync + 'static {
    /// Runs `f` with the store, or returns `None` while the store is locked (no officer
    /// logged in): the worker then waits and asks again.
    fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> Option<T>;
}

impl<S: StoreSlot> StoreSlot for Arc<S> {
    fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> Option<T> {
        (**self).with_store(f)
    }
}

/// A store that is always unlocked (the `loket` command line holds it for the round).
impl StoreSlot for Mutex<Store> {
    fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> Option<T> {
        // A panic elsewhere while holding the lock left no half-done change behind (every
        // store change is one transaction): go on with the store.
        let mut store = self
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Some(f(&mut store))
    }
}

/// A store that may be locked: `None` inside is locked.
impl StoreSlot for Mutex<Option<Store>> {
    fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> Option<T> {
        let mut store = self
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        store.as_mut().map(f)
    }
}
