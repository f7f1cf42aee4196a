//! Opening a request in the system's PDF viewer without leaving it on disk.
//!
//! The viewer needs a file, so the PDF is written to a private folder (0700, files 0600)
//! under `XDG_RUNTIME_DIR`: memory (tmpfs) that only this user can read and that is gone at
//! logout. The files are removed when the officer locks the store or the window closes, and
//! whatever a crash left is removed at the next start. Without a runtime folder nothing is
//! written: printing to a printer still works.

use std::io::Write;
use std::os::unix::fs::DirBuilderExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// Why a request could not be shown.
#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    #[error(
        "no private memory folder (XDG_RUNTIME_DIR) to hand the PDF to a viewer: print it instead"
    )]
    NoRuntimeDir,
    #[error("no PDF viewer could be started (xdg-open): {0}")]
    NoViewer(std::io::Error),
    #[error("cannot write the PDF for the viewer: {0}")]
    Io(#[from] std::io::Error),
}

/// The private folder the viewer's files live in.
fn folder() -> Option<PathBuf> {
    let runtime = std::env::var_os("XDG_RUNTIME_DIR").map(PathBuf::from)?;
    runtime.is_absolute().then(|| runtime.join("loket-view"))
}

/// Writes `pdf` to the private folder and asks the desktop to open it (`xdg-open`).
pub fn open(pdf: &[u8]) -> Result<PathBuf, ViewError> {
    open_with(pdf, "xdg-open")
}

/// As `open`, with `viewer` (a program taking the file's path) instead of `xdg-open`.
pub fn open_with(pdf: &[u8], viewer: &str) -> Result<PathBuf, ViewError> {
    let dir = folder().ok_or(ViewError::NoRuntimeDir)?;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)?;
    let mut file = tempfile::Builder::new()
        .prefix("request-")
        .suffix(".pdf")
        .tempfile_in(&dir)?;
    file.write_all(pdf)?;
    let (_, path) = file.keep().map_err(|e| e.error)?;
    Command::new(viewer)
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| {
            let _ = std::fs::remove_file(&path);
            ViewError::NoViewer(e)
        })?;
    Ok(path)
}

/// Removes every file handed to a viewer (at lock, at exit, and at start after a crash).
pub fn clear() {
    if let Some(dir) = folder() {
        let _ = std::fs::remove_dir_all(dir);
    }
}
