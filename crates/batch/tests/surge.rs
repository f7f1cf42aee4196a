//! The sizing: 5,000 cases with a 30 KB photo each. Ignored by default (slow in
//! debug builds); run with `cargo test -p loket-batch --release --test surge -- --ignored`.
mod common;

use std::time::Instant;

use common::*;
use loket_batch::*;

#[test]
#[ignore]
fn seal_and_open_5000_cases_with_30kb_photos() {
    let w = World::new();
    let mut input = w.input(0);
    for i in 0..5000 {
        let mut p = photo(i);
        p.resize(30_000, (i % 251) as u8);
        p.extend(i.to_le_bytes());
        let mut r = w.input(1).records.remove(0);
        r.case_id = case_id(i);
        r.record_text = record_text(i);
        r.photo_sha256 = Some(sha256_hex(&p));
        input.records.push(r);
        input.attachments.push(p);
    }
    let t = Instant::now();
    let sealed = seal(&input, &w.device, &w.hq.public()).unwrap();
    let seal_time = t.elapsed();
    let t = Instant::now();
    let opened = w.open(&sealed.bytes).unwrap();
    let open_time = t.elapsed();
    eprintln!(
        "seal {seal_time:?}, open {open_time:?}, {} bytes",
        sealed.bytes.len()
    );
    assert_eq!(opened.records.len(), 5000);
}
