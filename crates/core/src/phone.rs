//! Phone numbers as typed: `+`, digits, spaces and hyphens, with 7 to 15 digits.

/// True when the text is a plausible phone number: an optional leading `+`, then digits,
/// spaces and hyphens only, holding 7–15 digits (the ITU E.164 maximum is 15).
pub fn is_valid(text: &str) -> bool {
    let t = text.trim();
    let body = t.strip_prefix('+').unwrap_or(t);
    let digits = body.bytes().filter(u8::is_ascii_digit).count();
    body.bytes()
        .all(|b| b.is_ascii_digit() || b == b' ' || b == b'-')
        && (7..=15).contains(&digits)
}

#[cfg(test)]
mod tests {
    use super::is_valid;

    #[test]
    fn forms() {
        assert!(is_valid("+855 12 345 678"));
        assert!(is_valid("+62 812-3456-7890"));
        assert!(is_valid("0812345"));
        assert!(!is_valid("081234"));
        assert!(!is_valid("+62 812 3456 7890 1234"));
        assert!(!is_valid("+62 (812) 3456"));
        assert!(!is_valid("62+812345678"));
        assert!(!is_valid(""));
    }
}
