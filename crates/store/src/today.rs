//! The counter's day at a glance: what the Today screen shows.

use crate::cases::{summary_at, SUMMARY_COLUMNS};
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
    /// Of those, finalised (closed since or not).
    pub finalised: u32,
    /// SPLP requests printed today (new serials; reprints not counted).
    pub printed: u32,
    /// Today's cases in the order they were opened (the queue as served); the latest ones
    /// only, when there are more than were asked for.
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
    /// The day that began at `since` (an RFC 3339 instant: the local midnight in UTC), with
    /// at most the `queue` most recently opened of its cases (a surge day is long).
    pub fn today(&self, since: &str, queue: usize) -> Result<Today> {
        let (intakes, drafts, finalised): (u32, u32, u32) = self
            .conn
            .prepare_cached(
                "SELECT count(*), count(*) FILTER (WHERE status = 'draft'),
                        count(*) FILTER (WHERE status <> 'draft')
                 FROM cases WHERE created_at >= ?1",
            )?
            .query_row([since], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let printed: u32 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM request_events WHERE action = 'print' AND at >= ?1",
            )?
            .query_row([since], |r| r.get(0))?;
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT * FROM (SELECT no, {SUMMARY_COLUMNS} FROM cases WHERE created_at >= ?1
                            ORDER BY no DESC LIMIT ?2)
             ORDER BY no"
        ))?;
        let cases = stmt
            .query_map((since, queue as i64), |r| summary_at(r, 1))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Today {
            intakes,
            drafts,
            finalised,
            printed,
            cases,
        })
    }
}
