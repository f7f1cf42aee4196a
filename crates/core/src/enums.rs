//! The record's enumerations, spelled exactly as `loket.intake/1` spells them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Sex {
    M,
    F,
}

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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Yes,
    No,
    Declined,
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentRequest {
    Splp,
    None,
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TravelFunding {
    #[serde(rename = "self")]
    OwnMeans,
    Family,
    State,
    Other,
}
