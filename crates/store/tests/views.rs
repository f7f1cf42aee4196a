//! What the window reads: stretches of long lists, the day's counts, a case's audit entries,
//! the mission setting, and a new store's passphrase rule.

mod common;
use common::*;
use loket_core::status::CaseStatus;
use loket_store::{start_of_local_day, KdfParams, Store, StoreError};

#[test]
fn search_pages_read_only_the_stretch_asked_for_and_count_every_match() {
    let (_dir, mut store) = store();
    for i in 0..25 {
        let name = if i % 5 == 0 {
            "DEWI LESTARI"
        } else {
            "SITI AMINAH"
        };
        store
            .save(person(name, None, None, &format!("A-{i}")), None)
            .unwrap();
    }
    let page = store.search_page("siti", 0, 10, 1000).unwrap();
    assert_eq!(page.total, 20);
    assert_eq!(page.items.len(), 10);
    assert_eq!(
        page.items[0].ticket.as_deref(),
        Some("A-24"),
        "most recent first"
    );
    let last = store.search_page("siti", 15, 10, 1000).unwrap();
    assert_eq!(last.items.len(), 5);
    assert_eq!(last.items[4].ticket.as_deref(), Some("A-1"));
    // The cap bounds the count; an exact ticket comes before the name matches.
    assert_eq!(store.search_page("siti", 0, 10, 7).unwrap().total, 7);
    let ticket = store.search_page("a-5", 0, 10, 1000).unwrap();
    assert_eq!(ticket.total, 1);
    assert_eq!(ticket.items[0].full_name, "DEWI LESTARI");
    assert_eq!(store.search("siti", 3).unwrap(), page.items[..3].to_vec());
}

#[test]
fn every_case_page_by_page_newest_first() {
    let (_dir, store) = store_with(7);
    let first = store.page(0, 4).unwrap();
    let rest = store.page(4, 4).unwrap();
    let tickets: Vec<_> = first
        .iter()
        .chain(&rest)
        .map(|c| c.ticket.clone().unwrap())
        .collect();
    assert_eq!(tickets, ["A-6", "A-5", "A-4", "A-3", "A-2", "A-1", "A-0"]);
    assert!(store.page(7, 4).unwrap().is_empty());
}

#[test]
fn today_counts_the_cases_opened_since_the_start_of_the_day() {
    let (_dir, mut store) = store_with(3);
    let first = store.search("A-0", 1).unwrap().pop().unwrap();
    store.finalize(&first.id).unwrap();
    let today = store.today(&start_of_local_day(), 10).unwrap();
    assert_eq!((today.intakes, today.drafts, today.finalised), (3, 2, 1));
    assert_eq!(
        today.cases[0].ticket.as_deref(),
        Some("A-0"),
        "in the order served"
    );
    assert_eq!(today.cases[0].status, CaseStatus::Finalised);
    // A long day lists its latest cases, still counting them all.
    let latest = store.today(&start_of_local_day(), 2).unwrap();
    assert_eq!(latest.intakes, 3);
    let tickets: Vec<_> = latest
        .cases
        .iter()
        .map(|c| c.ticket.clone().unwrap())
        .collect();
    assert_eq!(tickets, ["A-1", "A-2"]);
    // A case finalised and then closed the same day still counts as finalised.
    store.close(&first.id, "departed").unwrap();
    let closed = store.today(&start_of_local_day(), 10).unwrap();
    assert_eq!((closed.intakes, closed.drafts, closed.finalised), (3, 2, 1));
    assert_eq!(closed.cases[0].status, CaseStatus::Closed);
    // Tomorrow nothing has happened yet.
    let tomorrow = store.today("9999-12-31T00:00:00.000Z", 10).unwrap();
    assert_eq!((tomorrow.intakes, tomorrow.cases.len()), (0, 0));
}

#[test]
fn a_cases_audit_entries_name_each_save_and_the_finalising() {
    let (dir, mut store) = store();
    let saved = store.save(person("RUDI", None, None, "B-1"), None).unwrap();
    let other = store.save(person("AYU", None, None, "B-2"), None).unwrap();
    let mut store = as_officer(dir.path(), store, "ANDI");
    store.finalize(&saved.case_id).unwrap();
    let entries = store.audit_of(&saved.case_id).unwrap();
    let seen: Vec<_> = entries
        .iter()
        .map(|e| (e.action.as_str(), e.version, e.officer.as_str()))
        .collect();
    assert_eq!(seen, [("save", 1, OFFICER), ("finalize", 1, "ANDI")]);
    assert_eq!(store.audit_of(&other.case_id).unwrap().len(), 1);
    assert!(store.audit_of("no such case").unwrap().is_empty());
}

#[test]
fn the_mission_code_can_change_and_must_stay_valid() {
    let (dir, mut store) = store();
    store.set_mission(" sgn ").unwrap();
    assert_eq!(store.mission().unwrap(), "SGN");
    // New cases without a code of their own take the new one.
    let mut rudi = person("RUDI", None, None, "B-1");
    rudi.mission = None;
    let saved = store.save(rudi, None).unwrap();
    let case = store.case(&saved.case_id).unwrap().unwrap();
    assert_eq!(case.record.mission.as_deref(), Some("SGN"));
    assert!(matches!(
        store.set_mission("SAIGON-1"),
        Err(StoreError::InvalidMission(_))
    ));
    drop(store);
    let again = Store::open(dir.path(), OFFICER, PASSPHRASE).unwrap();
    assert_eq!(again.mission().unwrap(), "SGN");
}

#[test]
fn a_new_store_needs_a_passphrase_of_eight_characters() {
    let dir = tempfile::tempdir().unwrap();
    let err = Store::init_with(
        dir.path(),
        OFFICER,
        "short",
        "PNH",
        KdfParams::insecure_for_tests(),
    );
    assert!(matches!(err, Err(StoreError::ShortPassphrase)));
    assert!(!Store::exists(dir.path()), "nothing was created");
}
