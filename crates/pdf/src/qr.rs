//! The verification QR code, as vector rectangles: sharp at any printer resolution, a few
//! hundred bytes of content stream, and no image to decode or scale.

use qrcode::{Color, EcLevel, QrCode};

/// Light modules around the symbol, in modules; the standard asks for four.
pub(crate) const QUIET_ZONE: usize = 4;

/// The dark modules of the symbol, merged into horizontal runs.
pub(crate) struct Modules {
    /// Modules per side, not counting the quiet zone.
    pub width: usize,
    /// `(row, first column, length)` of each run of dark modules, row 0 at the top.
    pub runs: Vec<(usize, usize, usize)>,
}

/// Encodes `payload` at error correction level M (15 % of the symbol may be lost to a
/// fold or a stamp and it still reads).
pub(crate) fn modules(payload: &str) -> Result<Modules, qrcode::types::QrError> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)?;
    let width = code.width();
    let colors = code.to_colors();
    let mut runs = Vec::new();
    for (row, line) in colors.chunks(width).enumerate() {
        let mut col = 0;
        while col < width {
            if line[col] == Color::Dark {
                let start = col;
                while col < width && line[col] == Color::Dark {
                    col += 1;
                }
                runs.push((row, start, col - start));
            } else {
                col += 1;
            }
        }
    }
    Ok(Modules { width, runs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_cover_the_finder_pattern() {
        let m = modules("LOKET").unwrap();
        assert_eq!(m.width, 21);
        // The top-left finder pattern starts with a run of seven dark modules.
        assert_eq!(m.runs[0], (0, 0, 7));
    }

    #[test]
    fn a_long_payload_still_fits() {
        let payload = "X".repeat(300);
        assert!(modules(&payload).is_ok());
        assert!(modules(&"é".repeat(3000)).is_err());
    }
}
