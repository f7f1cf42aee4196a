//! The counter's side of network sync (`loket.sync/1`, docs/sync-protocol.md): the same
//! frozen batches a USB stick would carry, PUT to `loket-hq serve` one at a time; its signed
//! receipts applied to the store; the mission's case index fetched encrypted to a fresh key.
//!
//! | module | holds |
//! |---|---|
//! | `round` | one round: seal, send, apply receipts, fetch the index |
//! | `worker` | the app's background worker: rounds on a timer and on demand, with backoff |
//! | `client` | HTTP to headquarters (reqwest, rustls) |
//! | `slot` | how the worker borrows the store, briefly, while it is unlocked |
//! | `status` | what the window shows |
//! | `backoff` | when to retry |
//! | `error` | what went wrong, in one line |
#![forbid(unsafe_code)]

mod backoff;
mod client;
mod error;
mod round;
mod slot;
mod status;
mod worker;

pub use backoff::Backoff;
pub use client::{ClientSettings, HqClient};
pub use error::SyncError;
pub use round::{round, ProgressFn, RoundReport};
pub use slot::StoreSlot;
pub use status::{Progress, SyncStatus};
pub use worker::{Settings, Worker};
