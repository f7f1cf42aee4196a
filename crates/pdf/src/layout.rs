//! Where everything goes on the page: header, five sections of labelled fields, the photo
//! box, signatures, QR code and footer. One A4 page for any record that passes validation;
//! a second page only when long values leave no other way.

use crate::draw::{Canvas, Ink, Measure, Style, LEFT, RIGHT, TOP};
use crate::fonts::Face;
use crate::labels::{self as l, both, cap, date, lenient, or_absent, Bi};
use crate::qr::{Modules, QUIET_ZONE};
use crate::{Mark, RequestPage};
use printpdf::{FontId, XObjectId};

// The page grid, in mm (the margins are draw.rs').
/// Lowest point of section content on a page.
const CONTENT_BOTTOM: f32 = 278.0;
/// The footer's rule.
const FOOTER_Y: f32 = 283.0;
/// Label column width: every label fits in it (tested).
const LABEL_W: f32 = 33.0;
/// Start of the second column in a two-field row.
const MID: f32 = 106.0;
/// Gap between a value and the next column.
const GUTTER: f32 = 3.0;
/// The photo box: 3×4 cm, against the right margin.
const PHOTO_W: f32 = 30.0;
const PHOTO_H: f32 = 40.0;
/// The QR code's side including its quiet zone.
const QR_SIDE: f32 = 34.0;
/// Widest the serial number may print.
const SERIAL_MAX_W: f32 = 75.0;
/// Height of the signature and QR block at the end of the form.
const SIGN_H: f32 = 40.0;
/// Longest value printed, in characters: a validated record never comes near it, a draft
/// with pasted text cannot run to many pages.
const MAX_VALUE_CHARS: usize = 240;
/// Most aliases listed; more are counted.
const MAX_ALIASES: usize = 10;

const VALUE: Style = Style::new(Face::Regular, 9.5, Ink::Black);
const VALUE_STRONG: Style = Style::new(Face::Bold, 10.5, Ink::Black);
const LABEL_ID: Style = Style::new(Face::Regular, 7.5, Ink::Black);
const LABEL_EN: Style = Style::new(Face::Regular, 6.5, Ink::Grey);
const SECTION_ID: Style = Style::new(Face::Bold, 8.5, Ink::Black);
const SECTION_EN: Style = Style::new(Face::Regular, 7.5, Ink::Grey);
const SMALL: Style = Style::new(Face::Regular, 7.0, Ink::Black);
const SMALL_GREY: Style = Style::new(Face::Regular, 6.5, Ink::Grey);
const VALUE_LINE: f32 = 4.1;

/// One labelled value.
struct Field {
    label: Bi,
    value: String,
    strong: bool,
}

fn field(label: Bi, value: String) -> Field {
    Field {
        label,
        value: cap(value, MAX_VALUE_CHARS),
        strong: false,
    }
}

/// Resources the layout places: fonts, photo, QR modules.
pub(crate) struct Resources<'a> {
    pub measure: Measure,
    pub regular: FontId,
    pub bold: FontId,
    pub photo: Option<XObjectId>,
    pub qr: &'a Modules,
}

/// The page operations of the request, one `Vec` per page.
pub(crate) fn compose(page: &RequestPage, res: &Resources) -> Vec<Vec<printpdf::Op>> {
    let mut f = Form {
        page,
        res,
        pages: Vec::new(),
        canvas: Canvas::new(res.measure, res.regular.clone(), res.bold.clone()),
        y: 0.0,
    };
    f.y = f.first_header();
    f.identity();
    f.evidence();
    f.passport();
    f.stay();
    f.request();
    f.signatures();
    f.finish()
}

struct Form<'p, 'r> {
    page: &'p RequestPage<'p>,
    res: &'r Resources<'r>,
    pages: Vec<Canvas>,
    canvas: Canvas,
    /// Top of the next thing to place, mm from the top of the page.
    y: f32,
}

impl Form<'_, '_> {
    fn m(&self) -> Measure {
        self.res.measure
    }

    /// Mission, serial and mark, title. Returns where the sections start.
    fn first_header(&mut self) -> f32 {
        let mission = self.page.mission;
        let right_bottom = self.serial_block(TOP);
        let left_w = RIGHT - LEFT - self.serial_width() - 6.0;
        let mut y = TOP + 4.0;
        let name = Style::new(Face::Bold, 10.5, Ink::Black);
        for line in self
            .m()
            .wrap(name, &mission.name, left_w)
            .into_iter()
            .take(2)
        {
            self.canvas.text(LEFT, y, name, &line);
            y += 4.6;
        }
        let addr = Style::new(Face::Regular, 8.0, Ink::Grey);
        let address = [mission.address.trim(), mission.city.trim()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        for line in self.m().wrap(addr, &address, left_w).into_iter().take(3) {
            self.canvas.text(LEFT, y, addr, &line);
            y += 3.5;
        }
        let y = y.max(right_bottom) + 1.0;
        self.canvas.hline(LEFT, RIGHT, y, Ink::Black, 0.8);

        let title = Style::new(Face::Bold, 12.5, Ink::Black);
        let center = (LEFT + RIGHT) / 2.0;
        let mut y = y + 6.5;
        for line in self.m().wrap(title, l::TITLE.0, RIGHT - LEFT) {
            self.canvas.text_center(center, y, title, &line);
            y += 5.2;
        }
        let sub = Style::new(Face::Regular, 9.0, Ink::Grey);
        self.canvas.text_center(center, y - 0.8, sub, l::TITLE.1);
        y += 4.0;
        let meta = format!(
            "{} / {}: {}     {} / {}: {}",
            l::CASE.0,
            l::CASE.1,
            self.page.case_id,
            l::VERSION.0,
            l::VERSION.1,
            self.page.version
        );
        let meta = self.m().fit(SMALL, &meta, RIGHT - LEFT);
        self.canvas.text_center(center, y, SMALL, &meta);
        y + 3.0
    }

    /// The serial number against the right margin, and the mark under it. Returns its
    /// bottom.
    fn serial_block(&mut self, top: f32) -> f32 {
        let label = format!("{} / {}", l::SERIAL.0, l::SERIAL.1);
        self.canvas.text_right(RIGHT, top + 3.0, SMALL_GREY, &label);
        let serial = self.serial_style();
        let text = self.m().fit(serial, self.page.serial, SERIAL_MAX_W);
        self.canvas.text_right(RIGHT, top + 8.5, serial, &text);
        let mut bottom = top + 10.0;
        let mark = match self.page.mark {
            Mark::Original => None,
            Mark::Reprint => Some(l::REPRINT),
            Mark::Void => Some(l::VOID),
        };
        if let Some(mark) = mark {
            bottom = self.canvas.boxed_mark(RIGHT, top + 10.5, &both(mark));
        }
        bottom
    }

    /// The serial in bold, as large as fits `SERIAL_MAX_W`.
    fn serial_style(&self) -> Style {
        let mut serial = Style::new(Face::Bold, 13.0, Ink::Black);
        let text = self.m().printable(serial, self.page.serial);
        while serial.size > 7.0 && self.m().width(serial, &text) > SERIAL_MAX_W {
            serial.size -= 0.5;
        }
        serial
    }

    /// Width of the serial as printed, at least that of its label.
    fn serial_width(&self) -> f32 {
        let style = self.serial_style();
        let text = self.m().fit(style, self.page.serial, SERIAL_MAX_W);
        self.m().width(style, &text).max(40.0)
    }

    /// Closes the current page and opens the next, with a short header naming the serial.
    fn new_page(&mut self) {
        let next = Canvas::new(
            self.res.measure,
            self.res.regular.clone(),
            self.res.bold.clone(),
        );
        self.pages.push(std::mem::replace(&mut self.canvas, next));
        let bottom = self.serial_block(TOP);
        let title = Style::new(Face::Bold, 9.0, Ink::Black);
        let t = format!("{} (lanjutan / continued)", l::TITLE.0);
        let t = self.m().fit(title, &t, 100.0);
        self.canvas.text(LEFT, TOP + 8.5, title, &t);
        self.canvas
            .hline(LEFT, RIGHT, bottom + 1.0, Ink::Black, 0.8);
        self.y = bottom + 4.0;
    }

    /// Starts a new page unless `h` mm still fit above `bottom`.
    fn ensure(&mut self, h: f32, bottom: f32) {
        if self.y + h > bottom {
            self.new_page();
        }
    }

    fn section(&mut self, (id, en): Bi) {
        // A heading is never left alone at the foot of a page.
        self.ensure(6.5 + 8.0, CONTENT_BOTTOM);
        let y = self.y + 1.2;
        self.canvas
            .fill_rect(LEFT, y, RIGHT - LEFT, 5.0, Ink::Shade);
        self.canvas.text(LEFT + 1.5, y + 3.6, SECTION_ID, id);
        let w = self
            .m()
            .width(SECTION_ID, &self.m().printable(SECTION_ID, id));
        self.canvas.text(
            LEFT + 1.5 + w + 2.0,
            y + 3.6,
            SECTION_EN,
            &format!("/ {en}"),
        );
        self.y = y + 6.0;
    }

    /// Lays one row of one or two fields between `LEFT` and `right`, on a new page if it
    /// does not fit.
    fn row(&mut self, fields: &[Field], right: f32) {
        let cols: Vec<(f32, f32)> = match fields.len() {
            1 => vec![(LEFT, right)],
            _ => vec![(LEFT, MID - GUTTER), (MID, right)],
        };
        let laid: Vec<Vec<String>> = fields
            .iter()
            .zip(&cols)
            .map(|(f, (x, end))| {
                let style = if f.strong { VALUE_STRONG } else { VALUE };
                self.m().wrap(style, &f.value, end - x - LABEL_W)
            })
            .collect();
        let lines = laid.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let h = (3.4 + (lines - 1) as f32 * VALUE_LINE + 2.4).max(6.5);
        self.ensure(h, CONTENT_BOTTOM);
        let top = self.y;
        for ((f, (x, end)), lines) in fields.iter().zip(&cols).zip(&laid) {
            self.canvas.text(*x, top + 2.9, LABEL_ID, f.label.0);
            self.canvas.text(*x, top + 5.3, LABEL_EN, f.label.1);
            let style = if f.strong { VALUE_STRONG } else { VALUE };
            for (i, line) in lines.iter().enumerate() {
                self.canvas
                    .text(x + LABEL_W, top + 3.2 + i as f32 * VALUE_LINE, style, line);
            }
            self.canvas
                .hline(x + LABEL_W, *end, top + h - 0.5, Ink::Rule, 0.3);
        }
        self.y = top + h;
    }

    fn identity(&mut self) {
        let r = self.page.record;
        let p = &r.person;
        self.section(l::SEC_IDENTITY);
        let photo_top = self.y + 1.0;
        let photo_x = RIGHT - PHOTO_W;
        self.photo_box(photo_x, photo_top);
        let beside = photo_x - 4.0;

        let aliases = match p.aliases.as_deref() {
            Some(list) if list.iter().any(|a| !a.trim().is_empty()) => {
                let named: Vec<&str> = list
                    .iter()
                    .map(|a| a.trim())
                    .filter(|a| !a.is_empty())
                    .collect();
                let mut text = named
                    .iter()
                    .take(MAX_ALIASES)
                    .copied()
                    .collect::<Vec<_>>()
                    .join("; ");
                if named.len() > MAX_ALIASES {
                    text.push_str(&format!(
                        "; (+{} {} / more)",
                        named.len() - MAX_ALIASES,
                        "lainnya"
                    ));
                }
                text
            }
            _ => l::ABSENT.to_string(),
        };
        let mut name = field(l::FULL_NAME, or_absent(p.full_name.as_ref()));
        name.strong = true;
        let beside_photo = [
            name,
            field(l::ALIASES, aliases),
            field(l::SEX, lenient(p.sex.as_ref(), l::sex)),
            field(l::DATE_OF_BIRTH, date(p.date_of_birth.as_ref())),
            field(l::PLACE_OF_BIRTH, or_absent(p.place_of_birth.as_ref())),
            field(l::NIK, or_absent(p.nik.as_ref())),
        ];
        for f in beside_photo {
            let right = if self.y < photo_top + PHOTO_H + 1.0 {
                beside
            } else {
                RIGHT
            };
            self.row(&[f], right);
        }
        self.y = self.y.max(photo_top + PHOTO_H + 2.0);

        let a = p.address_id.clone().unwrap_or_default();
        let kin = p.next_of_kin.clone().unwrap_or_default();
        self.row(
            &[
                field(l::KK, or_absent(p.kk_number.as_ref())),
                field(l::MOTHER, or_absent(p.mother_name.as_ref())),
            ],
            RIGHT,
        );
        self.row(&[field(l::ADDRESS, or_absent(a.line.as_ref()))], RIGHT);
        self.row(
            &[
                field(l::VILLAGE, or_absent(a.village.as_ref())),
                field(l::DISTRICT, or_absent(a.district.as_ref())),
            ],
            RIGHT,
        );
        self.row(
            &[
                field(l::REGENCY, or_absent(a.regency.as_ref())),
                field(l::PROVINCE, or_absent(a.province.as_ref())),
            ],
            RIGHT,
        );
        self.row(
            &[
                field(l::PHONE, or_absent(p.phone.as_ref())),
                field(l::KIN_NAME, or_absent(kin.name.as_ref())),
            ],
            RIGHT,
        );
        self.row(
            &[
                field(l::KIN_RELATION, or_absent(kin.relation.as_ref())),
                field(l::KIN_PHONE, or_absent(kin.phone.as_ref())),
            ],
            RIGHT,
        );
    }

    fn photo_box(&mut self, x: f32, y: f32) {
        match &self.res.photo {
            Some(id) => {
                self.canvas.image(id.clone(), x, y, PHOTO_W, PHOTO_H);
                self.canvas
                    .stroke_rect(x, y, PHOTO_W, PHOTO_H, Ink::Rule, 0.4);
            }
            None => {
                self.canvas
                    .stroke_rect(x, y, PHOTO_W, PHOTO_H, Ink::Black, 0.6);
                let c = x + PHOTO_W / 2.0;
                let m = y + PHOTO_H / 2.0;
                self.canvas.text_center(c, m - 1.0, SMALL, l::AFFIX_PHOTO.0);
                self.canvas
                    .text_center(c, m + 2.5, SMALL_GREY, l::AFFIX_PHOTO.1);
            }
        }
    }

    fn evidence(&mut self) {
        self.section(l::SEC_EVIDENCE);
        let items: Vec<String> = self
            .page
            .record
            .evidence
            .iter()
            .flatten()
            .map(|e| lenient(Some(e), l::evidence))
            .filter(|s| s != l::ABSENT)
            .collect();
        let value = if items.is_empty() {
            both(l::NO_EVIDENCE)
        } else {
            items.join("; ")
        };
        self.row(&[field(l::EVIDENCE, value)], RIGHT);
    }

    fn passport(&mut self) {
        let p = self.page.record.passport.clone().unwrap_or_default();
        self.section(l::SEC_PASSPORT);
        self.row(
            &[field(
                l::PASSPORT_STATUS,
                lenient(p.status.as_ref(), l::passport_status),
            )],
            RIGHT,
        );
        self.row(
            &[
                field(l::PASSPORT_NUMBER, or_absent(p.number.as_ref())),
                field(l::PASSPORT_EXPIRY, date(p.expiry_date.as_ref())),
            ],
            RIGHT,
        );
    }

    fn stay(&mut self) {
        let s = self.page.record.stay.clone().unwrap_or_default();
        self.section(l::SEC_STAY);
        self.row(
            &[
                field(l::ENTRY_DATE, date(s.entry_date.as_ref())),
                field(l::ENTRY_POINT, or_absent(s.entry_point.as_ref())),
            ],
            RIGHT,
        );
        let overstay = match s.overstay_days {
            Some(d) => format!("{d} {} / {}", l::DAYS.0, l::DAYS.1),
            None => l::ABSENT.to_string(),
        };
        self.row(
            &[
                field(l::VISA, lenient(s.visa.as_ref(), l::visa)),
                field(l::PERMIT_EXPIRY, date(s.permit_expiry.as_ref())),
            ],
            RIGHT,
        );
        self.row(&[field(l::OVERSTAY, overstay)], RIGHT);
    }

    fn request(&mut self) {
        let q = self.page.record.request.clone().unwrap_or_default();
        self.section(l::SEC_REQUEST);
        self.row(
            &[
                field(l::DOCUMENT, lenient(q.document.as_ref(), l::document)),
                field(l::REASON, lenient(q.reason.as_ref(), l::reason)),
            ],
            RIGHT,
        );
        self.row(
            &[
                field(l::PORT_OF_ENTRY, or_absent(q.port_of_entry.as_ref())),
                field(l::FUNDING, lenient(q.travel_funding.as_ref(), l::funding)),
            ],
            RIGHT,
        );
    }

    /// Applicant's and officer's signatures, with place and date, and the QR code.
    fn signatures(&mut self) {
        // The block sits at the foot of the last page, above the footer.
        self.ensure(SIGN_H + 2.0, FOOTER_Y - 1.0);
        let top = (FOOTER_Y - 1.0 - SIGN_H).max(self.y + 2.0);
        let place_date = format!(
            "{}, {}",
            self.page.mission.city.trim(),
            self.page.date.format("%d-%m-%Y")
        );
        let applicant = or_absent(self.page.record.person.full_name.as_ref());
        let col_w = 62.0;
        for (i, ((id, en), name)) in [
            (l::APPLICANT, applicant.as_str()),
            (l::OFFICER, self.page.officer),
        ]
        .into_iter()
        .enumerate()
        {
            let x = LEFT + i as f32 * (col_w + 8.0);
            let head = Style::new(Face::Bold, 8.0, Ink::Black);
            let w = self.m().width(head, id);
            self.canvas.text(x, top + 3.5, head, id);
            self.canvas
                .text(x + w + 1.5, top + 3.5, SMALL_GREY, &format!("/ {en}"));
            let pd = self.m().fit(SMALL, &place_date, col_w);
            self.canvas.text(x, top + 7.5, SMALL, &pd);
            self.canvas.hline(x, x + col_w, top + 25.0, Ink::Black, 0.5);
            let name_style = Style::new(Face::Bold, 8.5, Ink::Black);
            for (j, line) in self
                .m()
                .wrap(name_style, name, col_w)
                .into_iter()
                .take(3)
                .enumerate()
            {
                self.canvas
                    .text(x, top + 28.5 + j as f32 * 3.6, name_style, &line);
            }
        }
        self.qr(RIGHT - QR_SIDE, top - 1.0);
        self.y = top + SIGN_H;
    }

    /// The QR code with its quiet zone in a `QR_SIDE` square whose top-left is (`x`, `y`),
    /// and its caption beneath.
    fn qr(&mut self, x: f32, y: f32) {
        let qr = self.res.qr;
        let n = qr.width + 2 * QUIET_ZONE;
        let module = QR_SIDE / n as f32;
        let q = QUIET_ZONE as f32;
        self.canvas.fill_rects(
            Ink::Black,
            qr.runs.iter().map(|&(row, col, len)| {
                (
                    x + (q + col as f32) * module,
                    y + (q + row as f32) * module,
                    len as f32 * module,
                    // A hair taller than a module so no white seams show between rows.
                    module * 1.02,
                )
            }),
        );
        let caption = format!("{} / {}", l::VERIFY.0, l::VERIFY.1);
        self.canvas
            .text_center(x + QR_SIDE / 2.0, y + QR_SIDE + 1.5, SMALL, &caption);
    }

    /// Footers (page numbers need the page count) and the VOID mark on every page.
    fn finish(mut self) -> Vec<Vec<printpdf::Op>> {
        let last = Canvas::new(
            self.res.measure,
            self.res.regular.clone(),
            self.res.bold.clone(),
        );
        self.pages.push(std::mem::replace(&mut self.canvas, last));
        let total = self.pages.len();
        let footer = format!(
            "{} / {}: {}  ·  {} / {}: {}  ·  {} / {}: {}",
            l::CASE.0,
            l::CASE.1,
            self.page.case_id,
            l::VERSION.0,
            l::VERSION.1,
            self.page.version,
            l::SERIAL.0,
            l::SERIAL.1,
            self.page.serial
        );
        let measure = self.res.measure;
        let mut out = Vec::with_capacity(total);
        for (i, mut c) in self.pages.into_iter().enumerate() {
            c.hline(LEFT, RIGHT, FOOTER_Y, Ink::Black, 0.5);
            let page_no = format!("{} / {} {}/{}", l::PAGE.0, l::PAGE.1, i + 1, total);
            let w = measure.width(SMALL, &page_no);
            c.text_right(RIGHT, FOOTER_Y + 3.5, SMALL, &page_no);
            let text = measure.fit(SMALL, &footer, RIGHT - LEFT - w - 4.0);
            c.text(LEFT, FOOTER_Y + 3.5, SMALL, &text);
            c.text(
                LEFT,
                FOOTER_Y + 6.8,
                SMALL_GREY,
                &format!("{} / {}", l::NOT_A_DOCUMENT.0, l::NOT_A_DOCUMENT.1),
            );
            if self.page.mark == Mark::Void {
                let big = Style::new(Face::Bold, 96.0, Ink::Red);
                c.outlined_diagonal(big, &format!("{} / {}", l::VOID.0, l::VOID.1), 54.7);
            }
            out.push(c.ops);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_fits_its_column() {
        let m = Measure {
            fonts: crate::fonts::fonts().unwrap(),
        };
        for (id, en) in [
            l::FULL_NAME,
            l::ALIASES,
            l::SEX,
            l::DATE_OF_BIRTH,
            l::PLACE_OF_BIRTH,
            l::NIK,
            l::KK,
            l::MOTHER,
            l::ADDRESS,
            l::VILLAGE,
            l::DISTRICT,
            l::REGENCY,
            l::PROVINCE,
            l::PHONE,
            l::KIN_NAME,
            l::KIN_RELATION,
            l::KIN_PHONE,
            l::EVIDENCE,
            l::PASSPORT_STATUS,
            l::PASSPORT_NUMBER,
            l::PASSPORT_EXPIRY,
            l::ENTRY_DATE,
            l::ENTRY_POINT,
            l::VISA,
            l::PERMIT_EXPIRY,
            l::OVERSTAY,
            l::DOCUMENT,
            l::REASON,
            l::PORT_OF_ENTRY,
            l::FUNDING,
        ] {
            assert!(m.width(LABEL_ID, id) < LABEL_W - 1.5, "{id}");
            assert!(m.width(LABEL_EN, en) < LABEL_W - 1.5, "{en}");
        }
    }
}
