//! Validation findings are data: the field at fault, a severity, a stable code and a message
//! for a person in both of the officer's languages.

use serde::{Deserialize, Serialize};

/// An error blocks finalising (the draft is still saved); a warning is shown and recorded.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// The officer's language: Bahasa Indonesia first, English second.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "id" => Ok(Lang::Id),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language {other:?}: use id or en")),
        }
    }
}

/// A message in both languages.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub id: String,
    pub en: String,
}

impl Text {
    pub fn new(id: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            id: id.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Id => &self.id,
            Lang::En => &self.en,
        }
    }
}

/// One thing validation found about one field.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// JSON path of the field at fault, such as `person.nik` or `passport.mrz`.
    pub field: String,
    pub severity: Severity,
    /// Stable, machine-readable, such as `nik.district`.
    pub code: &'static str,
    pub message: Text,
    /// The other case a finding is about (a likely duplicate), so it can be shown beside.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub other_case: Option<String>,
}

impl Finding {
    /// The same finding, naming the other case it is about.
    pub fn about(mut self, case_id: &str) -> Self {
        self.other_case = Some(case_id.to_string());
        self
    }

    pub fn error(field: impl Into<String>, code: &'static str, message: Text) -> Self {
        Finding {
            field: field.into(),
            severity: Severity::Error,
            code,
            message,
            other_case: None,
        }
    }

    pub fn warning(field: impl Into<String>, code: &'static str, message: Text) -> Self {
        Finding {
            field: field.into(),
            severity: Severity::Warning,
            code,
            message,
            other_case: None,
        }
    }

    /// The finding as the report prints it, with the message in one language.
    pub fn localized(&self, lang: Lang) -> LocalizedFinding {
        LocalizedFinding {
            field: self.field.clone(),
            severity: self.severity,
            code: self.code.to_string(),
            message: self.message.get(lang).to_string(),
            other_case: self.other_case.clone(),
        }
    }
}

/// A finding in the form of shared/spec/intake-record.md: `{field, severity, code, message}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalizedFinding {
    pub field: String,
    pub severity: Severity,
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other_case: Option<String>,
}

/// Everything validation says about one record.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// Derived: the screening referral flag.
    pub referral: bool,
    /// Derived: how many screening indicators were answered `yes`.
    pub screening_yes: u32,
}

impl Report {
    /// True when no finding is an error, so the interview may be finalised.
    pub fn ok(&self) -> bool {
        !self.has_errors()
    }

    pub fn has_errors(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
    }

    /// The report as `loket validate` prints it.
    pub fn localized(&self, lang: Lang) -> LocalizedReport {
        LocalizedReport {
            ok: self.ok(),
            findings: self.findings.iter().map(|f| f.localized(lang)).collect(),
            referral: self.referral,
            screening_yes: self.screening_yes,
        }
    }
}

/// The validation report of shared/spec/intake-record.md.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalizedReport {
    pub ok: bool,
    pub findings: Vec<LocalizedFinding>,
    pub referral: bool,
    pub screening_yes: u32,
}
