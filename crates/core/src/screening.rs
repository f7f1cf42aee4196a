//! Trafficking screening: the indicators, and the two values derived from them.
//!
//! The counter records indicators and raises a referral flag; it never decides victim status.
//! The count of `yes` answers and the flag are derived here and never typed.

use crate::enums::Answer;
use crate::lenient::Lenient;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The screening answers, one per indicator; unknown keys are kept so they can be reported.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(deny_unknown_fields)]
pub struct Screening {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deceptive_recruitment: Option<Lenient<Answer>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub told_to_lie: Option<Lenient<Answer>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents_taken: Option<Lenient<Answer>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub movement_restricted: Option<Lenient<Answer>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isolated: Option<Lenient<Answer>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub violence: Option<Lenient<Answer>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threats: Option<Lenient<Answer>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debt_or_ransom: Option<Lenient<Answer>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wages_withheld: Option<Lenient<Answer>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excessive_hours: Option<Lenient<Answer>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abusive_conditions: Option<Lenient<Answer>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved_between_sites: Option<Lenient<Answer>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knowingly_joined: Option<Lenient<Answer>>,
    /// Keys that are not indicators; each is an error finding.
    #[serde(flatten, default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub unknown: BTreeMap<String, serde_json::Value>,
}

impl Screening {
    /// Every indicator with its record key, in the order of the form.
    pub fn answers(&self) -> [(&'static str, Option<&Lenient<Answer>>); 13] {
        [
            ("deceptive_recruitment", self.deceptive_recruitment.as_ref()),
            ("told_to_lie", self.told_to_lie.as_ref()),
            ("documents_taken", self.documents_taken.as_ref()),
            ("movement_restricted", self.movement_restricted.as_ref()),
            ("isolated", self.isolated.as_ref()),
            ("violence", self.violence.as_ref()),
            ("threats", self.threats.as_ref()),
            ("debt_or_ransom", self.debt_or_ransom.as_ref()),
            ("wages_withheld", self.wages_withheld.as_ref()),
            ("excessive_hours", self.excessive_hours.as_ref()),
            ("abusive_conditions", self.abusive_conditions.as_ref()),
            ("moved_between_sites", self.moved_between_sites.as_ref()),
            ("knowingly_joined", self.knowingly_joined.as_ref()),
        ]
    }

    /// How many indicators were answered `yes`.
    pub fn yes_count(&self) -> u32 {
        self.answers().iter().filter(|(_, a)| is_yes(*a)).count() as u32
    }

    /// Raised at 3 or more `yes`, or at `violence`, or at `debt_or_ransom`, or at
    /// `documents_taken` together with `movement_restricted`.
    pub fn referral(&self) -> bool {
        let yes = |a: &Option<Lenient<Answer>>| is_yes(a.as_ref());
        self.yes_count() >= 3
            || yes(&self.violence)
            || yes(&self.debt_or_ransom)
            || (yes(&self.documents_taken) && yes(&self.movement_restricted))
    }
}

fn is_yes(a: Option<&Lenient<Answer>>) -> bool {
    matches!(a, Some(Lenient::Known(Answer::Yes)))
}
