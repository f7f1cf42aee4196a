//! The sync worker of the desktop app: a thread of its own with a small tokio runtime that
//! runs a round every few minutes and whenever the officer asks, retries failed rounds with
//! backoff, and publishes a [`SyncStatus`] the window watches.
//!
//! It keeps nothing of its own: batches, cursor, headquarters' address and the time of the
//! last success are all in the store, so a restarted app simply carries on.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{watch, Notify};
use tokio::time::{Instant, MissedTickBehavior};

use crate::backoff::Backoff;
use crate::client::{ClientSettings, HqClient};
use crate::error::SyncError;
use crate::round::{round, ProgressFn};
use crate::slot::StoreSlot;
use crate::status::{Progress, SyncStatus, START_FAILED};

/// How the worker paces itself.
#[derive(Debug, Clone)]
pub struct Settings {
    /// A round (sealing what is waiting) this often.
    pub seal_every: Duration,
    /// The first retry after a failed round; doubled per failure (with jitter) …
    pub backoff_min: Duration,
    /// … up to this.
    pub backoff_max: Duration,
    /// While the store is locked, look again this often.
    pub locked_poll: Duration,
    /// Refresh the counts in the status this often between rounds (the officer saves
    /// cases meanwhile).
    pub status_every: Duration,
    pub client: ClientSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            seal_every: Duration::from_secs(300),
            backoff_min: Backoff::DEFAULT_MIN,
            backoff_max: Backoff::DEFAULT_MAX,
            locked_poll: Duration::from_secs(2),
            status_every: Duration::from_secs(10),
            client: ClientSettings::default(),
        }
    }
}

/// The running worker. Dropping it stops it (after the step under way).
pub struct Worker {
    status: watch::Receiver<SyncStatus>,
    wake: Arc<Notify>,
    stop: watch::Sender<bool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Worker {
    /// Starts the worker on a thread of its own; its first round begins at once.
    pub fn start<S: StoreSlot>(slot: S, settings: Settings) -> Worker {
        let (status_tx, status) = watch::channel(SyncStatus::default());
        let (stop, stopped) = watch::channel(false);
        let wake = Arc::new(Notify::new());
        let woken = wake.clone();
        let spawned = std::thread::Builder::new()
            .name("loket-sync".into())
            .spawn(move || {
                match tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                {
                    Ok(runtime) => {
                        runtime.block_on(run(slot, settings, status_tx, woken, stopped));
                    }
                    Err(e) => {
                        status_tx.send_modify(|s| {
                            s.last_error = Some(format!("sync could not start: {e}"));
                            s.last_error_code = Some(START_FAILED.to_owned());
                        });
                    }
                }
            });
        let thread = match spawned {
            Ok(thread) => Some(thread),
            Err(e) => {
                // No thread, no sync: say so in the status rather than fail the app.
                let (tx, rx) = watch::channel(SyncStatus {
                    last_error: Some(format!("sync could not start: {e}")),
                    last_error_code: Some(START_FAILED.to_owned()),
                    ..SyncStatus::default()
                });
                drop(tx);
                return Worker {
                    status: rx,
                    wake,
                    stop,
                    thread: None,
                };
            }
        };
        Worker {
            status,
            wake,
            stop,
            thread,
        }
    }

    /// Runs a round now (or right after the one under way), without waiting for the
    /// backoff or the next regular round.
    pub fn sync_now(&self) {
        self.wake.notify_one();
    }

    /// The latest status.
    pub fn status(&self) -> SyncStatus {
        self.status.borrow().clone()
    }

    /// A receiver that is told every change of the status.
    pub fn subscribe(&self) -> watch::Receiver<SyncStatus> {
        self.status.clone()
    }

    /// Stops the worker and waits for its thread (at most the store step under way).
    pub fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

fn rfc3339_in(delay: Duration) -> String {
    let at = chrono::Utc::now() + chrono::Duration::from_std(delay).unwrap_or_default();
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Counts and last success, from the store (nothing when it is locked).
fn refresh<S: StoreSlot>(slot: &S, status: &watch::Sender<SyncStatus>) {
    let read = slot.with_store(|s| {
        Ok::<_, loket_store::StoreError>((s.sync_counts()?, s.last_sync()?, s.hq_url()?))
    });
    if let Some(Ok((counts, last_sync, hq_url))) = read {
        status.send_if_modified(|st| {
            let before = st.clone();
            st.waiting_versions = counts.unsealed_versions;
            st.unacknowledged_batches = counts.unacknowledged_batches;
            st.last_sync = last_sync;
            if hq_url.is_none() {
                st.online = None;
            }
            st.hq_url = hq_url;
            *st != before
        });
    }
}

async fn run<S: StoreSlot>(
    slot: S,
    settings: Settings,
    status: watch::Sender<SyncStatus>,
    wake: Arc<Notify>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut backoff = Backoff::new(settings.backoff_min, settings.backoff_max);
    let mut client: Option<HqClient> = None;
    let mut next = Instant::now();
    let mut asked = false;
    let mut tick = tokio::time::interval(settings.status_every);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = stopped.changed() => return,
            _ = wake.notified() => asked = true,
            _ = tokio::time::sleep_until(next) => {}
            _ = tick.tick() => {
                refresh(&slot, &status);
                continue;
            }
        }
        let wait = |delay: Duration, status: &watch::Sender<SyncStatus>| {
            status.send_modify(|s| s.next_attempt_at = Some(rfc3339_in(delay)));
            Instant::now() + delay
        };
        let url = match slot.with_store(|s| s.hq_url()) {
            None => {
                // Locked: look again soon; the round runs once someone unlocks.
                next = Instant::now() + settings.locked_poll;
                continue;
            }
            Some(Err(e)) => {
                status.send_modify(|s| s.set_error(Some(&SyncError::from(e))));
                next = wait(settings.seal_every, &status);
                continue;
            }
            Some(Ok(None)) => {
                // USB only: nothing to do over the network; an explicit request says why.
                status.send_modify(|s| {
                    s.online = None;
                    s.hq_url = None;
                    s.next_attempt_at = None;
                    s.set_error(asked.then_some(&SyncError::NoAddress));
                });
                asked = false;
                next = Instant::now() + settings.seal_every;
                continue;
            }
            Some(Ok(Some(url))) => url,
        };
        asked = false;
        if client.as_ref().is_none_or(|c| c.url() != url) {
            match HqClient::new(&url, &settings.client) {
                Ok(c) => client = Some(c),
                Err(e) => {
                    status.send_modify(|s| s.set_error(Some(&e)));
                    next = wait(settings.seal_every, &status);
                    continue;
                }
            }
        }
        let Some(hq) = client.as_ref() else { continue };
        status.send_modify(|s| {
            s.hq_url = Some(url.clone());
            s.next_attempt_at = None;
        });
        let progress: ProgressFn = {
            let status = status.clone();
            Arc::new(move |p: Progress| status.send_modify(|s| s.sending = Some(p)))
        };
        let result = tokio::select! {
            r = round(&slot, hq, progress) => r,
            _ = stopped.changed() => return,
        };
        // The outcome and the counts after it in one change: the window never sees a
        // success with stale counts, or an error without its next attempt.
        let counts = slot.with_store(|s| s.sync_counts()).and_then(Result::ok);
        let delay = match &result {
            Ok(_) => {
                backoff.reset();
                settings.seal_every
            }
            Err(SyncError::Locked) => settings.locked_poll,
            Err(e) if e.is_transient() => backoff.failed(),
            Err(_) => settings.seal_every,
        };
        status.send_modify(|s| {
            match &result {
                Ok(report) => {
                    s.online = Some(true);
                    s.set_error(None);
                    s.last_sync = Some(report.last_sync.clone());
                }
                Err(SyncError::Locked) => {}
                Err(e) => {
                    if let Some(answered) = e.headquarters_answered() {
                        s.online = Some(answered);
                    }
                    s.set_error(Some(e));
                }
            }
            s.sending = None;
            s.next_attempt_at = Some(rfc3339_in(delay));
            if let Some(c) = &counts {
                s.waiting_versions = c.unsealed_versions;
                s.unacknowledged_batches = c.unacknowledged_batches;
            }
        });
        next = Instant::now() + delay;
    }
}
