//! `loket-hq report`: the ministry's figures per mission and day, on SQLite and PostgreSQL:
//! intakes by the day a case was first saved, SPLP requests and referral flags by its latest
//! version, first prints, and headquarters' statuses.

mod common;

use common::*;
use loket_batch::{sha256_hex, RecordEntry, RequestAction, RequestEvent};
use loket_hq::{HqStatus, ReportDay};
use serde_json::Value;

on_both_backends!(the_report_counts_each_missions_days);

/// Case `i`, version `v`, saved at `when` (the counter's time), its record changed by `edit`.
fn entry_at(i: usize, v: u64, when: &str, edit: impl Fn(&mut Value)) -> RecordEntry {
    let mut e = entry(i, v);
    e.saved_at = at(when);
    let mut record: Value = serde_json::from_str(&e.record_text).unwrap();
    edit(&mut record);
    e.record_text = serde_json::to_string(&record).unwrap();
    e
}

/// No SPLP asked (a person with their passport, told to buy a ticket).
fn no_splp(r: &mut Value) {
    r["request"] = serde_json::json!({ "document": "none" });
}

/// Every screening answer `no`: no referral.
fn screened_no(r: &mut Value) {
    for (_, answer) in r["screening"].as_object_mut().unwrap() {
        *answer = "no".into();
    }
}

fn print(seq: u64, e: &RecordEntry, when: &str) -> RequestEvent {
    RequestEvent {
        seq,
        serial: format!("PNH-2026-7KQ2-{seq:06}"),
        action: RequestAction::Print,
        at: at(when),
        officer: "officer1".into(),
        reason: None,
        case_id: e.case_id.clone(),
        version: e.version,
        record_sha256: sha256_hex(e.record_text.as_bytes()),
        issued_at: at(when),
    }
}

fn day(mission: &str, day: &str, counts: [u64; 6]) -> ReportDay {
    let [intakes, splp_requested, referrals, printed, splp_issued, departed] = counts;
    ReportDay {
        mission: mission.into(),
        day: day.into(),
        intakes,
        splp_requested,
        referrals,
        printed,
        splp_issued,
        departed,
    }
}

fn the_report_counts_each_missions_days(b: Backend) {
    let (site, pnh, kul) = Site::with_two_missions(b);
    let mut hq = site.hq();
    assert_eq!(hq.report(None, None).unwrap(), vec![]);

    // 19 January at PNH: case 0 (SPLP, referral), case 1 (no SPLP, referral), case 3 (SPLP,
    // screened no),
    // the last saved at 23:50 Phnom Penh time, 16:50 UTC: the counter's day counts. Case 0's
    // request printed on the 20th; case 3's on the 19th.
    let e0 = entry_at(0, 1, "2026-01-19T09:00:00+07:00", |_| {});
    let e1 = entry_at(1, 1, "2026-01-19T10:00:00+07:00", no_splp);
    let e3 = entry_at(3, 1, "2026-01-19T23:50:00+07:00", screened_no);
    let printed = vec![
        print(1, &e3, "2026-01-19T23:55:00+07:00"),
        print(2, &e0, "2026-01-20T08:00:00+07:00"),
    ];
    // 21 January: case 4 arrives; case 0 changes (its person keeps their passport after all):
    // it stays an intake of the 19th, no longer an SPLP asked.
    let e4 = entry_at(4, 1, "2026-01-21T09:00:00+07:00", |_| {});
    let e0v2 = entry_at(0, 2, "2026-01-21T11:00:00+07:00", no_splp);
    let first = pnh.seal_records(
        &site.public(),
        1,
        None,
        vec![e0, e1, e3, e4, e0v2],
        vec![photo(0), photo(1), photo(3), photo(4)],
        printed,
    );
    hq.import(&first.bytes).unwrap();
    hq.import(&kul.seal_first_in_mission(&site.public(), &[2]))
        .unwrap();
    // Headquarters: case 3's SPLP issued, then case 3 and case 4 departed (twice for case 4:
    // still one case).
    let issued = hq.set_status(&case_id(3), HqStatus::SplpIssued).unwrap();
    hq.set_status(&case_id(3), HqStatus::Departed).unwrap();
    hq.set_status(&case_id(4), HqStatus::Departed).unwrap();
    hq.set_status(&case_id(4), HqStatus::Departed).unwrap();
    let today = issued.recorded_at[..10].to_owned();
    // KUL's case 2 is the example record, saved 09:31 on the 19th.
    let kul_19 = day("KUL", "2026-01-19", [1, 1, 1, 0, 0, 0]);
    let expected = vec![
        kul_19.clone(),
        day("PNH", "2026-01-19", [3, 1, 2, 1, 0, 0]),
        day("PNH", "2026-01-20", [0, 0, 0, 1, 0, 0]),
        day("PNH", "2026-01-21", [1, 1, 1, 0, 0, 0]),
        day("PNH", &today, [0, 0, 0, 0, 1, 2]),
    ];
    assert_eq!(hq.report(None, None).unwrap(), expected);
    assert_eq!(hq.report(None, Some("KUL")).unwrap(), vec![kul_19.clone()]);
    let since = chrono::NaiveDate::from_ymd_opt(2026, 1, 20).unwrap();
    assert_eq!(hq.report(Some(since), None).unwrap(), expected[2..]);
    drop(hq);

    // On the command line: a table with each mission's total, or the days as JSON; no entry
    // in the access log (counts only).
    let out = site.cli(&["report"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = stdout(&out);
    let lines: Vec<Vec<&str>> = table
        .lines()
        .map(|l| {
            l.split("  ")
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect()
        })
        .collect();
    assert_eq!(
        lines,
        vec![
            vec![
                "MISSION",
                "DAY",
                "INTAKES",
                "SPLP ASKED",
                "REFERRALS",
                "PRINTED",
                "SPLP ISSUED",
                "DEPARTED"
            ],
            vec!["KUL", "2026-01-19", "1", "1", "1", "0", "0", "0"],
            vec!["KUL", "total", "1", "1", "1", "0", "0", "0"],
            vec!["PNH", "2026-01-19", "3", "1", "2", "1", "0", "0"],
            vec!["PNH", "2026-01-20", "0", "0", "0", "1", "0", "0"],
            vec!["PNH", "2026-01-21", "1", "1", "1", "0", "0", "0"],
            vec!["PNH", &today, "0", "0", "0", "0", "1", "2"],
            vec!["PNH", "total", "4", "2", "3", "2", "1", "2"],
        ],
        "{table}"
    );
    let out = site.cli(&[
        "report",
        "--json",
        "--since",
        "2026-01-21",
        "--mission",
        "PNH",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json,
        serde_json::json!([
            {"mission": "PNH", "day": "2026-01-21", "intakes": 1, "splp_requested": 1,
             "referrals": 1, "printed": 0, "splp_issued": 0, "departed": 0},
            {"mission": "PNH", "day": today, "intakes": 0, "splp_requested": 0,
             "referrals": 0, "printed": 0, "splp_issued": 1, "departed": 2}
        ])
    );
    let out = site.cli(&["report", "--since", "19 January"]);
    assert_eq!(out.status.code(), Some(2));
    let log = site.hq().access_log(None, 10).unwrap();
    assert!(log.iter().all(|e| e.action != "report"), "{log:?}");
}
