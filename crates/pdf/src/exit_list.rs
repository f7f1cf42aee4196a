//! Where the exit-permit list goes on its pages: the annex of the diplomatic note by which the
//! mission asks Cambodia's immigration department for an exit permit and a waiver of the
//! overstay fine for every Indonesian it names.
//!
//! Every page carries the mission, the title, the list number and the page number over a
//! table whose header row repeats, so a page read alone still says what it is. A row is never
//! split between pages, and the total and the officer's signature follow the last row on the
//! same page as at least that row.

use crate::draw::{Canvas, Ink, Measure, Style, LEFT, RIGHT, TOP};
use crate::fonts::Face;
use crate::labels::{self as l, both, cap, date, lenient, or_absent, Bi};
use crate::ExitListPage;
use loket_core::lenient::Lenient;
use loket_core::IntakeRecord;
use printpdf::{FontId, Op};
use std::ops::Range;

// The page grid, in mm.
/// Lowest point of the table and the closing block.
const BOTTOM: f32 = 285.0;
/// Space between a cell's edges and its text: beside, above and below.
const PAD_X: f32 = 1.0;
const PAD_Y: f32 = 1.2;
/// Height of the total, place and date, and signature after the last row.
const CLOSING_H: f32 = 48.0;
/// Width of the signature block, against the right margin.
const SIGN_W: f32 = 70.0;
/// Longest value printed, in characters, and most lines a cell holds: a validated record
/// never comes near either, a draft with pasted text cannot make a row taller than a page.
const MAX_VALUE_CHARS: usize = 160;
const MAX_CELL_LINES: usize = 8;

const VALUE: Style = Style::new(Face::Regular, 7.5, Ink::Black);
const NAME: Style = Style::new(Face::Bold, 7.5, Ink::Black);
/// English beneath an Indonesian value, and aliases beneath a name.
const VALUE_EN: Style = Style::new(Face::Regular, 6.0, Ink::Grey);
const HEAD_ID: Style = Style::new(Face::Bold, 7.0, Ink::Black);
const HEAD_EN: Style = Style::new(Face::Regular, 6.0, Ink::Grey);
const SMALL: Style = Style::new(Face::Regular, 7.5, Ink::Black);
const SMALL_GREY: Style = Style::new(Face::Regular, 6.5, Ink::Grey);
const NUMBER: Style = Style::new(Face::Bold, 12.0, Ink::Black);

enum Align {
    Left,
    /// Numbers, so their digits line up.
    Right,
}

struct Column {
    label: Bi,
    width: f32,
    align: Align,
}

const fn column(label: Bi, width: f32, align: Align) -> Column {
    Column {
        label,
        width,
        align,
    }
}

/// The table's columns, left to right; their widths add up to the text width.
const COLUMNS: [Column; 9] = [
    column(l::COL_NO, 7.0, Align::Right),
    column(l::COL_NAME, 33.5, Align::Left),
    column(l::COL_SEX, 9.0, Align::Left),
    column(l::DATE_OF_BIRTH, 16.5, Align::Left),
    column(l::COL_TRAVEL_DOCUMENT, 39.5, Align::Left),
    column(l::COL_VISA, 21.5, Align::Left),
    column(l::COL_ENTRY, 22.5, Align::Left),
    column(l::COL_PERMIT, 16.5, Align::Left),
    column(l::COL_OVERSTAY, 14.0, Align::Right),
];

/// A run of text in one style: before wrapping a cell's paragraph, after it one line.
type Piece = (Style, String);

/// One row of the table: each column's lines, and the row's height.
struct Row {
    cells: Vec<Vec<Piece>>,
    height: f32,
}

/// The pages' operations, one `Vec` per page.
pub(crate) fn compose(
    list: &ExitListPage,
    measure: Measure,
    regular: FontId,
    bold: FontId,
) -> Vec<Vec<Op>> {
    let sheet = Sheet {
        list,
        measure,
        regular,
        bold,
    };
    let head = sheet.row(COLUMNS.map(|c| heading(c.label)));
    let rows: Vec<Row> = list
        .people
        .iter()
        .enumerate()
        .map(|(i, r)| sheet.row(cells(i + 1, r)))
        .collect();
    // The header's height does not depend on the page number: measure it on a scratch page.
    let body_top = sheet.header(&mut sheet.canvas(), 1, 1) + head.height;
    let heights: Vec<f32> = rows.iter().map(|r| r.height).collect();
    let pages = paginate(&heights, BOTTOM - body_top, CLOSING_H);
    let total = pages.len();
    pages
        .into_iter()
        .enumerate()
        .map(|(i, range)| {
            let mut c = sheet.canvas();
            let mut y = sheet.header(&mut c, i + 1, total);
            y = draw_row(&mut c, &head, y, true);
            for row in &rows[range] {
                y = draw_row(&mut c, row, y, false);
            }
            if rows.is_empty() {
                y = empty(&mut c, y);
            }
            if i + 1 == total {
                sheet.closing(&mut c, y);
            }
            c.ops
        })
        .collect()
}

/// Splits rows of `heights` into pages of at most `space` mm each, whole rows only, with
/// `closing` mm left after the last row on the last page: when they are not, the last row goes
/// over with the closing, so the signature never stands alone. Always at least one page.
fn paginate(heights: &[f32], space: f32, closing: f32) -> Vec<Range<usize>> {
    let mut pages = Vec::new();
    let (mut start, mut used) = (0, 0.0);
    for (i, h) in heights.iter().enumerate() {
        if used + h > space && i > start {
            pages.push(start..i);
            (start, used) = (i, 0.0);
        }
        used += h;
    }
    let end = heights.len();
    if used + closing > space && end - start > 1 {
        pages.push(start..end - 1);
        start = end - 1;
    }
    pages.push(start..end);
    pages
}

/// A header cell: the Indonesian label, and the English beneath when it differs.
fn heading((id, en): Bi) -> Vec<Piece> {
    let mut text = vec![(HEAD_ID, id.to_string())];
    if en != id {
        text.push((HEAD_EN, en.to_string()));
    }
    text
}

/// What one person's row says, a cell per column, before wrapping.
fn cells(no: usize, r: &IntakeRecord) -> [Vec<Piece>; 9] {
    let p = &r.person;
    let stay = r.stay.clone().unwrap_or_default();
    let mut name = vec![(NAME, or_absent(p.full_name.as_ref()))];
    if let Some(aliases) = aliases(p.aliases.as_deref()) {
        name.push((VALUE_EN, aliases));
    }
    let mut document = vec![(VALUE, travel_document(r))];
    if r.requests_splp() {
        document.extend(bilingual(l::SPLP_REQUESTED));
    }
    let overstay = stay
        .overstay_days
        .map_or(l::ABSENT.to_string(), |d| d.to_string());
    [
        vec![(VALUE, no.to_string())],
        name,
        vec![(VALUE, lenient(p.sex.as_ref(), l::sex_short))],
        vec![(VALUE, date(p.date_of_birth.as_ref()))],
        document,
        word(stay.visa.as_ref(), l::visa),
        vec![
            (VALUE, date(stay.entry_date.as_ref())),
            (VALUE, or_absent(stay.entry_point.as_ref())),
        ],
        vec![(VALUE, date(stay.permit_expiry.as_ref()))],
        vec![(VALUE, overstay)],
    ]
}

/// The other names, when there are any, one after the other.
fn aliases(list: Option<&[String]>) -> Option<String> {
    let named: Vec<&str> = list
        .unwrap_or_default()
        .iter()
        .map(|a| a.trim())
        .filter(|a| !a.is_empty())
        .collect();
    (!named.is_empty()).then(|| named.join("; "))
}

/// The passport number and, in brackets, what became of it: "C1234567 (disita / confiscated)".
fn travel_document(r: &IntakeRecord) -> String {
    let passport = r.passport.clone().unwrap_or_default();
    let number = or_absent(passport.number.as_ref());
    match lenient(passport.status.as_ref(), l::passport_status_short) {
        status if status == l::ABSENT => number,
        status => format!("{number} ({status})"),
    }
}

/// Indonesian in black with the English beneath in grey.
fn bilingual((id, en): Bi) -> [Piece; 2] {
    [(VALUE, id.to_string()), (VALUE_EN, en.to_string())]
}

/// An enumeration in both languages, or the typed text of an unknown one.
fn word<T: Copy>(v: Option<&Lenient<T>>, words: fn(T) -> Bi) -> Vec<Piece> {
    match v {
        Some(Lenient::Known(t)) => bilingual(words(*t)).to_vec(),
        other => vec![(VALUE, lenient(other, words))],
    }
}

/// Vertical room a line of `style` takes, and where its baseline sits in that room, in mm.
fn advance(style: Style) -> f32 {
    style.size * 0.42
}
fn ascent(style: Style) -> f32 {
    style.size * 0.3
}

/// Draws `row` with its top at `top` (shaded: the header row) and returns its bottom.
fn draw_row(c: &mut Canvas, row: &Row, top: f32, shade: bool) -> f32 {
    if shade {
        c.fill_rect(LEFT, top, RIGHT - LEFT, row.height, Ink::Shade);
    }
    let mut x = LEFT;
    for (col, lines) in COLUMNS.iter().zip(&row.cells) {
        c.stroke_rect(x, top, col.width, row.height, Ink::Rule, 0.3);
        let mut y = top + PAD_Y;
        for (style, line) in lines {
            let baseline = y + ascent(*style);
            match col.align {
                Align::Left => c.text(x + PAD_X, baseline, *style, line),
                Align::Right => c.text_right(x + col.width - PAD_X, baseline, *style, line),
            }
            y += advance(*style);
        }
        x += col.width;
    }
    top + row.height
}

/// The row an empty list has instead of people. Returns its bottom.
fn empty(c: &mut Canvas, top: f32) -> f32 {
    let h = 9.0;
    c.stroke_rect(LEFT, top, RIGHT - LEFT, h, Ink::Rule, 0.3);
    c.text(LEFT + PAD_X, top + 4.0, VALUE, l::EMPTY_LIST.0);
    c.text(LEFT + PAD_X, top + 7.0, VALUE_EN, l::EMPTY_LIST.1);
    top + h
}

/// The list being laid out, and what a page is drawn with.
struct Sheet<'a> {
    list: &'a ExitListPage<'a>,
    measure: Measure,
    regular: FontId,
    bold: FontId,
}

impl Sheet<'_> {
    fn canvas(&self) -> Canvas {
        Canvas::new(self.measure, self.regular.clone(), self.bold.clone())
    }

    /// `text`'s cells wrapped to their columns, and the height of the tallest.
    fn row(&self, text: [Vec<Piece>; 9]) -> Row {
        let cells: Vec<Vec<Piece>> = COLUMNS
            .iter()
            .zip(text)
            .map(|(col, text)| self.wrap(text, col.width - 2.0 * PAD_X))
            .collect();
        let tallest = cells
            .iter()
            .map(|lines| lines.iter().map(|(s, _)| advance(*s)).sum::<f32>())
            .fold(0.0, f32::max);
        Row {
            cells,
            height: tallest + 2.0 * PAD_Y,
        }
    }

    /// Each piece broken into lines `width` mm wide, at most `MAX_CELL_LINES` in all (the
    /// last one ending in an ellipsis when some were left out).
    fn wrap(&self, text: Vec<Piece>, width: f32) -> Vec<Piece> {
        let mut lines: Vec<Piece> = text
            .into_iter()
            .flat_map(|(style, s)| {
                let wrapped = self.measure.wrap(style, &cap(s, MAX_VALUE_CHARS), width);
                wrapped.into_iter().map(move |line| (style, line))
            })
            .collect();
        if lines.len() > MAX_CELL_LINES {
            lines.truncate(MAX_CELL_LINES);
            if let Some((style, last)) = lines.last_mut() {
                *last = self.measure.fit(*style, &format!("{last}…"), width);
            }
        }
        lines
    }

    /// Mission, list number, page number and mark, then the title. Returns where the table
    /// starts.
    fn header(&self, c: &mut Canvas, page: usize, pages: usize) -> f32 {
        let m = self.measure;
        let number = m.fit(NUMBER, self.list.number, 75.0);
        let number_w = m.width(NUMBER, &number).max(45.0);
        c.text_right(RIGHT, TOP + 3.0, SMALL_GREY, &both(l::LIST_NUMBER));
        c.text_right(RIGHT, TOP + 8.5, NUMBER, &number);
        let page_no = format!("{} / {} {page} / {pages}", l::PAGE.0, l::PAGE.1);
        c.text_right(RIGHT, TOP + 12.5, SMALL, &page_no);
        let mut right_bottom = TOP + 13.5;
        if self.list.reprint {
            right_bottom = c.boxed_mark(RIGHT, TOP + 14.5, &both(l::REPRINT));
        }

        let left_w = RIGHT - LEFT - number_w - 6.0;
        let mission = self.list.mission;
        let mut y = TOP + 4.0;
        let name = Style::new(Face::Bold, 10.5, Ink::Black);
        for line in m.wrap(name, &mission.name, left_w).into_iter().take(2) {
            c.text(LEFT, y, name, &line);
            y += 4.6;
        }
        let addr = Style::new(Face::Regular, 8.0, Ink::Grey);
        let address = [mission.address.trim(), mission.city.trim()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        for line in m.wrap(addr, &address, left_w).into_iter().take(3) {
            c.text(LEFT, y, addr, &line);
            y += 3.5;
        }
        let y = y.max(right_bottom) + 1.0;
        c.hline(LEFT, RIGHT, y, Ink::Black, 0.8);

        let center = (LEFT + RIGHT) / 2.0;
        let title = Style::new(Face::Bold, 11.0, Ink::Black);
        let sub = Style::new(Face::Regular, 9.0, Ink::Grey);
        let mut y = y + 6.5;
        for line in m.wrap(title, l::LIST_TITLE.0, RIGHT - LEFT) {
            c.text_center(center, y, title, &line);
            y += 4.8;
        }
        for line in m.wrap(sub, l::LIST_TITLE.1, RIGHT - LEFT) {
            c.text_center(center, y - 0.8, sub, &line);
            y += 4.0;
        }
        y + 1.0
    }

    /// The total, then place and date, the signature line and the officer's name beneath it.
    fn closing(&self, c: &mut Canvas, top: f32) {
        let m = self.measure;
        let total = format!(
            "{}: {} {}",
            both(l::TOTAL),
            self.list.people.len(),
            both(l::PEOPLE)
        );
        c.text(
            LEFT,
            top + 6.0,
            Style::new(Face::Bold, 9.0, Ink::Black),
            &total,
        );

        let x = RIGHT - SIGN_W;
        let place_date = format!(
            "{}, {}",
            self.list.mission.city.trim(),
            self.list.date.format("%d-%m-%Y")
        );
        c.text(x, top + 14.0, VALUE, &m.fit(VALUE, &place_date, SIGN_W));
        let head = Style::new(Face::Bold, 8.0, Ink::Black);
        c.text(x, top + 18.0, head, l::OFFICER.0);
        let w = m.width(head, l::OFFICER.0);
        c.text(
            x + w + 1.5,
            top + 18.0,
            SMALL_GREY,
            &format!("/ {}", l::OFFICER.1),
        );
        c.hline(x, RIGHT, top + 37.0, Ink::Black, 0.5);
        let name = Style::new(Face::Bold, 8.5, Ink::Black);
        for (i, line) in m
            .wrap(name, self.list.officer, SIGN_W)
            .into_iter()
            .take(2)
            .enumerate()
        {
            c.text(x, top + 40.5 + i as f32 * 3.6, name, &line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_columns_fill_the_text_width() {
        let sum: f32 = COLUMNS.iter().map(|c| c.width).sum();
        assert!((sum - (RIGHT - LEFT)).abs() < 0.01, "{sum}");
    }

    #[test]
    fn no_heading_word_is_broken() {
        let m = Measure {
            fonts: crate::fonts::fonts().unwrap(),
        };
        for col in &COLUMNS {
            for (style, label) in [(HEAD_ID, col.label.0), (HEAD_EN, col.label.1)] {
                for word in label.split(' ') {
                    assert!(m.width(style, word) <= col.width - 2.0 * PAD_X, "{word}");
                }
            }
        }
    }

    #[test]
    fn pages_hold_whole_rows_and_the_closing_takes_the_last_row_along() {
        assert_eq!(paginate(&[], 100.0, 40.0), vec![0..0]);
        assert_eq!(paginate(&[10.0; 5], 100.0, 40.0), vec![0..5]);
        // Ten rows fill a page exactly; the closing needs the eleventh's page.
        assert_eq!(paginate(&[10.0; 11], 100.0, 40.0), vec![0..10, 10..11]);
        // Seven rows fit with no room for the closing: the seventh goes over with it.
        assert_eq!(paginate(&[10.0; 7], 100.0, 40.0), vec![0..6, 6..7]);
        assert_eq!(paginate(&[30.0, 80.0], 100.0, 10.0), vec![0..1, 1..2]);
    }

    #[test]
    fn the_travel_document_says_what_became_of_the_passport() {
        let r: IntakeRecord =
            serde_json::from_str(include_str!("../../core/tests/fixtures/example.json")).unwrap();
        assert_eq!(travel_document(&r), "C1234567 (disita / confiscated)");
        let none = IntakeRecord::default();
        assert_eq!(travel_document(&none), l::ABSENT);
    }
}
