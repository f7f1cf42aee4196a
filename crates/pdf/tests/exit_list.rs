//! The exit-permit list, read back as its reader would: pdftotext finds each person once, in
//! order, with every column; each page says what it is and which page it is; the metadata
//! names the list and nobody on it.

mod common;

use common::*;
use loket_core::IntakeRecord;
use loket_pdf::{render_exit_list, ExitListPage, Mission};
use std::process::Command;

const NUMBER: &str = "PNH-2026-7KQ2-L0003";
const TITLE: &str = "DAFTAR WNI — PERMOHONAN IZIN KELUAR DAN PEMBEBASAN DENDA OVERSTAY";
const SUBTITLE: &str =
    "List of Indonesian nationals — request for exit permits and waiver of overstay fines";
/// The table's header row as pdftotext reads it.
const HEADER_ROW: &str = "No. Nama Name JK Sex Tanggal lahir Date of birth Dokumen perjalanan \
                          Travel document Visa Masuk Entry Izin tinggal s.d. Permit until \
                          Overstay hari / days";

fn list<'a>(mission: &'a Mission, people: &'a [IntakeRecord], reprint: bool) -> ExitListPage<'a> {
    ExitListPage {
        mission,
        number: NUMBER,
        date: chrono::NaiveDate::from_ymd_opt(2026, 1, 19).expect("a real date"),
        officer: OFFICER,
        people,
        reprint,
    }
}

/// The pages' texts of the list of `people`.
fn pages_of(people: &[IntakeRecord], reprint: bool) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let mission = mission();
    let pdf = render_exit_list(&list(&mission, people, reprint)).unwrap();
    page_texts(&write_pdf(dir.path(), "list.pdf", &pdf))
}

/// How often `needle` occurs in `text` as whole words (not inside a longer word or number).
fn occurrences(text: &str, needle: &str) -> usize {
    text.match_indices(needle)
        .filter(|(i, _)| {
            let before = text[..*i].chars().next_back();
            let after = text[i + needle.len()..].chars().next();
            before.is_none_or(char::is_whitespace) && after.is_none_or(char::is_whitespace)
        })
        .count()
}

fn name(r: &IntakeRecord) -> &str {
    r.person
        .full_name
        .as_deref()
        .expect("the specimens are named")
}

fn people(n: usize) -> Vec<IntakeRecord> {
    loket_pdf::specimen::people(&example(), n)
}

#[test]
fn one_person_is_one_row_with_every_column() {
    if !have_tools("one_person_is_one_row_with_every_column", &["pdftotext"]) {
        return;
    }
    let pages = pages_of(&[example()], false);
    assert_eq!(pages.len(), 1);
    let text = &pages[0];
    for value in [
        "KEDUTAAN BESAR REPUBLIK INDONESIA DI PHNOM PENH",
        "No. 1, Street 466, Sangkat Tonle Bassac, Khan Chamkar Mon, Phnom Penh",
        TITLE,
        SUBTITLE,
        NUMBER,
        "Halaman / Page 1 / 1",
        HEADER_ROW,
        // The row, cell after cell: number, name and alias, sex, birth date, passport and
        // its fate, the SPLP asked, visa, entry date and point, no permit (a dash), overstay.
        "1 SITI AMINAH SITI AMINA P / F 12-04-1999 C1234567 (disita / confiscated) \
         SPLP dimohon SPLP requested Visa kunjungan wisata Tourist visa 01-03-2025 BAVET — 290",
        "Jumlah / Total: 1 orang / people",
        "Phnom Penh, 19-01-2026",
        "Petugas / Officer",
        OFFICER,
    ] {
        assert!(text.contains(value), "the list lacks {value:?}:\n{text}");
    }
    assert!(!text.contains("REPRINT") && !text.contains("CETAK ULANG"));
}

#[test]
fn an_empty_list_is_one_page_saying_so() {
    if !have_tools("an_empty_list_is_one_page_saying_so", &["pdftotext"]) {
        return;
    }
    let pages = pages_of(&[], false);
    assert_eq!(pages.len(), 1);
    for value in [
        TITLE,
        HEADER_ROW,
        "Daftar ini kosong: tidak ada WNI yang dicantumkan. This list is empty: it names no one.",
        "Jumlah / Total: 0 orang / people",
        OFFICER,
    ] {
        assert!(pages[0].contains(value), "lacks {value:?}:\n{}", pages[0]);
    }
}

#[test]
fn sixty_people_fill_pages_of_whole_rows_each_with_its_header() {
    if !have_tools(
        "sixty_people_fill_pages_of_whole_rows_each_with_its_header",
        &["pdftotext"],
    ) {
        return;
    }
    let people = people(60);
    let pages = pages_of(&people, false);
    // Rows of 9 to 13 mm under a 45 mm header: 18 to 20 people a page.
    assert_eq!(pages.len(), 4, "60 people on 4 A4 pages");
    let all = pages.join(" ");

    let mut last_page = 0;
    for (i, r) in people.iter().enumerate() {
        let row = format!("{} {}", i + 1, name(r));
        assert_eq!(occurrences(&all, &row), 1, "{row:?} once");
        assert_eq!(occurrences(&all, name(r)), 1, "{:?} once", name(r));
        // The row is whole on one page: its name and its passport number (or, with none,
        // its fate) are on the same page, and the pages go in list order.
        let page = pages.iter().position(|p| p.contains(&row)).unwrap();
        let document = r.passport.as_ref().and_then(|p| p.number.as_deref());
        let document = document.unwrap_or("never issued");
        assert!(pages[page].contains(document), "{row:?} split");
        assert!(page >= last_page, "{row:?} out of order");
        last_page = page;
    }
    for (i, page) in pages.iter().enumerate() {
        for header in [TITLE, SUBTITLE, NUMBER, HEADER_ROW] {
            assert_eq!(occurrences(page, header), 1, "page {}: {header:?}", i + 1);
        }
        let page_no = format!("Halaman / Page {} / {}", i + 1, pages.len());
        assert!(page.contains(&page_no), "page {} lacks {page_no:?}", i + 1);
        let total = page.contains("Jumlah / Total: 60 orang / people");
        assert_eq!(
            total,
            i + 1 == pages.len(),
            "the total is on the last page only"
        );
    }
}

#[test]
fn reprint_is_marked_on_every_page_only_when_asked() {
    if !have_tools(
        "reprint_is_marked_on_every_page_only_when_asked",
        &["pdftotext"],
    ) {
        return;
    }
    let people = people(30);
    for reprint in [false, true] {
        let pages = pages_of(&people, reprint);
        assert_eq!(pages.len(), 2);
        for page in &pages {
            assert_eq!(page.contains("CETAK ULANG / REPRINT"), reprint, "{page}");
        }
    }
}

#[test]
fn the_metadata_names_the_list_never_a_person() {
    if !have_tools(
        "the_metadata_names_the_list_never_a_person",
        &["pdfinfo", "qpdf"],
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (mission, people) = (mission(), people(12));
    let pdf = render_exit_list(&list(&mission, &people, true)).unwrap();
    let path = write_pdf(dir.path(), "list.pdf", &pdf);
    // The document information dictionary, then the XMP metadata (printpdf writes none).
    let info: String = [&[][..], &["-meta"][..]]
        .iter()
        .map(|args| {
            let out = Command::new("pdfinfo").args(*args).arg(&path).output();
            String::from_utf8_lossy(&out.expect("pdfinfo runs").stdout).into_owned()
        })
        .collect();
    let title = info.lines().find_map(|l| l.strip_prefix("Title:"));
    assert_eq!(
        title.map(str::trim),
        Some(format!("Exit permit list {NUMBER}").as_str())
    );
    let raw = String::from_utf8_lossy(&pdf);
    for r in &people {
        assert!(!info.contains(name(r)), "{} in the metadata", name(r));
        assert!(!raw.contains(name(r)), "{} readable in the file", name(r));
    }
    let check = qpdf_check(&path);
    assert!(!check.to_lowercase().contains("warning"), "{check}");
}
