//! A few [`Hq`] handles (database connections) shared by the requests. `Hq` works through
//! `&mut self` and both database clients are synchronous, so every use runs on tokio's
//! blocking threads, one handle per task; a semaphore makes requests wait for a free one.
//!
//! A handle whose database went away (an unavailable error) is marked broken and reconnects
//! on its next use: a PostgreSQL restart costs the requests in flight, not the server.

use std::sync::{Arc, Mutex};

use tokio::sync::Semaphore;

use super::answers::Refusal;
use crate::{Hq, Result};

struct Slot {
    hq: Hq,
    broken: bool,
}

pub struct Pool {
    slots: Mutex<Vec<Slot>>,
    free: Arc<Semaphore>,
}

impl Pool {
    /// `first` and `size - 1` more handles made from it (no second passphrase or scrypt).
    pub fn new(first: Hq, size: usize) -> Result<Pool> {
        let mut slots = Vec::with_capacity(size.max(1));
        for _ in 1..size.max(1) {
            slots.push(Slot {
                hq: first.connect_again()?,
                broken: false,
            });
        }
        slots.push(Slot {
            hq: first,
            broken: false,
        });
        Ok(Pool {
            free: Arc::new(Semaphore::new(slots.len())),
            slots: Mutex::new(slots),
        })
    }

    /// Runs `work` with a handle on a blocking thread. A panic in it is a 500, and the
    /// handle reconnects before its next use (its transaction was rolled back on unwinding).
    /// The handle goes back to the pool from the blocking thread itself, so a request whose
    /// client went away meanwhile (its future dropped) loses no handle.
    pub async fn run<T, F>(self: &Arc<Self>, work: F) -> std::result::Result<T, Refusal>
    where
        T: Send + 'static,
        F: FnOnce(&mut Hq) -> std::result::Result<T, Refusal> + Send + 'static,
    {
        let permit = Arc::clone(&self.free)
            .acquire_owned()
            .await
            .map_err(|_| Refusal::internal("headquarters is stopping"))?;
        let mut slot = self
            .lock()
            .pop()
            .ok_or_else(|| Refusal::internal("no database connection is free"))?;
        let pool = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let result = slot.use_with(work);
            pool.lock().push(slot);
            drop(permit);
            result
        })
        .await
        .map_err(|_| Refusal::internal("headquarters failed on this request"))?
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Slot>> {
        self.slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Slot {
    fn use_with<T>(
        &mut self,
        work: impl FnOnce(&mut Hq) -> std::result::Result<T, Refusal>,
    ) -> std::result::Result<T, Refusal> {
        if self.broken {
            self.hq.reconnect()?;
            self.broken = false;
        }
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&mut self.hq)))
            .unwrap_or_else(|_| {
                self.broken = true;
                Err(Refusal::internal("headquarters failed on this request"))
            });
        if result.as_ref().is_err_and(Refusal::is_unavailable) {
            self.broken = true;
        }
        result
    }
}
