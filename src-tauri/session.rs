//! What the window's commands share: the data directory, the settings, and the store once
//! the officer has unlocked it. One store per process (and one process: single-instance).

use crate::error::{AppError, Result};
use crate::settings::Settings;
use loket_store::Store;
use std::fs::{File, TryLockError};
use std::os::unix::fs::DirBuilderExt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

pub struct Session {
    pub dir: PathBuf,
    /// The store once an officer has unlocked it (it names them in every change it makes).
    open: Arc<Mutex<Option<Store>>>,
    settings: Mutex<Settings>,
    /// Held while the window is open: a second window on the same data directory (when the
    /// single-instance plugin cannot tell, without a session bus) finds it taken.
    _lock: Option<File>,
    /// True when another window holds the data directory: this one only says so.
    pub in_use: bool,
}

/// The lock file beside the store.
const LOCK_FILE: &str = "window.lock";
/// How long a new window waits for one that is closing to let go of the data directory.
const LOCK_PATIENCE: Duration = Duration::from_secs(5);

impl Session {
    /// The session of the window on data directory `dir` (created, private, if missing).
    pub fn new(dir: PathBuf) -> std::io::Result<Self> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&dir)?;
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(dir.join(LOCK_FILE))?;
        // A window closed a moment ago may still be finishing (closing its store): give it
        // a few seconds before calling the folder taken.
        let mut waited = Duration::ZERO;
        let in_use = loop {
            match file.try_lock() {
                Ok(()) => break false,
                Err(TryLockError::WouldBlock) if waited < LOCK_PATIENCE => {
                    std::thread::sleep(Duration::from_millis(100));
                    waited += Duration::from_millis(100);
                }
                Err(TryLockError::WouldBlock) => break true,
                Err(TryLockError::Error(e)) => return Err(e),
            }
        };
        let settings = Settings::load(&dir);
        Ok(Session {
            dir,
            open: Arc::new(Mutex::new(None)),
            settings: Mutex::new(settings),
            _lock: (!in_use).then_some(file),
            in_use,
        })
    }

    /// The store slot, open or not. A command that panicked while holding it cannot have
    /// left the store half-written (every change is one transaction), so a poisoned lock is
    /// taken over rather than turned into a second failure.
    pub fn slot(&self) -> MutexGuard<'_, Option<Store>> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The store as the sync worker borrows it (see [`SyncSlot`]).
    pub fn sync_slot(&self) -> SyncSlot {
        SyncSlot(self.open.clone())
    }

    /// `store.in_use` when another window holds the data directory.
    pub fn writable(&self) -> Result<()> {
        if self.in_use {
            return Err(AppError::in_use());
        }
        Ok(())
    }

    /// Runs `f` on the unlocked store; `store.locked` when it is not.
    pub fn with<T>(&self, f: impl FnOnce(&mut Store) -> Result<T>) -> Result<T> {
        self.writable()?;
        self.slot()
            .as_mut()
            .map_or_else(|| Err(AppError::locked()), f)
    }

    pub fn settings(&self) -> Settings {
        self.settings
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn set_settings(&self, settings: Settings) -> Result<()> {
        settings
            .save(&self.dir)
            .map_err(|e| AppError::new("settings.save", format!("cannot save settings: {e}")))?;
        *self.settings.lock().unwrap_or_else(|p| p.into_inner()) = settings;
        Ok(())
    }
}

/// The store as the sync worker borrows it: for one short step at a time, and only while an
/// officer has it unlocked (never while another window holds the data directory: this one
/// then never opens it).
#[derive(Clone)]
pub struct SyncSlot(Arc<Mutex<Option<Store>>>);

impl loket_sync::StoreSlot for SyncSlot {
    fn with_store<T>(&self, f: impl FnOnce(&mut Store) -> T) -> Option<T> {
        let mut open = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        open.as_mut().map(f)
    }
}
