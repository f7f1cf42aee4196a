//! Every word printed on the page, in Bahasa Indonesia first and English second.
//!
//! Enumerations are shown as words a person reads, never as the record's codes; a value the
//! record holds that is not a known one (`Lenient::Other`) is shown as typed.

use loket_core::enums::*;
use loket_core::lenient::Lenient;

/// A text in both languages: Indonesian, then English.
pub(crate) type Bi = (&'static str, &'static str);

/// What an absent field shows.
pub(crate) const ABSENT: &str = "—";

pub(crate) const TITLE: Bi = (
    "PERMOHONAN SURAT PERJALANAN LAKSANA PASPOR (SPLP)",
    "Application for an emergency travel document (SPLP)",
);
pub(crate) const SERIAL: Bi = ("Nomor seri", "Serial no.");
pub(crate) const CASE: Bi = ("Nomor kasus", "Case ID");
pub(crate) const VERSION: Bi = ("Versi", "Version");
pub(crate) const PAGE: Bi = ("Halaman", "Page");
pub(crate) const REPRINT: Bi = ("CETAK ULANG", "REPRINT");
pub(crate) const VOID: Bi = ("BATAL", "VOID");
pub(crate) const NOT_A_DOCUMENT: Bi = (
    "Dokumen ini adalah permohonan, bukan dokumen perjalanan.",
    "This is a request, not a travel document.",
);
pub(crate) const VERIFY: Bi = ("Verifikasi", "Verify");
pub(crate) const AFFIX_PHOTO: Bi = ("Tempel pas foto 3×4", "affix photo");

pub(crate) const SEC_IDENTITY: Bi = ("A. IDENTITAS PEMOHON", "Applicant's identity");
pub(crate) const SEC_EVIDENCE: Bi = (
    "B. BUKTI KEWARGANEGARAAN YANG DIPERLIHATKAN",
    "Citizenship evidence seen",
);
pub(crate) const SEC_PASSPORT: Bi = ("C. PASPOR", "Passport");
pub(crate) const SEC_STAY: Bi = ("D. KEBERADAAN DI KAMBOJA", "Stay in Cambodia");
pub(crate) const SEC_REQUEST: Bi = ("E. PERMOHONAN", "Request");

pub(crate) const FULL_NAME: Bi = ("Nama lengkap", "Full name");
pub(crate) const ALIASES: Bi = ("Nama lain", "Other names");
pub(crate) const SEX: Bi = ("Jenis kelamin", "Sex");
pub(crate) const DATE_OF_BIRTH: Bi = ("Tanggal lahir", "Date of birth");
pub(crate) const PLACE_OF_BIRTH: Bi = ("Tempat lahir", "Place of birth");
pub(crate) const NIK: Bi = ("NIK", "National ID no.");
pub(crate) const KK: Bi = ("Nomor KK", "Family card no.");
pub(crate) const MOTHER: Bi = ("Nama ibu kandung", "Mother's name");
pub(crate) const ADDRESS: Bi = ("Alamat di Indonesia", "Address in Indonesia");
pub(crate) const VILLAGE: Bi = ("Desa/kelurahan", "Village");
pub(crate) const DISTRICT: Bi = ("Kecamatan", "District");
pub(crate) const REGENCY: Bi = ("Kabupaten/kota", "Regency/city");
pub(crate) const PROVINCE: Bi = ("Kode provinsi", "Province code");
pub(crate) const PHONE: Bi = ("Telepon", "Phone");
pub(crate) const KIN_NAME: Bi = ("Keluarga terdekat", "Next of kin");
pub(crate) const KIN_RELATION: Bi = ("Hubungan", "Relation");
pub(crate) const KIN_PHONE: Bi = ("Telepon keluarga", "Next of kin's phone");
pub(crate) const EVIDENCE: Bi = ("Dokumen", "Documents");
pub(crate) const PASSPORT_STATUS: Bi = ("Status paspor", "Passport status");
pub(crate) const PASSPORT_NUMBER: Bi = ("Nomor paspor lama", "Replaced passport no.");
pub(crate) const PASSPORT_EXPIRY: Bi = ("Berlaku sampai", "Expiry date");
pub(crate) const ENTRY_DATE: Bi = ("Tanggal masuk", "Entry date");
pub(crate) const ENTRY_POINT: Bi = ("Tempat masuk", "Entry point");
pub(crate) const VISA: Bi = ("Visa/izin", "Visa");
pub(crate) const PERMIT_EXPIRY: Bi = ("Izin berlaku s.d.", "Permit expiry");
pub(crate) const OVERSTAY: Bi = ("Lewat izin tinggal", "Overstay");
pub(crate) const DOCUMENT: Bi = ("Dokumen dimohon", "Document requested");
pub(crate) const REASON: Bi = ("Alasan", "Reason");
pub(crate) const PORT_OF_ENTRY: Bi = ("Bandara tujuan", "Port of entry");
pub(crate) const FUNDING: Bi = ("Biaya perjalanan", "Travel funding");
pub(crate) const DAYS: Bi = ("hari", "days");

pub(crate) const APPLICANT: Bi = ("Pemohon", "Applicant");
pub(crate) const OFFICER: Bi = ("Petugas", "Officer");

// The exit-permit list.
pub(crate) const LIST_TITLE: Bi = (
    "DAFTAR WNI — PERMOHONAN IZIN KELUAR DAN PEMBEBASAN DENDA OVERSTAY",
    "List of Indonesian nationals — request for exit permits and waiver of overstay fines",
);
pub(crate) const LIST_NUMBER: Bi = ("Nomor daftar", "List no.");
pub(crate) const COL_NO: Bi = ("No.", "No.");
pub(crate) const COL_NAME: Bi = ("Nama", "Name");
pub(crate) const COL_SEX: Bi = ("JK", "Sex");
pub(crate) const COL_TRAVEL_DOCUMENT: Bi = ("Dokumen perjalanan", "Travel document");
pub(crate) const COL_VISA: Bi = ("Visa", "Visa");
pub(crate) const COL_ENTRY: Bi = ("Masuk", "Entry");
pub(crate) const COL_PERMIT: Bi = ("Izin tinggal s.d.", "Permit until");
pub(crate) const COL_OVERSTAY: Bi = ("Overstay", "hari / days");
pub(crate) const SPLP_REQUESTED: Bi = ("SPLP dimohon", "SPLP requested");
pub(crate) const TOTAL: Bi = ("Jumlah", "Total");
pub(crate) const PEOPLE: Bi = ("orang", "people");
pub(crate) const EMPTY_LIST: Bi = (
    "Daftar ini kosong: tidak ada WNI yang dicantumkan.",
    "This list is empty: it names no one.",
);

/// What the evidence section says when no document was seen.
pub(crate) const NO_EVIDENCE: Bi = (
    "Tidak ada — kewarganegaraan ditetapkan melalui wawancara",
    "None — established by interview",
);

pub(crate) fn sex(v: Sex) -> Bi {
    match v {
        Sex::M => ("Laki-laki", "Male"),
        Sex::F => ("Perempuan", "Female"),
    }
}

/// The sex as the list's narrow column shows it: Laki-laki / Perempuan, Male / Female.
pub(crate) fn sex_short(v: Sex) -> Bi {
    match v {
        Sex::M => ("L", "M"),
        Sex::F => ("P", "F"),
    }
}

pub(crate) fn evidence(v: Evidence) -> Bi {
    match v {
        Evidence::Ektp => ("KTP elektronik", "e-KTP identity card"),
        Evidence::Kk => ("Kartu Keluarga", "Family card"),
        Evidence::BirthCertificate => ("Akta kelahiran", "Birth certificate"),
        Evidence::MarriageBook => ("Buku nikah", "Marriage book"),
        Evidence::Diploma => ("Ijazah", "School diploma"),
        Evidence::DrivingLicence => ("SIM", "Driving licence"),
        Evidence::GovernmentLetter => ("Surat instansi pemerintah", "Government letter"),
        Evidence::PassportCopy => ("Fotokopi paspor", "Copy of passport"),
    }
}

pub(crate) fn passport_status(v: PassportStatus) -> Bi {
    match v {
        PassportStatus::Held => ("Dipegang pemohon", "Held by the applicant"),
        PassportStatus::Confiscated => ("Ditahan pihak lain", "Confiscated"),
        PassportStatus::Lost => ("Hilang", "Lost"),
        PassportStatus::Stolen => ("Dicuri", "Stolen"),
        PassportStatus::Damaged => ("Rusak", "Damaged"),
        PassportStatus::Expired => ("Habis masa berlaku", "Expired"),
        PassportStatus::NeverIssued => ("Belum pernah memiliki paspor", "Never issued"),
    }
}

/// The passport's status in a word or two, as the list shows it beside the number.
pub(crate) fn passport_status_short(v: PassportStatus) -> Bi {
    match v {
        PassportStatus::Held => ("dipegang", "held"),
        PassportStatus::Confiscated => ("disita", "confiscated"),
        PassportStatus::Lost => ("hilang", "lost"),
        PassportStatus::Stolen => ("dicuri", "stolen"),
        PassportStatus::Damaged => ("rusak", "damaged"),
        PassportStatus::Expired => ("kedaluwarsa", "expired"),
        PassportStatus::NeverIssued => ("belum pernah ada", "never issued"),
    }
}

pub(crate) fn visa(v: Visa) -> Bi {
    match v {
        Visa::Tourist => ("Visa kunjungan wisata", "Tourist visa"),
        Visa::Business => ("Visa bisnis", "Business visa"),
        Visa::WorkPermit => ("Izin kerja", "Work permit"),
        Visa::ResidencePermit => ("Izin tinggal", "Residence permit"),
        Visa::None => ("Tanpa visa", "No visa"),
        Visa::Unknown => ("Tidak diketahui", "Unknown"),
    }
}

pub(crate) fn document(v: DocumentRequest) -> Bi {
    match v {
        DocumentRequest::Splp => ("SPLP", "Emergency travel document"),
        DocumentRequest::None => ("Tidak ada", "None"),
    }
}

pub(crate) fn reason(v: RequestReason) -> Bi {
    match v {
        RequestReason::Lost => ("Paspor hilang", "Passport lost"),
        RequestReason::Stolen => ("Paspor dicuri", "Passport stolen"),
        RequestReason::Confiscated => ("Paspor ditahan pihak lain", "Passport confiscated"),
        RequestReason::Damaged => ("Paspor rusak", "Passport damaged"),
        RequestReason::Expired => ("Paspor habis masa berlaku", "Passport expired"),
        RequestReason::IllegalStay => (
            "Tinggal tanpa dokumen perjalanan",
            "Illegal stay without a travel document",
        ),
        RequestReason::Revoked => ("Paspor dicabut", "Passport revoked"),
    }
}

pub(crate) fn funding(v: TravelFunding) -> Bi {
    match v {
        TravelFunding::OwnMeans => ("Biaya sendiri", "Own means"),
        TravelFunding::Family => ("Keluarga", "Family"),
        TravelFunding::State => ("Negara", "State-funded"),
        TravelFunding::Other => ("Lainnya", "Other"),
    }
}

/// "Indonesian / English" for a known value, the typed text for an unknown one.
pub(crate) fn lenient<T: Copy>(v: Option<&Lenient<T>>, words: fn(T) -> Bi) -> String {
    match v {
        Some(Lenient::Known(t)) => both(words(*t)),
        Some(Lenient::Other(text)) => or_absent(Some(text)),
        None => ABSENT.to_string(),
    }
}

/// One line in both languages.
pub(crate) fn both((id, en): Bi) -> String {
    format!("{id} / {en}")
}

/// `value` cut to `max` characters and an ellipsis: a validated record never comes near the
/// limit, a draft with pasted text cannot run a page on and on.
pub(crate) fn cap(value: String, max: usize) -> String {
    if value.chars().count() <= max {
        value
    } else {
        let mut v: String = value.chars().take(max).collect();
        v.push('…');
        v
    }
}

/// The value, or a dash when it is absent or blank.
pub(crate) fn or_absent(v: Option<&String>) -> String {
    match v.map(|s| s.trim()) {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => ABSENT.to_string(),
    }
}

/// An ISO date as the Indonesian day-month-year (`12-04-1999`); anything else as typed.
pub(crate) fn date(v: Option<&String>) -> String {
    match v.map(|s| s.trim()) {
        Some(s) => match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => d.format("%d-%m-%Y").to_string(),
            Err(_) if s.is_empty() => ABSENT.to_string(),
            Err(_) => s.to_string(),
        },
        None => ABSENT.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_absent_values() {
        assert_eq!(date(Some(&"1999-04-12".into())), "12-04-1999");
        assert_eq!(date(Some(&"around 1990".into())), "around 1990");
        assert_eq!(date(None), ABSENT);
        assert_eq!(or_absent(Some(&"  ".into())), ABSENT);
    }

    #[test]
    fn enumerations_in_both_languages() {
        let status = Lenient::Known(PassportStatus::Confiscated);
        assert_eq!(
            lenient(Some(&status), passport_status),
            "Ditahan pihak lain / Confiscated"
        );
        let typed: Lenient<Visa> = Lenient::Other("e-visa".into());
        assert_eq!(lenient(Some(&typed), visa), "e-visa");
    }
}
