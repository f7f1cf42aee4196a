//! Network sync: `sync` runs one round with headquarters, `hq-url` shows or sets its address.

use super::store::open;
use crate::args::Common;
use loket_store::normalise_hq_url;
use loket_sync::{round, ClientSettings, HqClient, RoundReport, SyncError};
use loket_term::{line, Failure};
use std::sync::{Arc, Mutex};

fn list(numbers: &[u64]) -> String {
    numbers
        .iter()
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `sync [--hq URL]`: one round; prints what was sealed, sent and acknowledged and what the
/// mission index brought. Exit 1 with one line when headquarters is down or refuses.
pub fn sync(common: &Common, hq: Option<&str>) -> Result<u8, Failure> {
    let mut store = open(common)?;
    let url = match hq {
        Some(given) => {
            let url = normalise_hq_url(given)?;
            store.set_hq_url(Some(&url))?;
            url
        }
        None => store.hq_url()?.ok_or(SyncError::NoAddress)?,
    };
    let client = HqClient::new(&url, &ClientSettings::default())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new(1, format!("cannot start the network client: {e}")))?;
    let slot = Mutex::new(store);
    let result = runtime.block_on(round(&slot, &client, Arc::new(|_| {})));
    let report = result?;
    print(&report, client.url())?;
    Ok(0)
}

fn print(report: &RoundReport, url: &str) -> Result<(), Failure> {
    match &report.sealed {
        Some(b) => line(&super::batch::sealed(b))?,
        None => line("sealed: nothing new")?,
    }
    if report.sent.is_empty() {
        line(&format!("sent: nothing waiting for headquarters at {url}"))?;
    } else {
        line(&format!(
            "sent batches {} to headquarters at {url}",
            list(&report.sent)
        ))?;
    }
    let confirmed = if report.confirmed_batches.is_empty() {
        "none".to_owned()
    } else {
        list(&report.confirmed_batches)
    };
    line(&format!(
        "acknowledged now: {} case versions ({} cases); batches confirmed now: {confirmed}",
        report.acknowledged_versions, report.acknowledged_cases
    ))?;
    if report.purged > 0 {
        line(&format!(
            "{} closed cases that headquarters now holds were removed from this counter",
            report.purged
        ))?;
    }
    line(&format!(
        "mission index: {} cases new, {} updated",
        report.index_new, report.index_updated
    ))?;
    if report.mismatched > 0 {
        eprintln!(
            "warning: {} case versions in headquarters' receipt differ from this counter's and were not acknowledged",
            report.mismatched
        );
    }
    line("everything sent is acknowledged")
}

/// `hq-url [URL | --clear]`: prints the address (or that none is set), after setting or
/// clearing it when asked.
pub fn hq_url(common: &Common, url: Option<&str>, clear: bool) -> Result<u8, Failure> {
    let mut store = open(common)?;
    let now = if clear {
        store.set_hq_url(None)?
    } else if let Some(url) = url {
        store.set_hq_url(Some(url))?
    } else {
        store.hq_url()?
    };
    match now {
        Some(url) => line(&url)?,
        None => eprintln!("no headquarters address is set: this counter syncs by USB only"),
    }
    Ok(0)
}
