//! What the window shows about sync: published by the worker after every step that changes
//! it (a `tokio::sync::watch` channel), serialised for the window as it is.

use serde::Serialize;

/// A round's upload in progress.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// The batch being sent now.
    pub batch: u64,
    /// Batches of this round answered by headquarters.
    pub batches_done: u64,
    /// Batches this round sends.
    pub batches_total: u64,
    /// Bytes of this round's batches handed to the network so far.
    pub bytes_sent: u64,
    /// Bytes of all this round's batches.
    pub bytes_total: u64,
}

/// The sync worker's state, as the window shows it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SyncStatus {
    /// Whether headquarters answered the last round; `None` before the first round or while
    /// no headquarters address is set.
    pub online: Option<bool>,
    /// When a round last ended with everything sent acknowledged (RFC 3339).
    pub last_sync: Option<String>,
    /// Finalised case versions not yet sealed into a batch.
    pub waiting_versions: u64,
    /// Sealed batches headquarters has not acknowledged.
    pub unacknowledged_batches: u64,
    /// The upload under way, if any.
    pub sending: Option<Progress>,
    /// Why the last round failed: one English line with the particulars, no personal data.
    pub last_error: Option<String>,
    /// The same as a stable code (`sync.error.…`), which the window says in the officer's
    /// language.
    pub last_error_code: Option<String>,
    /// When the worker tries next (RFC 3339), while it waits.
    pub next_attempt_at: Option<String>,
    /// Headquarters' address, once set.
    pub hq_url: Option<String>,
}

/// Why sync could not even start (no thread, no runtime): the code the window shows for it.
pub(crate) const START_FAILED: &str = "sync.error.start";

impl SyncStatus {
    /// Records why the last attempt failed, or that it did not (`None`).
    pub(crate) fn set_error(&mut self, error: Option<&crate::SyncError>) {
        self.last_error = error.map(ToString::to_string);
        self.last_error_code = error.map(|e| e.code().to_owned());
    }
}
