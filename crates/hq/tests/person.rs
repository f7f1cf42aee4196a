//! `loket-hq person`: everything headquarters holds about one person, to answer their
//! request to see their data (UU 27/2022), on SQLite and on PostgreSQL alike.

mod common;

use common::*;
use loket_batch::{sha256_hex, RequestAction, RequestEvent};
use loket_hq::HqStatus;
use serde_json::{json, Value};

on_both_backends!(
    a_persons_cases_come_whole_by_nik_passport_or_case_id,
    a_person_headquarters_does_not_know_gets_an_empty_answer,
);

fn person(site: &Site, args: &[&str]) -> Value {
    let mut all = vec!["person"];
    all.extend_from_slice(args);
    let o = site.cli(&all);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).unwrap()
}

/// (case id, versions held, tickets of those versions) of each case in an answer.
fn summary(answer: &Value) -> Vec<(String, Vec<u64>, Vec<String>)> {
    answer["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let versions = c["versions"].as_array().unwrap();
            (
                c["case"]["id"].as_str().unwrap().to_string(),
                versions
                    .iter()
                    .map(|v| v["version"].as_u64().unwrap())
                    .collect(),
                versions
                    .iter()
                    .map(|v| v["record"]["ticket"].as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

fn a_persons_cases_come_whole_by_nik_passport_or_case_id(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let public = site.public();
    let mut hq = site.hq();
    let first = counter.seal_records(
        &public,
        1,
        None,
        vec![entry(0, 1), entry(1, 1), another_person()],
        vec![photo(0), photo(1), photo(5)],
        Vec::new(),
    );
    counter.chain.push(first.manifest_sha256.clone());
    hq.import(&first.bytes).unwrap();
    let print = RequestEvent {
        seq: 1,
        serial: "PNH-2026-7KQ2-000001".into(),
        action: RequestAction::Print,
        at: at("2026-01-20T10:00:00+07:00"),
        officer: "officer1".into(),
        reason: None,
        case_id: case_id(0),
        version: 2,
        record_sha256: sha256_hex(record_text(0, 2).as_bytes()),
        issued_at: at("2026-01-20T10:00:00+07:00"),
    };
    hq.import(&counter.seal_next_with(&public, &[(0, 2)], vec![print]))
        .unwrap();
    hq.set_status(&case_id(0), HqStatus::Departed).unwrap();
    drop(hq);

    // By passport number: the two cases whose latest version states it, each whole.
    let answer = person(&site, &["--passport", "C1234567"]);
    assert_eq!(
        summary(&answer),
        [
            (case_id(0), vec![1, 2], vec!["A-042".into(), "B-002".into()]),
            (case_id(1), vec![1], vec!["A-042".into()]),
        ]
    );
    let siti = &answer["cases"][0];
    assert_eq!(siti["case"]["hq_status"], "departed");
    assert_eq!(
        siti["status_updates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u["status"].clone())
            .collect::<Vec<_>>(),
        [json!("departed")]
    );
    assert_eq!(siti["requests"][0]["serial"], "PNH-2026-7KQ2-000001");
    assert_eq!(siti["requests"][0]["version"], 2);
    let v1 = &siti["versions"][0];
    assert_eq!(
        (&v1["device_id"], &v1["batch"], &v1["officer"]),
        (&json!("PNH-01"), &json!(1), &json!("officer1"))
    );
    assert_eq!(v1["photo_sha256"], json!(sha256_hex(&photo(0))));
    assert_eq!(
        v1["record"],
        serde_json::from_str::<Value>(&record_text(0, 1)).unwrap()
    );
    assert_eq!(
        v1["record_sha256"],
        json!(sha256_hex(record_text(0, 1).as_bytes()))
    );

    // By NIK: only the other person.
    let answer = person(&site, &["--nik", "3203415204990002"]);
    assert_eq!(
        summary(&answer),
        [(case_id(5), vec![1], vec!["A-042".into()])]
    );
    assert_eq!(
        answer["cases"][0]["versions"][0]["record"]["passport"]["number"],
        "C7654321"
    );
    assert_eq!(answer["cases"][0]["requests"], json!([]));

    // By case id (from a printed request, say).
    let answer = person(&site, &["--case", &case_id(1)]);
    assert_eq!(
        summary(&answer),
        [(case_id(1), vec![1], vec!["A-042".into()])]
    );
}

fn a_person_headquarters_does_not_know_gets_an_empty_answer(b: Backend) {
    let site = Site::new(b);
    assert_eq!(
        person(&site, &["--nik", "3203415204990009"]),
        json!({"cases": []})
    );
    // A key is required, and only one.
    let o = site.cli(&["person"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = site.cli(&["person", "--nik", "1", "--passport", "C1"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
