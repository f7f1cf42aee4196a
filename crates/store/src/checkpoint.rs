//! WAL checkpoints off the save path.
//!
//! A commit appends its pages to the WAL and syncs it; copying them into the database file (a
//! checkpoint, with its own sync of the database) is separate work that SQLite would otherwise
//! do inside every ~60th save. Here a thread with its own connection does it: after every few
//! commits, and when the store has been idle for a moment. It runs PASSIVE checkpoints, which
//! never take the writer's lock, so a save never waits for one.
//!
//! Crash safety is SQLite's own: a committed transaction is durable once the WAL is synced,
//! whether or not it has been checkpointed. The WAL stays bounded: the saving connection keeps
//! SQLite's automatic checkpoint as a backstop at [`BACKSTOP_FRAMES`] (it only fires if this
//! thread falls far behind), and the connection closed last checkpoints and removes the WAL.

use crate::error::Result;
use crate::keyring::DataKey;
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Commits between two checkpoints while the officer keeps saving.
const EVERY: u32 = 8;
/// After this long without a commit, whatever is left is checkpointed.
const IDLE: Duration = Duration::from_millis(50);
/// The saving connection's automatic checkpoint, as a backstop (frames, ~4 KiB each).
pub(crate) const BACKSTOP_FRAMES: i64 = 8_000;
/// The WAL file is cut back to this size when it restarts after growing past it.
pub(crate) const WAL_SIZE_LIMIT: i64 = 32 << 20;

pub(crate) struct Checkpointer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
}

/// Commits not yet checkpointed, and whether the store is closing.
#[derive(Default)]
struct Shared {
    state: Mutex<(u32, bool)>,
    wake: Condvar,
}

impl Checkpointer {
    /// Opens a second connection to the store in `dir` and starts the thread.
    pub(crate) fn start(dir: &Path, key: &DataKey) -> Result<Checkpointer> {
        let conn = crate::open_db(dir, key, false)?;
        // It copies WAL frames as they are; it needs no page cache of its own.
        conn.pragma_update(None, "cache_size", 16)?;
        let shared = Arc::new(Shared::default());
        let theirs = Arc::clone(&shared);
        let thread = std::thread::Builder::new()
            .name("loket-checkpoint".into())
            .spawn(move || {
                let shared = theirs;
                loop {
                    let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
                    while state.0 == 0 && !state.1 {
                        state = shared.wake.wait(state).unwrap_or_else(|e| e.into_inner());
                    }
                    if state.0 < EVERY && !state.1 {
                        state = shared
                            .wake
                            .wait_timeout(state, IDLE)
                            .unwrap_or_else(|e| e.into_inner())
                            .0;
                    }
                    if state.1 {
                        break;
                    }
                    state.0 = 0;
                    drop(state);
                    // Busy or failed: the next round (or SQLite's backstop) catches up.
                    let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
                }
            })
            .map_err(crate::error::io("cannot start the checkpoint thread"))?;
        Ok(Checkpointer {
            shared,
            thread: Some(thread),
        })
    }

    /// Tells the thread a transaction was committed. It is woken only by the first commit
    /// of a round (to start the idle timer) and by the one that completes it.
    pub(crate) fn committed(&self) {
        let mut state = self.shared.state.lock().unwrap_or_else(|e| e.into_inner());
        state.0 += 1;
        if state.0 == 1 || state.0 == EVERY {
            self.shared.wake.notify_one();
        }
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.shared
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .1 = true;
        self.shared.wake.notify_one();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
