//! Made-up inputs for the sample, the benchmarks and the screenshots: one mission and one
//! portrait, the same everywhere, so the pictures in docs/ and the figures agree.

use crate::Mission;

/// The embassy in Phnom Penh, as the samples print it.
pub fn mission() -> Mission {
    Mission {
        name: "KEDUTAAN BESAR REPUBLIK INDONESIA DI PHNOM PENH".into(),
        address: "No. 1, Street 466, Sangkat Tonle Bassac, Khan Chamkar Mon".into(),
        city: "Phnom Penh".into(),
    }
}

/// A made-up portrait: a head and shoulders on white, 600×800, as PNG bytes.
pub fn portrait_png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(600, 800, |x, y| {
        let (dx, dy) = (x as f32 - 300.0, y as f32 - 330.0);
        let head = dx * dx / (150.0 * 150.0) + dy * dy / (190.0 * 190.0) <= 1.0;
        let shoulders = y > 560 && dx.abs() < 80.0 + (y as f32 - 560.0) * 1.2;
        if head {
            image::Rgb([205, 170, 140])
        } else if shoulders {
            image::Rgb([40, 60, 110])
        } else {
            image::Rgb([255, 255, 255])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encoding a PNG in memory");
    out.into_inner()
}
