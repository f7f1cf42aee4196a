//! The data directory and the few files loket-hq writes: private by default, replaced
//! atomically so that a crash leaves the old file or the new one, never half of one.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{io, Result};

/// The logins: for each operator, headquarters' keys and the database key, age-encrypted to
/// that operator's own passphrase.
pub const LOGINS_FILE: &str = "hq-logins.json";
/// Before logins: headquarters' keys and the database key under one shared passphrase. The
/// first operator to unlock it makes it their login, and it goes.
pub const SECRET_FILE: &str = "hq-secret.age";
/// The public key file counters pin (`loket hq-key FILE`).
pub const PUBLIC_KEY_FILE: &str = "hq-key.json";
/// The default SQLite database.
pub const DB_FILE: &str = "hq.db";
/// A receipt's file name beside the batch: `<device_id>` plus this.
pub const RECEIPT_SUFFIX: &str = ".loket-receipt";
/// The extension of a batch file, as `loket export` names them.
pub const BATCH_EXTENSION: &str = "loket-batch";
/// The folder, inside the data directory, of every batch applied, kept as it arrived
/// (encrypted to headquarters' key): the photos stay there, the database names them.
pub const BATCHES_DIR: &str = "batches";

/// `$XDG_DATA_HOME/loket-hq`, else `~/.local/share/loket-hq`.
pub fn default_dir() -> Option<PathBuf> {
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .map(|d| d.join("loket-hq"))
}

/// Creates `dir` (and its parents) and makes it owner-only.
pub(crate) fn create_private_dir(dir: &Path) -> Result<()> {
    let what = || format!("cannot create the data directory {}", dir.display());
    std::fs::create_dir_all(dir).map_err(io(what()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(io(what()))?;
    }
    Ok(())
}

/// Temp file (mode `mode`), fsync, rename, fsync the folder.
pub fn write_atomically(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let what = || format!("cannot write {}", path.display());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = options.open(&tmp).map_err(io(what()))?;
    f.write_all(bytes).map_err(io(what()))?;
    f.sync_all().map_err(io(what()))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(io(what()))?;
    sync_dir(dir, what())
}

/// Where an applied batch is kept: `DIR/batches/<device_id>/<sequence>-<file_sha256>.loket-batch`.
/// The file's hash in the name means two different files never share a path.
pub fn kept_batch_path(dir: &Path, device_id: &str, sequence: u64, file_sha256: &str) -> PathBuf {
    dir.join(BATCHES_DIR)
        .join(device_id)
        .join(format!("{sequence}-{file_sha256}.{BATCH_EXTENSION}"))
}

/// A batch file written and synced under a temporary name beside where it will be kept;
/// [`Pending::keep`] moves it into place. Dropped before that, it is removed: a refused or
/// failed import leaves nothing behind (a crash may leave a `.tmp` file, never a kept one).
pub(crate) struct Pending {
    file: tempfile::NamedTempFile,
    path: PathBuf,
}

impl Pending {
    pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<Pending> {
        let what = || format!("cannot keep the batch in {}", path.display());
        let dir = path.parent().unwrap_or(Path::new("."));
        if !dir.is_dir() {
            // `batches/` and the device's folder, both owner-only.
            if let Some(batches) = dir.parent() {
                create_private_dir(batches)?;
            }
            create_private_dir(dir)?;
        }
        let mut file = tempfile::Builder::new()
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(io(what()))?;
        file.write_all(bytes).map_err(io(what()))?;
        file.as_file().sync_all().map_err(io(what()))?;
        Ok(Pending {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Renames the file into place and syncs the folder.
    pub(crate) fn keep(self) -> Result<()> {
        let what = || format!("cannot keep the batch in {}", self.path.display());
        self.file
            .persist(&self.path)
            .map_err(|e| crate::error::HqError::Io {
                context: what(),
                source: e.error,
            })?;
        sync_dir(self.path.parent().unwrap_or(Path::new(".")), what())
    }
}

/// A batch file on its way to [`kept_batch_path`]: written and synced on a thread of its
/// own while the batch is checked and applied, moved into place by [`Keeper::keep`] just
/// before the commit. Not kept, it leaves nothing behind.
pub(crate) struct Keeper<'scope> {
    path: PathBuf,
    bytes: &'scope [u8],
    writing: Option<std::thread::ScopedJoinHandle<'scope, Result<Pending>>>,
}

impl<'scope> Keeper<'scope> {
    pub(crate) fn start(
        scope: &'scope std::thread::Scope<'scope, '_>,
        path: PathBuf,
        bytes: &'scope [u8],
    ) -> Keeper<'scope> {
        // This very file (the hash is in its name) is kept already: applied before, or left
        // by an import that stopped before its commit.
        let writing = (!path.exists()).then(|| {
            let at = path.clone();
            scope.spawn(move || Pending::write(&at, bytes))
        });
        Keeper {
            path,
            bytes,
            writing,
        }
    }

    pub(crate) fn keep(&mut self) -> Result<()> {
        match self.writing.take() {
            Some(writing) => writing
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?
                .keep(),
            None if self.path.exists() => Ok(()),
            None => Pending::write(&self.path, self.bytes)?.keep(),
        }
    }
}

fn sync_dir(dir: &Path, what: String) -> Result<()> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(what))
}

/// Reads at most `max + 1` bytes of `path`: one byte more than allowed tells a file that is
/// too large without reading all of it.
pub(crate) fn read_capped(path: &Path, max: u64) -> Result<Vec<u8>> {
    let what = || format!("cannot read {}", path.display());
    let file = std::fs::File::open(path).map_err(io(what()))?;
    let mut out = Vec::new();
    file.take(max.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(io(what()))?;
    Ok(out)
}

/// Where the receipt for `device_id` goes when a batch from `batch_file` is imported.
pub fn receipt_path(batch_file: &Path, device_id: &str) -> PathBuf {
    let dir = match batch_file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    dir.join(format!("{device_id}{RECEIPT_SUFFIX}"))
}
