//! Reading an intake record from a file or standard input.

use loket_core::IntakeRecord;
use loket_term::Failure;
use std::io::Read;

/// Exit code for input that is not a JSON intake record at all.
pub const NOT_A_RECORD: u8 = 2;

/// Reads `path` (`-` for standard input) as an intake record.
///
/// Unreadable or non-record JSON fails with exit 2 and a message naming the line and column,
/// or the part that is missing.
pub fn read_record(path: &str) -> Result<IntakeRecord, Failure> {
    let mut text = String::new();
    let read = if path == "-" {
        std::io::stdin().read_to_string(&mut text)
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_string(&mut text))
    };
    read.map_err(|e| Failure::new(NOT_A_RECORD, format!("cannot read {path}: {e}")))?;
    serde_json::from_str(&text).map_err(|e| {
        let what = if e.is_syntax() || e.is_eof() {
            "not valid JSON"
        } else {
            "not an intake record"
        };
        Failure::new(NOT_A_RECORD, format!("{path}: {what}: {e}"))
    })
}
