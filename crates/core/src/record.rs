//! The wire form of `loket.intake/1`: one JSON object per person interviewed.
//!
//! These types hold what was typed, valid or not, so that a draft is never lost; `validate`
//! turns them into findings. Field names are fixed by shared/spec/intake-record.md. Absent and
//! `null` mean the same; both deserialize to `None` and `None` is not written back.

use crate::enums::*;
use crate::lenient::Lenient;
use crate::screening::Screening;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The format tag every record carries.
pub const FORMAT: &str = "loket.intake/1";

/// One person's intake interview.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(
    title = "loket.intake/1",
    description = "One intake interview at a consular counter."
)]
pub struct IntakeRecord {
    /// Always `loket.intake/1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("const" = "loket.intake/1"))]
    pub format: Option<String>,
    /// The case's UUID (v7 when the app makes it); assigned if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "uuid"))]
    pub id: Option<String>,
    /// The mission's code, 2–8 upper-case letters or digits; from settings if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Z0-9]{2,8}$"))]
    pub mission: Option<String>,
    /// The queue ticket the person holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// When the interview took place (RFC 3339 with offset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "date-time"))]
    pub interviewed_at: Option<String>,
    pub person: Person,
    /// Proof of citizenship seen at the counter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Vec<Lenient<Evidence>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passport: Option<Passport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stay: Option<Stay>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compound: Option<Compound>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screening: Option<Screening>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerability: Option<Vec<Lenient<Vulnerability>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<Request>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consent: Option<Consent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl IntakeRecord {
    /// Whether the person asks for an SPLP (`request.document` is `splp`).
    pub fn requests_splp(&self) -> bool {
        self.request
            .as_ref()
            .and_then(|q| q.document.as_ref())
            .and_then(Lenient::known)
            == Some(&DocumentRequest::Splp)
    }

    /// Whether the screening raises the referral flag (derived, never typed).
    pub fn referral(&self) -> bool {
        self.screening.as_ref().is_some_and(Screening::referral)
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Person {
    /// 1–60 letters, spaces, `'`, `.`, `-`; stored upper-case; one word is a valid name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 60))]
    pub full_name: Option<String>,
    /// Other spellings (KTP and passport often differ).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Lenient<Sex>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "date"))]
    pub date_of_birth: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub place_of_birth: Option<String>,
    /// National identity number, 16 digits `PP RR DD dd mm yy SSSS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]{16}$"))]
    pub nik: Option<String>,
    /// Family card number, 16 digits; never a key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]{16}$"))]
    pub kk_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mother_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_id: Option<AddressId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^\+?[0-9][0-9 \-]*$"))]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_of_kin: Option<NextOfKin>,
}

/// The person's address in Indonesia.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AddressId {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub village: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regency: Option<String>,
    /// A current two-digit province code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]{2}$"))]
    pub province: Option<String>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NextOfKin {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^\+?[0-9][0-9 \-]*$"))]
    pub phone: Option<String>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Passport {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Lenient<PassportStatus>>,
    /// 1–2 letters and 6–7 digits, usually one letter and seven (`C1234567`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Z]{1,2}[0-9]{6,7}$"))]
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "date"))]
    pub expiry_date: Option<String>,
    /// The two 44-character lines of the TD3 machine-readable zone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 2, max = 2))]
    pub mrz: Option<Vec<String>>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Stay {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "date"))]
    pub entry_date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_point: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visa: Option<Lenient<Visa>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "date"))]
    pub permit_expiry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0))]
    pub overstay_days: Option<i64>,
}

/// Where the person was held, and for how long.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Compound {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "date"))]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("format" = "date"))]
    pub until: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wages_paid: Option<bool>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Request {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<Lenient<DocumentRequest>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Lenient<RequestReason>>,
    /// IATA code of an Indonesian airport.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Z]{3}$"))]
    pub port_of_entry: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub travel_funding: Option<Lenient<TravelFunding>>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Consent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privacy_notice_given: Option<bool>,
}
