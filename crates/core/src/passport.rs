//! Indonesian passport numbers: usually one letter and seven digits (`C1234567`).

use crate::finding::Text;

/// A passport number of 1–2 letters and 6–7 digits, upper-cased.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PassportNumber(String);

impl PassportNumber {
    /// Accepts 1–2 letters and 6–7 digits; `None` otherwise. Letters may be typed in either
    /// case (an officer's keyboard, not a reader): `normalize` stores them upper-cased, which
    /// is what duplicate checks and MRZ comparison rely on.
    pub fn parse(text: &str) -> Option<PassportNumber> {
        let t = text.trim().to_ascii_uppercase();
        let letters = t.bytes().take_while(u8::is_ascii_uppercase).count();
        let digits = t.len() - letters;
        let ok = (1..=2).contains(&letters)
            && (6..=7).contains(&digits)
            && t.bytes().skip(letters).all(|b| b.is_ascii_digit());
        ok.then_some(PassportNumber(t))
    }

    /// The usual form: one letter and seven digits.
    pub fn is_usual(&self) -> bool {
        self.0.len() == 8
            && self.0.as_bytes()[0].is_ascii_uppercase()
            && self.0.as_bytes()[1].is_ascii_digit()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn format_error() -> Text {
        Text::new(
            "Nomor paspor harus 1–2 huruf dan 6–7 angka",
            "A passport number is 1–2 letters and 6–7 digits",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert!(PassportNumber::parse("C1234567").unwrap().is_usual());
        assert!(PassportNumber::parse(" c1234567 ").unwrap().is_usual());
        assert!(!PassportNumber::parse("AB123456").unwrap().is_usual());
        assert!(!PassportNumber::parse("A123456").unwrap().is_usual());
        assert!(PassportNumber::parse("ABC12345").is_none());
        assert!(PassportNumber::parse("C12345678").is_none());
        assert!(PassportNumber::parse("C12345").is_none());
        assert!(PassportNumber::parse("1234567C").is_none());
        assert!(PassportNumber::parse("").is_none());
    }
}
