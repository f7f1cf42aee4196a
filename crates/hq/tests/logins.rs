//! Headquarters' logins: each operator unlocks with their own passphrase, so the access log
//! names whoever actually unlocked; on SQLite and on PostgreSQL alike (the log is in the
//! database, the logins beside it).

mod common;

use common::*;
use loket_hq::{Hq, HqError, WorkFactor};
use serde_json::Value;

on_both_backends!(
    each_operator_unlocks_with_their_own_passphrase_and_the_log_names_them,
    a_login_copied_under_another_name_does_not_open,
    headquarters_from_before_logins_becomes_the_first_operators_login,
    operators_adding_logins_at_once_lose_none,
    a_damaged_logins_file_is_refused_with_its_reason,
);

/// `loket-hq ARGS` as `operator` with `passphrase` (and `new` as the new passphrase).
fn run(site: &Site, operator: &str, passphrase: &str, new: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = site.command(args);
    cmd.env("LOKET_HQ_OPERATOR", operator)
        .env("LOKET_HQ_PASSPHRASE", passphrase);
    if let Some(new) = new {
        cmd.env("LOKET_HQ_NEW_PASSPHRASE", new);
    }
    let out = cmd.output().unwrap();
    Output {
        code: out.status.code(),
        stdout: stdout(&out),
        stderr: stderr(&out),
    }
}

#[derive(Debug, PartialEq)]
struct Output {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn ok(line: &str) -> Output {
    Output {
        code: Some(0),
        stdout: format!("{line}\n"),
        stderr: String::new(),
    }
}

fn refused(why: &str) -> Output {
    Output {
        code: Some(1),
        stdout: String::new(),
        stderr: format!("loket-hq: {why}\n"),
    }
}

/// The refusal of a name with no login.
fn no_login(name: &str) -> Output {
    refused(&format!(
        "no operator {name} has a login at headquarters: an operator who has one adds you \
         (`loket-hq operator add NAME`)"
    ))
}

/// (operator, action, query) of the newest `n` entries of the access log, newest first,
/// leaving out the reads of the log itself (these tests' own).
fn last(site: &Site, n: usize) -> Vec<(String, String, Option<String>)> {
    site.hq()
        .access_log(None, 100)
        .unwrap()
        .into_iter()
        .filter(|e| e.action != "access-log")
        .take(n)
        .map(|e| (e.operator, e.action, e.query))
        .collect()
}

fn entry(operator: &str, action: &str, query: &str) -> (String, String, Option<String>) {
    (operator.into(), action.into(), Some(query.into()))
}

fn each_operator_unlocks_with_their_own_passphrase_and_the_log_names_them(b: Backend) {
    let site = Site::new(b);
    let rina = "rina's own passphrase";
    assert_eq!(
        run(
            &site,
            OPERATOR,
            PASSPHRASE,
            Some(rina),
            &["operator", "add", "Rina"]
        ),
        ok("operator Rina can now unlock headquarters with their own passphrase")
    );
    // The list, with who is asking marked.
    let list = run(&site, "rina", rina, None, &["operator", "list"]);
    assert_eq!(list.code, Some(0), "{}", list.stderr);
    let lines: Vec<&str> = list.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", list.stdout);
    assert!(lines[0].starts_with("OPERATOR") && lines[0].contains("ADDED"));
    assert!(
        lines[1].starts_with(&format!("{OPERATOR} ")),
        "{}",
        list.stdout
    );
    assert!(lines[2].starts_with("Rina (you) "), "{}", list.stdout);
    let json = run(
        &site,
        OPERATOR,
        PASSPHRASE,
        None,
        &["operator", "list", "--json"],
    );
    let names: Vec<String> = serde_json::from_str::<Value>(&json.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, [OPERATOR, "Rina"]);

    // Rina reads with her own passphrase, and the log names her; names compare without case.
    let cases = run(&site, "RINA", rina, None, &["cases", "--json"]);
    assert_eq!(cases.code, Some(0), "{}", cases.stderr);
    assert_eq!(
        last(&site, 1),
        [(String::from("Rina"), "cases".into(), None)]
    );
    // Another's passphrase, or a name with no login, opens nothing and shows nothing.
    assert_eq!(
        run(&site, "Rina", PASSPHRASE, None, &["cases", "--json"]),
        refused("wrong passphrase: nothing was opened or changed")
    );
    assert_eq!(
        run(&site, "Budi", PASSPHRASE, None, &["cases"]),
        no_login("Budi")
    );
    assert_eq!(
        last(&site, 1),
        [(String::from("Rina"), "cases".into(), None)]
    );

    // A login twice, a short passphrase, one's own removal: refused, nothing changed.
    let logins = std::fs::read(site.dir.join("hq-logins.json")).unwrap();
    assert_eq!(
        run(
            &site,
            OPERATOR,
            PASSPHRASE,
            Some("another one"),
            &["operator", "add", "rina"]
        ),
        refused("operator rina has a login at headquarters already; nothing was changed")
    );
    assert_eq!(
        run(
            &site,
            OPERATOR,
            PASSPHRASE,
            Some("short"),
            &["operator", "add", "Budi"]
        ),
        refused("the passphrase must have at least 8 characters")
    );
    assert_eq!(
        run(&site, "Rina", rina, None, &["operator", "remove", "Rina"]),
        refused("you cannot remove your own login: another operator removes it")
    );
    assert_eq!(
        std::fs::read(site.dir.join("hq-logins.json")).unwrap(),
        logins
    );

    // Rina changes her passphrase: the old one no longer opens, the new one does.
    let renewed = "rina's second passphrase";
    assert_eq!(
        run(
            &site,
            "Rina",
            rina,
            Some(renewed),
            &["operator", "passphrase"]
        ),
        ok("Rina's passphrase was changed")
    );
    assert_eq!(
        run(&site, "Rina", rina, None, &["devices"]),
        refused("wrong passphrase: nothing was opened or changed")
    );
    assert_eq!(
        run(&site, "Rina", renewed, None, &["devices"]).code,
        Some(0)
    );

    // Removed, she can no longer unlock; what she did stays in the log.
    assert_eq!(
        run(
            &site,
            OPERATOR,
            PASSPHRASE,
            None,
            &["operator", "remove", "rina"]
        ),
        ok("operator Rina's login was removed; their access log entries stay")
    );
    assert_eq!(
        run(&site, "Rina", renewed, None, &["cases"]),
        no_login("Rina")
    );
    assert_eq!(
        last(&site, 4),
        [
            entry(OPERATOR, "login-remove", "Rina"),
            entry("Rina", "login-passphrase", "Rina"),
            (String::from("Rina"), "cases".into(), None),
            entry(OPERATOR, "login-add", "Rina"),
        ]
    );
    assert_eq!(
        site.hq()
            .operators()
            .unwrap()
            .into_iter()
            .map(|o| o.name)
            .collect::<Vec<_>>(),
        [OPERATOR]
    );
    assert!(matches!(
        site.hq().remove_operator("nobody"),
        Err(HqError::UnknownOperator { .. })
    ));

    // The logins file is the owner's alone and holds no key in the clear.
    use std::os::unix::fs::PermissionsExt;
    let path = site.dir.join("hq-logins.json");
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("AGE-SECRET-KEY"), "{text}");
    assert!(!text.contains("loket.hq-secret"), "{text}");
}

fn a_login_copied_under_another_name_does_not_open(b: Backend) {
    let site = Site::new(b);
    site.add_operators(&["Budi"]);
    // Someone who can write the file puts the first operator's login under Budi's name, to
    // open as Budi with the first operator's passphrase.
    let path = site.dir.join("hq-logins.json");
    let mut file: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let first = file["logins"][0]["keys"].clone();
    file["logins"][1]["keys"] = first;
    std::fs::write(&path, serde_json::to_vec(&file).unwrap()).unwrap();
    let e = Hq::open_with(
        &site.dir,
        &site.url(),
        "Budi",
        PASSPHRASE,
        WorkFactor::insecure_for_tests(),
    )
    .err()
    .unwrap();
    assert_eq!(
        e.to_string(),
        format!(
            "headquarters' key file {} is damaged or not loket-hq's: the login of Budi \
             was not made for that name; restore it from a backup",
            path.display()
        )
    );
    // The first operator's own login still opens.
    assert_eq!(site.hq().operator(), OPERATOR);
}

fn headquarters_from_before_logins_becomes_the_first_operators_login(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    site.hq()
        .import(&counter.seal_next(&site.public(), &[(0, 1), (1, 1)]))
        .unwrap();
    // As loket-hq kept it before logins: one file, one passphrase for everyone.
    site.hq().share_keys_as_before_logins(PASSPHRASE).unwrap();
    assert!(site.dir.join("hq-secret.age").exists());
    assert!(!site.dir.join("hq-logins.json").exists());

    // The first to unlock it with that passphrase makes it their own login …
    let cases = run(&site, "Sari", PASSPHRASE, None, &["cases", "--json"]);
    assert_eq!(cases.code, Some(0), "{}", cases.stderr);
    let held: Value = serde_json::from_str(&cases.stdout).unwrap();
    assert_eq!(held.as_array().unwrap().len(), 2);
    assert!(!site.dir.join("hq-secret.age").exists());
    let mut hq = Hq::open_with(
        &site.dir,
        &site.url(),
        "Sari",
        PASSPHRASE,
        WorkFactor::insecure_for_tests(),
    )
    .unwrap();
    assert_eq!(
        hq.operators()
            .unwrap()
            .into_iter()
            .map(|o| o.name)
            .collect::<Vec<_>>(),
        ["Sari"]
    );
    assert_eq!(hq.access_log(None, 1).unwrap()[0].operator, "Sari");
    drop(hq);
    // … and the shared passphrase no longer opens it under any other name.
    assert_eq!(
        run(&site, OPERATOR, PASSPHRASE, None, &["cases"]),
        no_login(OPERATOR)
    );
}

fn operators_adding_logins_at_once_lose_none(b: Backend) {
    let site = Site::new(b);
    let names: Vec<String> = (1..=8).map(|i| format!("operator {i}")).collect();
    let mut handles: Vec<Hq> = names.iter().map(|_| site.hq()).collect();
    std::thread::scope(|s| {
        for (hq, name) in handles.iter_mut().zip(&names) {
            s.spawn(move || hq.add_operator(name, &passphrase_of(name)).unwrap());
        }
    });
    let mut held: Vec<String> = site
        .hq()
        .operators()
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    held.sort();
    let mut want: Vec<String> = names.clone();
    want.push(OPERATOR.into());
    want.sort();
    assert_eq!(held, want);
    for name in &names {
        assert_eq!(site.hq_as(name).operator(), name);
    }
}

fn a_damaged_logins_file_is_refused_with_its_reason(b: Backend) {
    let site = Site::new(b);
    let path = site.dir.join("hq-logins.json");
    let good: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let damaged = |why: &str| {
        refused(&format!(
            "headquarters' key file {} is damaged or not loket-hq's: {why}; restore it from a \
             backup",
            path.display()
        ))
    };
    let mut keys_cut = good.clone();
    let keys = good["logins"][0]["keys"].as_str().unwrap();
    keys_cut["logins"][0]["keys"] = Value::from(&keys[..keys.len() / 2]);
    let mut not_base64 = good.clone();
    not_base64["logins"][0]["keys"] = Value::from("not base64!");
    let mut other_format = good.clone();
    other_format["format"] = Value::from("loket.hq-logins/9");
    let text = |v: &Value| serde_json::to_vec(v).unwrap();
    let whole = std::fs::read(&path).unwrap();
    for (bytes, why) in [
        (whole[..whole.len() / 2].to_vec(), "it is not a logins file"),
        (b"\xff\x00garbage".to_vec(), "it is not a logins file"),
        (text(&other_format), "unknown logins format"),
        (
            text(&not_base64),
            &format!("the login of {OPERATOR} is damaged") as &str,
        ),
        (text(&keys_cut), "it is not an age file, or it was altered"),
    ] {
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(
            run(&site, OPERATOR, PASSPHRASE, None, &["cases"]),
            damaged(why),
            "{why}"
        );
    }
    // Put back, it opens again.
    std::fs::write(&path, &whole).unwrap();
    assert_eq!(
        run(&site, OPERATOR, PASSPHRASE, None, &["devices"]).code,
        Some(0)
    );
}
