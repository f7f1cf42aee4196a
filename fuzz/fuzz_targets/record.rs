//! Any bytes given to `loket validate`: parsed or refused, validated, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use loket_core::IntakeRecord;

fuzz_target!(|data: &[u8]| {
    if let Ok(record) = serde_json::from_slice::<IntakeRecord>(data) {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 19).unwrap();
        let report = loket_core::validate(&record, today);
        // What is stored must read back as the same record.
        let text = serde_json::to_string(&record).unwrap();
        let again: IntakeRecord = serde_json::from_str(&text).unwrap();
        assert_eq!(again, record);
        let _ = report.localized(loket_core::Lang::En);
    }
});
