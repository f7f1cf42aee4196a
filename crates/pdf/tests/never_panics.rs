//! `render` and `render_exit_list` take whatever a draft may hold: any text in any field,
//! unknown enumeration words, huge numbers. They never panic, and what they return is a PDF.

use loket_core::lenient::Lenient;
use loket_core::record::*;
use loket_core::IntakeRecord;
use loket_pdf::{render, render_exit_list, ExitListPage, Mark, Mission, RequestPage};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        any::<String>().prop_map(Some),
        "[A-Za-zÀ-ÿĀ-ž .'-]{0,80}".prop_map(Some),
        "\\PC{0,400}".prop_map(Some),
    ]
}

fn lenient<T: std::fmt::Debug + Clone + 'static>(
    known: impl Strategy<Value = T> + 'static,
) -> impl Strategy<Value = Option<Lenient<T>>> {
    prop_oneof![
        Just(None),
        known.prop_map(|t| Some(Lenient::Known(t))),
        any::<String>().prop_map(|s| Some(Lenient::Other(s))),
    ]
}

fn record() -> impl Strategy<Value = IntakeRecord> {
    use loket_core::enums::*;
    let person = (
        (
            text(),
            prop::option::of(prop::collection::vec(any::<String>(), 0..30)),
        ),
        (text(), text(), text(), text(), text(), text()),
        (text(), text(), text(), text(), text()),
        lenient(prop_oneof![Just(Sex::M), Just(Sex::F)]),
    )
        .prop_map(
            |(
                (name, aliases),
                (dob, pob, nik, kk, mother, phone),
                (line, village, district, regency, province),
                sex,
            )| Person {
                full_name: name,
                aliases,
                sex,
                date_of_birth: dob,
                place_of_birth: pob,
                nik,
                kk_number: kk,
                mother_name: mother,
                address_id: Some(AddressId {
                    line,
                    village,
                    district,
                    regency,
                    province,
                }),
                phone: phone.clone(),
                next_of_kin: Some(NextOfKin {
                    name: phone.clone(),
                    relation: phone,
                    phone: None,
                }),
            },
        );
    let rest = (
        prop::option::of(prop::collection::vec(
            prop_oneof![
                Just(Lenient::Known(Evidence::Ektp)),
                Just(Lenient::Known(Evidence::PassportCopy)),
                any::<String>().prop_map(Lenient::Other),
            ],
            0..12,
        )),
        (lenient(Just(PassportStatus::Lost)), text(), text()),
        (
            text(),
            text(),
            lenient(Just(Visa::Unknown)),
            any::<Option<i64>>(),
        ),
        (
            lenient(Just(DocumentRequest::Splp)),
            lenient(Just(RequestReason::IllegalStay)),
            text(),
            lenient(Just(TravelFunding::OwnMeans)),
        ),
    );
    (person, rest).prop_map(
        |(
            person,
            (
                evidence,
                (status, number, expiry),
                (entry, point, visa, overstay),
                (doc, reason, port, funding),
            ),
        )| {
            IntakeRecord {
                person,
                evidence,
                passport: Some(Passport {
                    status,
                    number,
                    expiry_date: expiry,
                    mrz: None,
                }),
                stay: Some(Stay {
                    entry_date: entry.clone(),
                    entry_point: point,
                    visa,
                    permit_expiry: entry,
                    overstay_days: overstay,
                }),
                request: Some(Request {
                    document: doc,
                    reason,
                    port_of_entry: port,
                    travel_funding: funding,
                }),
                ..IntakeRecord::default()
            }
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn render_never_panics(
        record in record(),
        mission in (any::<String>(), any::<String>(), any::<String>()),
        (serial, case_id, officer) in (any::<String>(), any::<String>(), "\\PC{0,200}"),
        mark in prop_oneof![Just(Mark::Original), Just(Mark::Reprint), Just(Mark::Void)],
        version in any::<u32>(),
        payload in "[ -~]{0,300}",
    ) {
        let mission = Mission { name: mission.0, address: mission.1, city: mission.2 };
        let page = RequestPage {
            mission: &mission,
            serial: &serial,
            mark,
            case_id: &case_id,
            version,
            record: &record,
            qr_payload: &payload,
            photo: None,
            date: chrono::NaiveDate::from_ymd_opt(2026, 1, 19).unwrap(),
            officer: &officer,
        };
        let pdf = render(&page).expect("a payload of 300 ASCII bytes always fits");
        prop_assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn exit_list_never_panics(
        people in prop::collection::vec(record(), 0..4),
        mission in (any::<String>(), any::<String>(), any::<String>()),
        (number, officer) in (any::<String>(), "\\PC{0,200}"),
        reprint in any::<bool>(),
    ) {
        let mission = Mission { name: mission.0, address: mission.1, city: mission.2 };
        let list = ExitListPage {
            mission: &mission,
            number: &number,
            date: chrono::NaiveDate::from_ymd_opt(2026, 1, 19).unwrap(),
            officer: &officer,
            people: &people,
            reprint,
        };
        let pdf = render_exit_list(&list).expect("a list always renders");
        prop_assert!(pdf.starts_with(b"%PDF-"));
    }
}

/// A small real image of each accepted format, to damage.
fn seed_images() -> Vec<Vec<u8>> {
    let img = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(24, 32, |x, y| {
        image::Rgb([(x * 9) as u8, (y * 7) as u8, 128])
    }));
    [image::ImageFormat::Jpeg, image::ImageFormat::Png]
        .into_iter()
        .map(|f| {
            let mut out = std::io::Cursor::new(Vec::new());
            img.write_to(&mut out, f).unwrap();
            out.into_inner()
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Damaged photos (bytes flipped, cut short) and arbitrary bytes: an error or a photo of
    /// the right shape, never a panic.
    #[test]
    fn photos_never_panic(
        which in 0usize..2,
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        cut in any::<prop::sample::Index>(),
        random in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut bytes = seed_images().swap_remove(which);
        for (at, b) in flips {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        let len = bytes.len();
        bytes.truncate(len - cut.index(len / 4 + 1));
        for input in [&bytes[..], &random[..]] {
            if let Ok(photo) = loket_pdf::Photo::from_image(input) {
                prop_assert!(loket_pdf::Photo::from_stored(photo.jpeg()).is_ok());
            }
        }
    }
}
