//! Names compared the way officers compare them: ignoring case, punctuation, diacritics and
//! word order. "M. Firman" and "FIRMAN M" are the same name here.

use unicode_normalization::UnicodeNormalization;

/// Upper-case ASCII words, diacritics removed, punctuation dropped, in the order typed.
///
/// `'` and `.` vanish inside a word ("D'SOUZA" → "DSOUZA"); every other non-letter separates
/// words ("SITI-AMINAH" → "SITI AMINAH").
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in name.nfkd() {
        if c.is_alphanumeric() {
            if c.is_ascii() {
                word.push(c.to_ascii_uppercase());
            } else {
                // Letters outside ASCII (after removing their accents) are kept upper-cased.
                word.extend(c.to_uppercase());
            }
        } else if unicode_normalization::char::is_combining_mark(c)
            || c == '\''
            || c == '’'
            || c == '.'
        {
            continue;
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// The name's comparison key: its words sorted and joined by one space.
pub fn key(name: &str) -> String {
    let mut w = words(name);
    w.sort();
    w.join(" ")
}

/// True when two names are the same or close: equal keys, or a Jaro-Winkler similarity of the
/// sorted words of at least 0.92 (one or two letters apart in a name of usual length).
pub fn close(a: &str, b: &str) -> bool {
    let (ka, kb) = (key(a), key(b));
    if ka.is_empty() || kb.is_empty() {
        return false;
    }
    ka == kb || strsim::jaro_winkler(&ka, &kb) >= 0.92
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_case_punctuation_diacritics_and_order() {
        assert_eq!(key("M. Firman"), "FIRMAN M");
        assert_eq!(key("firman m"), "FIRMAN M");
        assert_eq!(key("Siti Âminah"), "AMINAH SITI");
        assert_eq!(words("D'Souza-Putri"), vec!["DSOUZA", "PUTRI"]);
    }

    #[test]
    fn one_word_names_are_names() {
        assert_eq!(words("Sukarno"), vec!["SUKARNO"]);
    }

    #[test]
    fn close_names() {
        assert!(close("SITI AMINAH", "SITI AMINA"));
        assert!(close("AMINAH SITI", "siti aminah"));
        assert!(!close("SITI AMINAH", "BUDI SANTOSO"));
        assert!(!close("", "BUDI"));
    }
}
