//! `loket officer` and `loket passphrase`: each officer opens the store with their own login.

mod common;
use common::*;

#[test]
fn officers_get_their_own_logins_and_the_audit_log_names_who_acted() {
    let dir = tempfile::tempdir().unwrap();
    let d = Some(dir.path());
    assert_eq!(loket(&["init", "--mission", "PNH"], "", d).code, 0);
    let list = loket(&["officer", "list", "--lang", "en"], "", d);
    assert_eq!(list.stdout, "officer-1 (you)\n");

    let budi = [("LOKET_NEW_PASSPHRASE", "budi's own passphrase")];
    let added = loket_with(&["officer", "add", "Budi"], "", d, &budi);
    assert_eq!(added.code, 0, "{}", added.stderr);
    assert_eq!(
        added.stdout,
        "petugas Budi dapat membuka loket ini dengan frasa sandinya sendiri\n"
    );
    let again = loket_with(&["officer", "add", "BUDI"], "", d, &budi);
    assert_eq!(again.code, 1);
    assert_eq!(
        again.stderr,
        "loket: officer BUDI already has a login at this counter; nothing was changed\n"
    );
    assert_eq!(
        loket(&["officer", "list", "--json"], "", d).json(),
        serde_json::json!([OFFICER, "Budi"])
    );

    // Budi works under his own login; his passphrase is not officer-1's.
    let as_budi = [
        ("LOKET_OFFICER", "budi"),
        ("LOKET_PASSPHRASE", "budi's own passphrase"),
    ];
    let text = example().to_string();
    let added = loket_with(&["case", "add", "-"], &text, d, &as_budi);
    assert_eq!(added.code, 0, "{}", added.stderr);
    let id = added.stdout.lines().next().unwrap().to_string();
    let history = loket(&["case", "history", &id], "", d);
    assert!(history.stdout.contains("Budi"), "{}", history.stdout);
    let wrong = loket_with(&["case", "list"], "", d, &[("LOKET_OFFICER", "Budi")]);
    assert_eq!(
        (wrong.code, wrong.stderr.as_str()),
        (
            1,
            "loket: wrong passphrase: nothing was opened or changed\n"
        )
    );
    let stranger = loket_with(&["case", "list"], "", d, &[("LOKET_OFFICER", "Rina")]);
    assert_eq!(
        stranger.stderr,
        "loket: no officer Rina at this counter: an officer who can unlock it adds you (Settings, or `loket officer add`)\n"
    );

    // Budi changes his passphrase; officer-1 then removes his login.
    let changed = loket_with(
        &["passphrase", "--lang", "en"],
        "",
        d,
        &[
            as_budi[0],
            as_budi[1],
            ("LOKET_NEW_PASSPHRASE", "budi's new one"),
        ],
    );
    assert_eq!(
        changed.stdout, "Budi's passphrase was changed\n",
        "{}",
        changed.stderr
    );
    let own = loket(&["officer", "remove", OFFICER], "", d);
    assert_eq!(
        own.stderr,
        "loket: you cannot remove your own login: another officer of this counter removes it\n"
    );
    let removed = loket(&["officer", "remove", "budi", "--lang", "en"], "", d);
    assert_eq!(
        removed.stdout,
        "officer budi's login was removed; their audit entries stay\n"
    );
    let gone = loket_with(
        &["case", "list"],
        "",
        d,
        &[
            ("LOKET_OFFICER", "Budi"),
            ("LOKET_PASSPHRASE", "budi's new one"),
        ],
    );
    assert_eq!(gone.code, 1);
    assert!(
        gone.stderr.starts_with("loket: no officer Budi"),
        "{}",
        gone.stderr
    );
    assert_eq!(loket(&["audit", "verify"], "", d).code, 0);

    // The counter's log: each change to the logins and who made it, newest first.
    let log = loket(&["audit", "log", "--json"], "", d).json();
    let entries: Vec<(&str, &str, Option<&str>)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["officer"].as_str().unwrap(),
                e["action"].as_str().unwrap(),
                e["detail"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            (OFFICER, "officer_remove", Some("Budi")),
            ("Budi", "passphrase", None),
            (OFFICER, "officer_add", Some("Budi")),
        ]
    );
    let of_case = loket(&["audit", "log", "--case", &id], "", d);
    let lines: Vec<&str> = of_case.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", of_case.stdout);
    assert!(lines[0].starts_with("ENTRY  AT"), "{}", lines[0]);
    assert!(
        lines[1].starts_with("2      ") && lines[1].ends_with("  Budi     save    1"),
        "{}",
        lines[1]
    );
    let none = loket(&["audit", "log", "--case", "no-such-case"], "", d);
    assert_eq!(
        (none.code, none.stderr.as_str()),
        (1, "loket: no case no-such-case at this counter\n")
    );
    let table = loket(&["audit", "log", "--limit", "1"], "", d);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", table.stdout);
    assert!(lines[0].starts_with("ENTRY  AT"), "{}", lines[0]);
    assert!(
        lines[1].starts_with("4      ") && lines[1].ends_with("  officer-1  officer_remove  Budi"),
        "{}",
        lines[1]
    );
}
