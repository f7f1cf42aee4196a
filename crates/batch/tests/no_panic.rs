//! `open` never panics, whatever the bytes: outside (encrypted) and inside (the zip); nor
//! does `read_attachment`, which gives out a photo only when its hash holds.
mod common;

use std::sync::OnceLock;

use common::*;
use loket_batch::*;
use proptest::prelude::*;

fn world() -> &'static (World, Vec<u8>, Vec<u8>) {
    static W: OnceLock<(World, Vec<u8>, Vec<u8>)> = OnceLock::new();
    W.get_or_init(|| {
        let w = World::new();
        let sealed = w.sealed(1);
        let zip = unseal_raw(&sealed, &w.hq).unwrap();
        (w, sealed, zip)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn open_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let (w, _, _) = world();
        prop_assert!(w.open(&bytes).is_err());
    }

    #[test]
    fn open_never_panics_on_a_damaged_batch(edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        let (w, sealed, _) = world();
        let mut b = sealed.clone();
        for (i, v) in edits {
            let i = i % b.len();
            b[i] ^= v | 1;
        }
        prop_assert!(w.open(&b).is_err());
        photo_is_exact_or_absent(w, b)?;
    }

    /// The zip itself garbled, then properly encrypted: the parser behind the age layer.
    #[test]
    fn open_never_panics_on_a_garbled_zip(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in any::<usize>(),
    ) {
        let (w, _, zip) = world();
        let mut z = zip.clone();
        for (i, v) in edits {
            let i = i % z.len();
            z[i] ^= v;
        }
        z.truncate(cut % (z.len() + 1) + 1);
        let b = seal_raw(&z, &w.hq.public()).unwrap();
        let _ = w.open(&b);
        photo_is_exact_or_absent(w, b)?;
    }
}

/// `read_attachment` on damaged bytes gives out the photo exactly, or nothing.
fn photo_is_exact_or_absent(w: &World, batch: Vec<u8>) -> Result<(), TestCaseError> {
    let hash = sha256_hex(&photo(0));
    if let Ok(Some(bytes)) = read_attachment(std::io::Cursor::new(batch), &w.hq, &hash, 1 << 20) {
        prop_assert_eq!(bytes, photo(0));
    }
    Ok(())
}

#[test]
fn a_photo_reads_back_from_an_intact_batch_and_an_unlisted_one_is_none() {
    let (w, sealed, _) = world();
    let hash = sha256_hex(&photo(0));
    let read = read_attachment(std::io::Cursor::new(sealed), &w.hq, &hash, 1 << 20);
    assert_eq!(read.unwrap(), Some(photo(0)));
    let none = read_attachment(
        std::io::Cursor::new(sealed),
        &w.hq,
        &"0".repeat(64),
        1 << 20,
    );
    assert_eq!(none.unwrap(), None);
    let small = read_attachment(
        std::io::Cursor::new(sealed),
        &w.hq,
        &sha256_hex(&photo(0)),
        10,
    );
    assert_eq!(small.unwrap_err(), BatchError::EntryTooLarge);
}
