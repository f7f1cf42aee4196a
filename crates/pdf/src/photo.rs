//! The passport photo: taken once from whatever the camera or scanner gave, normalised to
//! one small JPEG of a fixed shape, stored with the case and printed as it is.
//!
//! Normalising at intake (not at print) keeps the stored photo small (~30 KB instead of a
//! phone's 4 MB), makes every print identical, and lets the page embed the JPEG bytes
//! directly (DCTDecode) without decoding anything at print time.

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use std::io::Cursor;

/// Width of a normalised photo in pixels: 3 cm at 300 dpi.
pub const PHOTO_WIDTH: u32 = 354;
/// Height of a normalised photo in pixels: 4 cm at 300 dpi.
pub const PHOTO_HEIGHT: u32 = 472;
/// Largest side accepted before decoding: a header claiming more is refused unread.
const MAX_SIDE: u32 = 12_000;
/// Most memory the decoder may ask for (a 12000×12000 RGBA image is 576 MB; phones give 50).
const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// JPEG quality of the normalised photo: ~30 KB, no visible artefacts at 3×4 cm.
const QUALITY: u8 = 85;

/// Why a photo was refused. Messages are one line of English for the officer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("the file is not an image (JPEG or PNG expected)")]
    NotAnImage,
    #[error("{0} images are not accepted: use a JPEG or PNG photo")]
    Unsupported(String),
    #[error("the image is too large to read safely ({0}); at most 12000×12000 pixels")]
    TooLarge(String),
    #[error("the image is damaged or incomplete: {0}")]
    Corrupt(String),
    #[error("the stored photo is {width}×{height} pixels, not 354×472")]
    WrongShape { width: u32, height: u32 },
    #[error("the photo could not be encoded as JPEG: {0}")]
    Encode(String),
}

/// A passport photo ready to print: decoded, centre-cropped to 3:4, scaled to 354×472 px
/// (3×4 cm at 300 dpi), JPEG.
#[derive(Clone, PartialEq, Eq)]
pub struct Photo {
    jpeg: Vec<u8>,
}

/// Only the size: the bytes are a person's face (specific personal data).
impl std::fmt::Debug for Photo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Photo({} bytes JPEG)", self.jpeg.len())
    }
}

impl Photo {
    /// Accepts JPEG or PNG bytes (anything else, or a corrupt image, is a PhotoError with a
    /// clear English reason). Applies the camera's EXIF orientation, flattens transparency
    /// onto white (the required background), crops the centre to 3:4 and scales it.
    pub fn from_image(bytes: &[u8]) -> Result<Photo, PhotoError> {
        let format = guess(bytes)?;
        if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png) {
            return Err(PhotoError::Unsupported(format_name(format)));
        }
        let img = decode(bytes, format)?;
        let rgb = on_white(img);
        let cropped = crop_3_4(&rgb);
        let scaled = image::imageops::resize(
            &cropped,
            PHOTO_WIDTH,
            PHOTO_HEIGHT,
            image::imageops::FilterType::CatmullRom,
        );
        let mut jpeg = Vec::with_capacity(48 * 1024);
        JpegEncoder::new_with_quality(&mut jpeg, QUALITY)
            .encode_image(&scaled)
            .map_err(|e| PhotoError::Encode(one_line(&e.to_string())))?;
        Ok(Photo { jpeg })
    }

    /// The normalised JPEG bytes (what gets stored with the case, ~30 KB).
    pub fn jpeg(&self) -> &[u8] {
        &self.jpeg
    }

    /// Re-wrap stored normalised bytes (validates they are a JPEG of the right shape:
    /// decoded in full, 354×472, colour).
    pub fn from_stored(jpeg: &[u8]) -> Result<Photo, PhotoError> {
        match guess(jpeg)? {
            ImageFormat::Jpeg => {}
            other => return Err(PhotoError::Unsupported(format_name(other))),
        }
        let img = decode(jpeg, ImageFormat::Jpeg)?;
        if (img.width(), img.height()) != (PHOTO_WIDTH, PHOTO_HEIGHT) {
            return Err(PhotoError::WrongShape {
                width: img.width(),
                height: img.height(),
            });
        }
        if !matches!(img, DynamicImage::ImageRgb8(_)) {
            // The page declares DeviceRGB for the embedded bytes; a grey or CMYK JPEG would
            // print wrong. Normalised photos are always RGB.
            return Err(PhotoError::Corrupt(
                "the stored photo is not an RGB JPEG".into(),
            ));
        }
        Ok(Photo {
            jpeg: jpeg.to_vec(),
        })
    }
}

fn guess(bytes: &[u8]) -> Result<ImageFormat, PhotoError> {
    image::guess_format(bytes).map_err(|_| PhotoError::NotAnImage)
}

fn format_name(format: ImageFormat) -> String {
    format!("{format:?}").to_uppercase()
}

/// Decodes with limits checked against the header before any pixel memory is taken.
fn decode(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, PhotoError> {
    // The JPEG decoder fills a cut-off file with grey rather than fail; a half-transferred
    // photo must be refused, not printed.
    if format == ImageFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(PhotoError::Corrupt(
            "the JPEG file ends before its image data does".into(),
        ));
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(read_error)?;
    let orientation = decoder.orientation().map_err(read_error)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(read_error)?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// Whether the JPEG's marker segments lead to image data that ends with an EOI marker.
///
/// Walks the segments by their lengths (so a thumbnail inside EXIF, which has its own EOI,
/// is skipped) up to the first scan, then looks for EOI in the entropy-coded data, where a
/// 0xFF byte is always followed by 0x00 or a marker.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    let mut i = 2;
    loop {
        if bytes.get(i) != Some(&0xFF) {
            return false;
        }
        while bytes.get(i) == Some(&0xFF) {
            i += 1;
        }
        let Some(&marker) = bytes.get(i) else {
            return false;
        };
        i += 1;
        if matches!(marker, 0x01 | 0xD0..=0xD7) {
            continue;
        }
        if marker == 0xD9 {
            return false;
        }
        let Some(len) = bytes
            .get(i..i + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
        else {
            return false;
        };
        if len < 2 {
            return false;
        }
        i += len;
        if marker == 0xDA {
            return bytes
                .get(i..)
                .is_some_and(|data| data.windows(2).any(|w| w == [0xFF, 0xD9]));
        }
    }
}

fn read_error(e: image::ImageError) -> PhotoError {
    match e {
        image::ImageError::Limits(l) => PhotoError::TooLarge(one_line(&l.to_string())),
        image::ImageError::Unsupported(u) => PhotoError::Unsupported(one_line(&u.to_string())),
        other => PhotoError::Corrupt(one_line(&other.to_string())),
    }
}

/// RGB with any transparency composited onto white, the background a passport photo needs.
fn on_white(img: DynamicImage) -> RgbImage {
    if !img.color().has_alpha() {
        return img.into_rgb8();
    }
    let rgba = img.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let blend = |c: u8| -> u8 {
            let (c, a) = (u32::from(c), u32::from(a));
            ((c * a + 255 * (255 - a) + 127) / 255) as u8
        };
        image::Rgb([blend(r), blend(g), blend(b)])
    })
}

/// The largest centred 3:4 (portrait) window of the image.
fn crop_3_4(img: &RgbImage) -> RgbImage {
    let (w, h) = (u64::from(img.width()), u64::from(img.height()));
    let (cw, ch) = if w * 4 > h * 3 {
        ((h * 3 / 4).max(1), h)
    } else {
        (w, (w * 4 / 3).max(1))
    };
    let (cw, ch) = (cw.min(w) as u32, ch.min(h) as u32);
    let x = (img.width() - cw) / 2;
    let y = (img.height() - ch) / 2;
    image::imageops::crop_imm(img, x, y, cw, ch).to_image()
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crop_keeps_the_centre_in_3_4() {
        let img = RgbImage::new(400, 300);
        let c = crop_3_4(&img);
        assert_eq!((c.width(), c.height()), (225, 300));
        let img = RgbImage::new(300, 1000);
        let c = crop_3_4(&img);
        assert_eq!((c.width(), c.height()), (300, 400));
        let c = crop_3_4(&RgbImage::new(1, 1));
        assert_eq!((c.width(), c.height()), (1, 1));
    }

    #[test]
    fn transparency_becomes_white() {
        let img = DynamicImage::ImageRgba8(image::RgbaImage::new(2, 2));
        assert_eq!(on_white(img).get_pixel(0, 0).0, [255, 255, 255]);
    }
}
