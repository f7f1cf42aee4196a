//! Any file chosen as a photo: a 3:4 JPEG or a refusal, never a panic or a runaway decode.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(photo) = loket_pdf::Photo::from_image(data) {
        let again = loket_pdf::Photo::from_stored(photo.jpeg()).expect("a normalised photo reads back");
        assert_eq!(again.jpeg(), photo.jpeg());
    }
});
