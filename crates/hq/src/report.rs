//! The figures the ministry reports during a surge (`loket-hq report`): per mission and day,
//! how many people came to the counters, how many asked for an SPLP, how many the screening
//! flagged for referral, how many requests were printed, and how many SPLPs were issued and
//! people departed. Counts only, nobody's data: like `devices` and `requests`, not in the
//! access log.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use loket_core::IntakeRecord;
use serde::Serialize;

use crate::error::Result;
use crate::Hq;

/// One mission's day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReportDay {
    pub mission: String,
    /// `YYYY-MM-DD`: the counter's date for intakes and prints, UTC for headquarters' statuses.
    pub day: String,
    /// People whose case was first saved that day.
    pub intakes: u64,
    /// Of those, the ones whose case (its latest version) asks for an SPLP.
    pub splp_requested: u64,
    /// Of those, the ones whose screening (its latest version) raises the referral flag.
    pub referrals: u64,
    /// SPLP requests the counters printed that day (first prints; reprints not counted).
    pub printed: u64,
    /// Cases headquarters recorded that day as SPLP issued.
    pub splp_issued: u64,
    /// Cases headquarters recorded that day as departed.
    pub departed: u64,
}

impl ReportDay {
    /// Adds another day's counts to these (for a total).
    pub fn add(&mut self, other: &ReportDay) {
        self.intakes += other.intakes;
        self.splp_requested += other.splp_requested;
        self.referrals += other.referrals;
        self.printed += other.printed;
        self.splp_issued += other.splp_issued;
        self.departed += other.departed;
    }
}

impl Hq {
    /// Every mission's days (from `since` on), only those with something to count, ordered by
    /// mission and day; with `mission`, that mission's only.
    pub fn report(
        &mut self,
        since: Option<NaiveDate>,
        mission: Option<&str>,
    ) -> Result<Vec<ReportDay>> {
        // Days compare as text: every day is at or after the empty one.
        let since = since.map_or(String::new(), |d| d.format("%Y-%m-%d").to_string());
        let source = self.db.report_source(&since)?;
        let mut days: BTreeMap<(String, String), ReportDay> = BTreeMap::new();
        for (m, d, text) in source.intakes {
            // Every text held was parsed when it was imported; one that no longer does still
            // counts as an intake.
            let record = serde_json::from_str::<IntakeRecord>(&text).ok();
            let counts = day(&mut days, m, d);
            counts.intakes += 1;
            counts.splp_requested +=
                u64::from(record.as_ref().is_some_and(IntakeRecord::requests_splp));
            counts.referrals += u64::from(record.as_ref().is_some_and(IntakeRecord::referral));
        }
        for (m, d, n) in source.printed {
            day(&mut days, m, d).printed += n;
        }
        for (m, d, status, n) in source.statuses {
            let counts = day(&mut days, m, d);
            match status.as_str() {
                "splp_issued" => counts.splp_issued += n,
                "departed" => counts.departed += n,
                _ => {} // a status a newer loket-hq knows
            }
        }
        Ok(days
            .into_values()
            .filter(|d| mission.is_none_or(|m| d.mission == m))
            .collect())
    }
}

/// The counts of a mission's day, started at zero.
fn day(
    days: &mut BTreeMap<(String, String), ReportDay>,
    mission: String,
    day: String,
) -> &mut ReportDay {
    days.entry((mission.clone(), day.clone()))
        .or_insert(ReportDay {
            mission,
            day,
            ..ReportDay::default()
        })
}
