//! USB export: the batches headquarters has not acknowledged, written to a folder (the stick)
//! so that a file with a batch's name is always the whole batch.
//!
//! Each file is written under a temporary name, flushed to the device, renamed, the folder
//! flushed, then read back from the device and compared. A full stick or a write error
//! removes the temporary file; the store is never changed by writing (only sealing and
//! receipts change it), so the next export writes the very same bytes.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::audit::{self, counter};
use crate::batches::BatchInfo;
use crate::error::{Result, StoreError};
use crate::Store;

/// The extension of a batch file on the stick.
pub const BATCH_EXTENSION: &str = "loket-batch";
/// The extension of headquarters' receipt, written beside the batches.
pub const RECEIPT_EXTENSION: &str = "loket-receipt";

/// What an export did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    /// The batch sealed by this export, when there were finalised versions not yet sealed.
    pub sealed: Option<BatchInfo>,
    /// Every batch file now on the stick that headquarters has not acknowledged, oldest first.
    pub files: Vec<PathBuf>,
}

/// `<device id>-<sequence, 6 digits>.loket-batch`: sorts in sending order, and names the
/// counter so batches of several counters can share one stick.
pub fn batch_file_name(device_id: &str, sequence: u64) -> String {
    format!("{device_id}-{sequence:06}.{BATCH_EXTENSION}")
}

/// `<device id>.loket-receipt`: the one receipt headquarters keeps up to date on a stick.
pub fn receipt_file_name(device_id: &str) -> String {
    format!("{device_id}.{RECEIPT_EXTENSION}")
}

/// Folders where the desktop mounts USB sticks (`/media/$USER/*`, `/run/media/$USER/*`),
/// for the window to offer; empty when none is mounted.
pub fn mounted_sticks() -> Vec<PathBuf> {
    let Some(user) = std::env::var_os("USER") else {
        return Vec::new();
    };
    let mut sticks: Vec<PathBuf> = [Path::new("/media"), Path::new("/run/media")]
        .iter()
        .filter_map(|base| fs::read_dir(base.join(&user)).ok())
        .flatten()
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_dir())
        .collect();
    sticks.sort();
    sticks
}

impl Store {
    /// Applies headquarters' receipt from `path`: the file itself, or in a folder (the
    /// stick) the receipt for this counter.
    pub fn apply_receipt_file(&mut self, path: &Path) -> Result<crate::Acknowledgement> {
        let file = if path.is_dir() {
            path.join(receipt_file_name(&self.device_id()?))
        } else {
            path.to_path_buf()
        };
        let mut text = Vec::new();
        File::open(&file)
            // One byte past the largest receipt, so an oversized file is refused as such.
            .and_then(|f| {
                f.take(loket_batch::receipt::MAX_RECEIPT_BYTES as u64 + 1)
                    .read_to_end(&mut text)
            })
            .map_err(crate::error::io(format!(
                "cannot read the receipt {}",
                file.display()
            )))?;
        self.apply_receipt(&text)
    }

    /// Seals what is waiting, then writes every unacknowledged batch to `dir`.
    pub fn export_to(&mut self, dir: &Path) -> Result<Exported> {
        if !dir.is_dir() {
            return Err(StoreError::NotAFolder {
                dir: dir.to_path_buf(),
            });
        }
        let sealed = self.seal_batch()?;
        let device_id = self.device_id()?;
        let mut files = Vec::new();
        for batch in self.batches()? {
            if batch.acknowledged_at.is_some() {
                continue;
            }
            let bytes = self
                .batch_bytes(batch.sequence)?
                .ok_or(StoreError::Corrupt)?;
            let path = dir.join(batch_file_name(&device_id, batch.sequence));
            write_whole(&path, &bytes, &batch.file_sha256)?;
            // Personal data left the laptop on a stick: the log says which batch, when, by whom.
            let tx = self.conn.transaction()?;
            audit::append_counter(
                &tx,
                &self.officer,
                counter::EXPORT,
                Some(&batch.sequence.to_string()),
                &batch.file_sha256,
            )?;
            tx.commit()?;
            self.committed();
            files.push(path);
        }
        Ok(Exported { sealed, files })
    }
}

/// Writes `bytes` to `path` so that `path` either does not change or holds all of them.
fn write_whole(path: &Path, bytes: &[u8], sha256: &str) -> Result<()> {
    // A file already there with the same content is the same batch: leave it.
    if fs::metadata(path).is_ok_and(|m| m.len() == bytes.len() as u64)
        && read_back(path).is_ok_and(|back| back == sha256)
    {
        return Ok(());
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let partial = dir.join(format!(".{name}.partial"));
    let failed = |source: std::io::Error| StoreError::ExportWrite {
        dir: dir.to_path_buf(),
        source,
    };
    let written = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&partial)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&partial, path)?;
        File::open(dir)?.sync_all()
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&partial);
        return Err(failed(e));
    }
    match read_back(path) {
        Ok(back) if back == sha256 => Ok(()),
        Ok(_) => {
            let _ = fs::remove_file(path);
            Err(StoreError::ExportMismatch {
                path: path.to_path_buf(),
            })
        }
        Err(e) => {
            let _ = fs::remove_file(path);
            Err(failed(e))
        }
    }
}

/// SHA-256 hex of the file as the device holds it: its pages are dropped from the cache
/// first, so a stick that lost the data is caught rather than answered from memory.
fn read_back(path: &Path) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    #[cfg(target_os = "linux")]
    {
        // Advice only: where it is not honoured the read is from the cache.
        let _ = rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed);
    }
    let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        sha2::Digest::update(&mut hasher, &buf[..n]);
    }
    Ok(hex::encode(sha2::Digest::finalize(hasher)))
}
