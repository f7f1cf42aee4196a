//! `loket init`, `case add|list|show|finalize` and `audit verify` against a real store.

mod common;
use common::{example, loket, OFFICER};

/// Absent and `null` mean the same; the store writes neither.
fn without_nulls(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(map) => map
            .into_iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| (k, without_nulls(v)))
            .collect(),
        other => other,
    }
}

fn init() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let run = loket(&["init", "--mission", "PNH"], "", Some(dir.path()));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let identity = run.json();
    assert_eq!(identity["mission"], "PNH");
    assert_eq!(identity["public_key"].as_str().unwrap().len(), 64);
    dir
}

#[test]
fn init_prints_the_identity_and_refuses_to_run_twice() {
    let dir = init();
    let again = loket(&["init", "--mission", "PNH"], "", Some(dir.path()));
    assert_eq!(again.code, 1);
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);
    let device = loket(&["device"], "", Some(dir.path()));
    assert_eq!(device.code, 0);
    assert_eq!(device.json()["mission"], "PNH");
    assert_eq!(device.json()["format"], "loket.device/1");
    assert_eq!(device.json()["public_key"].as_str().unwrap().len(), 64);
}

#[test]
fn a_clean_case_is_stored_listed_shown_and_finalised() {
    let dir = init();
    let d = Some(dir.path());
    let add = loket(&["case", "add", "-"], &example().to_string(), d);
    assert_eq!(add.code, 0, "{}", add.stderr);
    let (id, report) = add.stdout.split_once('\n').unwrap();
    assert_eq!(id, "0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b11");
    let report: serde_json::Value = serde_json::from_str(report).unwrap();
    assert_eq!(report["ok"], true);

    let list = loket(&["case", "list", "--json"], "", d).json();
    assert_eq!(list[0]["id"], id);
    assert_eq!(list[0]["full_name"], "SITI AMINAH");
    assert_eq!(list[0]["status"], "draft");
    let table = loket(&["case", "list", "--lang", "en"], "", d);
    assert!(table.stdout.contains("SITI AMINAH") && table.stdout.contains("NAME"));

    let show = loket(&["case", "show", id], "", d).json();
    assert_eq!(
        show,
        without_nulls(example()),
        "the record round-trips unchanged"
    );

    let fin = loket(&["case", "finalize", id], "", d);
    assert_eq!(fin.code, 0, "{}", fin.stderr);
    assert_eq!(
        loket(&["case", "list", "--json"], "", d).json()[0]["status"],
        "finalised"
    );

    let found = loket(&["case", "search", "aminah", "--json"], "", d).json();
    assert_eq!(found[0]["id"], id);

    let audit = loket(&["audit", "verify"], "", d);
    assert_eq!(audit.code, 0, "{}", audit.stdout);
    assert!(audit.stdout.contains("2 entries"), "{}", audit.stdout);
}

#[test]
fn a_record_with_errors_is_kept_as_a_draft_that_cannot_be_finalised() {
    let dir = init();
    let d = Some(dir.path());
    let mut record = example();
    record["person"]["nik"] = "3203005204990001".into();
    let add = loket(
        &["case", "add", "-", "--lang", "en"],
        &record.to_string(),
        d,
    );
    assert_eq!(add.code, 1);
    let (id, report) = add.stdout.split_once('\n').unwrap();
    let report: serde_json::Value = serde_json::from_str(report).unwrap();
    assert_eq!(report["findings"][0]["code"], "nik.district");
    assert_eq!(
        loket(&["case", "show", id], "", d).json()["person"]["nik"],
        "3203005204990001"
    );

    let fin = loket(&["case", "finalize", id, "--lang", "en"], "", d);
    assert_eq!(fin.code, 1);
    assert_eq!(fin.json()["findings"][0]["code"], "nik.district");
    assert_eq!(
        loket(&["case", "list", "--json"], "", d).json()[0]["status"],
        "draft"
    );
}

#[test]
fn changing_a_finalised_case_needs_a_reason() {
    let dir = init();
    let d = Some(dir.path());
    let id = "0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b11";
    loket(&["case", "add", "-"], &example().to_string(), d);
    loket(&["case", "finalize", id], "", d);
    let mut record = example();
    record["notes"] = "Brother called.".into();
    let refused = loket(&["case", "add", "-"], &record.to_string(), d);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("reason"), "{}", refused.stderr);
    let ok = loket(
        &["case", "add", "-", "--reason", "note added"],
        &record.to_string(),
        d,
    );
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    let history = loket(&["case", "history", id], "", d).json();
    assert_eq!(history.as_array().unwrap().len(), 2);
    assert_eq!(history[1]["reason"], "note added");
    let v1 = loket(&["case", "show", id, "--version", "1"], "", d).json();
    assert!(v1.get("notes").unwrap() != "Brother called.");
}

#[test]
fn a_finalised_case_closes_with_a_reason_and_a_draft_does_not() {
    let dir = init();
    let d = Some(dir.path());
    let id = "0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b11";
    loket(&["case", "add", "-"], &example().to_string(), d);
    let draft = loket(&["case", "close", id, "--reason", "departed"], "", d);
    assert_eq!(draft.code, 1);
    assert_eq!(
        draft.stderr,
        format!("loket: case {id} is a draft: finalise it before closing it\n")
    );
    loket(&["case", "finalize", id], "", d);
    let no_reason = loket(&["case", "close", id], "", d);
    assert_eq!(no_reason.code, 2, "{}", no_reason.stderr);
    let closed = loket(
        &["case", "close", id, "--reason", "departed", "--lang", "en"],
        "",
        d,
    );
    assert_eq!(closed.code, 0, "{}", closed.stderr);
    assert_eq!(closed.stdout, format!("case {id} closed (version 2)\n"));
    let history = loket(&["case", "history", id], "", d).json();
    assert_eq!(
        (&history[1]["status"], &history[1]["reason"]),
        (&"closed".into(), &"departed".into())
    );
    assert_eq!(
        loket(&["case", "list", "--json"], "", d).json()[0]["status"],
        "closed"
    );
    assert_eq!(loket(&["audit", "verify"], "", d).code, 0);
}

#[test]
fn refusals_are_one_line_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = Some(dir.path());
    let missing = loket(&["case", "list"], "", d);
    assert_eq!(missing.code, 1);
    assert!(missing.stderr.contains("loket init"), "{}", missing.stderr);

    let dir = init();
    let d = Some(dir.path());
    let not_json = loket(&["case", "add", "-"], "{ nope", d);
    assert_eq!(not_json.code, 2);
    assert!(not_json.stderr.contains("line 1 column"));
    assert_eq!(
        loket(&["case", "list", "--json"], "", d).json(),
        serde_json::json!([])
    );

    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_loket"));
    let wrong = cmd
        .args(["case", "list"])
        .env("LOKET_DATA_DIR", dir.path())
        .env("LOKET_PASSPHRASE", "not the passphrase")
        .env("LOKET_OFFICER", OFFICER)
        .output()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(stderr.contains("wrong passphrase"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1);

    let unknown = loket(
        &["case", "show", "0190f3c2-0000-7000-8000-000000000000"],
        "",
        d,
    );
    assert_eq!(unknown.code, 1);
    assert!(unknown.stderr.contains("no case"));
}

#[test]
fn hq_key_pins_headquarters_key_and_refuses_a_different_one() {
    let dir = init();
    let d = Some(dir.path());
    let write = |name: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, loket_batch::HqSecret::generate().public().to_json()).unwrap();
        path
    };
    let (first, second) = (write("hq1.json"), write("hq2.json"));
    let run = loket(&["hq-key", first.to_str().unwrap()], "", d);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("age1"), "{}", run.stdout);
    let run = loket(&["hq-key", second.to_str().unwrap()], "", d);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("--replace"), "{}", run.stderr);
    assert_eq!(
        loket(&["hq-key", second.to_str().unwrap(), "--replace"], "", d).code,
        0
    );
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{}").unwrap();
    let run = loket(&["hq-key", junk.to_str().unwrap()], "", d);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("junk.json"), "{}", run.stderr);
}
