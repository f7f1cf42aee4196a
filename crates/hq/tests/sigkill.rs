//! `loket-hq import` killed with SIGKILL at random moments, on SQLite and on PostgreSQL:
//! afterwards the database always opens and holds the batch whole or not at all (and when
//! whole, the batch file is kept and its photos read back), and a retry completes it with
//! exact counts.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::*;
use loket_hq::Counts;
use rand::Rng;

on_both_backends!(an_import_killed_at_any_moment_is_all_or_nothing);

const CASES: usize = 300;
const ROUNDS: usize = 32;

/// A headquarters with the counter enrolled and its batch 1 on the stick.
fn prepared(b: Backend) -> (Site, std::path::PathBuf) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let versions: Vec<(usize, u64)> = (0..CASES).map(|i| (i, 1)).collect();
    let bytes = counter.seal_next(&site.public(), &versions);
    let file = site.put("PNH-01-1.loket-batch", &bytes);
    (site, file)
}

const NONE: Counts = Counts {
    devices: 1,
    batches: 0,
    records: 0,
    photos: 0,
    cases: 0,
    requests: 0,
    request_events: 0,
};

const ALL: Counts = Counts {
    devices: 1,
    batches: 1,
    records: CASES as u64,
    photos: CASES as u64,
    cases: CASES as u64,
    requests: 0,
    request_events: 0,
};

fn an_import_killed_at_any_moment_is_all_or_nothing(b: Backend) {
    // How long one whole import takes here (process start to exit): kills are spread over it.
    let (probe, file) = prepared(b);
    let started = Instant::now();
    let out = probe.cli(&["import", file.to_str().unwrap()]);
    let whole = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(probe.counts(), ALL);

    let mut rng = rand::thread_rng();
    let (mut site, mut file) = prepared(b);
    let (mut applied, mut not_applied) = (0, 0);
    for round in 0..ROUNDS {
        let mut child = site
            .command(&["import", file.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let delay = rng.gen_range(0..=whole.as_micros() as u64 * 11 / 10);
        std::thread::sleep(Duration::from_micros(delay));
        let _ = child.kill();
        let _ = child.wait();

        // The database opens, and holds the batch whole or not at all.
        let counts = site.counts();
        assert!(
            counts == NONE || counts == ALL,
            "round {round} (killed after {delay} µs): {counts:?}"
        );
        if counts == ALL {
            // Committed means kept: the file was in place before the commit.
            assert_photos_held(&site, &file, &[CASES - 1]);
            applied += 1;
            // Applied: start again on a new headquarters, so every round can interrupt.
            (site, file) = prepared(b);
        } else {
            not_applied += 1;
        }
    }
    eprintln!(
        "{b:?}: {ROUNDS} kills over {} ms: {applied} after the commit, {not_applied} before",
        whole.as_millis()
    );

    // A retry completes it, exactly once.
    let receipt = file.with_file_name("PNH-01.loket-receipt");
    for _ in 0..2 {
        let out = site.cli(&["import", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_eq!(site.counts(), ALL);
    }
    let receipt = verify_receipt(&std::fs::read(receipt).unwrap(), &site.public());
    assert_eq!(receipt.batches, vec![1]);
    assert_eq!(receipt.records.len(), CASES);
    let every: Vec<usize> = (0..CASES).collect();
    assert_photos_held(&site, &file, &every);
}

/// The batch on the stick is kept byte for byte, and these cases' photos read back.
fn assert_photos_held(site: &Site, file: &std::path::Path, cases: &[usize]) {
    let bytes = std::fs::read(file).unwrap();
    let kept = loket_hq::kept_batch_path(&site.dir, "PNH-01", 1, &loket_batch::sha256_hex(&bytes));
    assert_eq!(std::fs::read(kept).unwrap(), bytes);
    let mut hq = site.hq();
    for &i in cases {
        assert_eq!(
            hq.case_photo(&case_id(i)).unwrap(),
            Some(photo(i)),
            "case {i}"
        );
    }
}
