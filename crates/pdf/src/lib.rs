//! The counter's printed papers: the SPLP request, one A4 page from an intake record, and the
//! exit-permit list, the annex of the diplomatic note asking Cambodia for exit permits.
//!
//! Loket prepares and prints the *request* for an emergency travel document (SPLP); the
//! immigration officer issues the document itself. The page carries every field the officer
//! needs to key the request into the immigration system, the person's photo, signature
//! lines, and a QR code the caller fills with a verification payload. The exit-permit list
//! names, a row each, the people for whom the mission asks Cambodia's immigration department
//! for an exit permit and a waiver of the overstay fine.
//!
//! Rendering is pure: no IO, no clock (the date comes in), no temporary files, so personal
//! data goes nowhere but into the returned bytes. Handing the bytes over is apart: `cups`
//! pipes them to a printer, `viewer` opens them from memory-backed private storage. A render
//! takes a few milliseconds: the fonts are parsed once per process and are small Latin subsets
//! (`assets/fonts/README.md`).
#![forbid(unsafe_code)]

pub mod cups;
mod draw;
mod exit_list;
mod fonts;
mod job;
mod labels;
mod layout;
mod photo;
mod qr;
mod save;
#[doc(hidden)]
pub mod specimen;
pub mod viewer;

pub use job::{render_exit_list_job, render_job};
pub use photo::{Photo, PhotoError, PHOTO_HEIGHT, PHOTO_WIDTH};

use printpdf::{DictItem, ExternalStream, ExternalXObject, Op, PdfDocument, PdfPage, Px};
use std::collections::BTreeMap;

/// The mission printed at the top, from the counter's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mission {
    pub name: String,
    pub address: String,
    pub city: String,
}

/// How the page is marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// The first print of this version.
    Original,
    /// A further print of the same version: labelled so two papers are not taken for two
    /// requests.
    Reprint,
    /// A cancelled request: crossed through, still legible for the file.
    Void,
}

/// Everything one request page shows.
#[derive(Debug, Clone)]
pub struct RequestPage<'a> {
    pub mission: &'a Mission,
    /// e.g. "PNH-2026-7KQ2-000123"
    pub serial: &'a str,
    pub mark: Mark,
    pub case_id: &'a str,
    pub version: u32,
    pub record: &'a loket_core::IntakeRecord,
    /// An opaque ASCII string (~300 bytes) to encode as the QR code.
    pub qr_payload: &'a str,
    pub photo: Option<&'a Photo>,
    /// The date printed by the signature lines, with `mission.city` as place.
    pub date: chrono::NaiveDate,
    pub officer: &'a str,
}

/// Everything an exit-permit list shows.
#[derive(Debug, Clone)]
pub struct ExitListPage<'a> {
    pub mission: &'a Mission,
    /// The list's number, e.g. "PNH-2026-7KQ2-L0003".
    pub number: &'a str,
    /// The day the list was made (printed with mission.city by the signature).
    pub date: chrono::NaiveDate,
    /// The officer who made it (printed under the signature line).
    pub officer: &'a str,
    /// The people, in list order.
    pub people: &'a [loket_core::IntakeRecord],
    /// A further print of a list made before: marked REPRINT like a reprinted request.
    pub reprint: bool,
}

/// Why a page could not be rendered. Messages are one line of English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// The fonts built into the crate did not parse: a defect of the build, not of the input.
    #[error("the built-in fonts could not be loaded: {0}")]
    Font(String),
    /// The payload is too long for a QR code at error correction level M.
    #[error("the QR payload ({0} bytes) does not fit in a QR code")]
    QrPayload(usize),
    /// The PDF writer returned something that is not a PDF.
    #[error("the PDF writer produced no document")]
    Empty,
    /// The photo stored with the case cannot be printed.
    #[error("the case's photo cannot be printed: {0}; attach it again")]
    Photo(String),
}

/// Renders the request page(s) and returns the PDF bytes.
pub fn render(page: &RequestPage) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts::fonts().map_err(|e| PdfError::Font(e.to_string()))?;
    let qr =
        qr::modules(page.qr_payload).map_err(|_| PdfError::QrPayload(page.qr_payload.len()))?;

    // The title names the document, never the person: PDF metadata is shown by every
    // viewer and file manager.
    let mut doc = PdfDocument::new(&format!("SPLP request {}", page.serial));
    let regular = doc.add_font(&fonts.regular);
    let bold = doc.add_font(&fonts.bold);
    let photo = page.photo.map(|p| doc.add_xobject(&photo_xobject(p)));
    let res = layout::Resources {
        measure: draw::Measure { fonts },
        regular,
        bold,
        photo,
        qr: &qr,
    };
    let pages = layout::compose(page, &res);
    write(doc, pages)
}

/// Renders the list (as many A4 pages as it needs) and returns the PDF bytes.
pub fn render_exit_list(list: &ExitListPage) -> Result<Vec<u8>, PdfError> {
    let fonts = fonts::fonts().map_err(|e| PdfError::Font(e.to_string()))?;
    // As for the request: the metadata names the document, never a person on it.
    let mut doc = PdfDocument::new(&format!("Exit permit list {}", list.number));
    let regular = doc.add_font(&fonts.regular);
    let bold = doc.add_font(&fonts.bold);
    let pages = exit_list::compose(list, draw::Measure { fonts }, regular, bold);
    write(doc, pages)
}

/// `doc` with `pages` (one list of operations each) as A4 pages, saved.
fn write(mut doc: PdfDocument, pages: Vec<Vec<Op>>) -> Result<Vec<u8>, PdfError> {
    let (w, h) = draw::a4();
    doc.with_pages(
        pages
            .into_iter()
            .map(|ops| PdfPage::new(w, h, ops))
            .collect(),
    );
    let bytes = save::save(&doc);
    if !bytes.starts_with(b"%PDF-") {
        return Err(PdfError::Empty);
    }
    Ok(bytes)
}

/// The photo as an image XObject holding the stored JPEG bytes as they are (DCTDecode):
/// nothing is decoded or re-encoded at print time.
fn photo_xobject(photo: &Photo) -> ExternalXObject {
    let name = |s: &str| DictItem::Name(s.as_bytes().to_vec());
    let dict = BTreeMap::from([
        ("Type".to_string(), name("XObject")),
        ("Subtype".to_string(), name("Image")),
        ("Width".to_string(), DictItem::Int(i64::from(PHOTO_WIDTH))),
        ("Height".to_string(), DictItem::Int(i64::from(PHOTO_HEIGHT))),
        ("ColorSpace".to_string(), name("DeviceRGB")),
        ("BitsPerComponent".to_string(), DictItem::Int(8)),
        ("Filter".to_string(), name("DCTDecode")),
    ]);
    ExternalXObject {
        stream: ExternalStream {
            dict,
            content: photo.jpeg().to_vec(),
            compress: false,
        },
        width: Some(Px(PHOTO_WIDTH as usize)),
        height: Some(Px(PHOTO_HEIGHT as usize)),
        dpi: Some(300.0),
    }
}
