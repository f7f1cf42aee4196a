//! Property tests of the TD3 parser: what `build_td3` writes, `parse_td3` reads back, and a
//! single changed character on line 2 is caught wherever ICAO's check digits can see it.

use chrono::{Duration, NaiveDate};
use loket_core::enums::Sex;
use loket_core::mrz::{build_td3, parse_td3, Td3Fields};
use proptest::prelude::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 19).unwrap()
}

fn name_words(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec("[A-Z]{1,9}", 1..=max).prop_map(|w| w.join(" "))
}

fn fields() -> impl Strategy<Value = Td3Fields> {
    let secondary = prop_oneof![Just(String::new()), name_words(3)];
    (
        prop_oneof![Just("P".to_string()), "P[A-Z]"],
        "[A-Z]{3}",
        name_words(2),
        secondary,
        "[A-Z]{1,2}[0-9]{6,7}",
        "[A-Z]{3}",
        // Born within the last 99 years, so the century is unambiguous.
        0i64..(99 * 365),
        prop_oneof![Just(Some(Sex::M)), Just(Some(Sex::F)), Just(None)],
        // Expired up to 20 years ago, or valid up to 10 years ahead.
        -(20 * 365i64)..(10 * 365),
        "[A-Z0-9]{0,14}",
    )
        .prop_filter("name fits line 1", |t| t.2.len() + 2 + t.3.len() <= 39)
        .prop_map(
            |(code, state, primary, secondary, number, nat, born, sex, exp, optional)| Td3Fields {
                document_code: code,
                issuing_state: state,
                primary,
                secondary,
                number,
                nationality: nat,
                date_of_birth: today() - Duration::days(born),
                sex,
                expiry_date: today() + Duration::days(exp),
                optional,
            },
        )
}

/// The value a character has for check digits.
fn value(c: u8) -> i32 {
    match c {
        b'0'..=b'9' => i32::from(c - b'0'),
        b'A'..=b'Z' => i32::from(c - b'A') + 10,
        _ => 0,
    }
}

/// Positions (0-based) of line 2 where only a digit can stand: dates and check digits.
fn digits_only(p: usize) -> bool {
    matches!(p, 9 | 13..=19 | 21..=27 | 43)
}

const CHARSET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn built_zone_parses_back_to_its_fields(f in fields()) {
        let [l1, l2] = build_td3(&f);
        prop_assert_eq!(l1.len(), 44);
        prop_assert_eq!(l2.len(), 44);
        let m = parse_td3(&l1, &l2, today()).unwrap();
        prop_assert!(m.valid(), "{:?}", m.checks);
        prop_assert_eq!(&m.document_code, &f.document_code);
        prop_assert_eq!(&m.issuing_state, &f.issuing_state);
        prop_assert_eq!(&m.primary, &f.primary);
        prop_assert_eq!(&m.secondary, &f.secondary);
        prop_assert_eq!(&m.number, &f.number);
        prop_assert_eq!(&m.nationality, &f.nationality);
        prop_assert_eq!(m.date_of_birth, Some(f.date_of_birth));
        prop_assert_eq!(m.sex, f.sex);
        prop_assert_eq!(m.expiry_date, Some(f.expiry_date));
        prop_assert_eq!(&m.optional, &f.optional);
    }

    /// Nationality (11–13) and sex (21) carry no check digit, and a substitution whose values
    /// differ by a multiple of 10 (`A`↔`0`, `<`↔`0`) keeps every weighted sum: ICAO's scheme
    /// cannot see those, so the validator compares them with the record instead. Every other
    /// single change is caught.
    #[test]
    fn one_changed_character_on_line_2_is_caught(
        f in fields(),
        pos in 0usize..44,
        pick in 0usize..CHARSET.len(),
    ) {
        let [l1, l2] = build_td3(&f);
        let old = l2.as_bytes()[pos];
        let new = CHARSET[pick];
        let optional_empty = f.optional.is_empty();
        prop_assume!(new != old);
        prop_assume!(!matches!(pos, 10..=12 | 20));
        prop_assume!(!(pos == 42 && optional_empty && matches!(new, b'0' | b'<')));
        prop_assume!(digits_only(pos) || (value(new) - value(old)) % 10 != 0);
        let mut changed = l2.into_bytes();
        changed[pos] = new;
        let changed = String::from_utf8(changed).unwrap();
        if let Ok(m) = parse_td3(&l1, &changed, today()) {
            prop_assert!(!m.valid(), "change at {} to {} not caught", pos + 1, new as char);
        }
    }

    #[test]
    fn any_text_is_parsed_or_refused_without_panic(a in ".{0,60}", b in ".{0,60}") {
        let _ = parse_td3(&a, &b, today());
    }
}

#[test]
fn blind_spots_of_icao_check_digits_are_what_the_property_test_excludes() {
    let f = Td3Fields::example();
    let [l1, l2] = build_td3(&f);
    // The filler after a short document number and a zero weigh the same.
    let filler_to_zero = format!("{}0{}", &l2[..8], &l2[9..]);
    let m = parse_td3(&l1, &filler_to_zero, today()).unwrap();
    assert!(m.valid());
    assert_eq!(m.number, "C12345670");
}
