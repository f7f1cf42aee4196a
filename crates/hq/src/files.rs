//! The data directory and the few files loket-hq writes: private by default, replaced
//! atomically so that a crash leaves the old file or the new one, never half of one.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{io, Result};

/// The secret file: headquarters' keys and the database key, age-encrypted to the passphrase.
pub const SECRET_FILE: &str = "hq-secret.age";
/// The public key file counters pin (`loket hq-key FILE`).
pub const PUBLIC_KEY_FILE: &str = "hq-key.json";
/// The default SQLite database.
pub const DB_FILE: &str = "hq.db";
/// A receipt's file name beside the batch: `<device_id>` plus this.
pub const RECEIPT_SUFFIX: &str = ".loket-receipt";
/// The extension of a batch file, as `loket export` names them.
pub const BATCH_EXTENSION: &str = "loket-batch";

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
pub(crate) fn write_atomically(path: &Path, bytes: &[u8], mode: u32) -> Result<()> {
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
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io(what()))?;
    Ok(())
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
