//! Any file handed to `loket-hq status --list`: read as lines and problems, or refused as not
//! a status list; never a panic. What reads well has a line number within the file, a status,
//! and a key of the shape its column asks for.
#![no_main]

use libfuzzer_sys::fuzz_target;
use loket_hq::{lines_in, read_status_list, ListKey};

fuzz_target!(|data: &[u8]| {
    let Ok((lines, problems)) = read_status_list(data) else {
        return;
    };
    let last_line = lines_in(data);
    for l in &lines {
        assert!((2..=last_line).contains(&l.line), "line {} of {last_line}", l.line);
        match &l.key {
            ListKey::Nik(nik) => assert!(nik.len() == 16 && nik.bytes().all(|b| b.is_ascii_digit())),
            ListKey::Passport(p) => assert!((6..=9).contains(&p.len())),
            ListKey::Case(id) => assert!(!id.is_empty()),
        }
    }
    for p in &problems {
        assert!((2..=last_line).contains(&p.line), "line {} of {last_line}", p.line);
    }
});
