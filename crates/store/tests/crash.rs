//! Crash safety: a process saving cases (and closing some, which headquarters' receipts then
//! purge) is killed with SIGKILL at random moments; afterwards the store opens, passes
//! `integrity_check`, its audit chain verifies, and every save, closing and purge the process
//! reported committed is there.

mod common;
use common::*;
use loket_batch::HqSecret;
use loket_core::status::CaseStatus;
use loket_store::{AuditCheck, Store, StoreError};
use rand::Rng;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const CHILD_DIR: &str = "LOKET_CRASH_CHILD_DIR";
/// Headquarters' secret key (JSON) in the store's folder, for the child to sign receipts.
const HQ_FILE: &str = "hq-secret.json";
const ROUNDS: usize = 200;

/// The process that gets killed: saves, amends and finalises cases as fast as it can, every
/// fifth round closes one and applies headquarters' receipt for a new batch (which purges
/// it), and reports each commit on stdout only after the call has returned.
#[test]
#[ignore = "run by sigkill_at_random_moments_loses_no_committed_save as its child process"]
fn crash_child_saves_until_killed() {
    let dir = std::env::var_os(CHILD_DIR).expect("run as the crash test's child");
    let dir = Path::new(&dir);
    let hq =
        HqSecret::from_secret_json(&std::fs::read_to_string(dir.join(HQ_FILE)).unwrap()).unwrap();
    let mut store = Store::open(dir, OFFICER, PASSPHRASE).unwrap();
    let mut out = std::io::stdout().lock();
    let mut last: Option<String> = None;
    let mut finalised: Vec<String> = Vec::new();
    for i in 0u64.. {
        if i % 5 == 4 {
            // Not the case the next round may amend.
            let closable = finalised.iter().rposition(|f| Some(f) != last.as_ref());
            if let Some(id) = closable.map(|at| finalised.remove(at)) {
                store.close(&id, "departed").unwrap();
                writeln!(out, "closed {id}").unwrap();
                out.flush().unwrap();
                // Sealing, then the receipt: each its own transaction, as on a counter.
                if let Some(batch) = store.seal_batch().unwrap() {
                    let text = receipt_for(&store, &hq, &[batch.sequence]);
                    store.apply_receipt(text.as_bytes()).unwrap();
                    writeln!(out, "purged {id}").unwrap();
                    out.flush().unwrap();
                }
            }
        }
        let saved = match (&last, i % 3) {
            (Some(id), 1) => {
                let mut r = store.case(id).unwrap().unwrap().record;
                r.notes = Some(format!("amended {i}"));
                store.save(r, Some("amended")).unwrap()
            }
            _ => store
                .save(person("SITI AMINAH", None, None, &format!("K-{i}")), None)
                .unwrap(),
        };
        writeln!(out, "committed {} {}", saved.case_id, saved.version).unwrap();
        out.flush().unwrap();
        if i % 5 == 0 {
            store.finalize(&saved.case_id).unwrap();
            writeln!(out, "finalised {}", saved.case_id).unwrap();
            out.flush().unwrap();
            if !finalised.contains(&saved.case_id) {
                finalised.push(saved.case_id.clone());
            }
        }
        last = Some(saved.case_id);
    }
}

/// What the children reported committed.
#[derive(Default)]
struct Reported {
    committed: Vec<(String, u32)>,
    finalised: Vec<String>,
    closed: Vec<String>,
    purged: Vec<String>,
}

fn check(dir: &Path, reported: &Reported) {
    let store = Store::open(dir, OFFICER, PASSPHRASE).unwrap();
    assert_eq!(store.integrity_check().unwrap(), "ok");
    assert!(matches!(
        store.verify_audit().unwrap(),
        AuditCheck::Intact { .. }
    ));
    // A purged case keeps its versions' history, not their records.
    for (id, version) in &reported.committed {
        assert!(
            store
                .versions(id)
                .unwrap()
                .iter()
                .any(|v| v.version == *version),
            "lost {id} v{version}"
        );
    }
    // A case may be purged before its child said so (killed in between), never unsaid.
    let status = |id: &str| match store.case(id) {
        Ok(case) => Some(case.unwrap().status),
        Err(StoreError::Purged { .. }) => None,
        Err(e) => panic!("{id}: {e}"),
    };
    for id in &reported.finalised {
        assert_ne!(
            status(id),
            Some(CaseStatus::Draft),
            "lost the finalisation of {id}"
        );
    }
    for id in &reported.closed {
        assert!(
            matches!(status(id), Some(CaseStatus::Closed) | None),
            "lost the closing of {id}"
        );
    }
    for id in &reported.purged {
        assert_eq!(status(id), None, "{id} is not purged");
        assert!(store.purged_at(id).unwrap().is_some());
    }
}

#[test]
fn sigkill_at_random_moments_loses_no_committed_save() {
    let (dir, mut store) = store();
    let hq = HqSecret::generate();
    store.pin_hq_key(&hq.public(), false).unwrap();
    std::fs::write(dir.path().join(HQ_FILE), hq.to_secret_json().as_bytes()).unwrap();
    drop(store);
    let exe = std::env::current_exe().unwrap();
    let mut rng = rand::thread_rng();
    let mut reported = Reported::default();
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
                ["committed", id, v] => reported
                    .committed
                    .push((id.to_string(), v.parse().unwrap())),
                ["finalised", id] => reported.finalised.push(id.to_string()),
                ["closed", id] => reported.closed.push(id.to_string()),
                ["purged", id] => reported.purged.push(id.to_string()),
                _ => {}
            }
        }
        if round % 50 == 49 {
            check(dir.path(), &reported);
        }
    }
    assert!(
        reported.committed.len() > ROUNDS && reported.purged.len() > ROUNDS / 10,
        "the children committed too little to test anything: {} saves, {} purges",
        reported.committed.len(),
        reported.purged.len()
    );
    check(dir.path(), &reported);
}
