//! The window's TypeScript types are generated from the Rust types (ts-rs) into
//! `ui/src/bindings/`; this test fails when the committed files drift from the Rust types.
//! `UPDATE_BINDINGS=1 cargo test --test bindings` rewrites them.

use loket_app::commands::{
    AppStatus, CasePage, History, Officers, ReceiptApplied, SyncState, UsbExport, UsbState,
};
use loket_app::error::AppError;
use loket_core::mrz::MrzTd3;
use loket_core::{IntakeRecord, Report};
use loket_pdf::cups::Printers;
use loket_store::{
    Case, DeviceIdentity, ExitList, ExitLists, Finalize, MissionCase, MissionProfile, RequestInfo,
    Saved, Today, VersionRecord,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use ts_rs::{Config, ExportError, TS};

/// Every type a command takes or returns; their dependencies come along.
fn export(dir: &Path) -> Result<(), ExportError> {
    let cfg = Config::new().with_out_dir(dir);
    AppStatus::export_all(&cfg)?;
    AppError::export_all(&cfg)?;
    CasePage::export_all(&cfg)?;
    History::export_all(&cfg)?;
    Officers::export_all(&cfg)?;
    IntakeRecord::export_all(&cfg)?;
    Report::export_all(&cfg)?;
    Saved::export_all(&cfg)?;
    Finalize::export_all(&cfg)?;
    Case::export_all(&cfg)?;
    VersionRecord::export_all(&cfg)?;
    Today::export_all(&cfg)?;
    DeviceIdentity::export_all(&cfg)?;
    MissionProfile::export_all(&cfg)?;
    RequestInfo::export_all(&cfg)?;
    ExitLists::export_all(&cfg)?;
    ExitList::export_all(&cfg)?;
    Printers::export_all(&cfg)?;
    UsbState::export_all(&cfg)?;
    UsbExport::export_all(&cfg)?;
    ReceiptApplied::export_all(&cfg)?;
    MissionCase::export_all(&cfg)?;
    SyncState::export_all(&cfg)?;
    MrzTd3::export_all(&cfg)
}

fn files(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "ts"))
                .map(|p| {
                    let name = p.file_name().unwrap().to_string_lossy().into_owned();
                    (name, std::fs::read_to_string(&p).unwrap())
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn typescript_bindings_match_the_rust_types() {
    let committed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/src/bindings");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        if committed.exists() {
            std::fs::remove_dir_all(&committed).unwrap();
        }
        export(&committed).unwrap();
    }
    let fresh = tempfile::tempdir().unwrap();
    export(fresh.path()).unwrap();
    let (want, have) = (files(fresh.path()), files(&committed));
    assert!(!want.is_empty());
    let stale: Vec<&String> = want
        .keys()
        .chain(have.keys())
        .filter(|name| want.get(*name) != have.get(*name))
        .collect();
    assert!(
        stale.is_empty(),
        "ui/src/bindings/ differs from the Rust types in {stale:?}: \
         run `UPDATE_BINDINGS=1 cargo test --test bindings` and commit the result"
    );
}
