//! The case lifecycle: draft → finalised → closed.
//!
//! Printed, batched and acknowledged are facts recorded beside the case by later parts of
//! Loket (serials, batches, receipts); they do not replace these three states.

use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseStatus {
    /// Being typed; may hold errors.
    Draft,
    /// The interview is closed: no errors. Changing it needs a reason and makes a new version.
    Finalised,
    /// Nothing more happens for the person at the counter (departed, or the case went
    /// elsewhere); the closing travels to headquarters as a version of its own.
    Closed,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Draft => "draft",
            CaseStatus::Finalised => "finalised",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(CaseStatus::Draft),
            "finalised" => Some(CaseStatus::Finalised),
            "closed" => Some(CaseStatus::Closed),
            _ => None,
        }
    }
}

impl std::fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
