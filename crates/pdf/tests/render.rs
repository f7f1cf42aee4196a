//! The rendered request, read back with the tools a person's viewer or printer would use:
//! pdftotext finds every value, qpdf finds no structural fault, and the QR code scans.

mod common;

use common::*;
use loket_pdf::{render, Mark, Photo};

/// Every value the page must show for the record, as printed.
fn expected_values(r: &loket_core::IntakeRecord) -> Vec<String> {
    let p = &r.person;
    let a = p.address_id.clone().unwrap_or_default();
    let kin = p.next_of_kin.clone().unwrap_or_default();
    let mut v: Vec<String> = [
        p.full_name.clone(),
        p.place_of_birth.clone(),
        p.nik.clone(),
        p.mother_name.clone(),
        a.line,
        a.village,
        a.district,
        a.regency,
        a.province,
        p.phone.clone(),
        kin.name,
        kin.relation,
        kin.phone,
    ]
    .into_iter()
    .flatten()
    .collect();
    v.extend(p.aliases.clone().unwrap_or_default());
    v
}

fn assert_contains(text: &str, needle: &str) {
    assert!(
        text.contains(needle),
        "pdftotext output lacks {needle:?}:\n{text}"
    );
}

#[test]
fn every_value_of_the_example_is_text() {
    if !have_tools("every_value_of_the_example_is_text", &["pdftotext"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (mission, record, payload) = (mission(), example(), payload());
    let pdf = render(&page(&mission, &record, Mark::Original, None, &payload)).unwrap();
    let (text, pages) = pdftotext(&write_pdf(dir.path(), "example.pdf", &pdf));
    assert_eq!(pages, 1, "one A4 page");

    for value in expected_values(&record) {
        assert_contains(&text, &value);
    }
    for value in [
        // enumerations in words, both languages
        "Perempuan / Female",
        "KTP elektronik / e-KTP identity card",
        "Kartu Keluarga / Family card",
        "Ditahan pihak lain / Confiscated",
        "Visa kunjungan wisata / Tourist visa",
        "SPLP / Emergency travel document",
        "Paspor ditahan pihak lain / Passport confiscated",
        "Negara / State-funded",
        // dates as day-month-year, numbers
        "12-04-1999",
        "C1234567",
        "30-06-2029",
        "01-03-2025",
        "BAVET",
        "290 hari / days",
        "CGK",
        // absent values show a dash
        "Nomor KK Family card no. —",
        "Izin berlaku s.d. Permit expiry —",
        // who, where, when
        SERIAL,
        CASE_ID,
        "Versi / Version: 3",
        "KEDUTAAN BESAR REPUBLIK INDONESIA DI PHNOM PENH",
        "No. 1, Street 466, Sangkat Tonle Bassac, Khan Chamkar Mon",
        "Phnom Penh, 19-01-2026",
        OFFICER,
        "Halaman / Page 1/1",
        // labels in Indonesian with English
        "PERMOHONAN SURAT PERJALANAN LAKSANA PASPOR (SPLP)",
        "Nama lengkap Full name",
        "Tempel pas foto 3×4",
        "Verifikasi / Verify",
    ] {
        assert_contains(&text, value);
    }
    for mark in ["CETAK ULANG", "REPRINT", "BATAL", "VOID"] {
        assert!(!text.contains(mark), "an original is not marked {mark}");
    }
}

#[test]
fn diacritics_and_one_word_names_are_text() {
    if !have_tools("diacritics_and_one_word_names_are_text", &["pdftotext"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (mission, payload) = (mission(), payload());
    for (name, record) in [("diacritics", diacritics()), ("one-word", one_word())] {
        let pdf = render(&page(&mission, &record, Mark::Original, None, &payload)).unwrap();
        let (text, pages) = pdftotext(&write_pdf(dir.path(), &format!("{name}.pdf"), &pdf));
        assert_eq!(pages, 1, "{name}: one A4 page");
        for value in expected_values(&record) {
            assert_contains(&text, &value);
        }
    }
    let record = one_word();
    let pdf = render(&page(&mission, &record, Mark::Original, None, &payload)).unwrap();
    let (text, _) = pdftotext(&write_pdf(dir.path(), "none.pdf", &pdf));
    assert_contains(
        &text,
        "Tidak ada — kewarganegaraan ditetapkan melalui wawancara / None — established by interview",
    );
    assert_contains(&text, "Nama lain Other names —");
}

#[test]
fn reprint_and_void_are_marked() {
    if !have_tools("reprint_and_void_are_marked", &["pdftotext"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (mission, record, payload) = (mission(), example(), payload());
    for (mark, words) in [
        (Mark::Reprint, "CETAK ULANG / REPRINT"),
        (Mark::Void, "BATAL / VOID"),
    ] {
        let pdf = render(&page(&mission, &record, mark, None, &payload)).unwrap();
        let (text, _) = pdftotext(&write_pdf(dir.path(), "marked.pdf", &pdf));
        assert_contains(&text, words);
        assert_contains(&text, SERIAL);
    }
}

#[test]
fn qpdf_finds_no_fault_in_any_variant() {
    if !have_tools("qpdf_finds_no_fault_in_any_variant", &["qpdf"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (mission, record, payload) = (mission(), example(), payload());
    let photo = Photo::from_image(&portrait_png(640, 480)).unwrap();
    for mark in [Mark::Original, Mark::Reprint, Mark::Void] {
        for photo in [None, Some(&photo)] {
            let pdf = render(&page(&mission, &record, mark, photo, &payload)).unwrap();
            let path = write_pdf(dir.path(), "check.pdf", &pdf);
            let out = qpdf_check(&path);
            assert!(
                out.contains("No syntax or stream encoding errors found"),
                "{mark:?}, photo {}: {out}",
                photo.is_some()
            );
            assert!(!out.to_lowercase().contains("warning"), "{out}");
        }
    }
}

#[test]
fn the_qr_code_scans_back_to_the_payload() {
    if !have_tools("the_qr_code_scans_back_to_the_payload", &["pdftoppm"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (mission, record, payload) = (mission(), example(), payload());
    assert!(payload.len() >= 300);
    let photo = Photo::from_image(&portrait_png(640, 480)).unwrap();
    let pdf = render(&page(&mission, &record, Mark::Void, Some(&photo), &payload)).unwrap();
    let decoded = scan_qr(&write_pdf(dir.path(), "qr.pdf", &pdf));
    assert_eq!(
        decoded,
        vec![payload],
        "exactly one QR code, holding the payload"
    );
}

#[test]
fn long_values_still_fit_one_page() {
    if !have_tools("long_values_still_fit_one_page", &["pdftotext"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (mission, payload) = (mission(), payload());
    let mut record = diacritics();
    record.person.full_name = Some("A".repeat(20) + " " + &"B".repeat(19) + " " + &"C".repeat(19));
    assert_eq!(
        record.person.full_name.as_ref().unwrap().chars().count(),
        60
    );
    record.person.aliases = Some((1..=6).map(|i| format!("ALIAS NUMBER {i}")).collect());
    if let Some(a) = record.person.address_id.as_mut() {
        a.line = Some("JL. RAYA CIBEBER KM 12, GG. MASJID AL-IKHLAS NO. 45, RT 002 RW 003".into());
    }
    let photo = Photo::from_image(&portrait_png(300, 400)).unwrap();
    let pdf = render(&page(
        &mission,
        &record,
        Mark::Reprint,
        Some(&photo),
        &payload,
    ))
    .unwrap();
    let (text, pages) = pdftotext(&write_pdf(dir.path(), "long.pdf", &pdf));
    assert_eq!(pages, 1);
    for value in expected_values(&record) {
        assert_contains(&text, &value);
    }
}

#[test]
fn a_payload_too_long_for_a_qr_code_is_an_error() {
    let (mission, record) = (mission(), example());
    let payload = "x".repeat(5000);
    let err = render(&page(&mission, &record, Mark::Original, None, &payload)).unwrap_err();
    assert_eq!(err, loket_pdf::PdfError::QrPayload(5000));
    assert!(!err.to_string().contains('\n'));
}
