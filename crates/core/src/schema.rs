//! The record's JSON Schema, generated from the Rust types so the two cannot drift.
//!
//! The schema describes a *valid* record; drafts may hold more (what was typed is kept), and
//! `validate` reports the difference as findings. `docs/intake-record.schema.json` is this
//! output, checked by a test.

use crate::record::IntakeRecord;

/// The JSON Schema (draft 2020-12) of `loket.intake/1`, pretty-printed with a final newline.
pub fn intake_record_schema() -> String {
    let schema = schemars::schema_for!(IntakeRecord);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}
