//! The machine-readable zone of a TD3 passport (ICAO Doc 9303 part 4).
//!
//! Passport readers at the counter type the two lines as keyboard input; this turns them into
//! typed fields and reports every check digit separately, so a misread is shown, never
//! silently accepted. Parsing fails only when the text is not a TD3 zone at all.

use crate::enums::Sex;
use crate::finding::Text;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// Characters per line of a TD3 zone.
pub const LINE_LEN: usize = 44;

/// One parsed TD3 zone.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MrzTd3 {
    /// `P` and the type letter, if any (`P`, `PA`, …).
    pub document_code: String,
    pub issuing_state: String,
    /// The primary identifier (surname, or the whole of a one-word name).
    pub primary: String,
    /// The secondary identifiers (given names) joined by single spaces; empty for one name.
    pub secondary: String,
    /// The document number without fillers.
    pub number: String,
    pub nationality: String,
    /// `None` when the six characters are not a real date.
    pub date_of_birth: Option<NaiveDate>,
    /// `None` when unspecified (`<` or `X`).
    pub sex: Option<Sex>,
    pub expiry_date: Option<NaiveDate>,
    /// The optional data (personal number) without fillers.
    pub optional: String,
    pub checks: MrzChecks,
}

/// Whether each check digit holds.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MrzChecks {
    pub number: bool,
    pub date_of_birth: bool,
    pub expiry_date: bool,
    pub optional: bool,
    pub composite: bool,
}

impl MrzChecks {
    /// Each check digit by name, for reports that list the failed ones.
    pub fn named(&self) -> [(&'static str, bool); 5] {
        [
            ("number", self.number),
            ("date_of_birth", self.date_of_birth),
            ("expiry_date", self.expiry_date),
            ("optional", self.optional),
            ("composite", self.composite),
        ]
    }
}

impl MrzTd3 {
    /// True when every check digit holds and both dates are real dates.
    pub fn valid(&self) -> bool {
        self.checks.named().iter().all(|(_, ok)| *ok)
            && self.date_of_birth.is_some()
            && self.expiry_date.is_some()
    }
}

/// Why a text is not a TD3 zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MrzError {
    /// Stable: `mrz.length`, `mrz.charset`, `mrz.document_code` or `mrz.sex`.
    pub code: &'static str,
    pub message: Text,
}

impl std::fmt::Display for MrzError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message.en)
    }
}

impl std::error::Error for MrzError {}

/// The ICAO check digit: `0–9` → 0–9, `A–Z` → 10–35, `<` → 0; weights 7, 3, 1; sum mod 10.
pub fn check_digit(field: &str) -> u8 {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let sum: u32 = field
        .bytes()
        .zip(WEIGHTS.iter().cycle())
        .map(|(b, w)| {
            let v = match b {
                b'0'..=b'9' => u32::from(b - b'0'),
                b'A'..=b'Z' => u32::from(b - b'A') + 10,
                _ => 0,
            };
            v * w
        })
        .sum();
    (sum % 10) as u8
}

/// Parses the two lines as typed by a reader (surrounding white space is ignored).
///
/// `today` fixes the centuries: a birth date lies in the past, an expiry date at most ten
/// years ahead (a passport is valid for ten years at most).
pub fn parse_td3(line1: &str, line2: &str, today: NaiveDate) -> Result<MrzTd3, MrzError> {
    let l1 = line1.trim();
    let l2 = line2.trim();
    for (n, line) in [(1, l1), (2, l2)] {
        check_line(n, line)?;
    }
    if !l1.starts_with('P') {
        return Err(MrzError {
            code: "mrz.document_code",
            message: Text::new(
                "Baris 1 MRZ tidak diawali P: ini bukan paspor (TD3)",
                "MRZ line 1 does not start with P: this is not a passport (TD3)",
            ),
        });
    }
    let sex = match &l2[20..21] {
        "M" => Some(Sex::M),
        "F" => Some(Sex::F),
        "<" | "X" => None,
        _ => {
            return Err(MrzError {
                code: "mrz.sex",
                message: Text::new(
                    "Karakter 21 baris 2 MRZ harus M, F atau <",
                    "MRZ line 2 character 21 must be M, F or <",
                ),
            })
        }
    };
    let (primary, secondary) = split_name(&l1[5..]);
    let digit_ok = |field: &str, check: &str| {
        check.as_bytes()[0].is_ascii_digit() && check_digit(field) == check.as_bytes()[0] - b'0'
    };
    let optional_field = &l2[28..42];
    let optional_check = &l2[42..43];
    let optional_ok = if optional_field.bytes().all(|b| b == b'<') {
        optional_check == "<" || optional_check == "0"
    } else {
        digit_ok(optional_field, optional_check)
    };
    let composite_field = format!("{}{}{}", &l2[0..10], &l2[13..20], &l2[21..43]);
    Ok(MrzTd3 {
        document_code: unfill(&l1[0..2]),
        issuing_state: unfill(&l1[2..5]),
        primary,
        secondary,
        number: unfill(&l2[0..9]),
        nationality: unfill(&l2[10..13]),
        date_of_birth: yymmdd(&l2[13..19]).and_then(|(y, m, d)| birth_date(y, m, d, today)),
        sex,
        expiry_date: yymmdd(&l2[21..27]).and_then(|(y, m, d)| expiry_date(y, m, d, today)),
        optional: unfill(optional_field),
        checks: MrzChecks {
            number: digit_ok(&l2[0..9], &l2[9..10]),
            date_of_birth: digit_ok(&l2[13..19], &l2[19..20]),
            expiry_date: digit_ok(&l2[21..27], &l2[27..28]),
            optional: optional_ok,
            composite: digit_ok(&composite_field, &l2[43..44]),
        },
    })
}

fn check_line(n: u8, line: &str) -> Result<(), MrzError> {
    if let Some((pos, c)) = line
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '<'))
    {
        return Err(MrzError {
            code: "mrz.charset",
            message: Text::new(
                format!(
                    "Baris {n} MRZ: karakter {} ({c:?}) tidak boleh; hanya A–Z, 0–9 dan <",
                    pos + 1
                ),
                format!(
                    "MRZ line {n}: character {} ({c:?}) is not allowed; only A–Z, 0–9 and <",
                    pos + 1
                ),
            ),
        });
    }
    let len = line.len();
    if len != LINE_LEN {
        return Err(MrzError {
            code: "mrz.length",
            message: Text::new(
                format!("Baris {n} MRZ berisi {len} karakter, seharusnya {LINE_LEN}"),
                format!("MRZ line {n} has {len} characters, not {LINE_LEN}"),
            ),
        });
    }
    Ok(())
}

/// `PRIMARY<<SECOND<NAMES<<<` → ("PRIMARY", "SECOND NAMES").
fn split_name(field: &str) -> (String, String) {
    let (primary, secondary) = field.split_once("<<").unwrap_or((field, ""));
    (words(primary), words(secondary))
}

fn words(s: &str) -> String {
    s.split('<')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn unfill(s: &str) -> String {
    s.trim_end_matches('<').replace('<', " ")
}

fn yymmdd(s: &str) -> Option<(i32, u32, u32)> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    Some((n(0..2)? as i32, n(2..4)?, n(4..6)?))
}

/// The latest real date with these digits that is not after `today`.
fn birth_date(yy: i32, m: u32, d: u32, today: NaiveDate) -> Option<NaiveDate> {
    latest_on_or_before(yy, m, d, today)
}

/// The latest real date with these digits at most ten years after `today`.
fn expiry_date(yy: i32, m: u32, d: u32, today: NaiveDate) -> Option<NaiveDate> {
    let limit = today
        .with_year(today.year() + 10)
        .or_else(|| NaiveDate::from_ymd_opt(today.year() + 10, 2, 28))?;
    latest_on_or_before(yy, m, d, limit)
}

fn latest_on_or_before(yy: i32, m: u32, d: u32, limit: NaiveDate) -> Option<NaiveDate> {
    let century = limit.year() - limit.year().rem_euclid(100);
    [century, century - 100, century - 200]
        .into_iter()
        .filter_map(|c| NaiveDate::from_ymd_opt(c + yy, m, d))
        .find(|date| *date <= limit)
}

/// The fields a TD3 zone is built from; `build_td3` writes them with correct check digits.
///
/// Used by tests across Loket (and by anyone making specimen passports for training).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Td3Fields {
    pub document_code: String,
    pub issuing_state: String,
    pub primary: String,
    pub secondary: String,
    pub number: String,
    pub nationality: String,
    pub date_of_birth: NaiveDate,
    pub sex: Option<Sex>,
    pub expiry_date: NaiveDate,
    pub optional: String,
}

impl Td3Fields {
    /// The passport of the spec's example person (SITI AMINAH, born 12 April 1999, C1234567,
    /// valid to 30 June 2029): the specimen the tests start from.
    pub fn example() -> Td3Fields {
        Td3Fields {
            document_code: "P".into(),
            issuing_state: "IDN".into(),
            primary: "AMINAH".into(),
            secondary: "SITI".into(),
            number: "C1234567".into(),
            nationality: "IDN".into(),
            date_of_birth: NaiveDate::from_ymd_opt(1999, 4, 12).expect("a real date"),
            sex: Some(Sex::F),
            expiry_date: NaiveDate::from_ymd_opt(2029, 6, 30).expect("a real date"),
            optional: String::new(),
        }
    }
}

/// Writes the two lines of a TD3 zone with correct check digits.
///
/// Fields longer than their place are cut; spaces become fillers.
pub fn build_td3(f: &Td3Fields) -> [String; 2] {
    let pad = |s: &str, n: usize| {
        let mut out: String = s.replace(' ', "<").chars().take(n).collect();
        while out.len() < n {
            out.push('<');
        }
        out
    };
    let name = if f.secondary.is_empty() {
        f.primary.clone()
    } else {
        format!("{}<<{}", f.primary, f.secondary)
    };
    let line1 = format!(
        "{}{}{}",
        pad(&f.document_code, 2),
        pad(&f.issuing_state, 3),
        pad(&name, 39)
    );
    let ymd = |d: NaiveDate| format!("{:02}{:02}{:02}", d.year() % 100, d.month(), d.day());
    let with_check = |s: String| {
        let c = check_digit(&s);
        format!("{s}{c}")
    };
    let number = with_check(pad(&f.number, 9));
    let dob = with_check(ymd(f.date_of_birth));
    let expiry = with_check(ymd(f.expiry_date));
    let optional_field = pad(&f.optional, 14);
    let optional = if optional_field.bytes().all(|b| b == b'<') {
        format!("{optional_field}<")
    } else {
        with_check(optional_field)
    };
    let sex = match f.sex {
        Some(Sex::M) => "M",
        Some(Sex::F) => "F",
        None => "<",
    };
    let composite = check_digit(&format!("{number}{dob}{expiry}{optional}"));
    let line2 = format!(
        "{number}{}{dob}{sex}{expiry}{optional}{composite}",
        pad(&f.nationality, 3)
    );
    [line1, line2]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    const TODAY: (i32, u32, u32) = (2026, 1, 19);

    fn today() -> NaiveDate {
        day(TODAY.0, TODAY.1, TODAY.2)
    }

    // The specimen of ICAO Doc 9303 part 4, appendix A.
    const ICAO_1: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<";
    const ICAO_2: &str = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";

    #[test]
    fn icao_specimen_parses() {
        let m = parse_td3(ICAO_1, ICAO_2, today()).unwrap();
        assert_eq!(m.document_code, "P");
        assert_eq!(m.issuing_state, "UTO");
        assert_eq!(m.primary, "ERIKSSON");
        assert_eq!(m.secondary, "ANNA MARIA");
        assert_eq!(m.number, "L898902C3");
        assert_eq!(m.nationality, "UTO");
        assert_eq!(m.date_of_birth, Some(day(1974, 8, 12)));
        assert_eq!(m.sex, Some(Sex::F));
        // 15 April 2012 is in the past but within the window: expired passports keep 20xx.
        assert_eq!(m.expiry_date, Some(day(2012, 4, 15)));
        assert_eq!(m.optional, "ZE184226B");
        assert!(m.valid(), "{:?}", m.checks);
    }

    #[test]
    fn check_digit_examples() {
        assert_eq!(check_digit("L898902C3"), 6);
        assert_eq!(check_digit("740812"), 2);
        assert_eq!(check_digit("<<<<<"), 0);
    }

    #[test]
    fn one_word_name_has_no_secondary() {
        let f = Td3Fields {
            document_code: "P".into(),
            issuing_state: "IDN".into(),
            primary: "SUKARNO".into(),
            secondary: String::new(),
            number: "C1234567".into(),
            nationality: "IDN".into(),
            date_of_birth: day(1990, 6, 1),
            sex: Some(Sex::M),
            expiry_date: day(2030, 6, 1),
            optional: String::new(),
        };
        let [l1, l2] = build_td3(&f);
        assert_eq!(l1, "P<IDNSUKARNO<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<");
        let m = parse_td3(&l1, &l2, today()).unwrap();
        assert_eq!((m.primary.as_str(), m.secondary.as_str()), ("SUKARNO", ""));
        assert!(m.valid());
        assert_eq!(m.optional, "");
    }

    #[test]
    fn centuries() {
        // Born in 2024 is the past; born "30" means 1930.
        assert_eq!(birth_date(24, 3, 1, today()), Some(day(2024, 3, 1)));
        assert_eq!(birth_date(30, 3, 1, today()), Some(day(1930, 3, 1)));
        assert_eq!(birth_date(26, 1, 20, today()), Some(day(1926, 1, 20)));
        // Expiry up to ten years ahead stays in this century; further is the last one.
        assert_eq!(expiry_date(36, 1, 19, today()), Some(day(2036, 1, 19)));
        assert_eq!(expiry_date(36, 1, 20, today()), Some(day(1936, 1, 20)));
        assert_eq!(expiry_date(99, 12, 31, today()), Some(day(1999, 12, 31)));
        assert_eq!(birth_date(0, 2, 29, today()), Some(day(2000, 2, 29)));
        assert_eq!(birth_date(1, 2, 29, today()), None);
    }

    #[test]
    fn not_td3() {
        let short = &ICAO_2[..43];
        assert_eq!(
            parse_td3(ICAO_1, short, today()).unwrap_err().code,
            "mrz.length"
        );
        let lower = ICAO_1.replace("ANNA", "anna");
        assert_eq!(
            parse_td3(&lower, ICAO_2, today()).unwrap_err().code,
            "mrz.charset"
        );
        let visa = ICAO_1.replacen('P', "V", 1);
        assert_eq!(
            parse_td3(&visa, ICAO_2, today()).unwrap_err().code,
            "mrz.document_code"
        );
        let sex = format!("{}Q{}", &ICAO_2[..20], &ICAO_2[21..]);
        assert_eq!(
            parse_td3(ICAO_1, &sex, today()).unwrap_err().code,
            "mrz.sex"
        );
    }

    #[test]
    fn reader_whitespace_is_ignored() {
        let m = parse_td3(&format!("  {ICAO_1}\r"), &format!("{ICAO_2}\n"), today()).unwrap();
        assert!(m.valid());
    }

    #[test]
    fn failed_checks_are_named() {
        // Change one digit of the document number: its own check and the composite fail.
        let bad = ICAO_2.replacen("L898902C3", "L898902C4", 1);
        let m = parse_td3(ICAO_1, &bad, today()).unwrap();
        assert!(!m.checks.number);
        assert!(!m.checks.composite);
        assert!(m.checks.date_of_birth && m.checks.expiry_date && m.checks.optional);
        assert!(!m.valid());
    }

    #[test]
    fn empty_optional_accepts_filler_or_zero_check() {
        let f = Td3Fields::example();
        let [l1, l2] = build_td3(&f);
        assert_eq!(&l2[42..43], "<");
        let zero = format!("{}0{}", &l2[..42], &l2[43..]);
        // '<' and '0' weigh the same in the composite, so both forms stay valid.
        assert!(parse_td3(&l1, &zero, today()).unwrap().valid());
    }
}
