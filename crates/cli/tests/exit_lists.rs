//! `loket exit-list list|make|print`: the annex of the mission's note asking Cambodia for exit
//! permits and fine waivers, written as a PDF where the officer says, against a real store.

mod common;
use common::{example, loket, pdf_text, ready};
use std::os::unix::fs::PermissionsExt;

/// Adds the example record as another person (a new id and name), finalised or a draft.
fn add(dir: &std::path::Path, id_end: &str, name: &str, finalise: bool) {
    let mut record = example();
    let id = format!("0190f3c2-8a7e-7b7c-9a51-{id_end}");
    record["id"] = id.clone().into();
    record["person"]["full_name"] = name.into();
    let run = loket(&["case", "add", "-"], &record.to_string(), Some(dir));
    assert_eq!(run.code, 0, "{}", run.stderr);
    if finalise {
        assert_eq!(loket(&["case", "finalize", &id], "", Some(dir)).code, 0);
    }
}

#[test]
fn the_next_list_names_who_came_since_the_last_and_prints_again_as_made() {
    let dir = ready(); // Siti Aminah, finalised
    let d = Some(dir.path());
    add(dir.path(), "000000000002", "BUDI", true);
    add(dir.path(), "000000000003", "DEWI LESTARI", false);
    let lists = loket(&["exit-list", "list", "--json"], "", d).json();
    assert_eq!(lists, serde_json::json!({ "lists": [], "pending": 2 }));

    let out = dir.path().join("list.pdf");
    let run = loket(
        &["exit-list", "make", "--out", out.to_str().unwrap()],
        "",
        d,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lists = loket(&["exit-list", "list", "--json"], "", d).json();
    let label = lists["lists"][0]["label"].as_str().unwrap().to_owned();
    assert_eq!(lists["lists"][0]["people"], 2);
    assert_eq!(lists["pending"], 0);
    assert_eq!(
        run.stderr,
        format!(
            "exit-permit list {label} of 2 people written to {}\n",
            out.display()
        )
    );
    // Personal data, unencrypted where the officer asked: owner-readable only.
    let mode = std::fs::metadata(&out).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    if let Some(text) = pdf_text(&out) {
        assert!(
            text.contains("SITI AMINAH") && text.contains("BUDI"),
            "{text}"
        );
        assert!(!text.contains("DEWI"), "a draft is not listed: {text}");
        assert!(text.contains(&label), "{text}");
        assert!(!text.contains("REPRINT"), "{text}");
    }

    // Nobody new: refused, nothing written.
    let none = dir.path().join("none.pdf");
    let run = loket(
        &["exit-list", "make", "--out", none.to_str().unwrap()],
        "",
        d,
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "loket: every finalised case here is on an exit-permit list already: nobody to list\n"
    );
    assert!(!none.exists());

    // The list again, to standard output (for `lp`), marked as a reprint.
    let run = loket(&["exit-list", "print", &label, "--out", "-"], "", d);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("%PDF-"));
    let again = dir.path().join("again.pdf");
    let run = loket(
        &[
            "exit-list",
            "print",
            &label,
            "--out",
            again.to_str().unwrap(),
        ],
        "",
        d,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    if let Some(text) = pdf_text(&again) {
        assert!(text.contains("REPRINT") && text.contains("BUDI"), "{text}");
    }
    let run = loket(
        &[
            "exit-list",
            "print",
            "PNH-2026-XXXX-L0099",
            "--out",
            none.to_str().unwrap(),
        ],
        "",
        d,
    );
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "loket: no exit-permit list PNH-2026-XXXX-L0099 was made at this counter (`loket exit-list list` shows them)\n"
    );
    assert!(!none.exists());

    // Dewi's interview ends: she is on the next list, alone.
    assert_eq!(
        loket(
            &["case", "finalize", "0190f3c2-8a7e-7b7c-9a51-000000000003"],
            "",
            d
        )
        .code,
        0
    );
    let second = dir.path().join("second.pdf");
    let run = loket(
        &["exit-list", "make", "--out", second.to_str().unwrap()],
        "",
        d,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("-L0002 of 1 people"), "{}", run.stderr);
    let table = loket(&["exit-list", "list"], "", d).stdout;
    let rows: Vec<&str> = table.lines().collect();
    assert_eq!(rows.len(), 4, "{table}");
    assert!(rows[0].starts_with("LIST "), "{table}");
    assert!(
        rows[1].contains("-L0002") && rows[1].ends_with(" 1"),
        "{table}"
    );
    assert!(
        rows[2].contains("-L0001") && rows[2].ends_with(" 2"),
        "{table}"
    );
    assert_eq!(rows[3], "0 finalised cases are on no list yet");
}
