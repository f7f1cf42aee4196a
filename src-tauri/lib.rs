//! The officer's desktop window: a thin Tauri shell over the core crates.
//!
//! Business logic lives in `crates/`; this file only builds the window. The counter's screens
//! and their commands arrive with the desktop-app issue.
#![forbid(unsafe_code)]

/// Opens the window and runs until it is closed.
pub fn run() -> Result<(), String> {
    tauri::Builder::default()
        .run(tauri::generate_context!())
        .map_err(|e| e.to_string())
}
