//! `loket sync` and `loket hq-url`, as an officer runs them: headquarters' address kept as a
//! setting, and a round against headquarters that is down failing in one line with the
//! store as it was. (Rounds against a running headquarters are tested in crates/hq/tests,
//! where `loket-hq serve` is at hand, and below when the workspace built it too.)

mod common;
use common::*;
use loket_batch::HqSecret;
use std::path::Path;
use std::process::{Command, Stdio};

/// A counter with headquarters' key pinned and one finalised case.
fn counter(hq_key_json: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = Some(dir.path());
    assert_eq!(loket(&["init", "--mission", "PNH"], "", d).code, 0);
    let key = dir.path().join("hq-key.json");
    std::fs::write(&key, hq_key_json).unwrap();
    assert_eq!(loket(&["hq-key", key.to_str().unwrap()], "", d).code, 0);
    let add = loket(&["case", "add", "-"], &example().to_string(), d);
    assert_eq!(add.code, 0, "{}", add.stderr);
    let id = add.stdout.lines().next().unwrap().to_string();
    assert_eq!(loket(&["case", "finalize", &id], "", d).code, 0);
    dir
}

/// A loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn sync_with_headquarters_down_fails_in_one_line_and_changes_nothing() {
    let dir = counter(&HqSecret::generate().public().to_json());
    let d = Some(dir.path());
    // Sealed already (as an earlier round or export would have): the batch waits.
    let stick = tempfile::tempdir().unwrap();
    assert_eq!(
        loket(&["export", "--to", stick.path().to_str().unwrap()], "", d).code,
        0
    );
    let batches = loket(&["batch", "list", "--json"], "", d).stdout;
    let cases = loket(&["case", "list", "--json"], "", d).stdout;

    let hq = format!("http://127.0.0.1:{}", closed_port());
    let run = loket(&["sync", "--hq", &hq], "", d);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!(
            "loket: headquarters at {hq} cannot be reached: connection refused; nothing was \
             lost, the batches wait for the next round\n"
        )
    );
    assert_eq!(run.stdout, "");
    assert_eq!(loket(&["batch", "list", "--json"], "", d).stdout, batches);
    assert_eq!(loket(&["case", "list", "--json"], "", d).stdout, cases);
    let listed: serde_json::Value = serde_json::from_str(&batches).unwrap();
    assert_eq!(listed[0]["acknowledged_at"], serde_json::Value::Null);

    // The address given was kept: the next `loket sync` uses it.
    assert_eq!(loket(&["hq-url"], "", d).stdout, format!("{hq}\n"));
    let again = loket(&["sync"], "", d);
    assert_eq!(
        (again.code, again.stderr.as_str()),
        (1, run.stderr.as_str())
    );
    assert_eq!(loket(&["batch", "list", "--json"], "", d).stdout, batches);
}

#[test]
fn the_address_is_shown_set_checked_and_cleared() {
    let dir = counter(&HqSecret::generate().public().to_json());
    let d = Some(dir.path());
    let none = loket(&["hq-url"], "", d);
    assert_eq!((none.code, none.stdout.as_str()), (0, ""));
    assert!(none.stderr.contains("no headquarters address is set"));
    let no_address = loket(&["sync"], "", d);
    assert_eq!(no_address.code, 1);
    assert_eq!(
        no_address.stderr,
        "loket: headquarters' address is not set: set it in Settings or with `loket hq-url URL` \
         (or give --hq URL)\n"
    );

    let set = loket(&["hq-url", " https://hq.kemlu.go.id/loket/ "], "", d);
    assert_eq!(
        (set.code, set.stdout.as_str()),
        (0, "https://hq.kemlu.go.id/loket\n")
    );
    let bad = loket(&["hq-url", "ftp://hq"], "", d);
    assert_eq!(bad.code, 1);
    assert!(bad
        .stderr
        .starts_with("loket: headquarters' address \"ftp://hq\""));
    let bad = loket(&["sync", "--hq", "hq.kemlu.go.id"], "", d);
    assert_eq!(bad.code, 1);
    // A refused address changes nothing: the one set before stays.
    assert_eq!(
        loket(&["hq-url"], "", d).stdout,
        "https://hq.kemlu.go.id/loket\n"
    );
    let cleared = loket(&["hq-url", "--clear"], "", d);
    assert_eq!((cleared.code, cleared.stdout.as_str()), (0, ""));
    assert_eq!(loket(&["hq-url"], "", d).stdout, "");
}

/// `loket-hq` beside `loket`, when the workspace was built whole (`cargo test --workspace`).
fn loket_hq() -> Option<std::path::PathBuf> {
    let path = Path::new(env!("CARGO_BIN_EXE_loket")).with_file_name("loket-hq");
    path.is_file().then_some(path)
}

fn hq(bin: &Path, dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(bin)
        .args(args)
        .env("LOKET_HQ_DATA_DIR", dir)
        .env("LOKET_HQ_OPERATOR", "ops-jakarta")
        .env("LOKET_HQ_PASSPHRASE", "headquarters passphrase")
        .env_remove("LOKET_HQ_DATABASE")
        .output()
        .unwrap()
}

#[test]
fn sync_with_a_running_headquarters_sends_and_acknowledges() {
    let Some(bin) = loket_hq() else {
        println!("SKIPPED: loket-hq is not built beside loket (run the workspace's tests)");
        return;
    };
    let site = tempfile::tempdir().unwrap();
    let init = hq(&bin, site.path(), &["init"]);
    assert_eq!(init.status.code(), Some(0));
    let key_file = String::from_utf8_lossy(&init.stdout).trim().to_string();
    let dir = counter(&std::fs::read_to_string(&key_file).unwrap());
    let d = Some(dir.path());
    let card = dir.path().join("counter.loket-device");
    std::fs::write(&card, loket(&["device"], "", d).stdout).unwrap();
    let enrol = hq(
        &bin,
        site.path(),
        &["device", "add", card.to_str().unwrap()],
    );
    assert_eq!(enrol.status.code(), Some(0));

    let mut server = Command::new(&bin)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("LOKET_HQ_DATA_DIR", site.path())
        .env("LOKET_HQ_OPERATOR", "ops-jakarta")
        .env("LOKET_HQ_PASSPHRASE", "headquarters passphrase")
        .env_remove("LOKET_HQ_DATABASE")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(server.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    let url = first
        .trim()
        .strip_prefix("listening on ")
        .unwrap()
        .to_string();

    let run = loket(&["sync", "--hq", &url], "", d);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        format!(
            "sealed batch 1 (1 case versions)\nsent batches 1 to headquarters at {url}\n\
             acknowledged now: 1 case versions (1 cases); batches confirmed now: 1\n\
             mission index: 1 cases new, 0 updated\neverything sent is acknowledged\n"
        )
    );
    let listed: serde_json::Value =
        serde_json::from_str(&loket(&["batch", "list", "--json"], "", d).stdout).unwrap();
    assert!(listed[0]["acknowledged_at"].is_string());

    // Headquarters records the person's departure; the next sync brings it, and the counter
    // closes every such case in one go; the sync after that purges it.
    let cases: serde_json::Value =
        serde_json::from_str(&loket(&["case", "list", "--json"], "", d).stdout).unwrap();
    let id = cases[0]["id"].as_str().unwrap().to_owned();
    let status = hq(&bin, site.path(), &["status", &id, "departed"]);
    assert_eq!(status.status.code(), Some(0));
    let none = loket(&["--lang", "en", "case", "close-departed", "--list"], "", d);
    assert_eq!(
        none.stdout,
        "0 open cases whose person headquarters reports departed\n"
    );
    let run = loket(&["sync"], "", d);
    assert!(
        run.stdout
            .contains("mission index: 0 cases new, 1 updated\n"),
        "{}",
        run.stdout
    );
    let due = loket(&["--lang", "en", "case", "close-departed", "--list"], "", d);
    assert!(due
        .stdout
        .starts_with(&format!("case {id}: departed per headquarters 20")));
    assert!(due
        .stdout
        .ends_with("\n1 open cases whose person headquarters reports departed\n"));
    let closed = loket(&["--lang", "en", "case", "close-departed"], "", d);
    assert_eq!((closed.code, closed.stderr.as_str()), (0, ""));
    assert_eq!(
        closed.stdout,
        format!(
            "case {id} closed (version 2)\n1 cases closed; they leave this counter once \
             headquarters holds the closings\n"
        )
    );
    let history = loket(&["case", "history", &id], "", d).stdout;
    assert!(
        history.contains("sudah berangkat menurut pusat / departed per headquarters (20"),
        "{history}"
    );
    let run = loket(&["sync"], "", d);
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        run.stdout.contains(
            "1 closed cases that headquarters now holds were removed from this counter\n"
        ),
        "{}",
        run.stdout
    );
    let again = loket(&["--lang", "en", "case", "close-departed"], "", d);
    assert!(
        again.stdout.starts_with("0 cases closed"),
        "{}",
        again.stdout
    );
}
