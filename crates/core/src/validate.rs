//! Every rule of shared/spec/intake-record.md, as findings.
//!
//! `validate` never fails and never panics: whatever was typed becomes a list of findings. The
//! codes are stable (headquarters and the UI depend on them); the messages are for a person.

use crate::enums::*;
use crate::finding::{Finding, Report, Text};
use crate::lenient::Lenient;
use crate::mrz::{parse_td3, MrzTd3};
use crate::nik::{is_current_province, Nik};
use crate::passport::PassportNumber;
use crate::record::{IntakeRecord, Passport, Person, Request, FORMAT};
use crate::{names, phone};
use chrono::{DateTime, Datelike, NaiveDate};

/// IATA codes of Indonesian airports a returnee may fly into (international and the main
/// domestic ones reached by connecting flights).
pub const INDONESIAN_AIRPORTS: &[&str] = &[
    "AAP", "AMQ", "BDJ", "BDO", "BEJ", "BIK", "BKS", "BPN", "BTH", "BTJ", "BWX", "CGK", "DJB",
    "DJJ", "DPS", "DTB", "GTO", "HLP", "JOG", "KDI", "KJT", "KNO", "KOE", "KTG", "LBJ", "LOP",
    "MDC", "MKQ", "MKW", "MLG", "PDG", "PGK", "PKU", "PKY", "PLM", "PLW", "PNK", "SOC", "SOQ",
    "SRG", "SUB", "TIM", "TJQ", "TKG", "TNJ", "TRK", "TTE", "UPG", "YIA",
];

/// Checks one record as of `today` (the clock is an argument: the core does no IO).
pub fn validate(record: &IntakeRecord, today: NaiveDate) -> Report {
    let mut c = Checker {
        findings: Vec::new(),
        today,
    };
    c.header(record);
    let dob = c.person(&record.person);
    c.evidence(record);
    let passport = record.passport.clone().unwrap_or_default();
    c.passport(&passport, &record.person, dob);
    c.stay_and_compound(record, dob);
    c.screening(record);
    c.vulnerability(record, dob);
    c.request(&record.request.clone().unwrap_or_default(), &passport);
    let screening = record.screening.clone().unwrap_or_default();
    Report {
        findings: c.findings,
        referral: screening.referral(),
        screening_yes: screening.yes_count(),
    }
}

/// Applies the storage rules that are not findings: the format tag, an id and the mission
/// when absent, and names trimmed and upper-cased ("stored upper-case").
pub fn normalize(record: &mut IntakeRecord, mission: &str, new_id: impl FnOnce() -> String) {
    record.format.get_or_insert_with(|| FORMAT.to_string());
    if record.id.as_deref().is_none_or(|s| s.trim().is_empty()) {
        record.id = Some(new_id());
    }
    if record
        .mission
        .as_deref()
        .is_none_or(|s| s.trim().is_empty())
    {
        record.mission = Some(mission.to_string());
    }
    let p = &mut record.person;
    if let Some(name) = &mut p.full_name {
        *name = name.trim().to_uppercase();
    }
    if let Some(aliases) = &mut p.aliases {
        for a in aliases.iter_mut() {
            *a = a.trim().to_uppercase();
        }
        aliases.retain(|a| !a.is_empty());
    }
    for v in [&mut p.nik, &mut p.kk_number, &mut p.place_of_birth]
        .into_iter()
        .flatten()
    {
        *v = v.trim().to_string();
    }
    if let Some(number) = record.passport.as_mut().and_then(|p| p.number.as_mut()) {
        *number = number.trim().to_uppercase();
    }
    if let Some(port) = record
        .request
        .as_mut()
        .and_then(|q| q.port_of_entry.as_mut())
    {
        *port = port.trim().to_ascii_uppercase();
    }
}

/// The age in whole years on `today`.
pub fn age_on(dob: NaiveDate, today: NaiveDate) -> i32 {
    let mut age = today.year() - dob.year();
    if (today.month(), today.day()) < (dob.month(), dob.day()) {
        age -= 1;
    }
    age
}

/// A strict ISO `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    (t.len() == 10)
        .then(|| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
        .flatten()
}

struct Checker {
    findings: Vec<Finding>,
    today: NaiveDate,
}

fn t(id: impl Into<String>, en: impl Into<String>) -> Text {
    Text::new(id, en)
}

fn blank(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|s| s.trim().is_empty())
}

impl Checker {
    fn error(&mut self, field: &str, code: &'static str, message: Text) {
        self.findings.push(Finding::error(field, code, message));
    }

    fn warning(&mut self, field: &str, code: &'static str, message: Text) {
        self.findings.push(Finding::warning(field, code, message));
    }

    /// A date field: `None` when absent, an error when not a real ISO date.
    fn date(&mut self, field: &str, value: &Option<String>) -> Option<NaiveDate> {
        let text = value.as_deref().filter(|s| !s.trim().is_empty())?;
        let date = parse_date(text);
        if date.is_none() {
            self.error(
                field,
                "date.invalid",
                t(
                    format!("{text:?} bukan tanggal yang benar (TTTT-BB-HH)"),
                    format!("{text:?} is not a real date (YYYY-MM-DD)"),
                ),
            );
        }
        date
    }

    /// An enumeration: an error naming the allowed words when the typed one is not among them.
    fn known<T>(&mut self, field: &str, value: &Lenient<T>, allowed: &str) {
        if let Lenient::Other(text) = value {
            self.error(
                field,
                "value.invalid",
                t(
                    format!("{text:?} tidak dikenal; pilih salah satu: {allowed}"),
                    format!("{text:?} is not known; choose one of: {allowed}"),
                ),
            );
        }
    }

    fn required(&mut self, field: &str, what_id: &str, what_en: &str) {
        self.error(
            field,
            "value.required",
            t(
                format!("{what_id} wajib diisi"),
                format!("{what_en} is required"),
            ),
        );
    }

    fn header(&mut self, r: &IntakeRecord) {
        match r.format.as_deref() {
            None => self.error(
                "format",
                "format.missing",
                t(
                    format!("Format data tidak ada; seharusnya {FORMAT}"),
                    format!("The record has no format; it should be {FORMAT}"),
                ),
            ),
            Some(FORMAT) => {}
            Some(other) => self.error(
                "format",
                "format.invalid",
                t(
                    format!("Format {other:?} tidak dikenal; seharusnya {FORMAT}"),
                    format!("Unknown format {other:?}; it should be {FORMAT}"),
                ),
            ),
        }
        if let Some(id) = &r.id {
            // Only the canonical hyphenated form, as the schema's `format: uuid` says.
            if id.len() != 36 || uuid::Uuid::try_parse(id).is_err() {
                self.error(
                    "id",
                    "id.invalid",
                    t("ID kasus bukan UUID", "The case id is not a UUID"),
                );
            }
        }
        if let Some(m) = &r.mission {
            let ok = (2..=8).contains(&m.len())
                && m.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
            if !ok {
                self.error(
                    "mission",
                    "mission.invalid",
                    t(
                        "Kode perwakilan harus 2–8 huruf besar atau angka",
                        "The mission code is 2–8 upper-case letters or digits",
                    ),
                );
            }
        }
        if let Some(at) = r.interviewed_at.as_deref() {
            if DateTime::parse_from_rfc3339(at).is_err() {
                self.error(
                    "interviewed_at",
                    "datetime.invalid",
                    t(
                        "Waktu wawancara harus RFC 3339 dengan zona waktu, mis. 2026-01-19T09:12:00+07:00",
                        "The interview time must be RFC 3339 with an offset, e.g. 2026-01-19T09:12:00+07:00",
                    ),
                );
            }
        }
    }

    /// Returns the birth date when it is a real one, for the rules that depend on it.
    fn person(&mut self, p: &Person) -> Option<NaiveDate> {
        self.full_name(p.full_name.as_deref());
        if let Some(aliases) = &p.aliases {
            for (i, a) in aliases.iter().enumerate() {
                if !a.trim().is_empty() {
                    self.name_chars(&format!("person.aliases[{i}]"), a);
                }
            }
        }
        match &p.sex {
            None => self.required("person.sex", "Jenis kelamin", "Sex"),
            Some(s) => self.known("person.sex", s, "M, F"),
        }
        let dob = if blank(&p.date_of_birth) {
            self.required("person.date_of_birth", "Tanggal lahir", "Date of birth");
            None
        } else {
            self.date("person.date_of_birth", &p.date_of_birth)
        };
        let dob = dob.filter(|d| self.birth_date_plausible(*d));
        if blank(&p.place_of_birth) {
            self.required("person.place_of_birth", "Tempat lahir", "Place of birth");
        }
        if let Some(nik) = p.nik.as_deref().filter(|s| !s.trim().is_empty()) {
            self.nik(nik, p.sex.as_ref().and_then(Lenient::known), dob);
        }
        if let Some(kk) = p.kk_number.as_deref().filter(|s| !s.trim().is_empty()) {
            let kk = kk.trim();
            if kk.len() != 16 || !kk.bytes().all(|b| b.is_ascii_digit()) {
                self.error(
                    "person.kk_number",
                    "kk.format",
                    t(
                        "Nomor KK harus terdiri dari tepat 16 angka",
                        "A KK number is exactly 16 digits",
                    ),
                );
            }
        }
        if let Some(code) = p.address_id.as_ref().and_then(|a| a.province.as_deref()) {
            if !is_current_province(code.trim()) {
                self.error(
                    "person.address_id.province",
                    "province.invalid",
                    t(
                        format!("Kode provinsi {code:?} tidak ada"),
                        format!("Province code {code:?} does not exist"),
                    ),
                );
            }
        }
        self.phone("person.phone", &p.phone);
        if let Some(kin) = &p.next_of_kin {
            self.phone("person.next_of_kin.phone", &kin.phone);
        }
        dob
    }

    fn full_name(&mut self, name: Option<&str>) {
        let field = "person.full_name";
        let name = name.unwrap_or("").trim();
        if name.is_empty() {
            return self.required(field, "Nama lengkap", "Full name");
        }
        let len = name.chars().count();
        if len > 60 {
            self.error(
                field,
                "name.length",
                t(
                    format!("Nama lengkap berisi {len} karakter; paling banyak 60"),
                    format!("The full name has {len} characters; at most 60"),
                ),
            );
        }
        self.name_chars(field, name);
        if !name.chars().any(char::is_alphabetic) {
            self.error(
                field,
                "name.characters",
                t("Nama harus berisi huruf", "A name must contain letters"),
            );
        }
    }

    fn name_chars(&mut self, field: &str, name: &str) {
        let bad = name.chars().find(|c| {
            !(c.is_alphabetic()
                || unicode_normalization::char::is_combining_mark(*c)
                || matches!(c, ' ' | '\'' | '.' | '-'))
        });
        if let Some(c) = bad {
            self.error(
                field,
                "name.characters",
                t(
                    format!("Nama tidak boleh berisi {c:?}; hanya huruf, spasi, ' . -"),
                    format!("A name cannot contain {c:?}; only letters, space, ' . -"),
                ),
            );
        }
    }

    fn birth_date_plausible(&mut self, dob: NaiveDate) -> bool {
        let field = "person.date_of_birth";
        if dob > self.today {
            self.error(
                field,
                "date_of_birth.future",
                t(
                    "Tanggal lahir di masa depan",
                    "The date of birth is in the future",
                ),
            );
            return false;
        }
        if age_on(dob, self.today) > 120 {
            self.error(
                field,
                "date_of_birth.too_old",
                t(
                    "Tanggal lahir berarti umur lebih dari 120 tahun",
                    "The date of birth means an age over 120",
                ),
            );
            return false;
        }
        true
    }

    fn nik(&mut self, text: &str, sex: Option<&Sex>, dob: Option<NaiveDate>) {
        let field = "person.nik";
        let nik = match Nik::parse(text) {
            Ok(nik) => nik,
            Err(problems) => {
                for p in problems {
                    self.error(field, p.code, p.message);
                }
                return;
            }
        };
        if let Some(sex) = sex {
            if nik.sex() != *sex {
                let (id, en) = match nik.sex() {
                    Sex::F => (
                        "NIK berisi tanggal lahir perempuan (+40) tetapi jenis kelamin M",
                        "NIK encodes a woman's birth day (+40) but sex is M",
                    ),
                    Sex::M => (
                        "NIK berisi tanggal lahir laki-laki (tanpa +40) tetapi jenis kelamin F",
                        "NIK encodes a man's birth day (no +40) but sex is F",
                    ),
                };
                self.warning(field, "nik.sex_mismatch", t(id, en));
            }
        }
        if let Some(dob) = dob {
            let (d, m, yy) = nik.birth_day_month_yy();
            if (d, m, yy) != (dob.day(), dob.month(), (dob.year() % 100) as u32) {
                self.warning(
                    field,
                    "nik.date_mismatch",
                    t(
                        format!("NIK berisi tanggal lahir {d:02}-{m:02}-{yy:02}, berbeda dari tanggal lahir yang dicatat"),
                        format!("NIK encodes birth date {d:02}-{m:02}-{yy:02}, not the date of birth recorded"),
                    ),
                );
            }
        }
    }

    fn phone(&mut self, field: &str, value: &Option<String>) {
        if let Some(p) = value.as_deref().filter(|s| !s.trim().is_empty()) {
            if !phone::is_valid(p) {
                self.error(
                    field,
                    "phone.invalid",
                    t(
                        "Nomor telepon: +, angka, spasi, tanda hubung; 7–15 angka",
                        "Phone number: +, digits, spaces, hyphens; 7–15 digits",
                    ),
                );
            }
        }
    }

    fn evidence(&mut self, r: &IntakeRecord) {
        let evidence = r.evidence.as_deref().unwrap_or(&[]);
        for (i, e) in evidence.iter().enumerate() {
            self.known(
                &format!("evidence[{i}]"),
                e,
                "ektp, kk, birth_certificate, marriage_book, diploma, driving_licence, government_letter, passport_copy",
            );
        }
        if evidence.is_empty() && r.requests_splp() {
            self.warning(
                "evidence",
                "evidence.none",
                t(
                    "Tidak ada bukti kewarganegaraan: kewarganegaraan ditetapkan lewat wawancara (lebih lama)",
                    "No proof of citizenship: citizenship is established by interview (takes longer)",
                ),
            );
        }
    }

    fn passport(&mut self, p: &Passport, person: &Person, dob: Option<NaiveDate>) {
        let status = match &p.status {
            None => {
                self.required("passport.status", "Status paspor", "Passport status");
                None
            }
            Some(s) => {
                self.known(
                    "passport.status",
                    s,
                    "held, confiscated, lost, stolen, damaged, expired, never_issued",
                );
                s.known().copied()
            }
        };
        let number = match p.number.as_deref().filter(|s| !s.trim().is_empty()) {
            None => {
                if status.is_some_and(PassportStatus::number_required) {
                    self.required(
                        "passport.number",
                        "Nomor paspor (paspor ada di tangan)",
                        "The passport number (the person has the passport)",
                    );
                }
                None
            }
            Some(text) => match PassportNumber::parse(text) {
                None => {
                    self.error(
                        "passport.number",
                        "passport.number_format",
                        PassportNumber::format_error(),
                    );
                    None
                }
                Some(n) => {
                    if !n.is_usual() {
                        self.warning(
                            "passport.number",
                            "passport.number_unusual",
                            t(
                                "Nomor paspor Indonesia biasanya 1 huruf dan 7 angka; periksa lagi",
                                "Indonesian passport numbers are usually 1 letter and 7 digits; check again",
                            ),
                        );
                    }
                    Some(n)
                }
            },
        };
        let expiry = self.date("passport.expiry_date", &p.expiry_date);
        if status == Some(PassportStatus::Held) && expiry.is_some_and(|e| e < self.today) {
            self.warning(
                "passport.expiry_date",
                "passport.expired",
                t(
                    "Paspor yang dipegang sudah habis masa berlakunya",
                    "The passport held has expired",
                ),
            );
        }
        // An empty list is no zone at all.
        if let Some(lines) = p.mrz.as_ref().filter(|l| !l.is_empty()) {
            self.mrz(lines, number.as_ref(), person, dob);
        }
    }

    fn mrz(
        &mut self,
        lines: &[String],
        number: Option<&PassportNumber>,
        person: &Person,
        dob: Option<NaiveDate>,
    ) {
        let field = "passport.mrz";
        let [l1, l2] = lines else {
            return self.error(
                field,
                "mrz.lines",
                t(
                    format!("MRZ harus 2 baris, bukan {}", lines.len()),
                    format!("The MRZ must be 2 lines, not {}", lines.len()),
                ),
            );
        };
        let m = match parse_td3(l1, l2, self.today) {
            Ok(m) => m,
            Err(e) => return self.error(field, e.code, e.message),
        };
        for (check, ok) in m.checks.named() {
            if !ok {
                self.error(
                    field,
                    "mrz.check_digit",
                    t(
                        format!(
                            "Digit pemeriksa MRZ untuk {} salah: baca ulang paspor",
                            check_id(check)
                        ),
                        format!(
                            "The MRZ check digit for the {} fails: read the passport again",
                            check.replace('_', " ")
                        ),
                    ),
                );
            }
        }
        if m.date_of_birth.is_none() || m.expiry_date.is_none() {
            self.error(
                field,
                "mrz.date",
                t(
                    "Tanggal di MRZ bukan tanggal yang ada",
                    "A date in the MRZ is not a real date",
                ),
            );
        }
        self.mrz_against_record(&m, number, person, dob);
    }

    fn mrz_against_record(
        &mut self,
        m: &MrzTd3,
        number: Option<&PassportNumber>,
        person: &Person,
        dob: Option<NaiveDate>,
    ) {
        let field = "passport.mrz";
        if let Some(n) = number {
            if n.as_str() != m.number {
                self.error(
                    field,
                    "mrz.number_mismatch",
                    t(
                        format!(
                            "Nomor dokumen di MRZ ({}) berbeda dari nomor paspor",
                            m.number
                        ),
                        format!(
                            "The MRZ document number ({}) differs from the passport number",
                            m.number
                        ),
                    ),
                );
            }
        }
        if let (Some(a), Some(b)) = (m.date_of_birth, dob) {
            if a != b {
                self.error(
                    field,
                    "mrz.date_of_birth_mismatch",
                    t(
                        format!("Tanggal lahir di MRZ ({a}) berbeda dari tanggal lahir"),
                        format!("The MRZ date of birth ({a}) differs from the date of birth"),
                    ),
                );
            }
        }
        if let (Some(a), Some(b)) = (m.sex, person.sex.as_ref().and_then(Lenient::known)) {
            if a != *b {
                self.warning(
                    field,
                    "mrz.sex_mismatch",
                    t(
                        "Jenis kelamin di MRZ berbeda dari yang dicatat",
                        "The sex in the MRZ differs from the one recorded",
                    ),
                );
            }
        }
        let mrz_name = format!("{} {}", m.primary, m.secondary);
        let recorded = person
            .full_name
            .iter()
            .chain(person.aliases.iter().flatten());
        let mut any = false;
        let mut same = false;
        for name in recorded {
            any = true;
            same |= names::key(name) == names::key(&mrz_name);
        }
        if any && !same {
            self.warning(
                field,
                "mrz.name_mismatch",
                t(
                    "Nama di MRZ berbeda dari nama lengkap dan alias: tambahkan sebagai alias bila benar",
                    "The MRZ name differs from the full name and aliases: add it as an alias if right",
                ),
            );
        }
        for (what_id, what_en, value) in [
            ("Negara penerbit", "Issuing state", &m.issuing_state),
            ("Kewarganegaraan", "Nationality", &m.nationality),
        ] {
            if value != "IDN" {
                let code = if what_en == "Issuing state" {
                    "mrz.issuing_state"
                } else {
                    "mrz.nationality"
                };
                self.warning(
                    field,
                    code,
                    t(
                        format!("{what_id} di MRZ {value:?}, bukan IDN"),
                        format!("{what_en} in the MRZ is {value:?}, not IDN"),
                    ),
                );
            }
        }
    }

    fn stay_and_compound(&mut self, r: &IntakeRecord, dob: Option<NaiveDate>) {
        let stay = r.stay.clone().unwrap_or_default();
        let entry = self.date("stay.entry_date", &stay.entry_date);
        if let Some(entry) = entry {
            if dob.is_some_and(|d| entry < d) {
                self.error(
                    "stay.entry_date",
                    "entry_date.before_birth",
                    t(
                        "Tanggal masuk sebelum tanggal lahir",
                        "The entry date is before the date of birth",
                    ),
                );
            }
            if entry > self.today {
                self.error(
                    "stay.entry_date",
                    "entry_date.future",
                    t(
                        "Tanggal masuk di masa depan",
                        "The entry date is in the future",
                    ),
                );
            }
        }
        if let Some(v) = &stay.visa {
            self.known(
                "stay.visa",
                v,
                "tourist, business, work_permit, residence_permit, none, unknown",
            );
        }
        self.date("stay.permit_expiry", &stay.permit_expiry);
        if stay.overstay_days.is_some_and(|d| d < 0) {
            self.error(
                "stay.overstay_days",
                "overstay_days.negative",
                t(
                    "Jumlah hari overstay tidak boleh negatif",
                    "Overstay days cannot be negative",
                ),
            );
        }
        let compound = r.compound.clone().unwrap_or_default();
        let from = self.date("compound.from", &compound.from);
        let until = self.date("compound.until", &compound.until);
        if let (Some(f), Some(u)) = (from, until) {
            if u < f {
                self.error(
                    "compound.until",
                    "compound.order",
                    t(
                        "Tanggal keluar kompleks sebelum tanggal masuk kompleks",
                        "Left the compound before arriving there",
                    ),
                );
            }
        }
        if let (Some(f), Some(e)) = (from, entry) {
            if f < e {
                self.warning(
                    "compound.from",
                    "compound.before_entry",
                    t(
                        "Tiba di kompleks sebelum tanggal masuk ke negara ini: periksa tanggalnya",
                        "Arrived at the compound before entering the country: check the dates",
                    ),
                );
            }
        }
    }

    fn screening(&mut self, r: &IntakeRecord) {
        let Some(s) = &r.screening else { return };
        for (key, answer) in s.answers() {
            if let Some(a) = answer {
                self.known(&format!("screening.{key}"), a, "yes, no, declined");
            }
        }
        for key in s.unknown.keys() {
            self.error(
                &format!("screening.{key}"),
                "screening.unknown",
                t(
                    format!("{key:?} bukan indikator skrining"),
                    format!("{key:?} is not a screening indicator"),
                ),
            );
        }
    }

    fn vulnerability(&mut self, r: &IntakeRecord, dob: Option<NaiveDate>) {
        let list = r.vulnerability.as_deref().unwrap_or(&[]);
        for (i, v) in list.iter().enumerate() {
            self.known(
                &format!("vulnerability[{i}]"),
                v,
                "minor, pregnant, ill, injured, mental_distress, disability",
            );
        }
        let minor_marked = list
            .iter()
            .any(|v| v.known() == Some(&Vulnerability::Minor));
        if dob.is_some_and(|d| age_on(d, self.today) < 18) && !minor_marked {
            self.warning(
                "vulnerability",
                "vulnerability.minor_missing",
                t(
                    "Umur di bawah 18 tahun: tandai sebagai anak (minor)",
                    "Under 18: mark as a minor",
                ),
            );
        }
    }

    fn request(&mut self, q: &Request, passport: &Passport) {
        let document = match &q.document {
            None => {
                self.required("request.document", "Jenis permohonan", "The request");
                None
            }
            Some(d) => {
                self.known("request.document", d, "splp, none");
                d.known().copied()
            }
        };
        if let Some(f) = &q.travel_funding {
            self.known("request.travel_funding", f, "self, family, state, other");
        }
        if let Some(reason) = &q.reason {
            self.known(
                "request.reason",
                reason,
                "lost, stolen, confiscated, damaged, expired, illegal_stay, revoked",
            );
        }
        if let Some(port) = q.port_of_entry.as_deref().filter(|s| !s.trim().is_empty()) {
            let code = port.trim().to_ascii_uppercase();
            if !INDONESIAN_AIRPORTS.contains(&code.as_str()) {
                self.error(
                    "request.port_of_entry",
                    "port_of_entry.invalid",
                    t(
                        format!("{port:?} bukan kode IATA bandara Indonesia"),
                        format!("{port:?} is not the IATA code of an Indonesian airport"),
                    ),
                );
            }
        }
        if document != Some(DocumentRequest::Splp) {
            return;
        }
        if q.reason.is_none() {
            self.required("request.reason", "Alasan SPLP", "The reason for the SPLP");
        }
        if blank(&q.port_of_entry) {
            self.required(
                "request.port_of_entry",
                "Bandara tujuan di Indonesia",
                "The port of entry in Indonesia",
            );
        }
        let held = passport.status.as_ref().and_then(Lenient::known) == Some(&PassportStatus::Held);
        let valid = passport
            .expiry_date
            .as_deref()
            .and_then(parse_date)
            .is_some_and(|e| e >= self.today);
        if held && valid {
            self.error(
                "request.document",
                "request.splp_with_valid_passport",
                t(
                    "Pemegang paspor yang masih berlaku tidak diberi SPLP: minta ia membeli tiket dan pulang sendiri",
                    "A person holding a valid passport gets no SPLP: they buy a ticket and travel on it",
                ),
            );
        }
    }
}

fn check_id(check: &str) -> &'static str {
    match check {
        "number" => "nomor dokumen",
        "date_of_birth" => "tanggal lahir",
        "expiry_date" => "tanggal habis berlaku",
        "optional" => "data opsional",
        _ => "gabungan (komposit)",
    }
}
