//! Any text typed by a passport reader: parsed or refused, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (a, b) = text.split_once('\n').unwrap_or((&text, ""));
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 19).unwrap();
    if let Ok(m) = loket_core::mrz::parse_td3(a, b, today) {
        let _ = m.valid();
    }
});
