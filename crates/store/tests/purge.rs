//! Purge as a property: whatever the order of saves, changes, finalisations, closings, seals
//! and receipts, a case is purged exactly when it is closed and headquarters acknowledged
//! its closing version; a purged case stays purged, nothing names the person any more, and
//! the audit chain verifies throughout.

mod common;
use common::*;
use loket_batch::HqSecret;
use loket_core::status::CaseStatus;
use loket_store::{AuditCheck, StoreError};
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone)]
enum Op {
    /// A new person's case (a draft).
    Add,
    /// A change to the `n`-th case (with a reason, as a finalised or closed case needs).
    Change(usize),
    Finalize(usize),
    Close(usize),
    Seal,
    /// Headquarters' receipt for the unacknowledged batches picked by the mask's bits.
    Receipt(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => Just(Op::Add),
        1 => (0..8usize).prop_map(Op::Change),
        4 => (0..8usize).prop_map(Op::Finalize),
        4 => (0..8usize).prop_map(Op::Close),
        2 => Just(Op::Seal),
        2 => any::<u8>().prop_map(Op::Receipt),
    ]
}

/// The `n`-th person's name: no name is part of another.
fn name(n: usize) -> String {
    let letter = |k: usize| (b'A' + (k % 26) as u8) as char;
    format!("QX{}{} PERSON", letter(n / 26), letter(n))
}

/// What the test expects of one case.
struct Model {
    status: CaseStatus,
    version: u32,
    purged: bool,
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_case_is_purged_exactly_when_headquarters_holds_its_closing(
        ops in proptest::collection::vec(op(), 1..60)
    ) {
        run(ops)?;
    }
}

/// Runs `ops` on a new store against the model, checking after each.
fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let (_dir, mut store) = store();
    let hq = HqSecret::generate();
    store.pin_hq_key(&hq.public(), false).unwrap();
    let mut ids: Vec<String> = Vec::new();
    let mut model: BTreeMap<String, Model> = BTreeMap::new();
    // Versions sealed, by batch; and the versions headquarters acknowledged.
    let mut sealed: BTreeMap<u64, Vec<(String, u32)>> = BTreeMap::new();
    let mut queued: Vec<(String, u32)> = Vec::new();
    let mut held: BTreeSet<(String, u32)> = BTreeSet::new();
    for op in ops {
        let pick = |n: usize| (!ids.is_empty()).then(|| ids[n % ids.len()].clone());
        match op {
            Op::Add => {
                let n = ids.len();
                let saved = store
                    .save(person(&name(n), None, None, &format!("A-{n}")), None)
                    .unwrap();
                model.insert(
                    saved.case_id.clone(),
                    Model {
                        status: CaseStatus::Draft,
                        version: 1,
                        purged: false,
                    },
                );
                ids.push(saved.case_id);
            }
            Op::Change(n) => {
                if let Some(id) = pick(n) {
                    let m = model.get_mut(&id).unwrap();
                    let mut record = person(
                        &name(ids.iter().position(|i| *i == id).unwrap()),
                        None,
                        None,
                        "A-0",
                    );
                    record.id = Some(id.clone());
                    record.notes = Some(format!("changed at version {}", m.version + 1));
                    match store.save(record, Some("corrected")) {
                        Err(StoreError::Purged { .. }) => prop_assert!(m.purged),
                        Ok(saved) => {
                            prop_assert!(!m.purged);
                            m.version = saved.version;
                            if m.status != CaseStatus::Draft {
                                m.status = CaseStatus::Finalised;
                                queued.push((id.clone(), m.version));
                            }
                        }
                        Err(e) => panic!("{e}"),
                    }
                }
            }
            Op::Finalize(n) => {
                if let Some(id) = pick(n) {
                    let m = model.get_mut(&id).unwrap();
                    match store.finalize(&id) {
                        Err(StoreError::Purged { .. }) => prop_assert!(m.purged),
                        Ok(_) => {
                            prop_assert!(!m.purged);
                            if m.status == CaseStatus::Draft {
                                m.status = CaseStatus::Finalised;
                                queued.push((id.clone(), m.version));
                            }
                        }
                        Err(e) => panic!("{e}"),
                    }
                }
            }
            Op::Close(n) => {
                if let Some(id) = pick(n) {
                    let m = model.get_mut(&id).unwrap();
                    match store.close(&id, "departed") {
                        Err(StoreError::DraftNotClosable { .. }) => {
                            prop_assert_eq!(m.status, CaseStatus::Draft)
                        }
                        Ok(v) => {
                            if m.status == CaseStatus::Finalised {
                                m.status = CaseStatus::Closed;
                                m.version = v;
                                queued.push((id.clone(), v));
                            }
                            prop_assert_eq!(v, m.version);
                        }
                        Err(e) => panic!("{e}"),
                    }
                }
            }
            Op::Seal => {
                if let Some(batch) = store.seal_batch().unwrap() {
                    sealed.insert(batch.sequence, std::mem::take(&mut queued));
                }
            }
            Op::Receipt(mask) => {
                let waiting: Vec<u64> = store
                    .batches()
                    .unwrap()
                    .iter()
                    .filter(|b| b.acknowledged_at.is_none())
                    .map(|b| b.sequence)
                    .collect();
                let chosen: Vec<u64> = waiting
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| mask & (1 << (i % 8)) != 0)
                    .map(|(_, n)| *n)
                    .collect();
                if chosen.is_empty() {
                    continue;
                }
                let text = receipt_for(&store, &hq, &chosen);
                store.apply_receipt(text.as_bytes()).unwrap();
                for n in &chosen {
                    held.extend(sealed[n].iter().cloned());
                }
                for (id, m) in model.iter_mut() {
                    if m.status == CaseStatus::Closed && held.contains(&(id.clone(), m.version)) {
                        m.purged = true;
                    }
                }
            }
        }
        for (id, m) in &model {
            prop_assert_eq!(store.purged_at(id).unwrap().is_some(), m.purged, "{}", id);
        }
    }
    let intact = matches!(store.verify_audit().unwrap(), AuditCheck::Intact { .. });
    prop_assert!(intact);
    let values = store.every_value().unwrap();
    for (n, id) in ids.iter().enumerate() {
        let word = name(n);
        let word = word.split(' ').next().unwrap().as_bytes();
        let named = values
            .iter()
            .any(|(_, v)| v.windows(word.len()).any(|w| w == word));
        prop_assert_eq!(named, !model[id].purged, "{}", name(n));
    }
    Ok(())
}
