//! The NIK (Nomor Induk Kependudukan): 16 digits `PP RR DD dd mm yy SSSS`.
//!
//! There is no check digit, so each part is checked on its own. The region is where the NIK
//! was first registered; the day carries +40 for women. A NIK whose date or sex disagrees with
//! the stated ones is only a warning: NIKs are not reissued when a birth date is corrected.

use crate::enums::Sex;
use crate::finding::Text;
use chrono::NaiveDate;

/// Province codes in use today (shared/domain.md). 91 and 94 name different provinces on NIKs
/// issued before 2022, but both are still valid prefixes.
pub const PROVINCES: &[u8] = &[
    11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35, 36, 51, 52, 53, 61, 62, 63, 64, 65,
    71, 72, 73, 74, 75, 76, 81, 82, 91, 92, 93, 94, 95, 96,
];

/// True for a current two-digit province code such as `32`.
pub fn is_current_province(code: &str) -> bool {
    code.len() == 2
        && code.bytes().all(|b| b.is_ascii_digit())
        && code.parse::<u8>().is_ok_and(|n| PROVINCES.contains(&n))
}

/// A NIK whose every part is well formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nik {
    digits: String,
}

/// One thing wrong with a typed NIK: a stable code and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NikProblem {
    pub code: &'static str,
    pub message: Text,
}

impl Nik {
    /// Parses a typed NIK, reporting every part that is wrong.
    pub fn parse(text: &str) -> Result<Nik, Vec<NikProblem>> {
        let t = text.trim();
        if t.len() != 16 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return Err(vec![NikProblem {
                code: "nik.format",
                message: Text::new(
                    "NIK harus terdiri dari tepat 16 angka",
                    "A NIK is exactly 16 digits",
                ),
            }]);
        }
        let n = |r: std::ops::Range<usize>| t[r].parse::<u32>().unwrap_or(0);
        let (province, regency, district) = (n(0..2), n(2..4), n(4..6));
        let (day, month, yy, serial) = (n(6..8), n(8..10), n(10..12), n(12..16));
        let mut problems = Vec::new();
        let mut problem = |code, id: String, en: String| {
            problems.push(NikProblem {
                code,
                message: Text::new(id, en),
            })
        };
        if !PROVINCES.contains(&(province as u8)) {
            problem(
                "nik.province",
                format!("Kode provinsi NIK {province:02} tidak ada"),
                format!("NIK province code {province:02} does not exist"),
            );
        }
        if !(1..=69).contains(&regency) && !(71..=99).contains(&regency) {
            problem(
                "nik.regency",
                format!(
                    "Kode kabupaten/kota NIK {regency:02} tidak ada (01–69 kabupaten, 71–99 kota)"
                ),
                format!("NIK regency code {regency:02} does not exist (01–69 regency, 71–99 city)"),
            );
        }
        if district == 0 {
            problem(
                "nik.district",
                "Kode kecamatan NIK 00 tidak ada".into(),
                "NIK district code 00 does not exist".into(),
            );
        }
        let real_day = if day > 40 { day - 40 } else { day };
        let real_date = [1900, 2000]
            .iter()
            .any(|c| NaiveDate::from_ymd_opt(c + yy as i32, month, real_day).is_some());
        if !real_date {
            problem(
                "nik.date",
                format!(
                    "Tanggal lahir di NIK ({day:02}-{month:02}-{yy:02}) bukan tanggal yang ada"
                ),
                format!("The NIK's birth date ({day:02}-{month:02}-{yy:02}) is not a real date"),
            );
        }
        if serial == 0 {
            problem(
                "nik.serial",
                "Nomor urut NIK 0000 tidak ada".into(),
                "NIK serial number 0000 does not exist".into(),
            );
        }
        if problems.is_empty() {
            Ok(Nik {
                digits: t.to_string(),
            })
        } else {
            Err(problems)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.digits
    }

    fn part(&self, r: std::ops::Range<usize>) -> u32 {
        self.digits[r].parse().unwrap_or(0)
    }

    /// Women's birth days carry +40.
    pub fn sex(&self) -> Sex {
        if self.part(6..8) > 40 {
            Sex::F
        } else {
            Sex::M
        }
    }

    /// Day, month and two-digit year of birth as encoded.
    pub fn birth_day_month_yy(&self) -> (u32, u32, u32) {
        let day = self.part(6..8);
        let day = if day > 40 { day - 40 } else { day };
        (day, self.part(8..10), self.part(10..12))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(t: &str) -> Vec<&'static str> {
        Nik::parse(t)
            .err()
            .unwrap_or_default()
            .iter()
            .map(|p| p.code)
            .collect()
    }

    #[test]
    fn spec_example_is_a_woman_born_12_april_99() {
        let nik = Nik::parse("3203415204990001").unwrap();
        assert_eq!(nik.sex(), Sex::F);
        assert_eq!(nik.birth_day_month_yy(), (12, 4, 99));
    }

    #[test]
    fn each_part_is_checked() {
        assert_eq!(codes("320341520499000"), ["nik.format"]);
        assert_eq!(codes("32034152049900a1"), ["nik.format"]);
        assert_eq!(codes("2003415204990001"), ["nik.province"]);
        assert_eq!(codes("3270415204990001"), ["nik.regency"]);
        assert_eq!(codes("3200415204990001"), ["nik.regency"]);
        assert_eq!(codes("3203005204990001"), ["nik.district"]);
        assert_eq!(codes("3203417204990001"), ["nik.date"]);
        assert_eq!(codes("3203413204990001"), ["nik.date"]);
        assert_eq!(codes("3203411213990001"), ["nik.date"]);
        assert_eq!(codes("3203415204990000"), ["nik.serial"]);
        assert_eq!(
            codes("1000003213990000"),
            [
                "nik.province",
                "nik.regency",
                "nik.district",
                "nik.date",
                "nik.serial"
            ]
        );
    }

    #[test]
    fn leap_day_counts_in_either_century() {
        assert!(Nik::parse("3203412902000001").is_ok());
        assert_eq!(codes("3203412902010001"), ["nik.date"]);
    }

    #[test]
    fn current_provinces() {
        assert!(is_current_province("32"));
        assert!(is_current_province("96"));
        assert!(!is_current_province("20"));
        assert!(!is_current_province("3"));
        assert!(!is_current_province("+3"));
    }
}
