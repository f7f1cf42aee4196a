//! The counter's day at a glance: what the Today screen shows.

use crate::cases::{summary, SUMMARY_COLUMNS};
use crate::error::Result;
use crate::{CaseSummary, Store};
use serde::Serialize;

/// The cases opened since the start of the officer's day, and how they stand.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Today {
    /// Cases opened today (one per person interviewed).
    pub intakes: u32,
    /// Of those, still drafts.
    pub drafts: u32,
    /// Of those, finalised.
    pub finalised: u32,
    /// Today's cases in the order they were opened: the queue as served.
    pub cases: Vec<CaseSummary>,
}

/// The instant the officer's local day began, as the store writes instants (UTC, RFC 3339).
pub fn start_of_local_day() -> String {
    let now = chrono::Local::now();
    let midnight = now
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .and_then(|m| m.and_local_timezone(chrono::Local).earliest())
        .unwrap_or(now);
    midnight
        .with_timezone(&chrono::Utc)
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

impl Store {
    /// The day that began at `since` (an RFC 3339 instant: the local midnight in UTC).
    pub fn today(&self, since: &str) -> Result<Today> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM cases WHERE created_at >= ?1 ORDER BY no"
        ))?;
        let cases: Vec<CaseSummary> = stmt
            .query_map([since], summary)?
            .collect::<rusqlite::Result<_>>()?;
        let count = |s: loket_core::status::CaseStatus| {
            cases.iter().filter(|c| c.status == s).count() as u32
        };
        Ok(Today {
            intakes: cases.len() as u32,
            drafts: count(loket_core::status::CaseStatus::Draft),
            finalised: count(loket_core::status::CaseStatus::Finalised),
            cases,
        })
    }
}
