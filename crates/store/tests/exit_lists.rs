//! Exit-permit lists: each names the finalised cases no list named before, in the order the
//! people came, numbered like requests; nobody twice; a failed print makes no list; a reprint
//! shows the versions listed, and is refused once one of its people was purged.

mod common;
use common::*;
use loket_batch::HqSecret;
use loket_store::{AuditCheck, ExitList, Store, StoreError};

type Made = loket_store::Result<Result<(ExitList, Vec<String>), String>>;

/// Makes a list; the "delivery" returns the names on it, and whether it is a reprint.
fn make(store: &mut Store) -> Made {
    store.make_exit_list(|job| {
        assert!(!job.reprint);
        Ok::<_, String>(names(&job.records))
    })
}

fn names(records: &[loket_core::IntakeRecord]) -> Vec<String> {
    records
        .iter()
        .map(|r| r.person.full_name.clone().unwrap_or_default())
        .collect()
}

fn save(store: &mut Store, name: &str, finalise: bool) -> String {
    let id = store
        .save(person(name, None, None, "A-1"), None)
        .unwrap()
        .case_id;
    if finalise {
        store.finalize(&id).unwrap();
    }
    id
}

fn series() -> String {
    format!("PNH-{}-", chrono::Local::now().format("%Y"))
}

#[test]
fn a_list_names_the_finalised_cases_no_list_named_before() {
    let (_dir, mut store) = store();
    assert!(matches!(
        make(&mut store),
        Err(StoreError::MissionProfileMissing)
    ));
    let mut store = with_mission(store);
    assert!(matches!(make(&mut store), Err(StoreError::NobodyToList)));

    let budi = save(&mut store, "BUDI", true);
    let dewi = save(&mut store, "DEWI", false);
    let siti = save(&mut store, "SITI AMINAH", true);
    assert_eq!(store.exit_lists().unwrap().pending, 2);

    // A printer that refuses: no list, no number used, nobody listed.
    let refused = store
        .make_exit_list(|_| Err::<(), _>("printer offline".to_owned()))
        .unwrap();
    assert_eq!(refused.unwrap_err(), "printer offline");
    assert_eq!(store.exit_lists().unwrap().pending, 2);
    assert!(store.exit_lists().unwrap().lists.is_empty());

    let (first, listed) = make(&mut store).unwrap().unwrap();
    assert!(first.label.starts_with(&series()), "{}", first.label);
    assert!(first.label.ends_with("-L0001"), "{}", first.label);
    assert_eq!(first.label.len(), series().len() + 4 + 1 + 5);
    assert_eq!((first.people, first.officer.as_str()), (2, OFFICER));
    assert_eq!(listed, ["BUDI", "SITI AMINAH"], "in the order they came");
    assert_eq!(store.exit_lists().unwrap().pending, 0);
    assert!(matches!(make(&mut store), Err(StoreError::NobodyToList)));

    // Each person listed has an entry naming the list in their case's history.
    for id in [&budi, &siti] {
        let entries = store.audit_of(id).unwrap();
        let last = entries.last().unwrap();
        assert_eq!(
            (last.action.as_str(), last.detail.as_deref()),
            ("exit_list", Some(first.label.as_str()))
        );
    }

    // Dewi's interview ends; Siti's case changes: only Dewi is new for the next list.
    store.finalize(&dewi).unwrap();
    let mut changed = person("SITI AMINAH BINTI SLAMET", None, None, "A-1");
    changed.id = Some(siti.clone());
    store.save(changed, Some("full name as in the KK")).unwrap();
    store.finalize(&siti).unwrap();
    let (second, listed) = make(&mut store).unwrap().unwrap();
    assert!(second.label.ends_with("-L0002"), "{}", second.label);
    assert_eq!(listed, ["DEWI"]);
    assert_eq!(
        store
            .exit_lists()
            .unwrap()
            .lists
            .iter()
            .map(|l| (l.label.clone(), l.people))
            .collect::<Vec<_>>(),
        [(second.label.clone(), 1), (first.label.clone(), 2)],
        "newest first"
    );

    // A reprint shows the list as it was sent: Siti under the name then stated.
    let (again, (reprint, names_again)) = store
        .reprint_exit_list(&first.label.to_lowercase(), |job| {
            Ok::<_, String>((job.reprint, names(&job.records)))
        })
        .unwrap()
        .unwrap();
    assert_eq!(again, first);
    assert!(reprint);
    assert_eq!(names_again, ["BUDI", "SITI AMINAH"]);
    let own = store.counter_log(1).unwrap();
    let last = &own[0];
    assert_eq!(
        (last.action.as_str(), last.detail.as_deref()),
        ("exit_list_reprint", Some(first.label.as_str()))
    );
    assert!(matches!(
        store.reprint_exit_list("PNH-2026-XXXX-L0009", |_| Ok::<_, String>(())),
        Err(StoreError::ExitListNotFound { .. })
    ));
    assert!(matches!(
        store.verify_audit().unwrap(),
        AuditCheck::Intact { .. }
    ));
}

#[test]
fn a_list_cannot_be_printed_again_once_one_of_its_people_is_purged() {
    let (_dir, store) = store();
    let mut store = with_mission(store);
    let hq = HqSecret::generate();
    store.pin_hq_key(&hq.public(), false).unwrap();
    let budi = save(&mut store, "BUDI", true);
    save(&mut store, "SITI AMINAH", true);
    let (list, _) = make(&mut store).unwrap().unwrap();
    // Budi departs: his case closes, headquarters acknowledges it, the laptop purges him.
    store.close(&budi, "departed").unwrap();
    let batch = store.seal_batch().unwrap().unwrap();
    let receipt = receipt_for(&store, &hq, &[batch.sequence]);
    store.apply_receipt(receipt.as_bytes()).unwrap();
    let refused = store
        .reprint_exit_list(&list.label, |_| Ok::<_, String>(()))
        .unwrap_err();
    assert_eq!(
        refused.to_string(),
        format!(
            "exit-permit list {} cannot be printed again: 1 of its people have left this \
             laptop (closed and held by headquarters)",
            list.label
        )
    );
    // Closed people are never listed; the list itself stays.
    assert_eq!(store.exit_lists().unwrap().lists, [list]);
}
