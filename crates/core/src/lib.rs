//! The intake record `loket.intake/1`: its types, parsing and validation.
//!
//! Pure code with no IO at all: the clock comes in as an argument, so every rule can be
//! tested with an exact date and the same input always gives the same findings.
#![forbid(unsafe_code)]

pub mod enums;
pub mod finding;
pub mod lenient;
pub mod mrz;
pub mod names;
pub mod nik;
pub mod passport;
pub mod phone;
pub mod record;
pub mod schema;
pub mod screening;
pub mod status;
pub mod validate;

pub use finding::{Finding, Lang, Report, Severity, Text};
pub use record::IntakeRecord;
pub use validate::{normalize, validate};
