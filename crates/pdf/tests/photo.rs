//! Photos: JPEG and PNG in any shape come out as one 354×472 JPEG; anything else, or a
//! damaged or oversized file, is refused with a one-line reason and never a panic.

mod common;

use common::{encode, portrait_png};
use image::{DynamicImage, GenericImageView, ImageFormat, RgbImage, RgbaImage};
use loket_pdf::{Photo, PhotoError, PHOTO_HEIGHT, PHOTO_WIDTH};

fn dims(jpeg: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory_with_format(jpeg, ImageFormat::Jpeg).expect("a JPEG");
    img.dimensions()
}

fn jpeg_of(w: u32, h: u32) -> Vec<u8> {
    let img = RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 200) as u8, (y % 200) as u8, 90])
    });
    encode(DynamicImage::ImageRgb8(img), ImageFormat::Jpeg)
}

fn one_line(e: &PhotoError) {
    let msg = e.to_string();
    assert!(!msg.is_empty() && !msg.contains('\n'), "{msg:?}");
}

#[test]
fn jpeg_and_png_of_any_shape_become_354_by_472() {
    for bytes in [
        jpeg_of(800, 600),
        jpeg_of(300, 1200),
        jpeg_of(1, 1),
        portrait_png(640, 480),
        portrait_png(354, 472),
        portrait_png(3, 2000),
    ] {
        let photo = Photo::from_image(&bytes).unwrap();
        assert_eq!(dims(photo.jpeg()), (PHOTO_WIDTH, PHOTO_HEIGHT));
        assert!(photo.jpeg().len() < 120_000, "{} bytes", photo.jpeg().len());
    }
}

#[test]
fn the_centre_is_kept_when_cropping() {
    // A wide picture: red in the middle third, blue at the sides. The 3:4 crop of a 1200×600
    // image is its middle 450 columns, all red.
    let img = RgbImage::from_fn(1200, 600, |x, _| {
        if (400..800).contains(&x) || (375..825).contains(&x) {
            image::Rgb([220, 0, 0])
        } else {
            image::Rgb([0, 0, 220])
        }
    });
    let photo = Photo::from_image(&encode(DynamicImage::ImageRgb8(img), ImageFormat::Png)).unwrap();
    let out = image::load_from_memory(photo.jpeg()).unwrap().to_rgb8();
    for x in [2, PHOTO_WIDTH / 2, PHOTO_WIDTH - 3] {
        let [r, _, b] = out.get_pixel(x, PHOTO_HEIGHT / 2).0;
        assert!(r > 150 && b < 80, "column {x} is not the centre: {r} {b}");
    }
}

#[test]
fn transparency_becomes_a_white_background() {
    let img = RgbaImage::from_fn(300, 400, |x, _| {
        if x < 150 {
            image::Rgba([0, 0, 0, 0])
        } else {
            image::Rgba([10, 10, 10, 255])
        }
    });
    let photo =
        Photo::from_image(&encode(DynamicImage::ImageRgba8(img), ImageFormat::Png)).unwrap();
    let out = image::load_from_memory(photo.jpeg()).unwrap().to_rgb8();
    assert!(
        out.get_pixel(10, 200).0.iter().all(|&c| c > 240),
        "transparent is white"
    );
    assert!(
        out.get_pixel(340, 200).0.iter().all(|&c| c < 40),
        "opaque stays"
    );
}

#[test]
fn text_gif_and_damaged_files_are_refused() {
    let gif: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
    let full = jpeg_of(800, 600);
    let truncated = &full[..full.len() / 2];
    let png = portrait_png(64, 64);
    let cases: [(&str, &[u8]); 6] = [
        ("text", b"Name: SITI AMINAH\nThis is not a photo.\n"),
        ("empty", b""),
        ("gif", gif),
        ("truncated jpeg", truncated),
        ("jpeg header only", &full[..20]),
        ("truncated png", &png[..png.len() - 30]),
    ];
    for (what, bytes) in cases {
        let err = Photo::from_image(bytes).expect_err(what);
        one_line(&err);
        match what {
            "text" | "empty" => assert_eq!(err, PhotoError::NotAnImage, "{what}"),
            "gif" => assert_eq!(err, PhotoError::Unsupported("GIF".into()), "{what}"),
            _ => assert!(matches!(err, PhotoError::Corrupt(_)), "{what}: {err:?}"),
        }
    }
}

/// Sets the size in a baseline JPEG's frame header (SOF0) without touching the data.
fn jpeg_claiming(w: u16, h: u16) -> Vec<u8> {
    let mut bytes = jpeg_of(16, 16);
    let sof = bytes
        .windows(2)
        .position(|m| m == [0xFF, 0xC0])
        .expect("a baseline JPEG has SOF0");
    bytes[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    bytes
}

/// Sets the size in a PNG's IHDR, with a correct CRC so only the size is wrong.
fn png_claiming(w: u32, h: u32) -> Vec<u8> {
    let mut bytes = portrait_png(16, 16);
    // Signature (8), length (4), "IHDR" (4), then width and height.
    bytes[16..20].copy_from_slice(&w.to_be_bytes());
    bytes[20..24].copy_from_slice(&h.to_be_bytes());
    let crc = crc32(&bytes[12..29]);
    bytes[29..33].copy_from_slice(&crc.to_be_bytes());
    bytes
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn a_header_claiming_20000_by_20000_is_refused_unread() {
    for (what, bytes) in [
        ("jpeg", jpeg_claiming(20_000, 20_000)),
        ("png", png_claiming(20_000, 20_000)),
    ] {
        let err = Photo::from_image(&bytes).expect_err(what);
        one_line(&err);
        assert!(matches!(err, PhotoError::TooLarge(_)), "{what}: {err:?}");
    }
}

#[test]
fn stored_photos_are_checked_for_shape() {
    let photo = Photo::from_image(&jpeg_of(900, 1200)).unwrap();
    let again = Photo::from_stored(photo.jpeg()).unwrap();
    assert_eq!(again, photo);

    let err = Photo::from_stored(&jpeg_of(100, 100)).unwrap_err();
    assert_eq!(
        err,
        PhotoError::WrongShape {
            width: 100,
            height: 100
        }
    );
    one_line(&err);
    let err = Photo::from_stored(&portrait_png(354, 472)).unwrap_err();
    assert_eq!(err, PhotoError::Unsupported("PNG".into()));
    let err = Photo::from_stored(&photo.jpeg()[..photo.jpeg().len() / 3]).unwrap_err();
    assert!(matches!(err, PhotoError::Corrupt(_)), "{err:?}");
    let grey = encode(
        DynamicImage::ImageLuma8(image::GrayImage::new(PHOTO_WIDTH, PHOTO_HEIGHT)),
        ImageFormat::Jpeg,
    );
    assert!(Photo::from_stored(&grey).is_err());
}

#[test]
fn debug_output_shows_no_pixels() {
    let photo = Photo::from_image(&jpeg_of(60, 80)).unwrap();
    let shown = format!("{photo:?}");
    assert!(shown.starts_with("Photo(") && shown.len() < 40, "{shown}");
}
