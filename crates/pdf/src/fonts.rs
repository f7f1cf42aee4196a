//! The two faces the page is set in, parsed once per process, and text measured in them.
//!
//! The font files are DejaVu Sans Condensed (regular and bold) cut down to the Latin ranges
//! (see `assets/fonts/README.md`): printpdf embeds a font program whole when its `text_layout`
//! feature is off, so a 60 KB subset instead of a 700 KB font keeps every render cheap.

use printpdf::ParsedFont;
use std::sync::OnceLock;
use unicode_normalization::UnicodeNormalization;

static REGULAR_BYTES: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSansCondensed-Latin.ttf");
static BOLD_BYTES: &[u8] =
    include_bytes!("../../../assets/fonts/DejaVuSansCondensed-Bold-Latin.ttf");

/// Which of the two faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Face {
    Regular,
    Bold,
}

/// Both faces, parsed.
pub(crate) struct Fonts {
    pub regular: ParsedFont,
    pub bold: ParsedFont,
}

impl Fonts {
    pub fn face(&self, face: Face) -> &ParsedFont {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }
}

/// The parsed faces, or why the shipped files could not be parsed (a build defect).
pub(crate) fn fonts() -> Result<&'static Fonts, &'static str> {
    static FONTS: OnceLock<Option<Fonts>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let mut warnings = Vec::new();
            Some(Fonts {
                regular: ParsedFont::from_bytes(REGULAR_BYTES, 0, &mut warnings)?,
                bold: ParsedFont::from_bytes(BOLD_BYTES, 0, &mut warnings)?,
            })
        })
        .as_ref()
        .ok_or("the embedded font files could not be parsed")
}

/// The font programs as shipped, as printpdf embeds them.
pub(crate) fn programs() -> [&'static [u8]; 2] {
    [REGULAR_BYTES, BOLD_BYTES]
}

/// Advance width of `text` in points at `size` points.
pub(crate) fn width_pt(font: &ParsedFont, text: &str, size: f32) -> f32 {
    let upem = f32::from(font.units_per_em.max(1));
    let units: u32 = text
        .chars()
        .map(|c| {
            let gid = font.lookup_glyph_index(c as u32).unwrap_or(0);
            u32::from(font.get_glyph_width(gid).unwrap_or(0))
        })
        .sum();
    units as f32 * size / upem
}

/// Text the faces can show: NFC, whitespace and controls as spaces, and any character the
/// Latin subset lacks replaced by its base letters (NFKD) or else `?`, so that every glyph
/// printed is a real one with a ToUnicode entry.
pub(crate) fn printable(font: &ParsedFont, text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.nfc() {
        if c.is_whitespace() || c.is_control() {
            out.push(' ');
        } else if font.lookup_glyph_index(c as u32).is_some() {
            out.push(c);
        } else {
            let before = out.len();
            for d in c.to_string().nfkd() {
                let combining = ('\u{300}'..='\u{36f}').contains(&d);
                if !combining && font.lookup_glyph_index(d as u32).is_some() {
                    out.push(d);
                }
            }
            if out.len() == before {
                out.push('?');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faces_parse_and_cover_latin() {
        let f = fonts().unwrap();
        for c in "AZaz09ÉÇĞÑŞİĂŢŠŽŁØÅẞṢ—×".chars() {
            assert!(f.regular.lookup_glyph_index(c as u32).is_some(), "{c}");
            assert!(f.bold.lookup_glyph_index(c as u32).is_some(), "{c}");
        }
        assert!(width_pt(&f.regular, "MM", 10.0) > width_pt(&f.regular, "ii", 10.0));
    }

    #[test]
    fn printable_replaces_what_the_font_lacks() {
        let f = &fonts().unwrap().regular;
        assert_eq!(printable(f, "JOSE\u{301}\tX"), "JOSÉ X");
        assert_eq!(printable(f, "名前"), "??");
        assert_eq!(printable(f, "ﬁ"), "fi");
    }
}
