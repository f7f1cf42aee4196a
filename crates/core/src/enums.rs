//! The record's enumerations, spelled exactly as `loket.intake/1` spells them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Sex {
    M,
    F,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    Ektp,
    Kk,
    BirthCertificate,
    MarriageBook,
    Diploma,
    DrivingLicence,
    GovernmentLetter,
    PassportCopy,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PassportStatus {
    Held,
    Confiscated,
    Lost,
    Stolen,
    Damaged,
    Expired,
    NeverIssued,
}

impl PassportStatus {
    /// The statuses in which the person still has the booklet, so its number is known.
    pub fn number_required(self) -> bool {
        matches!(self, Self::Held | Self::Damaged | Self::Expired)
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visa {
    Tourist,
    Business,
    WorkPermit,
    ResidencePermit,
    None,
    Unknown,
}

/// One answer to a screening question.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No,
    Declined,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Vulnerability {
    Minor,
    Pregnant,
    Ill,
    Injured,
    MentalDistress,
    Disability,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentRequest {
    Splp,
    None,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestReason {
    Lost,
    Stolen,
    Confiscated,
    Damaged,
    Expired,
    IllegalStay,
    Revoked,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TravelFunding {
    #[serde(rename = "self")]
    OwnMeans,
    Family,
    State,
    Other,
}
