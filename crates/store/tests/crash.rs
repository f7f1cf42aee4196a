//! Crash safety: a process saving cases is killed with SIGKILL at random moments; afterwards
//! the store opens, passes `integrity_check`, its audit chain verifies, and every save the
//! process reported committed is there.

mod common;
use common::*;
use loket_store::{AuditCheck, Store};
use rand::Rng;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const CHILD_DIR: &str = "LOKET_CRASH_CHILD_DIR";
const ROUNDS: usize = 200;

/// The process that gets killed: saves, amends and finalises cases as fast as it can, and
/// reports each commit on stdout only after `save` or `finalize` has returned.
#[test]
#[ignore = "run by sigkill_at_random_moments_loses_no_committed_save as its child process"]
fn crash_child_saves_until_killed() {
    let dir = std::env::var_os(CHILD_DIR).expect("run as the crash test's child");
    let mut store = Store::open(Path::new(&dir), PASSPHRASE).unwrap();
    let mut out = std::io::stdout().lock();
    let mut last: Option<String> = None;
    for i in 0u64.. {
        let saved = match (&last, i % 3) {
            (Some(id), 1) => {
                let mut r = store.case(id).unwrap().unwrap().record;
                r.notes = Some(format!("amended {i}"));
                store.save(r, "crash", Some("amended")).unwrap()
            }
            _ => store
                .save(
                    person("SITI AMINAH", None, None, &format!("K-{i}")),
                    "crash",
                    None,
                )
                .unwrap(),
        };
        writeln!(out, "committed {} {}", saved.case_id, saved.version).unwrap();
        out.flush().unwrap();
        if i % 5 == 0 {
            store.finalize(&saved.case_id, "crash").unwrap();
            writeln!(out, "finalised {}", saved.case_id).unwrap();
            out.flush().unwrap();
        }
        last = Some(saved.case_id);
    }
}

fn check(dir: &Path, committed: &[(String, u32)], finalised: &[String]) {
    let store = Store::open(dir, PASSPHRASE).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    assert!(matches!(
        store.verify_audit().unwrap(),
        AuditCheck::Intact { .. }
    ));
    for (id, version) in committed {
        assert!(
            store.version(id, *version).unwrap().is_some(),
            "lost {id} v{version}"
        );
    }
    for id in finalised {
        let case = store.case(id).unwrap().unwrap();
        assert_ne!(
            case.status,
            loket_core::status::CaseStatus::Draft,
            "lost the finalisation of {id}"
        );
    }
}

#[test]
fn sigkill_at_random_moments_loses_no_committed_save() {
    let (dir, store) = store();
    drop(store);
    let exe = std::env::current_exe().unwrap();
    let mut rng = rand::thread_rng();
    let mut committed: Vec<(String, u32)> = Vec::new();
    let mut finalised: Vec<String> = Vec::new();
    for round in 0..ROUNDS {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                "crash_child_saves_until_killed",
                "--ignored",
                "--nocapture",
            ])
            .args(["--test-threads", "1"])
            .env(CHILD_DIR, dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.gen_range(5..120)));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        for line in BufReader::new(child.stdout.take().unwrap()).lines() {
            let line = line.unwrap();
            let words: Vec<&str> = line.split_whitespace().collect();
            match words[..] {
                ["committed", id, v] => committed.push((id.to_string(), v.parse().unwrap())),
                ["finalised", id] => finalised.push(id.to_string()),
                _ => {}
            }
        }
        if round % 50 == 49 {
            check(dir.path(), &committed, &finalised);
        }
    }
    assert!(
        committed.len() > ROUNDS,
        "the child committed too little to test anything: {}",
        committed.len()
    );
    check(dir.path(), &committed, &finalised);
}
