//! Every rule of shared/spec/intake-record.md: a record that passes it and one that fails it,
//! with the exact field, severity and code of the finding.

use loket_core::{validate, IntakeRecord, Severity};
use serde_json::{json, Value};

fn example() -> Value {
    let text = include_str!("fixtures/example.json");
    serde_json::from_str(text).unwrap()
}

/// The day of the peak at the Phnom Penh embassy.
fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 1, 19).unwrap()
}

/// Sets `path` (dotted, e.g. `person.nik`) to `value` in a copy of the example.
fn with(changes: &[(&str, Value)]) -> Value {
    let mut record = example();
    for (path, value) in changes {
        let mut node = &mut record;
        let parts: Vec<&str> = path.split('.').collect();
        for part in &parts[..parts.len() - 1] {
            if node[*part].is_null() {
                node[*part] = json!({});
            }
            node = &mut node[*part];
        }
        node[parts[parts.len() - 1]] = value.clone();
    }
    record
}

fn findings(record: &Value) -> Vec<(String, Severity, String)> {
    let r: IntakeRecord = serde_json::from_value(record.clone()).unwrap();
    validate(&r, today())
        .findings
        .into_iter()
        .map(|f| (f.field, f.severity, f.code.to_string()))
        .collect()
}

fn only(field: &str, severity: Severity, code: &str) -> Vec<(String, Severity, String)> {
    vec![(field.to_string(), severity, code.to_string())]
}

use Severity::{Error as E, Warning as W};

/// Asserts the example with `changes` yields exactly the one finding.
fn fails(changes: &[(&str, Value)], field: &str, severity: Severity, code: &str) {
    assert_eq!(
        findings(&with(changes)),
        only(field, severity, code),
        "{changes:?}"
    );
}

/// Asserts the example with `changes` yields no finding.
fn passes(changes: &[(&str, Value)]) {
    assert_eq!(findings(&with(changes)), vec![], "{changes:?}");
}

#[test]
fn the_spec_example_is_clean_with_its_derived_values() {
    let r: IntakeRecord = serde_json::from_value(example()).unwrap();
    let report = validate(&r, today());
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert!(report.ok());
    assert_eq!(report.screening_yes, 7);
    assert!(report.referral);
}

#[test]
fn format() {
    passes(&[("format", json!("loket.intake/1"))]);
    fails(&[("format", Value::Null)], "format", E, "format.missing");
    fails(
        &[("format", json!("loket.intake/2"))],
        "format",
        E,
        "format.invalid",
    );
}

#[test]
fn id_and_mission() {
    passes(&[("id", Value::Null), ("mission", Value::Null)]);
    fails(&[("id", json!("case-1"))], "id", E, "id.invalid");
    fails(
        &[("id", json!("{0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b11}"))],
        "id",
        E,
        "id.invalid",
    );
    fails(
        &[("id", json!("0190f3c28a7e7b7c9a513f2d1c0e4b11"))],
        "id",
        E,
        "id.invalid",
    );
    passes(&[("mission", json!("KL2"))]);
    fails(
        &[("mission", json!("pnh"))],
        "mission",
        E,
        "mission.invalid",
    );
    fails(&[("mission", json!("P"))], "mission", E, "mission.invalid");
    fails(
        &[("mission", json!("PHNOMPENH"))],
        "mission",
        E,
        "mission.invalid",
    );
}

#[test]
fn interviewed_at() {
    passes(&[("interviewed_at", json!("2026-01-19T02:12:00Z"))]);
    fails(
        &[("interviewed_at", json!("2026-01-19 09:12"))],
        "interviewed_at",
        E,
        "datetime.invalid",
    );
}

#[test]
fn full_name() {
    passes(&[("person.full_name", json!("SUKARNO"))]);
    passes(&[(
        "person.full_name",
        json!("  Ni Luh Putu Ayu D'Souza-Wéningsih  "),
    )]);
    passes(&[("person.full_name", json!("M. FIRMAN"))]);
    fails(
        &[("person.full_name", json!("   "))],
        "person.full_name",
        E,
        "value.required",
    );
    fails(
        &[("person.full_name", Value::Null)],
        "person.full_name",
        E,
        "value.required",
    );
    fails(
        &[("person.full_name", json!("A".repeat(61)))],
        "person.full_name",
        E,
        "name.length",
    );
    passes(&[("person.full_name", json!("A".repeat(60)))]);
    fails(
        &[("person.full_name", json!("SITI AMINAH 2"))],
        "person.full_name",
        E,
        "name.characters",
    );
    fails(
        &[("person.full_name", json!("-"))],
        "person.full_name",
        E,
        "name.characters",
    );
    fails(
        &[("person.aliases", json!(["SITI, A"]))],
        "person.aliases[0]",
        E,
        "name.characters",
    );
}

#[test]
fn sex() {
    fails(
        &[("person.sex", Value::Null)],
        "person.sex",
        E,
        "value.required",
    );
    fails(
        &[("person.sex", json!("X"))],
        "person.sex",
        E,
        "value.invalid",
    );
}

#[test]
fn date_of_birth() {
    fails(
        &[("person.date_of_birth", Value::Null)],
        "person.date_of_birth",
        E,
        "value.required",
    );
    fails(
        &[("person.date_of_birth", json!("1999-02-30"))],
        "person.date_of_birth",
        E,
        "date.invalid",
    );
    fails(
        &[("person.date_of_birth", json!("12-04-1999"))],
        "person.date_of_birth",
        E,
        "date.invalid",
    );
    // A NIK never matches a changed date; drop it for the date-only rules.
    let no_nik = ("person.nik", Value::Null);
    fails(
        &[
            no_nik.clone(),
            ("person.date_of_birth", json!("2026-01-20")),
        ],
        "person.date_of_birth",
        E,
        "date_of_birth.future",
    );
    fails(
        &[
            no_nik.clone(),
            ("person.date_of_birth", json!("1905-01-18")),
        ],
        "person.date_of_birth",
        E,
        "date_of_birth.too_old",
    );
    passes(&[no_nik, ("person.date_of_birth", json!("1906-01-19"))]);
}

#[test]
fn place_of_birth() {
    fails(
        &[("person.place_of_birth", json!(""))],
        "person.place_of_birth",
        E,
        "value.required",
    );
}

#[test]
fn nik_errors() {
    passes(&[("person.nik", Value::Null)]);
    for (nik, code) in [
        ("320341520499001", "nik.format"),
        ("2003415204990001", "nik.province"),
        ("3270415204990001", "nik.regency"),
        ("3203005204990001", "nik.district"),
        ("3203417204990001", "nik.date"),
        ("3203415213990001", "nik.date"),
        ("3203415204990000", "nik.serial"),
    ] {
        fails(&[("person.nik", json!(nik))], "person.nik", E, code);
    }
}

#[test]
fn nik_disagreeing_with_the_person_is_a_warning() {
    // Day 12 without +40 is a man's NIK.
    fails(
        &[("person.nik", json!("3203411204990001"))],
        "person.nik",
        W,
        "nik.sex_mismatch",
    );
    fails(
        &[("person.nik", json!("3203415304990001"))],
        "person.nik",
        W,
        "nik.date_mismatch",
    );
    // Old NIKs keep the 91/94 prefix.
    passes(&[("person.nik", json!("9471015204990001"))]);
}

#[test]
fn kk_number() {
    passes(&[("person.kk_number", json!("3203011234560001"))]);
    fails(
        &[("person.kk_number", json!("32030112345600"))],
        "person.kk_number",
        E,
        "kk.format",
    );
}

#[test]
fn address_province() {
    passes(&[("person.address_id.province", json!("96"))]);
    fails(
        &[("person.address_id.province", json!("20"))],
        "person.address_id.province",
        E,
        "province.invalid",
    );
}

#[test]
fn phones() {
    passes(&[("person.phone", json!("0812-3456-789"))]);
    fails(
        &[("person.phone", json!("12345"))],
        "person.phone",
        E,
        "phone.invalid",
    );
    fails(
        &[("person.next_of_kin.phone", json!("+62 (812) 3456"))],
        "person.next_of_kin.phone",
        E,
        "phone.invalid",
    );
}

#[test]
fn evidence() {
    passes(&[("evidence", json!(["birth_certificate", "passport_copy"]))]);
    fails(
        &[("evidence", json!(["ektp", "sim"]))],
        "evidence[1]",
        E,
        "value.invalid",
    );
    fails(&[("evidence", json!([]))], "evidence", W, "evidence.none");
    fails(&[("evidence", Value::Null)], "evidence", W, "evidence.none");
    passes(&[("evidence", json!([])), ("request.document", json!("none"))]);
}

#[test]
fn passport_status_and_number() {
    fails(
        &[("passport", Value::Null)],
        "passport.status",
        E,
        "value.required",
    );
    fails(
        &[("passport.status", json!("seized"))],
        "passport.status",
        E,
        "value.invalid",
    );
    passes(&[
        ("passport.status", json!("lost")),
        ("passport.number", Value::Null),
    ]);
    for status in ["damaged", "expired"] {
        fails(
            &[
                ("passport.status", json!(status)),
                ("passport.number", Value::Null),
            ],
            "passport.number",
            E,
            "value.required",
        );
    }
    fails(
        &[("passport.number", json!("C123"))],
        "passport.number",
        E,
        "passport.number_format",
    );
    fails(
        &[("passport.number", json!("AB123456"))],
        "passport.number",
        W,
        "passport.number_unusual",
    );
}

#[test]
fn passport_expiry() {
    fails(
        &[("passport.expiry_date", json!("2029-13-01"))],
        "passport.expiry_date",
        E,
        "date.invalid",
    );
    // Held but expired: a warning, and an SPLP may then be requested.
    fails(
        &[
            ("passport.status", json!("held")),
            ("passport.expiry_date", json!("2025-12-31")),
        ],
        "passport.expiry_date",
        W,
        "passport.expired",
    );
}

#[test]
fn splp_is_refused_to_a_holder_of_a_valid_passport() {
    fails(
        &[("passport.status", json!("held"))],
        "request.document",
        E,
        "request.splp_with_valid_passport",
    );
    passes(&[
        ("passport.status", json!("held")),
        ("request", json!({"document": "none"})),
    ]);
}

#[test]
fn request() {
    fails(
        &[("request", Value::Null)],
        "request.document",
        E,
        "value.required",
    );
    fails(
        &[("request.document", json!("passport"))],
        "request.document",
        E,
        "value.invalid",
    );
    fails(
        &[("request.reason", Value::Null)],
        "request.reason",
        E,
        "value.required",
    );
    fails(
        &[("request.reason", json!("fire"))],
        "request.reason",
        E,
        "value.invalid",
    );
    fails(
        &[("request.port_of_entry", Value::Null)],
        "request.port_of_entry",
        E,
        "value.required",
    );
    fails(
        &[("request.port_of_entry", json!("BKK"))],
        "request.port_of_entry",
        E,
        "port_of_entry.invalid",
    );
    passes(&[("request.port_of_entry", json!("DPS"))]);
    passes(&[("request.port_of_entry", json!(" kjt "))]);
    passes(&[("request.travel_funding", json!("self"))]);
    fails(
        &[("request.travel_funding", json!("ngo"))],
        "request.travel_funding",
        E,
        "value.invalid",
    );
}

#[test]
fn stay() {
    fails(
        &[("stay.entry_date", json!("1999-01-01"))],
        "stay.entry_date",
        E,
        "entry_date.before_birth",
    );
    fails(
        &[
            ("stay.entry_date", json!("2026-02-01")),
            ("compound.from", Value::Null),
        ],
        "stay.entry_date",
        E,
        "entry_date.future",
    );
    fails(
        &[("stay.visa", json!("student"))],
        "stay.visa",
        E,
        "value.invalid",
    );
    passes(&[
        ("stay.visa", json!("residence_permit")),
        ("stay.permit_expiry", json!("2026-06-01")),
    ]);
    fails(
        &[("stay.overstay_days", json!(-1))],
        "stay.overstay_days",
        E,
        "overstay_days.negative",
    );
    passes(&[("stay.overstay_days", json!(0))]);
}

#[test]
fn compound() {
    fails(
        &[("compound.until", json!("2025-03-04"))],
        "compound.until",
        E,
        "compound.order",
    );
    passes(&[("compound.until", json!("2025-03-05"))]);
    fails(
        &[("compound.from", json!("2025-02-01"))],
        "compound.from",
        W,
        "compound.before_entry",
    );
}

#[test]
fn screening() {
    passes(&[("screening.isolated", json!("declined"))]);
    fails(
        &[("screening.isolated", json!("maybe"))],
        "screening.isolated",
        E,
        "value.invalid",
    );
    fails(
        &[("screening.beaten", json!("yes"))],
        "screening.beaten",
        E,
        "screening.unknown",
    );
}

#[test]
fn vulnerability() {
    fails(
        &[("vulnerability", json!(["hungry"]))],
        "vulnerability[0]",
        E,
        "value.invalid",
    );
    let minor = [
        ("person.nik", Value::Null),
        ("person.date_of_birth", json!("2009-01-20")),
        ("stay.entry_date", json!("2025-03-01")),
    ];
    fails(&minor, "vulnerability", W, "vulnerability.minor_missing");
    let mut marked = minor.to_vec();
    marked.push(("vulnerability", json!(["minor"])));
    passes(&marked);
    // Eighteen today: no longer a minor.
    passes(&[
        ("person.nik", Value::Null),
        ("person.date_of_birth", json!("2008-01-19")),
    ]);
}

#[test]
fn screening_is_derived_never_typed() {
    let none = with(&[("screening", json!({}))]);
    let r: IntakeRecord = serde_json::from_value(none).unwrap();
    let report = validate(&r, today());
    assert_eq!((report.screening_yes, report.referral), (0, false));
    for (answers, yes, referral) in [
        (json!({"isolated": "yes", "threats": "yes"}), 2, false),
        (
            json!({"isolated": "yes", "threats": "yes", "told_to_lie": "yes"}),
            3,
            true,
        ),
        (json!({"violence": "yes"}), 1, true),
        (json!({"debt_or_ransom": "yes"}), 1, true),
        (json!({"documents_taken": "yes"}), 1, false),
        (
            json!({"documents_taken": "yes", "movement_restricted": "yes"}),
            2,
            true,
        ),
        (
            json!({"violence": "declined", "debt_or_ransom": "no"}),
            0,
            false,
        ),
    ] {
        let r: IntakeRecord =
            serde_json::from_value(with(&[("screening", answers.clone())])).unwrap();
        let report = validate(&r, today());
        assert_eq!(
            (report.screening_yes, report.referral),
            (yes, referral),
            "{answers}"
        );
    }
}

#[test]
fn draft_keeps_what_was_typed_and_round_trips() {
    let typed = with(&[
        ("person.sex", json!("X")),
        ("stay.visa", json!("student")),
        ("evidence", json!(["sim"])),
        ("screening.beaten", json!("yes")),
    ]);
    let r: IntakeRecord = serde_json::from_value(typed.clone()).unwrap();
    let text = serde_json::to_string(&r).unwrap();
    let back: IntakeRecord = serde_json::from_str(&text).unwrap();
    assert_eq!(back, r);
    let back: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(back["person"]["sex"], "X");
    assert_eq!(back["stay"]["visa"], "student");
    assert_eq!(back["screening"]["beaten"], "yes");
    // Absent and null are the same record.
    let a: IntakeRecord = serde_json::from_value(with(&[("notes", Value::Null)])).unwrap();
    let mut without = example();
    without.as_object_mut().unwrap().remove("notes");
    let b: IntakeRecord = serde_json::from_value(without).unwrap();
    assert_eq!(a, b);
}

#[test]
fn normalize_fills_and_upper_cases() {
    let mut r: IntakeRecord = serde_json::from_value(with(&[
        ("format", Value::Null),
        ("id", Value::Null),
        ("mission", Value::Null),
        ("person.full_name", json!("  siti Âminah ")),
        ("person.aliases", json!([" siti amina", "  "])),
        ("passport.number", json!(" c1234567")),
        ("request.port_of_entry", json!(" cgk")),
    ]))
    .unwrap();
    loket_core::normalize(&mut r, "PNH", || {
        "0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b12".into()
    });
    assert_eq!(r.format.as_deref(), Some("loket.intake/1"));
    assert_eq!(
        r.id.as_deref(),
        Some("0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b12")
    );
    assert_eq!(r.mission.as_deref(), Some("PNH"));
    assert_eq!(r.person.full_name.as_deref(), Some("SITI ÂMINAH"));
    assert_eq!(r.person.aliases, Some(vec!["SITI AMINA".to_string()]));
    assert_eq!(r.passport.unwrap().number.as_deref(), Some("C1234567"));
    assert_eq!(r.request.unwrap().port_of_entry.as_deref(), Some("CGK"));
}

mod mrz {
    use super::*;
    use chrono::NaiveDate;
    use loket_core::enums::Sex;
    use loket_core::mrz::{build_td3, Td3Fields};

    /// The zone of the example person's passport; `edit` changes a field first.
    fn zone(edit: impl FnOnce(&mut Td3Fields)) -> Value {
        let mut f = Td3Fields::example();
        edit(&mut f);
        json!(build_td3(&f))
    }

    #[test]
    fn a_matching_zone_is_clean() {
        passes(&[("passport.mrz", zone(|_| {}))]);
        passes(&[("passport.mrz", json!([]))]);
    }

    #[test]
    fn every_failed_check_digit_is_an_error() {
        let mut lines = zone(|_| {});
        // Change the document number's check digit (position 10).
        let l2 = lines[1].as_str().unwrap().to_string();
        let bad = format!("{}{}", &l2[..9], if &l2[9..10] == "9" { "8" } else { "9" }) + &l2[10..];
        lines[1] = json!(bad);
        let found = findings(&with(&[("passport.mrz", lines)]));
        let codes: Vec<_> = found
            .iter()
            .map(|f| (f.0.as_str(), f.1, f.2.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("passport.mrz", E, "mrz.check_digit"),
                ("passport.mrz", E, "mrz.check_digit")
            ]
        );
    }

    #[test]
    fn not_a_zone_is_an_error() {
        fails(
            &[("passport.mrz", json!(["P<IDN", "C1234567"]))],
            "passport.mrz",
            E,
            "mrz.length",
        );
        fails(
            &[("passport.mrz", json!(["only one line"]))],
            "passport.mrz",
            E,
            "mrz.lines",
        );
    }

    #[test]
    fn disagreeing_number_or_birth_date_is_an_error() {
        let z = zone(|f| f.number = "C7654321".into());
        fails(
            &[("passport.mrz", z)],
            "passport.mrz",
            E,
            "mrz.number_mismatch",
        );
        let z = zone(|f| f.date_of_birth = NaiveDate::from_ymd_opt(1999, 4, 13).unwrap());
        fails(
            &[("passport.mrz", z), ("person.nik", Value::Null)],
            "passport.mrz",
            E,
            "mrz.date_of_birth_mismatch",
        );
    }

    #[test]
    fn disagreeing_sex_name_or_state_is_a_warning() {
        fails(
            &[("passport.mrz", zone(|f| f.sex = Some(Sex::M)))],
            "passport.mrz",
            W,
            "mrz.sex_mismatch",
        );
        fails(
            &[("passport.mrz", zone(|f| f.primary = "RAHAYU".into()))],
            "passport.mrz",
            W,
            "mrz.name_mismatch",
        );
        // A name matching an alias, in another order, is the same person.
        passes(&[
            ("passport.mrz", zone(|f| f.primary = "AMINA".into())),
            ("person.aliases", json!(["Amina, Siti".replace(',', "")])),
        ]);
        fails(
            &[("passport.mrz", zone(|f| f.issuing_state = "MYS".into()))],
            "passport.mrz",
            W,
            "mrz.issuing_state",
        );
        fails(
            &[("passport.mrz", zone(|f| f.nationality = "KHM".into()))],
            "passport.mrz",
            W,
            "mrz.nationality",
        );
    }
}
