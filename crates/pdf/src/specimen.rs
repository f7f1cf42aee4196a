//! Made-up inputs for the sample, the benchmarks and the screenshots: one mission, one
//! portrait and a crowd of invented people, the same everywhere, so the pictures in docs/ and
//! the figures agree.

use crate::Mission;
use loket_core::enums::{DocumentRequest, PassportStatus, Sex, Visa};
use loket_core::lenient::Lenient;
use loket_core::IntakeRecord;

/// The embassy in Phnom Penh, as the samples print it.
pub fn mission() -> Mission {
    Mission {
        name: "KEDUTAAN BESAR REPUBLIK INDONESIA DI PHNOM PENH".into(),
        address: "No. 1, Street 466, Sangkat Tonle Bassac, Khan Chamkar Mon".into(),
        city: "Phnom Penh".into(),
    }
}

/// A made-up portrait: a head and shoulders on white, 600×800, as PNG bytes.
pub fn portrait_png() -> Vec<u8> {
    let img = image::RgbImage::from_fn(600, 800, |x, y| {
        let (dx, dy) = (x as f32 - 300.0, y as f32 - 330.0);
        let head = dx * dx / (150.0 * 150.0) + dy * dy / (190.0 * 190.0) <= 1.0;
        let shoulders = y > 560 && dx.abs() < 80.0 + (y as f32 - 560.0) * 1.2;
        if head {
            image::Rgb([205, 170, 140])
        } else if shoulders {
            image::Rgb([40, 60, 110])
        } else {
            image::Rgb([255, 255, 255])
        }
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("encoding a PNG in memory");
    out.into_inner()
}

/// `n` invented people (at most 70) made from `base` (the spec's example record), varied in
/// every column the exit-permit list prints. Person 0 is `base` itself. No name is printed
/// inside another: two-word names are distinct pairs, one-word names use words no other uses.
pub fn people(base: &IntakeRecord, n: usize) -> Vec<IntakeRecord> {
    (0..n.min(70)).map(|i| person(base, i)).collect()
}

fn person(base: &IntakeRecord, i: usize) -> IntakeRecord {
    const WOMEN: [&str; 6] = ["SITI", "DEWI", "RINA", "NUR", "FITRI", "YULI"];
    const MEN: [&str; 6] = ["AGUS", "BUDI", "ANDI", "EKO", "HENDRA", "RIZKY"];
    const FAMILY: [&str; 6] = [
        "RAHAYU", "SANTOSO", "WIJAYA", "LESTARI", "HIDAYAT", "SAPUTRA",
    ];
    const ONE_WORD: [&str; 10] = [
        "SUKARNO", "TUMINAH", "PONIJO", "SUPARMI", "WAGIMAN", "KASIYEM", "SURIP", "PAINEM",
        "JUMADI", "SUMIATI",
    ];
    const POINTS: [&str; 4] = [
        "BAVET",
        "PHNOM PENH INTERNATIONAL AIRPORT",
        "POIPET",
        "KAMPOT",
    ];
    const STATUSES: [PassportStatus; 7] = [
        PassportStatus::Confiscated,
        PassportStatus::Held,
        PassportStatus::Lost,
        PassportStatus::Expired,
        PassportStatus::Stolen,
        PassportStatus::NeverIssued,
        PassportStatus::Damaged,
    ];
    const VISAS: [Visa; 5] = [
        Visa::Tourist,
        Visa::Business,
        Visa::None,
        Visa::WorkPermit,
        Visa::Unknown,
    ];
    let mut r = base.clone();
    if i == 0 {
        return r;
    }
    let woman = i.is_multiple_of(2) && i != 10;
    let (name, aliases) = match i {
        10 => (
            "MUHAMMAD RIZKY ANANDA PUTRA WIJAYAKUSUMA".to_string(),
            vec!["M RIZKY"],
        ),
        20 => ("MARIA DA CONCEIÇÃO SOARES".to_string(), vec![]),
        _ if i % 7 == 3 => (ONE_WORD[i / 7].to_string(), vec![]),
        _ => {
            // (j % 6, (j / 6 + j) % 6) differs for every j below 36.
            let j = i / 2;
            let first = if woman { WOMEN } else { MEN }[j % 6];
            let family = FAMILY[(j / 6 + j) % 6];
            (format!("{first} {family}"), vec![])
        }
    };
    let p = &mut r.person;
    p.full_name = Some(name);
    p.aliases = (!aliases.is_empty()).then(|| aliases.into_iter().map(String::from).collect());
    p.sex = Some(Lenient::Known(if woman { Sex::F } else { Sex::M }));
    p.date_of_birth = Some(format!(
        "{}-{:02}-{:02}",
        1978 + i % 25,
        1 + i % 12,
        1 + i * 7 % 28
    ));

    let status = STATUSES[i % 7];
    let passport = r.passport.get_or_insert_with(Default::default);
    passport.status = Some(Lenient::Known(status));
    passport.number = (status != PassportStatus::NeverIssued)
        .then(|| format!("{}{:07}", ["C", "B", "E"][i % 3], 1_000_003 + i * 7_919));
    let request = r.request.get_or_insert_with(Default::default);
    request.document = Some(Lenient::Known(if status == PassportStatus::Held {
        DocumentRequest::None
    } else {
        DocumentRequest::Splp
    }));

    let stay = r.stay.get_or_insert_with(Default::default);
    let entry = chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap_or_default()
        + chrono::Days::new(9 * i as u64);
    let visa = VISAS[i % 5];
    stay.visa = Some(if i == 13 {
        Lenient::Other("e-visa (T)".into())
    } else {
        Lenient::Known(visa)
    });
    stay.entry_date = Some(entry.to_string());
    stay.entry_point = Some(POINTS[i % 4].into());
    let permit = match visa {
        Visa::None | Visa::Unknown => None,
        Visa::WorkPermit => Some(entry + chrono::Days::new(365)),
        _ => Some(entry + chrono::Days::new(30)),
    };
    stay.permit_expiry = permit.map(|d| d.to_string());
    let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 19).unwrap_or_default();
    stay.overstay_days = permit.map(|p| (day - p).num_days().max(0));
    r
}
