//! Writing the document out, with the compression done where it is cheap.
//!
//! printpdf's own save deflates every stream at the best level on every call, which is most
//! of a render: 120 KB of font programs that never change. Here the font programs are
//! deflated once per process and reused, and the page's content stream, which changes every
//! time and is small, is deflated at a fast level.

use crate::fonts;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use lopdf::{Object, Stream};
use printpdf::{PdfDocument, PdfSaveOptions};
use std::io::Write;
use std::sync::OnceLock;

/// The PDF bytes of `doc`.
pub(crate) fn save(doc: &PdfDocument) -> Vec<u8> {
    let opts = PdfSaveOptions {
        // Compression is done below instead.
        optimize: false,
        // The shipped fonts are already Latin subsets; printpdf can only subset with its
        // layout engine, which this crate leaves out.
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let mut lo = doc.to_lopdf_document(&opts, &mut warnings);
    for object in lo.objects.values_mut() {
        if let Object::Stream(stream) = object {
            compress(stream);
        }
    }
    let mut out = Vec::with_capacity(128 * 1024);
    // Writing into a Vec cannot fail; a failure would leave no "%PDF-" for the caller to see.
    let _ = lo.save_to(&mut out);
    out
}

fn compress(stream: &mut Stream) {
    if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
        return;
    }
    if let Some(deflated) = deflated_font(&stream.content) {
        stream.set_content(deflated.to_vec());
    } else {
        let mut z = ZlibEncoder::new(Vec::new(), Compression::fast());
        if z.write_all(&stream.content).is_err() {
            return;
        }
        match z.finish() {
            Ok(deflated) if deflated.len() < stream.content.len() => stream.set_content(deflated),
            _ => return,
        }
    }
    stream.dict.set("Filter", "FlateDecode");
}

/// The deflated font program when `content` is one of the shipped fonts.
fn deflated_font(content: &[u8]) -> Option<&'static [u8]> {
    static DEFLATED: OnceLock<[Vec<u8>; 2]> = OnceLock::new();
    let programs = fonts::programs();
    let i = programs.iter().position(|p| *p == content)?;
    let deflated = DEFLATED.get_or_init(|| {
        programs.map(|p| {
            let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
            // Writing into a Vec cannot fail.
            let _ = z.write_all(p);
            z.finish().unwrap_or_default()
        })
    });
    deflated.get(i).filter(|d| !d.is_empty()).map(Vec::as_slice)
}
