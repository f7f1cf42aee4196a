//! The mission index through the library, on SQLite and on PostgreSQL: change numbers per
//! mission, status updates, paging, what a page leaves out of the person, and migration 2
//! over a database of schema 1 with cases.

mod common;

use common::*;
use loket_core::status::CaseStatus;
use loket_hq::{Hq, HqError, HqStatus, WorkFactor};

on_both_backends!(
    every_change_to_a_case_takes_the_next_number_of_its_mission,
    status_updates_are_appended_and_the_latest_shown,
    pages_end_with_more_false_and_the_cursor_of_the_last_entry,
    migration_2_numbers_the_cases_held_under_schema_1,
    a_counter_gets_no_person_of_its_own_cases_nor_of_closed_ones,
);

/// The counter reading the index in these tests: another of the mission's.
const READER: &str = "PNH-02";

fn every_change_to_a_case_takes_the_next_number_of_its_mission(b: Backend) {
    let (site, mut pnh, kul) = Site::with_two_missions(b);
    let mut hq = site.hq();
    hq.import(&pnh.seal_next(&site.public(), &[(0, 1), (1, 1), (2, 1)]))
        .unwrap();
    hq.import(&kul.seal_first_in_mission(&site.public(), &[20, 21]))
        .unwrap();
    let seqs = |hq: &mut Hq, mission: &str| -> Vec<(String, u64, u64)> {
        hq.index_page(mission, 0, 100, READER)
            .unwrap()
            .entries
            .into_iter()
            .map(|e| (e.case_id, e.version, e.seq))
            .collect()
    };
    assert_eq!(
        seqs(&mut hq, "PNH"),
        vec![(case_id(0), 1, 1), (case_id(1), 1, 2), (case_id(2), 1, 3)]
    );
    // Each mission counts on its own.
    assert_eq!(
        seqs(&mut hq, "KUL"),
        vec![(case_id(20), 1, 1), (case_id(21), 1, 2)]
    );
    // A newer version moves its case to the end; an older or equal one changes nothing.
    hq.import(&pnh.seal_next(&site.public(), &[(1, 2), (0, 1)]))
        .unwrap();
    assert_eq!(
        seqs(&mut hq, "PNH"),
        vec![(case_id(0), 1, 1), (case_id(2), 1, 3), (case_id(1), 2, 4)]
    );
    // The same batch again: nothing numbered anew.
    let again = pnh.seal_as(
        &site.public(),
        2,
        Some(pnh.chain[0].clone()),
        &[(1, 2), (0, 1)],
    );
    hq.import(&again.bytes).unwrap();
    assert_eq!(seqs(&mut hq, "PNH").last().unwrap().2, 4);
    assert!(hq
        .index_page("NOWHERE", 0, 10, READER)
        .unwrap()
        .entries
        .is_empty());
}

fn status_updates_are_appended_and_the_latest_shown(b: Backend) {
    let (site, mut counter, mut hq) = holding_cases_0_and_1(b);
    let first = hq.set_status(&case_id(0), HqStatus::SplpIssued).unwrap();
    assert_eq!((first.status.as_str(), first.seq), ("splp_issued", 3));
    let second = hq.set_status(&case_id(0), HqStatus::Departed).unwrap();
    assert_eq!((second.status.as_str(), second.seq), ("departed", 4));
    let page = hq.index_page("PNH", 2, 10, READER).unwrap();
    assert_eq!(page.entries.len(), 1);
    let e = &page.entries[0];
    assert_eq!(e.case_id, case_id(0));
    assert_eq!(e.hq_status.as_deref(), Some("departed"));
    assert_eq!(e.hq_status_at.as_deref(), Some(second.recorded_at.as_str()));
    // The case list shows it too; a newer version from the counter keeps it.
    hq.import(&counter.seal_next(&site.public(), &[(0, 2)]))
        .unwrap();
    let case = hq
        .cases()
        .unwrap()
        .into_iter()
        .find(|c| c.case_id == case_id(0))
        .unwrap();
    assert_eq!(
        (case.version, case.hq_status.as_deref()),
        (2, Some("departed"))
    );

    // Append-only: the history cannot be rewritten, even by hand.
    let refused = hq.database().tamper("DELETE FROM case_status");
    assert!(refused.is_err());
    let refused = hq
        .database()
        .tamper("UPDATE case_status SET status = 'departed'");
    assert!(refused.is_err());

    assert!(matches!(
        hq.set_status(&case_id(99), HqStatus::Departed),
        Err(HqError::UnknownCase { .. })
    ));
    // On the command line: a bad status is a usage error, an unknown case a one-line failure.
    let out = site.cli(&["status", &case_id(1), "lost"]);
    assert_eq!(out.status.code(), Some(2));
    let out = site.cli(&["status", &case_id(99), "departed"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!("loket-hq: no case {} is held\n", case_id(99))
    );
    let out = site.cli(&["status", &case_id(1), "splp-issued"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with(&format!("case {}: splp_issued (recorded ", case_id(1))));
}

fn pages_end_with_more_false_and_the_cursor_of_the_last_entry(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let mut hq = site.hq();
    let versions: Vec<(usize, u64)> = (0..7).map(|i| (i, 1)).collect();
    hq.import(&counter.seal_next(&site.public(), &versions))
        .unwrap();
    let mut after = 0;
    let mut sizes = Vec::new();
    loop {
        let page = hq.index_page("PNH", after, 3, READER).unwrap();
        sizes.push((page.entries.len(), page.more));
        after = page.next;
        if !page.more {
            break;
        }
    }
    assert_eq!(sizes, vec![(3, true), (3, true), (1, false)]);
    assert_eq!(after, 7);
    // Exactly a page's worth left: `more` is false, not a last empty page.
    let page = hq.index_page("PNH", 4, 3, READER).unwrap();
    assert_eq!((page.entries.len(), page.more, page.next), (3, false, 7));
}

fn migration_2_numbers_the_cases_held_under_schema_1(b: Backend) {
    let site = Site::uninitialised(b);
    let mut hq = Hq::init_at_schema(
        &site.dir,
        &site.url(),
        OPERATOR,
        PASSPHRASE,
        WorkFactor::insecure_for_tests(),
        Some(1),
    )
    .unwrap();
    assert_eq!(hq.database().schema_version().unwrap(), 1);
    // Rows as loket-hq of schema 1 wrote them: two missions, three cases.
    let text = record_text(0, 1).replace('\'', "''");
    let mut sql = String::from(
        "INSERT INTO devices VALUES ('PNH-01', 'PNH', 'aa', '2026-01-01T00:00:00.000Z');
         INSERT INTO devices VALUES ('KUL-01', 'KUL', 'bb', '2026-01-01T00:00:00.000Z');",
    );
    for (i, device, mission) in [
        (2, "PNH-01", "PNH"),
        (1, "PNH-01", "PNH"),
        (3, "KUL-01", "KUL"),
    ] {
        let id = case_id(i);
        sql.push_str(&format!(
            "INSERT INTO records VALUES ('{id}', 1, '{device}', '{mission}', 'finalised',
                '2026-01-19T09:31:00+07:00', 'officer1', NULL, 'ff', '{text}', NULL, 1);
             INSERT INTO cases VALUES ('{id}', 1, '{mission}', '{device}', 'finalised',
                'SITI AMINAH', '1999-04-12', NULL, NULL, '2026-01-19T09:31:00+07:00');"
        ));
    }
    hq.database().tamper(&sql).unwrap();
    drop(hq);

    // Opening with this build runs migration 2 (and those after it) over them.
    let mut hq = site.hq();
    assert!(hq.database().schema_version().unwrap() >= 2);
    let pnh: Vec<(String, u64)> = hq
        .index_page("PNH", 0, 10, READER)
        .unwrap()
        .entries
        .into_iter()
        .map(|e| (e.case_id, e.seq))
        .collect();
    assert_eq!(pnh, vec![(case_id(1), 1), (case_id(2), 2)]);
    let kul = hq.index_page("KUL", 0, 10, READER).unwrap();
    assert_eq!(kul.entries.len(), 1);
    assert_eq!(kul.entries[0].seq, 1);
    assert_eq!(kul.entries[0].ticket.as_deref(), Some("A-042"));
    // Numbers go on from there.
    let update = hq.set_status(&case_id(1), HqStatus::Departed).unwrap();
    assert_eq!(update.seq, 3);
    let update = hq.set_status(&case_id(3), HqStatus::SplpIssued).unwrap();
    assert_eq!(update.seq, 2);
}

fn a_counter_gets_no_person_of_its_own_cases_nor_of_closed_ones(b: Backend) {
    let (site, counter, mut hq) = holding_cases_0_and_1(b);
    // Case 1 closed at its counter (the person departed).
    let mut closing = entry(1, 2);
    closing.status = CaseStatus::Closed;
    let previous = counter.chain.last().cloned();
    let sealed = counter.seal_records(
        &site.public(),
        2,
        previous,
        vec![closing],
        vec![photo(1)],
        Vec::new(),
    );
    hq.import(&sealed.bytes).unwrap();
    hq.set_status(&case_id(1), HqStatus::Departed).unwrap();

    let page = hq.index_page("PNH", 0, 10, READER).unwrap();
    let seen: Vec<(String, &str, bool)> = page
        .entries
        .iter()
        .map(|e| (e.case_id.clone(), e.status.as_str(), e.names_person()))
        .collect();
    assert_eq!(
        seen,
        vec![
            (case_id(0), "finalised", true),
            (case_id(1), "closed", false)
        ]
    );
    let open = &page.entries[0];
    assert_eq!(
        (open.full_name.as_deref(), open.nik.as_deref()),
        (Some("SITI AMINAH"), Some("3203415204990001"))
    );
    // The closed case keeps what a counter needs: its id, version, status and headquarters'.
    let closed = &page.entries[1];
    assert_eq!(closed, &closed.without_person());
    assert_eq!(
        (closed.version, closed.hq_status.as_deref()),
        (2, Some("departed"))
    );
    // The counter that registered them gets its own cases without the person.
    let own = hq.index_page("PNH", 0, 10, "PNH-01").unwrap();
    assert_eq!(own.entries.len(), 2);
    assert!(own.entries.iter().all(|e| !e.names_person()));
}

/// Headquarters holding cases 0 and 1 (version 1) from counter PNH-01's batch 1.
fn holding_cases_0_and_1(b: Backend) -> (Site, Counter, Hq) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let mut hq = site.hq();
    hq.import(&counter.seal_next(&site.public(), &[(0, 1), (1, 1)]))
        .unwrap();
    (site, counter, hq)
}
