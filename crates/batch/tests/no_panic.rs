//! `open` never panics, whatever the bytes: outside (encrypted) and inside (the zip).
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
        let _ = w.open(&seal_raw(&z, &w.hq.public()).unwrap());
    }
}
