//! Headquarters' access log: who read people's data (or recorded a status), when, and what
//! they asked, written before anything is shown; on SQLite and on PostgreSQL alike.

mod common;

use common::*;
use loket_hq::HqStatus;
use serde_json::{json, Value};

on_both_backends!(
    every_read_of_peoples_data_names_who_asked_what_and_which_cases,
    a_person_is_told_who_looked_at_their_cases,
    the_access_log_cannot_be_changed_or_emptied,
    an_operator_name_that_cannot_be_logged_is_refused_before_anything_is_shown,
);

/// A headquarters holding cases 0, 1 and 5 (each with a photo) from one counter.
fn site_with_cases(b: Backend) -> Site {
    let site = Site::new(b);
    let counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let sealed = counter.seal_records(
        &site.public(),
        1,
        None,
        vec![entry(0, 1), entry(1, 1), another_person()],
        vec![photo(0), photo(1), photo(5)],
        Vec::new(),
    );
    site.hq().import(&sealed.bytes).unwrap();
    site.add_operators(&[
        "Rina",
        "Budi",
        "Sari",
        "Auditor Sari",
        "  Rina   Wulandari ",
    ]);
    site
}

/// `loket-hq ARGS` with `operator`'s login; its standard output, after checking it exited 0.
fn run_as(site: &Site, operator: &str, args: &[&str]) -> String {
    let o = site
        .command(args)
        .env("LOKET_HQ_OPERATOR", operator)
        .env("LOKET_HQ_PASSPHRASE", passphrase_of(operator))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    stdout(&o)
}

/// (operator, action, query, cases read, case ids) of each entry, newest first.
fn entries(log: &Value) -> Vec<(String, String, Value, u64, Vec<String>)> {
    log.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["operator"].as_str().unwrap().to_owned(),
                e["action"].as_str().unwrap().to_owned(),
                e["query"].clone(),
                e["cases_read"].as_u64().unwrap(),
                e["case_ids"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|id| id.as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

fn e(
    operator: &str,
    action: &str,
    query: Option<&str>,
    cases_read: u64,
    ids: &[&str],
) -> (String, String, Value, u64, Vec<String>) {
    (
        operator.to_owned(),
        action.to_owned(),
        query.map_or(Value::Null, |q| json!(q)),
        cases_read,
        ids.iter().map(|id| id.to_string()).collect(),
    )
}

fn every_read_of_peoples_data_names_who_asked_what_and_which_cases(b: Backend) {
    let site = site_with_cases(b);
    let (siti, siti_too, dewi) = (case_id(0), case_id(1), case_id(5));
    run_as(&site, "Rina", &["cases", "--json"]);
    run_as(&site, "Rina", &["person", "--passport", "C1234567"]);
    let jpeg = site.tmp.path().join("siti.jpg");
    run_as(
        &site,
        "Budi",
        &["photo", &siti, "--out", jpeg.to_str().unwrap()],
    );
    run_as(&site, "Budi", &["status", &dewi, "departed"]);
    // Asking about nobody is logged too: the question was asked.
    run_as(&site, "Budi", &["person", "--nik", "3203415204990009"]);
    // Listing devices and requests shows nobody's data: not logged.
    run_as(&site, "Budi", &["devices"]);
    run_as(&site, "Budi", &["requests"]);

    // `--operator` wins over the environment.
    let o = site
        .command(&[
            "access-log",
            "--json",
            "--limit",
            "6",
            "--operator",
            "Auditor Sari",
        ])
        .env("LOKET_HQ_OPERATOR", "Budi")
        .env("LOKET_HQ_PASSPHRASE", passphrase_of("Auditor Sari"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let log: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        entries(&log),
        [
            e("Auditor Sari", "access-log", None, 0, &[]),
            e("Budi", "person", Some("nik 3203415204990009"), 0, &[]),
            e(
                "Budi",
                "status",
                Some(&format!("case {dewi}: departed")),
                1,
                &[dewi.as_str()]
            ),
            e(
                "Budi",
                "photo",
                Some(&format!("case {siti}")),
                1,
                &[siti.as_str()]
            ),
            e(
                "Rina",
                "person",
                Some("passport C1234567"),
                2,
                &[siti.as_str(), siti_too.as_str()]
            ),
            e("Rina", "cases", None, 3, &[]),
        ]
    );
    let seqs: Vec<u64> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert!(
        seqs.windows(2).all(|w| w[0] > w[1]),
        "newest first: {seqs:?}"
    );
    assert!(log[0]["at"].as_str().unwrap().ends_with('Z'));

    // One case's entries; a limit keeps the newest.
    let log: Value = serde_json::from_str(&run_as(
        &site,
        "Rina",
        &["access-log", "--json", "--case", &siti],
    ))
    .unwrap();
    let actions: Vec<_> = entries(&log).into_iter().map(|e| e.1).collect();
    assert_eq!(actions, ["photo", "person"]);
    let log: Value = serde_json::from_str(&run_as(
        &site,
        "Rina",
        &["access-log", "--json", "--limit", "2"],
    ))
    .unwrap();
    assert_eq!(
        entries(&log),
        [
            e("Rina", "access-log", None, 0, &[]),
            e("Rina", "access-log", Some(&format!("case {siti}")), 0, &[]),
        ]
    );

    // The table: a whole listing shows how many it showed.
    let table = run_as(&site, "Rina", &["access-log", "--limit", "9"]);
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("SEQ"), "{table}");
    assert!(
        lines[0].contains("OPERATOR") && lines[0].contains("ASKED") && lines[0].contains("CASES"),
        "{table}"
    );
    assert_eq!(lines.len(), 1 + 9, "{table}");
    let listing = lines.last().unwrap();
    assert!(
        listing.contains("Rina") && listing.contains("cases") && listing.ends_with("all 3"),
        "{table}"
    );
    let by_passport = lines
        .iter()
        .find(|l| l.contains("passport C1234567"))
        .unwrap();
    assert!(
        by_passport.ends_with(&format!("{siti} {siti_too}")),
        "{table}"
    );
}

fn a_person_is_told_who_looked_at_their_cases(b: Backend) {
    let site = site_with_cases(b);
    // The login's name as kept (spaces collapsed), whatever case it is typed in.
    let mut hq = loket_hq::Hq::open_with(
        &site.dir,
        &site.url(),
        "rina wulandari",
        &passphrase_of("  Rina   Wulandari "),
        loket_hq::WorkFactor::insecure_for_tests(),
    )
    .unwrap();
    assert_eq!(hq.operator(), "Rina Wulandari");
    hq.case_photo(&case_id(0)).unwrap();
    hq.set_status(&case_id(0), HqStatus::SplpIssued).unwrap();
    drop(hq);
    site.hq_as("Budi")
        .person(loket_hq::PersonKey::Case(&case_id(5)))
        .unwrap();

    let answer: Value = serde_json::from_str(&run_as(
        &site,
        "Sari",
        &["person", "--nik", "3203415204990001"],
    ))
    .unwrap();
    let log_of = |i: usize| entries(&answer["cases"][i]["access_log"]);
    let siti = case_id(0);
    let by_nik = "nik 3203415204990001";
    let one = case_id(1);
    let both = [siti.as_str(), one.as_str()];
    assert_eq!(
        log_of(0),
        [
            e("Sari", "person", Some(by_nik), 2, &both),
            e(
                "Rina Wulandari",
                "status",
                Some(&format!("case {siti}: splp_issued")),
                1,
                &[siti.as_str()]
            ),
            e(
                "Rina Wulandari",
                "photo",
                Some(&format!("case {siti}")),
                1,
                &[siti.as_str()]
            ),
        ]
    );
    // Case 1 was shown only by this answer; Budi's look at case 5 is not this person's.
    assert_eq!(log_of(1), [e("Sari", "person", Some(by_nik), 2, &both)]);
}

fn the_access_log_cannot_be_changed_or_emptied(b: Backend) {
    let site = site_with_cases(b);
    let mut hq = site.hq();
    hq.person(loket_hq::PersonKey::Case(&case_id(0))).unwrap();
    for sql in [
        "UPDATE access_log SET operator = 'nobody'",
        "DELETE FROM access_log",
        "UPDATE access_log_cases SET case_id = 'another'",
        "DELETE FROM access_log_cases",
    ] {
        assert!(hq.database().tamper(sql).is_err(), "{sql}");
    }
    let log = hq.access_log(None, 3).unwrap();
    assert_eq!(
        log.iter().map(|e| e.action.as_str()).collect::<Vec<_>>(),
        ["access-log", "person", "login-add"]
    );
    assert_eq!(log[1].case_ids, [case_id(0)]);
    // Debug output (which may reach a log) leaves out the question and the cases.
    let shown = format!("{:?}", hq.access_log(None, 10).unwrap());
    assert!(!shown.contains(&case_id(0)), "{shown}");
}

fn an_operator_name_that_cannot_be_logged_is_refused_before_anything_is_shown(b: Backend) {
    let site = site_with_cases(b);
    for bad in ["", "   ", "Rina\u{7}", &"x".repeat(61)] {
        let o = site
            .command(&["cases", "--json", "--operator", bad])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(1), "{bad:?}");
        assert_eq!(
            stderr(&o).trim(),
            "loket-hq: the operator's name must be 1 to 60 characters, without control characters"
        );
        assert_eq!(stdout(&o), "", "nothing shown");
    }
    // Nothing was read, so nothing was logged: the log's own read is the only entry after
    // the logins that were added.
    let actions = |log: Vec<loket_hq::AccessEntry>| -> Vec<String> {
        log.into_iter().map(|e| e.action).collect()
    };
    assert_eq!(
        actions(site.hq().access_log(None, 2).unwrap()),
        ["access-log", "login-add"]
    );
    // Without a name, the system user's login.
    let o = site
        .command(&["cases", "--json"])
        .env_remove("LOKET_HQ_OPERATOR")
        .env("USER", OPERATOR)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let log = site.hq().access_log(None, 10).unwrap();
    assert_eq!(
        (log[1].operator.as_str(), log[1].action.as_str()),
        (OPERATOR, "cases")
    );
}
