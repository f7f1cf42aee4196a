//! Counter → USB stick → headquarters → receipt → counter, end to end, on both databases:
//! the counter's real store seals and exports, `loket-hq` enrols it and imports from the
//! stick, and the counter reads the receipt headquarters wrote there.

mod common;

use common::{Backend, Site};
use loket_batch::DeviceCard;
use loket_core::IntakeRecord;
use loket_store::Store;
use serde_json::{json, Value};
use std::path::Path;

fn out(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The spec's example as a new person.
fn person(name: &str, ticket: &str) -> IntakeRecord {
    let mut v: Value = serde_json::from_str(common::EXAMPLE).unwrap();
    v.as_object_mut().unwrap().remove("id");
    v["person"]["full_name"] = json!(name);
    v["person"]["aliases"] = json!([]);
    v["ticket"] = json!(ticket);
    serde_json::from_value(v).unwrap()
}

fn finalised(store: &mut Store, name: &str, ticket: &str) -> String {
    let id = store.save(person(name, ticket), None).unwrap().case_id;
    store.finalize(&id).unwrap();
    id
}

/// `loket-hq cases --json` as (id, version, full name), sorted by name.
fn hq_cases(site: &Site) -> Vec<(String, u64, String)> {
    let o = site.cli(&["cases", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let cases: Value = serde_json::from_str(&out(&o)).unwrap();
    let mut rows: Vec<_> = cases
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["version"].as_u64().unwrap(),
                c["full_name"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    rows.sort_by(|a, b| a.2.cmp(&b.2));
    rows
}

/// `loket-hq verify-qr PAYLOAD`: exit code and the verdict.
fn verify_qr(site: &Site, payload: &str) -> (i32, Value) {
    let o = site.cli(&["verify-qr", payload]);
    let verdict = serde_json::from_str(&out(&o)).unwrap_or(Value::Null);
    (o.status.code().unwrap(), verdict)
}

/// Prints case `id`'s SPLP request at the counter (the page itself is not needed here);
/// returns the text of its QR code.
fn print(store: &mut Store, id: &str) -> String {
    store
        .print_request(id, None, |_| Ok::<_, ()>(()))
        .unwrap()
        .unwrap()
        .0
        .payload
}

fn import(site: &Site, file: &Path) -> String {
    let o = site.cli(&["import", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    out(&o)
}

fn round_trip(backend: Backend) {
    let site = Site::new(backend);
    let stick = site.usb();

    // The counter: its store, headquarters' key pinned from the file `loket-hq init` names.
    let counter_dir = site.tmp.path().join("counter");
    let mut store = common::counter_store(&counter_dir);
    site.pin(&mut store);
    let card = store.device_card().unwrap();
    // Enrolment travels on the stick too: `loket device > FILE`, `loket-hq device add FILE`.
    let card_file = stick.join("counter.loket-device");
    std::fs::write(&card_file, card.to_json()).unwrap();
    let o = site.cli(&["device", "add", card_file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert_eq!(DeviceCard::from_json(&card.to_json()).unwrap(), card);

    store
        .set_mission_details(
            "Kedutaan Besar Republik Indonesia di Phnom Penh",
            "No. 1, Street 466, Phnom Penh",
            "Phnom Penh",
        )
        .unwrap();
    let siti = finalised(&mut store, "SITI AMINAH", "A-1");
    let dewi = finalised(&mut store, "DEWI LESTARI", "A-2");
    store.save(person("STILL TYPING", "A-3"), None).unwrap();
    store.attach_photo(&siti, &common::photo(1)).unwrap();

    // Day 1: export, import, receipt.
    let first = store.export_to(&stick).unwrap();
    assert_eq!(first.files.len(), 1);
    let batch1 = first.files[0].clone();
    let summary = import(&site, &batch1);
    assert!(
        summary.starts_with(&format!(
            "device {}, batch 1: applied: 2 records new, 0 already held",
            card.device_id
        )),
        "{summary}"
    );
    assert_eq!(
        hq_cases(&site),
        [
            (dewi.clone(), 1, "DEWI LESTARI".to_string()),
            (siti.clone(), 1, "SITI AMINAH".to_string())
        ]
    );
    assert_eq!(site.counts().photos, 1);

    let ack = store.apply_receipt_file(&stick).unwrap();
    assert_eq!((ack.new_versions, ack.new_batches.clone()), (2, vec![1]));
    assert!(store.is_acknowledged(&siti, 1).unwrap() && store.is_acknowledged(&dewi, 1).unwrap());
    // Nothing left to carry.
    let again = store.export_to(&stick).unwrap();
    assert!(again.files.is_empty() && again.sealed.is_none());

    // Then her request is printed. Its QR code checks out at headquarters; a changed byte
    // does not.
    let qr = print(&mut store, &siti);
    let (code, verdict) = verify_qr(&site, &qr);
    assert_eq!((code, &verdict["valid"]), (0, &json!(true)), "{verdict}");
    assert_eq!(verdict["case_id"], json!(siti));
    assert_eq!(verdict["full_name"], "SITI AMINAH");
    let forged = qr.replacen("SITI AMINAH", "SITI AMINAB", 1);
    let (code, verdict) = verify_qr(&site, &forged);
    assert_eq!((code, &verdict["valid"]), (1, &json!(false)), "{verdict}");
    let junk = site.cli(&["verify-qr", "not a code"]);
    assert_eq!(junk.status.code(), Some(1));
    assert!(
        err(&junk).starts_with("loket-hq: not a request's QR code"),
        "{}",
        err(&junk)
    );
    // Both checks are in headquarters' access log, by serial and case; what was not a
    // code named nobody and is not.
    let mut hq = site.hq();
    let log = hq.access_log(None, 3).unwrap();
    let checks: Vec<_> = log
        .iter()
        .map(|e| (e.action.as_str(), e.query.clone(), e.case_ids.clone()))
        .collect();
    let asked = Some(format!("serial {}", verdict["serial"].as_str().unwrap()));
    assert_eq!(
        checks,
        [
            ("access-log", None, vec![]),
            ("verify-qr", asked.clone(), vec![siti.clone()]),
            ("verify-qr", asked, vec![siti.clone()]),
        ]
    );
    drop(hq);

    // Day 2: a correction, a new person and both prints travel as batch 2; the stick still
    // holds batch 1.
    let mut changed = store.case(&siti).unwrap().unwrap().record;
    changed.person.place_of_birth = Some("SUKABUMI".into());
    store
        .save(changed, Some("place of birth misheard"))
        .unwrap();
    let ratna = finalised(&mut store, "RATNA SARI", "A-4");
    // Printed before headquarters has her record: the code cannot be matched yet.
    let ratna_qr = print(&mut store, &ratna);
    let (code, verdict) = verify_qr(&site, &ratna_qr);
    assert_eq!(code, 1);
    assert!(
        verdict["problem"]
            .as_str()
            .unwrap()
            .contains("holds no such case version"),
        "{verdict}"
    );
    let second = store.export_to(&stick).unwrap();
    assert_eq!(second.files.len(), 1);
    assert!(second.files[0]
        .to_string_lossy()
        .ends_with("-000002.loket-batch"));
    // The whole stick at once: batch 1 again changes nothing, batch 2 goes in, and a damaged
    // file (someone else's, half copied) is refused without holding up the others.
    std::fs::write(stick.join("zz-damaged.loket-batch"), b"not a batch").unwrap();
    let o = site.cli(&["import", stick.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));
    let stdout = out(&o);
    let lines: Vec<&str> = stdout
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .collect();
    let device = &card.device_id;
    assert_eq!(
        lines,
        [
            format!("device {device}, batch 1"),
            "receipt".to_string(),
            format!("batches from {device}"),
            format!("device {device}, batch 2"),
            "receipt".to_string(),
            format!("batches from {device}"),
        ]
    );
    assert!(stdout.contains("batch 1: already held: nothing changed"));
    assert!(stdout.contains("batch 2: applied: 2 records new"));
    assert!(
        err(&o).contains("zz-damaged.loket-batch: refused"),
        "{}",
        err(&o)
    );
    assert!(
        err(&o).ends_with("1 of 3 batch files refused\n"),
        "{}",
        err(&o)
    );
    let counts = site.counts();
    assert!(import(&site, &batch1).contains("already held: nothing changed"));
    assert_eq!(site.counts(), counts);
    assert_eq!(
        hq_cases(&site),
        [
            (dewi.clone(), 1, "DEWI LESTARI".to_string()),
            (ratna.clone(), 1, "RATNA SARI".to_string()),
            (siti.clone(), 2, "SITI AMINAH".to_string())
        ]
    );
    assert_eq!((counts.records, counts.batches), (4, 2));
    assert_eq!(verify_qr(&site, &ratna_qr).0, 0);

    let ack = store.apply_receipt_file(&stick).unwrap();
    assert_eq!(
        (ack.new_versions, ack.total_versions, ack.new_batches),
        (2, 4, vec![2])
    );
    assert!(store.is_acknowledged(&siti, 2).unwrap() && store.is_acknowledged(&ratna, 1).unwrap());
    let counts = store.sync_counts().unwrap();
    assert_eq!(
        (
            counts.unsealed_versions,
            counts.unacknowledged_batches,
            counts.acknowledged_cases
        ),
        (0, 0, 3)
    );

    // Batch 2 also carried the two prints: headquarters knows both requests now.
    let requests = hq_requests(&site);
    assert_eq!(
        requests
            .iter()
            .map(|r| (
                r["case_id"].as_str().unwrap(),
                r["version"].as_u64().unwrap(),
                r["prints"].as_u64().unwrap()
            ))
            .collect::<Vec<_>>(),
        [(siti.as_str(), 1, 1), (ratna.as_str(), 1, 1)]
    );
    assert!(requests.iter().all(|r| r["void"].is_null()));

    // Day 3: Dewi has departed. Closing her case is a version of its own, batch 3; Ratna's
    // request jammed in the printer and was voided, which travels with it.
    assert_eq!(store.close(&dewi, "departed").unwrap(), 2);
    let ratna_serial = requests[1]["serial"].as_str().unwrap().to_string();
    store.void_request(&ratna_serial, "printer jam").unwrap();
    let third = store.export_to(&stick).unwrap();
    assert!(third.files[0]
        .to_string_lossy()
        .ends_with("-000003.loket-batch"));
    assert!(import(&site, &third.files[0]).contains(
        "applied: 1 records new, 0 already held; 1 request prints and voids (0 requests new)"
    ));
    let (code, verdict) = verify_qr(&site, &ratna_qr);
    assert_eq!(code, 1, "{verdict}");
    let problem = verdict["problem"].as_str().unwrap();
    assert!(
        problem.starts_with("the request was voided on ") && problem.ends_with(": printer jam"),
        "{problem}"
    );
    let voided = &hq_requests(&site)[1];
    assert_eq!(
        (
            &voided["serial"],
            &voided["void"]["reason"],
            &voided["prints"]
        ),
        (&json!(ratna_serial), &json!("printer jam"), &json!(1))
    );
    let o = site.cli(&["cases", "--json"]);
    let cases: Value = serde_json::from_str(&out(&o)).unwrap();
    let dewi_at_hq = cases
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == dewi.as_str())
        .unwrap();
    assert_eq!(
        (&dewi_at_hq["version"], &dewi_at_hq["status"]),
        (&json!(2), &json!("closed"))
    );
    // Headquarters' receipt for it purges her case from the counter: headquarters holds it.
    let ack = store.apply_receipt_file(&stick).unwrap();
    assert_eq!((ack.new_versions, ack.purged), (1, 1));
    assert!(store.is_acknowledged(&dewi, 2).unwrap());
    assert!(matches!(
        store.case(&dewi),
        Err(loket_store::StoreError::Purged { .. })
    ));
    let last = store.audit_of(&dewi).unwrap().pop().unwrap();
    assert_eq!((last.action.as_str(), last.version), ("purge", 2));
    assert!(matches!(
        store.verify_audit().unwrap(),
        loket_store::AuditCheck::Intact { .. }
    ));

    // Day 4: nothing new but a void (Siti's request spoiled): it travels alone, as batch 4.
    let siti_serial = hq_requests(&site)[0]["serial"]
        .as_str()
        .unwrap()
        .to_string();
    store.void_request(&siti_serial, "coffee spilt").unwrap();
    let fourth = store.export_to(&stick).unwrap();
    assert_eq!(fourth.sealed.as_ref().unwrap().record_count, 0);
    assert!(import(&site, &fourth.files[0]).contains(
        "batch 4: applied: 0 records new, 0 already held; 1 request prints and voids (0 requests new)"
    ));
    assert_eq!(hq_requests(&site)[0]["void"]["reason"], "coffee spilt");
    assert_eq!(verify_qr(&site, &qr).0, 1);
    let ack = store.apply_receipt_file(&stick).unwrap();
    assert_eq!((ack.new_versions, ack.new_batches), (0, vec![4]));
    let again = store.export_to(&stick).unwrap();
    assert!(again.files.is_empty() && again.sealed.is_none());
}

/// `loket-hq requests --json`, in serial order.
fn hq_requests(site: &Site) -> Vec<Value> {
    let o = site.cli(&["requests", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    serde_json::from_str::<Value>(&out(&o))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn counter_to_stick_to_headquarters_and_back_on_sqlite() {
    round_trip(Backend::Sqlite);
}

#[test]
fn counter_to_stick_to_headquarters_and_back_on_postgresql() {
    round_trip(Backend::Postgres);
}
