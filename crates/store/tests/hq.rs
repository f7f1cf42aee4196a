//! Headquarters' key pinned on the counter: kept, and never swapped silently.

mod common;
use common::*;
use loket_batch::HqSecret;
use loket_store::{Store, StoreError};

#[test]
fn the_hq_key_is_pinned_once_and_replaced_only_on_purpose() {
    let (dir, mut store) = store();
    assert!(store.hq_key().unwrap().is_none());
    let ministry = HqSecret::generate().public();
    store.pin_hq_key(&ministry, false).unwrap();
    store.pin_hq_key(&ministry, false).unwrap();
    let other = HqSecret::generate().public();
    assert!(matches!(
        store.pin_hq_key(&other, false),
        Err(StoreError::HqKeyPinned)
    ));
    assert_eq!(store.hq_key().unwrap(), Some(ministry));
    store.pin_hq_key(&other, true).unwrap();
    drop(store);
    let store = Store::open(dir.path(), OFFICER, PASSPHRASE).unwrap();
    assert_eq!(store.hq_key().unwrap(), Some(other));
}
