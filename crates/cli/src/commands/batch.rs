//! Batches for headquarters: `export` to a USB stick, `receipt` back from it, `batch list`.

use super::print_json;
use super::store::open;
use crate::args::Common;
use loket_store::BatchInfo;
use loket_term::{line, table, Failure};
use std::path::Path;

/// `export --to DIR`: seals what is waiting, writes every unacknowledged batch; prints the
/// paths of the batch files on the stick.
pub fn export(common: &Common, dir: &Path) -> Result<u8, Failure> {
    let mut store = open(common)?;
    let exported = store.export_to(dir)?;
    if let Some(batch) = &exported.sealed {
        eprintln!("{}", sealed(batch));
    }
    if exported.files.is_empty() {
        eprintln!("nothing to export: no finalised case is waiting for headquarters");
    }
    for path in &exported.files {
        line(&path.display().to_string())?;
    }
    Ok(0)
}

/// What a new batch holds, in a line: "sealed batch N (K case versions[, R request prints
/// and voids])".
pub fn sealed(batch: &BatchInfo) -> String {
    let requests = match batch.request_count {
        0 => String::new(),
        n => format!(", {n} request prints and voids"),
    };
    format!(
        "sealed batch {} ({} case versions{requests})",
        batch.sequence, batch.record_count
    )
}

/// `receipt FILE`: marks what headquarters holds as acknowledged (FILE may also be the
/// stick's folder, holding this counter's receipt).
pub fn receipt(common: &Common, file: &Path) -> Result<u8, Failure> {
    let mut store = open(common)?;
    let ack = store.apply_receipt_file(file)?;
    let batches = ack
        .new_batches
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    line(&format!(
        "{} case versions acknowledged now ({} cases); {} in all; batches confirmed now: {}",
        ack.new_versions,
        ack.new_cases,
        ack.total_versions,
        if batches.is_empty() { "none" } else { &batches }
    ))?;
    if ack.purged > 0 {
        line(&format!(
            "{} closed cases that headquarters now holds were removed from this counter",
            ack.purged
        ))?;
    }
    if ack.mismatched > 0 {
        eprintln!(
            "warning: {} case versions in the receipt differ from this counter's and were not acknowledged",
            ack.mismatched
        );
    }
    Ok(0)
}

/// `batch list`: every sealed batch and whether headquarters acknowledged it.
pub fn list(common: &Common, json: bool) -> Result<u8, Failure> {
    let store = open(common)?;
    let batches = store.batches()?;
    if json {
        print_json(&batches)?;
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = batches
        .iter()
        .map(|b| {
            vec![
                b.sequence.to_string(),
                b.record_count.to_string(),
                b.request_count.to_string(),
                b.size.to_string(),
                b.sealed_at.clone(),
                b.acknowledged_at.clone().unwrap_or_else(|| "no".into()),
            ]
        })
        .collect();
    table(
        &[
            "BATCH",
            "VERSIONS",
            "REQUESTS",
            "SIZE",
            "SEALED",
            "ACKNOWLEDGED",
        ],
        &rows,
    )?;
    let counts = store.sync_counts()?;
    line(&format!(
        "waiting: {} finalised versions not yet sealed, {} batches not yet acknowledged",
        counts.unsealed_versions, counts.unacknowledged_batches
    ))?;
    Ok(0)
}
