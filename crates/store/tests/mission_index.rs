//! The mission index headquarters sends after a sync: found by search, named in duplicate
//! warnings, kept encrypted; and headquarters' address as a setting.

mod common;
use common::*;
use loket_batch::wire::{IndexEntry, IndexPage, INDEX_FORMAT};
use loket_store::{HqStatus, Store, StoreError};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn entry(seq: u64, case: &str, device: &str, name: &str) -> IndexEntry {
    IndexEntry {
        seq,
        case_id: case.into(),
        device_id: device.into(),
        version: 1,
        status: "finalised".into(),
        ticket: Some(format!("B-{seq:03}")),
        full_name: Some(name.into()),
        aliases: vec![],
        date_of_birth: Some("1999-04-12".into()),
        nik: None,
        passport_number: None,
        hq_status: None,
        hq_status_at: None,
    }
}

fn page(entries: Vec<IndexEntry>) -> IndexPage {
    let next = entries.iter().map(|e| e.seq).max().unwrap_or(0);
    IndexPage {
        format: INDEX_FORMAT.into(),
        mission: "PNH".into(),
        request_nonce: "n".into(),
        entries,
        next,
        more: false,
    }
}

const OTHER: &str = "0190f3c2-8a7e-7b7c-9a51-000000000001";

#[test]
fn another_counters_case_is_found_by_name_in_any_order_nik_passport_and_ticket() {
    let (_dir, mut store) = store();
    let mut e = entry(4, OTHER, "counter-2", "DEWI LESTARI");
    e.nik = Some("3203415204990001".into());
    e.passport_number = Some("c1234567".into());
    e.aliases = vec!["DEWI LESTARY".into()];
    let applied = store.apply_index_page(&page(vec![e])).unwrap();
    assert_eq!((applied.new, applied.updated, applied.cursor), (1, 0, 4));
    assert_eq!(store.index_cursor().unwrap(), 4);

    for query in [
        "lestari dewi",
        "les de",
        "LESTARY",
        "3203415204990001",
        "C1234567",
        "b-004",
    ] {
        let found = store.search_mission(query, 10).unwrap();
        assert_eq!(found.len(), 1, "{query}");
        assert_eq!(found[0].id, OTHER);
        assert_eq!(found[0].device_id, "counter-2");
        assert_eq!(found[0].full_name, "DEWI LESTARI");
    }
    assert!(store.search_mission("siti", 10).unwrap().is_empty());
    assert!(store.search_mission("", 10).unwrap().is_empty());
}

#[test]
fn a_newer_entry_replaces_the_old_one_and_its_old_name_is_forgotten() {
    let (_dir, mut store) = store();
    store
        .apply_index_page(&page(vec![entry(1, OTHER, "counter-2", "DEWI LESTARI")]))
        .unwrap();
    let mut newer = entry(7, OTHER, "counter-2", "DEWI ANGGRAINI");
    newer.version = 2;
    newer.hq_status = Some("splp_issued".into());
    newer.hq_status_at = Some("2026-01-20T10:00:00Z".into());
    let applied = store.apply_index_page(&page(vec![newer])).unwrap();
    assert_eq!((applied.new, applied.updated), (0, 1));
    assert!(store.search_mission("lestari", 10).unwrap().is_empty());
    let found = store.search_mission("anggraini", 10).unwrap();
    assert_eq!(found[0].version, 2);
    assert_eq!(found[0].hq_status.as_deref(), Some("splp_issued"));
    assert_eq!(
        store.hq_status(OTHER).unwrap(),
        Some(HqStatus {
            status: "splp_issued".into(),
            at: Some("2026-01-20T10:00:00Z".into())
        })
    );
    // A page received out of order never takes the entry back, nor the cursor.
    let stale = page(vec![entry(3, OTHER, "counter-2", "DEWI LESTARI")]);
    store.apply_index_page(&stale).unwrap();
    assert_eq!(store.search_mission("dewi", 10).unwrap()[0].version, 2);
    assert_eq!(store.index_cursor().unwrap(), 7);
    assert_eq!(store.mission_case_count().unwrap(), 1);
}

#[test]
fn saving_a_person_another_counter_registered_warns_naming_case_and_counter() {
    let (_dir, mut store) = store();
    let mut e = entry(2, OTHER, "counter-2", "SITI AMINAH");
    e.nik = Some("3203415204990001".into());
    store.apply_index_page(&page(vec![e])).unwrap();

    // Same NIK, and a close name with the same birth date: two warnings.
    let saved = store
        .save(
            person("SITI AMINA", Some("3203415204990001"), None, "A-1"),
            None,
        )
        .unwrap();
    let dups: Vec<_> = saved
        .report
        .findings
        .iter()
        .filter(|f| f.code.starts_with("duplicate."))
        .collect();
    let codes: Vec<&str> = dups.iter().map(|f| f.code).collect();
    assert_eq!(codes, ["duplicate.nik", "duplicate.name_dob"]);
    assert_eq!(
        dups[0].message.en,
        format!("Possible duplicate: case {OTHER} (B-002) at counter counter-2 has the same NIK")
    );
    assert!(dups[0].message.id.contains("di loket counter-2"));
    assert!(dups
        .iter()
        .all(|f| f.severity == loket_core::Severity::Warning));

    // A different person draws no warning from the index.
    let other = store
        .save(person("BUDI SANTOSO", None, None, "A-2"), None)
        .unwrap();
    assert!(!other
        .report
        .findings
        .iter()
        .any(|f| f.code.starts_with("duplicate.")));
}

#[test]
fn this_counters_own_cases_in_the_index_are_not_reported_twice() {
    let (_dir, mut store) = store();
    let saved = store
        .save(
            person("SITI AMINAH", Some("3203415204990001"), None, "A-1"),
            None,
        )
        .unwrap();
    let mut own = entry(
        1,
        &saved.case_id,
        &store.device_id().unwrap(),
        "SITI AMINAH",
    );
    own.nik = Some("3203415204990001".into());
    own.hq_status = Some("departed".into());
    store.apply_index_page(&page(vec![own])).unwrap();
    assert!(store.search_mission("siti", 10).unwrap().is_empty());
    // Only headquarters' status of it is kept: its name and NIK are this counter's already.
    assert_eq!(
        in_mission_index(&store, &["SITI", "3203"]),
        Vec::<String>::new()
    );
    assert_eq!(
        store.hq_status(&saved.case_id).unwrap().map(|s| s.status),
        Some("departed".to_owned())
    );
    let again = store
        .save(person("BUDI", Some("3203415204990001"), None, "A-2"), None)
        .unwrap();
    let dups = again
        .report
        .findings
        .iter()
        .filter(|f| f.code == "duplicate.nik")
        .count();
    assert_eq!(dups, 1, "the local case, once");
}

#[test]
fn a_closed_case_of_another_counter_keeps_its_status_and_no_person() {
    let (_dir, mut store) = store();
    let mut open = entry(1, OTHER, "counter-2", "RINA WULANDARI");
    open.nik = Some("3175024302950002".into());
    open.passport_number = Some("X7654321".into());
    open.aliases = vec!["RINA WULAN".into()];
    store.apply_index_page(&page(vec![open.clone()])).unwrap();
    assert_eq!(store.search_mission("rina", 10).unwrap().len(), 1);

    // Counter 2 closed it (the person departed): the page still names the person, as an
    // older headquarters sends it; this counter keeps only the case and its status.
    let mut closed = open.clone();
    closed.seq = 2;
    closed.version = 2;
    closed.status = "closed".into();
    closed.hq_status = Some("departed".into());
    closed.hq_status_at = Some("2026-01-22T08:00:00Z".into());
    let applied = store.apply_index_page(&page(vec![closed])).unwrap();
    assert_eq!((applied.new, applied.updated), (0, 1));
    for query in [
        "rina",
        "wulan",
        "3175024302950002",
        "X7654321",
        "B-001",
        "B-002",
    ] {
        assert!(
            store.search_mission(query, 10).unwrap().is_empty(),
            "{query}"
        );
    }
    assert_eq!(
        in_mission_index(&store, &["RINA", "3175", "X765", "1999-04-12", "B-00"]),
        Vec::<String>::new()
    );
    assert_eq!(
        store.hq_status(OTHER).unwrap().map(|s| s.status),
        Some("departed".to_owned())
    );
    assert_eq!(store.mission_case_count().unwrap(), 1);
    // The same person at this counter now draws no warning from the index.
    let saved = store
        .save(
            person("RINA WULANDARI", Some("3175024302950002"), None, "A-1"),
            None,
        )
        .unwrap();
    assert!(!saved
        .report
        .findings
        .iter()
        .any(|f| f.code.starts_with("duplicate.")));

    // Changed again after the closing (with a reason): the case is open, its person back.
    let mut reopened = open;
    reopened.seq = 3;
    reopened.version = 3;
    reopened.full_name = Some("RINA WULANDARI PUTRI".into());
    store.apply_index_page(&page(vec![reopened])).unwrap();
    let found = store.search_mission("wulandari putri", 10).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].version, found[0].status.as_str()),
        (3, "finalised")
    );
    assert_eq!(
        store.search_mission("3175024302950002", 10).unwrap().len(),
        1
    );
    assert_eq!(store.integrity_check().unwrap(), "ok");
}

#[test]
fn cases_headquarters_reports_departed_are_closed_in_one_go() {
    let (_dir, mut store) = store();
    let ours = store.device_id().unwrap();
    let mut ids = Vec::new();
    for (name, ticket) in [
        ("SITI AMINAH", "A-1"),
        ("DEWI LESTARI", "A-2"),
        ("BUDI", "A-3"),
    ] {
        ids.push(
            store
                .save(person(name, None, None, ticket), None)
                .unwrap()
                .case_id,
        );
    }
    store.finalize(&ids[0]).unwrap();
    store.finalize(&ids[1]).unwrap();
    // Siti departed; Dewi got her SPLP; Budi, still a draft here, departed too; and a person
    // of another counter departed.
    let status = |seq: u64, id: &str, device: &str, hq: &str| {
        let mut e = entry(seq, id, device, "X").without_person();
        e.hq_status = Some(hq.into());
        e.hq_status_at = Some(format!("2026-01-2{seq}T08:00:00Z"));
        e
    };
    store
        .apply_index_page(&page(vec![
            status(1, &ids[0], &ours, "departed"),
            status(2, &ids[1], &ours, "splp_issued"),
            status(3, &ids[2], &ours, "departed"),
            status(4, OTHER, "counter-2", "departed"),
        ]))
        .unwrap();
    assert_eq!(
        store.departed_open().unwrap(),
        [(ids[0].clone(), Some("2026-01-21T08:00:00Z".to_owned()))]
    );
    assert_eq!(store.close_departed().unwrap(), [(ids[0].clone(), 2)]);
    let closing = store.versions(&ids[0]).unwrap().pop().unwrap();
    assert_eq!(
        (
            closing.status,
            closing.officer.as_str(),
            closing.reason.as_deref()
        ),
        (
            loket_core::status::CaseStatus::Closed,
            OFFICER,
            Some(
                "sudah berangkat menurut pusat / departed per headquarters \
                 (2026-01-21T08:00:00Z)"
            )
        )
    );
    assert_eq!(
        store.audit_of(&ids[0]).unwrap().last().unwrap().action,
        "close"
    );
    // Nothing else changed, and a second time closes nothing.
    assert_eq!(
        store.case(&ids[1]).unwrap().unwrap().status,
        loket_core::status::CaseStatus::Finalised
    );
    assert_eq!(
        store.case(&ids[2]).unwrap().unwrap().status,
        loket_core::status::CaseStatus::Draft
    );
    assert!(store.departed_open().unwrap().is_empty());
    assert!(store.close_departed().unwrap().is_empty());
    assert!(matches!(
        store.verify_audit().unwrap(),
        loket_store::AuditCheck::Intact { .. }
    ));
}

#[test]
fn the_index_is_kept_encrypted_like_the_cases() {
    let (dir, mut store) = store();
    let mut e = entry(1, OTHER, "counter-2", "ZULKARNAEN WIRATMOKO");
    e.nik = Some("3174015506880123".into());
    e.passport_number = Some("X9876543".into());
    store.apply_index_page(&page(vec![e])).unwrap();
    drop(store);
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        for s in ["ZULKARNAEN", "zulkarnaen", "3174015506880123", "X9876543"] {
            let found = bytes.windows(s.len()).any(|w| w == s.as_bytes());
            assert!(!found, "{s} in plaintext in {}", path.display());
        }
    }
}

#[test]
fn headquarters_address_is_a_setting_that_survives_reopening() {
    let (dir, mut store) = store();
    assert_eq!(store.hq_url().unwrap(), None);
    assert_eq!(
        store.set_hq_url(Some("http://10.0.0.5:8080/")).unwrap(),
        Some("http://10.0.0.5:8080".into())
    );
    assert!(matches!(
        store.set_hq_url(Some("10.0.0.5")),
        Err(StoreError::BadHqUrl(_))
    ));
    assert_eq!(store.last_sync().unwrap(), None);
    let at = store.record_sync().unwrap();
    drop(store);
    let mut store = Store::open(dir.path(), OFFICER, PASSPHRASE).unwrap();
    assert_eq!(
        store.hq_url().unwrap().as_deref(),
        Some("http://10.0.0.5:8080")
    );
    assert_eq!(store.last_sync().unwrap(), Some(at));
    assert_eq!(store.set_hq_url(None).unwrap(), None);
    assert_eq!(store.hq_url().unwrap(), None);
}

/// Case `c` of the property below: its id, and the two names and NIKs its versions take
/// (no word of one case's names is in another's).
fn prop_case(c: usize) -> (String, [&'static str; 2], [&'static str; 2]) {
    let names = [
        ["SITI AMINAH", "SITI AMINA"],
        ["DEWI LESTARI", "DEWI ANGGRAINI"],
        ["BUDIMAN", "BUDIMAN SANTOSO"],
        ["NURHAYATI", "NURHAYATI PUTRI"],
    ];
    let niks = [
        ["3203415204990001", "3203415204990011"],
        ["3203415204990002", "3203415204990012"],
        ["3203415204990003", "3203415204990013"],
        ["3203415204990004", "3203415204990014"],
    ];
    (format!("{OTHER}{c}"), names[c], niks[c])
}

/// (case, closed, which name, headquarters' status) of one entry.
fn prop_entry() -> impl Strategy<Value = (usize, bool, usize, bool)> {
    (0..4usize, any::<bool>(), 0..2usize, any::<bool>())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Whatever the pages and their order (a page may come again late), each case is held as
    /// its newest entry, and the person of an entry is kept exactly when it is neither this
    /// counter's own case nor closed: found by name and NIK then, and nowhere in the index's
    /// tables otherwise.
    #[test]
    fn the_index_keeps_the_newest_entry_and_a_person_only_where_it_may(
        entries in proptest::collection::vec(prop_entry(), 1..24),
        cuts in proptest::collection::vec(1..6usize, 1..24),
        replay in any::<prop::sample::Index>(),
    ) {
        let (_dir, mut store) = store();
        let ours = store.device_id().unwrap();
        // Cases 0 and 1 are counter 2's, case 2 counter 3's, case 3 this counter's own.
        let device = |c: usize| match c {
            0 | 1 => "counter-2".to_owned(),
            2 => "counter-3".to_owned(),
            _ => ours.clone(),
        };
        let made: Vec<IndexEntry> = entries
            .iter()
            .enumerate()
            .map(|(i, &(c, closed, n, departed))| {
                let (id, names, niks) = prop_case(c);
                let mut e = entry(i as u64 + 1, &id, &device(c), names[n]);
                e.version = i as u64 + 1;
                e.nik = Some(niks[n].into());
                e.status = if closed { "closed" } else { "finalised" }.into();
                if departed {
                    e.hq_status = Some("departed".into());
                    e.hq_status_at = Some("2026-01-22T08:00:00Z".into());
                }
                e
            })
            .collect();
        let mut pages = Vec::new();
        let mut rest = &made[..];
        for cut in cuts.iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (first, tail) = rest.split_at((*cut).min(rest.len()));
            pages.push(page(first.to_vec()));
            rest = tail;
        }
        pages.push(pages[replay.index(pages.len())].clone());
        for p in &pages {
            store.apply_index_page(p).unwrap();
        }

        let mut newest: BTreeMap<usize, (usize, &IndexEntry)> = BTreeMap::new();
        for (e, &(c, _, n, _)) in made.iter().zip(&entries) {
            newest.insert(c, (n, e));
        }
        prop_assert_eq!(store.mission_case_count().unwrap(), newest.len() as u64);
        for (&c, &(n, e)) in &newest {
            let kept = c != 3 && e.status != "closed";
            let (id, names, niks) = prop_case(c);
            prop_assert_eq!(
                store.hq_status(&id).unwrap().map(|s| s.status),
                e.hq_status.clone()
            );
            let by_name: Vec<(String, u64)> = store
                .search_mission(names[n], 10)
                .unwrap()
                .into_iter()
                .map(|m| (m.id, m.version))
                .collect();
            let by_nik: Vec<String> = store
                .search_mission(niks[n], 10)
                .unwrap()
                .into_iter()
                .map(|m| m.id)
                .collect();
            if kept {
                prop_assert_eq!(by_name, vec![(id.clone(), e.version)]);
                prop_assert_eq!(by_nik, vec![id]);
            } else {
                prop_assert!(by_name.is_empty() && by_nik.is_empty(), "{:?} {:?}", by_name, by_nik);
                let person: Vec<&str> = names.iter().flat_map(|n| n.split(' ')).chain(niks).collect();
                prop_assert_eq!(in_mission_index(&store, &person), Vec::<String>::new(), "case {}", c);
            }
        }
        prop_assert_eq!(store.integrity_check().unwrap(), "ok");
    }
}
