//! `loket validate` and `loket mrz`: the exit codes and outputs of shared/spec/cli.md.

mod common;
use common::{example, loket};

#[test]
fn the_spec_example_validates_clean() {
    let run = loket(&["validate", "-"], &example().to_string(), None);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let report = run.json();
    assert_eq!(report["ok"], true);
    assert_eq!(report["findings"], serde_json::json!([]));
    assert_eq!(report["referral"], true);
    assert_eq!(report["screening_yes"], 7);
}

#[test]
fn a_record_with_errors_exits_1_and_lists_each_finding() {
    let mut record = example();
    record["person"]["nik"] = "3203005204990001".into();
    let run = loket(
        &["validate", "-", "--lang", "en"],
        &record.to_string(),
        None,
    );
    assert_eq!(run.code, 1);
    let report = run.json();
    assert_eq!(report["ok"], false);
    let finding = &report["findings"][0];
    assert_eq!(finding["field"], "person.nik");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["code"], "nik.district");
    assert!(finding["message"].as_str().unwrap().contains("00"));
}

#[test]
fn messages_come_in_the_officers_language() {
    let mut record = example();
    record["person"]["nik"] = "3203005204990001".into();
    let id = loket(&["validate", "-"], &record.to_string(), None).json();
    let en = loket(
        &["validate", "-", "--lang", "en"],
        &record.to_string(),
        None,
    )
    .json();
    assert_eq!(id["findings"][0]["code"], en["findings"][0]["code"]);
    assert_ne!(id["findings"][0]["message"], en["findings"][0]["message"]);
}

#[test]
fn a_file_argument_works_like_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("record.json");
    std::fs::write(&path, example().to_string()).unwrap();
    let run = loket(&["validate", path.to_str().unwrap()], "", None);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn unreadable_json_exits_2_naming_line_and_column() {
    let text = "{\n  \"format\": \"loket.intake/1\",\n  \"person\": {\"full_name\": \"SITI\",}\n}";
    let run = loket(&["validate", "-"], text, None);
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("line 3 column"), "{}", run.stderr);
}

#[test]
fn json_that_is_not_a_record_exits_2_naming_the_missing_part() {
    let run = loket(&["validate", "-"], r#"{"format": "loket.intake/1"}"#, None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("person"), "{}", run.stderr);
    let run = loket(&["validate", "-"], "[1, 2]", None);
    assert_eq!(run.code, 2);
    let run = loket(&["validate", "-"], r#"{"person": {"full_name": 12}}"#, None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("line 1 column"), "{}", run.stderr);
}

#[test]
fn a_missing_file_is_a_one_line_refusal() {
    let run = loket(&["validate", "/nonexistent/record.json"], "", None);
    assert_eq!(run.code, 2);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

const ICAO_1: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
const ICAO_2: &str = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";

#[test]
fn mrz_prints_the_fields_of_the_contract() {
    let run = loket(&["mrz", ICAO_1, ICAO_2], "", None);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let m = run.json();
    assert_eq!(m["document_code"], "P");
    assert_eq!(m["issuing_state"], "UTO");
    assert_eq!(m["primary"], "ERIKSSON");
    assert_eq!(m["secondary"], "ANNA MARIA");
    assert_eq!(m["number"], "L898902C3");
    assert_eq!(m["nationality"], "UTO");
    assert_eq!(m["date_of_birth"], "1974-08-12");
    assert_eq!(m["sex"], "F");
    assert_eq!(m["expiry_date"], "2012-04-15");
    assert_eq!(m["optional"], "ZE184226B");
    assert_eq!(
        m["checks"],
        serde_json::json!({"number": true, "date_of_birth": true, "expiry_date": true,
                           "optional": true, "composite": true})
    );
    assert_eq!(m["valid"], true);
}

#[test]
fn mrz_with_a_failed_check_exits_1_naming_it() {
    let bad = ICAO_2.replacen("740812", "740813", 1);
    let run = loket(&["mrz", ICAO_1, &bad], "", None);
    assert_eq!(run.code, 1);
    let m = run.json();
    assert_eq!(m["checks"]["date_of_birth"], false);
    assert_eq!(m["checks"]["composite"], false);
    assert_eq!(m["checks"]["number"], true);
    assert_eq!(m["valid"], false);
}

#[test]
fn text_that_is_not_a_td3_zone_exits_2() {
    let run = loket(&["mrz", ICAO_1, &ICAO_2[..40]], "", None);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("44"), "{}", run.stderr);
    assert_eq!(run.stdout, "");
}
