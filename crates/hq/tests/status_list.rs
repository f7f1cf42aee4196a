//! Status lists at headquarters (`loket-hq status --list FILE`), on SQLite and PostgreSQL:
//! cases named by id, NIK or passport number, recorded whole or refused whole, a list given
//! twice changing nothing, the counters' index and the access log; and the reading of lists
//! as spreadsheets write them, property-tested.

mod common;

use common::*;
use loket_hq::{read_status_list, Hq, HqStatus, ListKey, ListLine};
use proptest::prelude::*;

on_both_backends!(
    a_list_records_each_case_it_names_once,
    a_list_with_a_bad_line_is_refused_whole,
    what_is_not_a_status_list_is_refused,
);

/// The NIK and passport number of the example record: cases 0, 1 and 2 (one person registered
/// three times, at two missions); case 5 is another person.
const NIK: &str = "3203415204990001";
const OTHER_PASSPORT: &str = "C7654321";

/// Headquarters holding cases 0 and 1 and another person (5) from counter PNH-01, and case 2
/// of the same person from counter KUL-01 of mission KUL.
fn holding_four_cases(b: Backend) -> (Site, Hq) {
    let (site, pnh, kul) = Site::with_two_missions(b);
    let mut hq = site.hq();
    let first = pnh.seal_records(
        &site.public(),
        1,
        None,
        vec![entry(0, 1), entry(1, 1), another_person()],
        vec![photo(0), photo(1), photo(5)],
        Vec::new(),
    );
    hq.import(&first.bytes).unwrap();
    hq.import(&kul.seal_first_in_mission(&site.public(), &[2]))
        .unwrap();
    (site, hq)
}

/// Each case's headquarters status and change number, in case order 0, 1, 2, 5.
fn statuses(hq: &mut Hq) -> Vec<(Option<String>, u64)> {
    let mut cases = hq.database().cases().unwrap();
    cases.sort_by(|a, b| a.case_id.cmp(&b.case_id));
    cases.into_iter().map(|c| (c.hq_status, c.seq)).collect()
}

fn list_file(site: &Site, name: &str, text: &str) -> String {
    site.put(name, text.as_bytes()).display().to_string()
}

fn a_list_records_each_case_it_names_once(b: Backend) {
    let (site, mut hq) = holding_four_cases(b);
    // As a spreadsheet with Indonesian settings saves it: a byte-order mark, semicolons, CRLF,
    // a column of names, a blank row at the end; the NIK names cases 0, 1 and 2, the second
    // line names case 1 again, with the same status.
    let flight = format!(
        "\u{feff}Nama;NIK;Passport;Status\r\n\
         SITI AMINAH;{NIK};;departed\r\n\
         ;;;\r\n\
         BUDI;;{OTHER_PASSPORT};Departed\r\n\
         SITI AMINAH;{NIK};C1234567;departed\r\n"
    );
    let path = list_file(&site, "flight.csv", &flight);
    let out = site.cli(&["status", "--list", &path]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Change numbers per mission: PNH had 1–3, KUL had 1.
    assert_eq!(
        stdout(&out),
        format!(
            "line 2: case {}: departed (change 2)\n\
             line 2: case {}: departed (change 4)\n\
             line 2: case {}: departed (change 5)\n\
             line 4: case {}: departed (change 6)\n\
             4 cases: 4 recorded, 0 as they were\n",
            case_id(2),
            case_id(0),
            case_id(1),
            case_id(5)
        )
    );
    let departed = Some("departed".to_owned());
    assert_eq!(
        statuses(&mut hq),
        vec![
            (departed.clone(), 4),
            (departed.clone(), 5),
            (departed.clone(), 2),
            (departed.clone(), 6)
        ]
    );
    // The mission's counters see it in their next sync.
    let page = hq.index_page("KUL", 1, 10, "KUL-02").unwrap();
    assert_eq!(page.entries.len(), 1);
    assert_eq!(page.entries[0].hq_status.as_deref(), Some("departed"));

    // The same list again, and the SPLP list that came after the flight: nothing changes.
    let out = site.cli(&["status", "--list", &path]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).ends_with("4 cases: 0 recorded, 4 as they were\n"));
    let splp = format!("case_id,status\n{},splp-issued\n", case_id(1));
    let out = site.cli(&["status", "--list", &list_file(&site, "splp.csv", &splp)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        format!(
            "line 2: case {}: departed already, left as it is\n\
             1 cases: 0 recorded, 1 as they were\n",
            case_id(1)
        )
    );
    let updates = hq.database().status_updates(&case_id(1)).unwrap();
    assert_eq!(updates.len(), 1, "{updates:?}");
    assert_eq!(statuses(&mut hq)[1], (departed, 5));

    // An SPLP list before the flight, as JSON; case 1 then departs by a list of one.
    let (site, mut hq) = holding_four_cases(b);
    let splp = format!("passport\tstatus\tnote\nc 765 4321\tSPLP_ISSUED\tok\n{NIK}\t\t\n");
    let out = site.cli(&[
        "status",
        "--list",
        &list_file(&site, "splp.tsv", &splp),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(1), "a NIK in the passport column");
    let splp = splp.replace(&format!("{NIK}\t\t\n"), "");
    let out = site.cli(&[
        "status",
        "--list",
        &list_file(&site, "splp.tsv", &splp),
        "--json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed[0]["line"], 2);
    assert_eq!(listed[0]["case_id"], case_id(5));
    assert_eq!(listed[0]["status"], "splp_issued");
    assert_eq!(listed[0]["before"], serde_json::Value::Null);
    assert_eq!(listed[0]["recorded"]["seq"], 4);
    let later = format!("case_id,status\n{},departed\n", case_id(5));
    hq.record_status_list(later.as_bytes()).unwrap();
    assert_eq!(
        statuses(&mut hq)[3],
        (Some("departed".to_owned()), 5),
        "departed after SPLP issued"
    );

    // The access log names the operator, the list's size and every case it named.
    let log = hq.access_log(None, 3).unwrap();
    let status_entries: Vec<_> = log.iter().filter(|e| e.action == "status").collect();
    assert_eq!(status_entries.len(), 2, "{log:?}");
    assert_eq!(
        status_entries[1].query.as_deref(),
        Some("status list of 1 lines")
    );
    assert_eq!(status_entries[1].operator, OPERATOR);
    assert_eq!(status_entries[1].case_ids, vec![case_id(5)]);
}

fn a_list_with_a_bad_line_is_refused_whole(b: Backend) {
    let (site, mut hq) = holding_four_cases(b);
    let before = statuses(&mut hq);
    let list = format!(
        "case_id,nik,passport,status\n\
         {},,,departed\n\
         ,3.20342E+15,,departed\n\
         ,,C0000001,departed\n\
         {},,,lost\n\
         ,{NIK},,splp-issued\n\
         0190f3c2-8a7e-7b7c-9a51-00000000ffff,,,departed\n\
         ,,,departed\n",
        case_id(1),
        case_id(5),
    );
    let out = site.cli(&["status", "--list", &list_file(&site, "bad.csv", &list)]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        format!(
            "loket-hq: the status list was refused, nothing was recorded: \
             line 3: the NIK is not 16 digits (a spreadsheet may have turned it into a number \
             such as 3.2E+15: format the column as text); \
             line 4: no case is held with this passport number; \
             line 5: the status must be splp-issued or departed; \
             line 6: case {} has status departed from line 2; \
             line 7: no case is held with this case id; \
             line 8: no case id, NIK or passport number\n",
            case_id(1)
        )
    );
    assert_eq!(statuses(&mut hq), before, "nothing recorded");
    assert!(!stderr(&out).contains(NIK), "no NIK in a message");
    // Nothing was shown, nothing logged.
    assert!(hq
        .access_log(None, 10)
        .unwrap()
        .iter()
        .all(|e| e.action != "status"));

    // A long list names the first 20 problems and counts the rest.
    let mut long = String::from("case_id,status\n");
    for i in 0..25 {
        long += &format!("{},departed\n", case_id(100 + i));
    }
    let err = hq
        .record_status_list(long.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.contains("line 21: no case"), "{err}");
    assert!(!err.contains("line 22:"), "{err}");
    assert!(err.ends_with("; and 5 more"), "{err}");
}

fn what_is_not_a_status_list_is_refused(b: Backend) {
    let (site, mut hq) = holding_four_cases(b);
    let before = statuses(&mut hq);
    for (text, why) in [
        (
            "case_id,state\nx,departed\n",
            "its first line has no `status` column",
        ),
        (
            "name,status\nSITI,departed\n",
            "its first line has none of the columns `case_id`, `nik`, `passport`",
        ),
        ("case_id,status\n", "it has no lines below its first"),
        ("", "its first line has no `status` column"),
    ] {
        let out = site.cli(&["status", "--list", &list_file(&site, "x.csv", text)]);
        assert_eq!(out.status.code(), Some(2), "{text:?}");
        assert_eq!(
            stderr(&out),
            format!(
                "loket-hq: not a status list: {why}; its first line names the columns, \
                 `status` and one of `case_id`, `nik`, `passport`\n"
            ),
            "{text:?}"
        );
    }
    // A photo handed over by mistake is not CSV.
    let out = site.cli(&[
        "status",
        "--list",
        &site.put("photo.jpg", &photo(0)).display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = site.cli(&["status", "--list", "/nonexistent/list.csv"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("loket-hq: cannot read /nonexistent/list.csv: "));
    // One case at a time, or a list: not both, not neither.
    let out = site.cli(&["status", &case_id(0), "departed", "--list", "x.csv"]);
    assert_eq!(out.status.code(), Some(2));
    let out = site.cli(&["status"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(statuses(&mut hq), before);
}

/// What a line of a list names, as the property test writes it.
fn any_key() -> impl Strategy<Value = ListKey> {
    prop_oneof![
        "0190f3c2-8a7e-7b7c-9a51-[0-9a-f]{12}".prop_map(ListKey::Case),
        "[0-9]{16}".prop_map(ListKey::Nik),
        "[A-Z]{1,2}[0-9]{6,7}".prop_map(ListKey::Passport),
    ]
}

proptest! {
    /// Any list a spreadsheet could write (any separator, column order, byte-order mark, line
    /// ends LF, CRLF or CR, quoting, padding, other columns, empty lines and rows of empty fields) reads back
    /// as the lines written, numbered as a text editor numbers them.
    #[test]
    fn a_written_list_reads_back(
        lines in prop::collection::vec((any_key(), any::<bool>()), 1..30),
        separator in prop_oneof![Just(b','), Just(b';'), Just(b'\t')],
        order in Just(vec![0usize, 1, 2, 3, 4]).prop_shuffle(),
        bom in any::<bool>(),
        ends in prop_oneof![Just(&b"\n"[..]), Just(&b"\r\n"[..]), Just(&b"\r"[..])],
        quote_all in any::<bool>(),
        blank_every in 2usize..6,
        name in "[A-Za-z ,;\"]{0,20}",
    ) {
        // Each row written on its own, so that empty lines can go between them.
        let row = |fields: &[&str]| -> Vec<u8> {
            let mut w = csv::WriterBuilder::new()
                .delimiter(separator)
                .terminator(match ends { b"\r\n" => csv::Terminator::CRLF, e => csv::Terminator::Any(e[0]) })
                .quote_style(if quote_all { csv::QuoteStyle::Always } else { csv::QuoteStyle::Necessary })
                .from_writer(Vec::new());
            w.write_record(order.iter().map(|&c| fields[c])).unwrap();
            w.into_inner().unwrap()
        };
        let end = ends;
        let mut bytes = if bom { b"\xEF\xBB\xBF".to_vec() } else { Vec::new() };
        bytes.extend(row(&["case_id", "nik", "passport", "status", "nama"]));
        let mut expected = Vec::new();
        let mut line = 2;
        for (i, (key, departed)) in lines.iter().enumerate() {
            if i % blank_every == 1 {
                bytes.extend(if i % 2 == 0 { end.to_vec() } else { row(&["", "", "", "", ""]) });
                line += 1;
            }
            let mut fields = [String::new(), String::new(), String::new(), String::new(), name.clone()];
            let (column, value) = match key {
                ListKey::Case(id) => (0, id),
                ListKey::Nik(nik) => (1, nik),
                ListKey::Passport(number) => (2, number),
            };
            fields[column] = format!(" {value} ");
            fields[3] = if *departed { " Departed " } else { "splp_issued" }.to_owned();
            bytes.extend(row(&fields.each_ref().map(String::as_str)));
            let status = if *departed { HqStatus::Departed } else { HqStatus::SplpIssued };
            expected.push(ListLine { line, key: key.clone(), status });
            line += 1;
        }
        bytes.extend(end);
        let (read, problems) = read_status_list(&bytes).unwrap();
        prop_assert!(problems.is_empty(), "{problems:?}");
        prop_assert_eq!(read, expected);
    }

    /// Whatever bytes arrive, reading them gives lines, problems or a refusal: never a panic.
    #[test]
    fn any_bytes_are_read_or_refused(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = read_status_list(&bytes);
    }
}
