//! Stores created on several threads at once, as the very first thing a process does, all
//! open. SQLite marks itself initialised before SQLCipher's own process-wide set-up has run;
//! a connection keyed on another thread in that window used to be refused with "An error
//! occurred with PRAGMA key or rekey" (seen once in CI). The window exists once per process,
//! so each attempt is a fresh child process.

mod common;
use common::*;
use loket_store::{KdfParams, Store};
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};

const CHILD_DIR: &str = "LOKET_FIRST_OPEN_CHILD_DIR";
const THREADS: usize = 8;
/// Without the guard about 1 process in 100 lost the race here (4 of 300, 3 of 300): 300
/// processes catch it about 19 times in 20.
const PROCESSES: usize = 300;

/// The child: its first SQLite work is `THREADS` stores created at the same moment.
#[test]
#[ignore = "run by stores_created_at_once_when_a_process_starts_all_open as its child process"]
fn first_open_child_creates_stores_at_once() {
    let dir = std::env::var_os(CHILD_DIR).expect("run as the first-open test's child");
    let start = Arc::new(Barrier::new(THREADS));
    let threads: Vec<_> = (0..THREADS)
        .map(|i| {
            let start = start.clone();
            let dir = std::path::Path::new(&dir).join(i.to_string());
            std::thread::spawn(move || {
                start.wait();
                Store::init_with(
                    &dir,
                    OFFICER,
                    PASSPHRASE,
                    "PNH",
                    KdfParams::insecure_for_tests(),
                )
                .map(|_| ())
                .map_err(|e| e.to_string())
            })
        })
        .collect();
    let failed: Vec<String> = threads
        .into_iter()
        .filter_map(|t| t.join().unwrap().err())
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
}

#[test]
fn stores_created_at_once_when_a_process_starts_all_open() {
    let exe = std::env::current_exe().unwrap();
    for round in 0..PROCESSES {
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new(&exe)
            .args(["--exact", "first_open_child_creates_stores_at_once"])
            .args(["--ignored", "--nocapture", "--test-threads", "1"])
            .env(CHILD_DIR, dir.path())
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "process {round}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
