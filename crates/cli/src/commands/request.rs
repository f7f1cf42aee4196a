//! The SPLP request: the mission it names, photos, printing to PDF, voids, and checking the
//! QR code printed on one.

use super::print_json;
use super::store::open;
use crate::args::Common;
use loket_store::{PrintJob, RequestInfo};
use loket_term::line;
use loket_term::Failure;
use serde::Serialize;
use std::io::Write;
use std::path::Path;

pub fn mission(
    common: &Common,
    code: Option<String>,
    name: Option<String>,
    address: Option<String>,
    city: Option<String>,
) -> Result<u8, Failure> {
    let mut store = open(common)?;
    if let Some(code) = code {
        store.set_mission(&code)?;
    }
    if name.is_some() || address.is_some() || city.is_some() {
        let now = store.mission_profile()?;
        // A typed "\n" is a line break: addresses take several lines.
        let address = address.map(|a| a.replace("\\n", "\n"));
        store.set_mission_details(
            name.as_deref().unwrap_or(&now.name),
            address.as_deref().unwrap_or(&now.address),
            city.as_deref().unwrap_or(&now.city),
        )?;
    }
    print_json(&store.mission_profile()?)?;
    Ok(0)
}

/// Reads, checks and normalises a photo file (JPEG or PNG, cropped to 3:4).
fn read_photo(file: &Path) -> Result<loket_pdf::Photo, Failure> {
    let bytes = std::fs::read(file)
        .map_err(|e| Failure::new(1, format!("cannot read the photo {}: {e}", file.display())))?;
    loket_pdf::Photo::from_image(&bytes).map_err(|e| {
        Failure::new(
            1,
            format!("the photo {} cannot be used: {e}", file.display()),
        )
    })
}

pub fn photo(common: &Common, id: &str, file: &Path) -> Result<u8, Failure> {
    let photo = read_photo(file)?;
    let mut store = open(common)?;
    let sha = store.attach_photo(id, photo.jpeg())?;
    line(&format!("photo attached to case {id} (sha256 {sha})"))?;
    Ok(0)
}

/// The page of `job` as PDF bytes.
fn render(job: &PrintJob) -> Result<Vec<u8>, Failure> {
    loket_pdf::render_job(job).map_err(|e| Failure::new(1, format!("cannot make the PDF: {e}")))
}

/// Where the PDF goes: written and synced before the store records the print, so a failure
/// here uses no serial number; moved into place once the print is recorded.
pub(super) enum Out {
    Stdout,
    File(tempfile::NamedTempFile),
}

pub(super) fn deliver(out: &str, pdf: &[u8]) -> Result<Out, Failure> {
    if out == "-" {
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(pdf)
            .and_then(|()| stdout.flush())
            .map_err(|e| Failure::new(1, format!("cannot write the PDF: {e}")))?;
        return Ok(Out::Stdout);
    }
    let path = Path::new(out);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let what = |e: std::io::Error| Failure::new(1, format!("cannot write {out}: {e}"));
    // Private (0600) until it is renamed into place.
    let mut file = tempfile::Builder::new()
        .prefix(".loket-pdf-")
        .tempfile_in(dir)
        .map_err(what)?;
    file.write_all(pdf).map_err(what)?;
    file.as_file().sync_all().map_err(what)?;
    Ok(Out::File(file))
}

pub(super) fn finish(out: Out, path: &str) -> Result<(), Failure> {
    if let Out::File(file) = out {
        file.persist(path)
            .map_err(|e| Failure::new(1, format!("cannot write {path}: {}", e.error)))?;
    }
    Ok(())
}

pub fn pdf(
    common: &Common,
    id: &str,
    out: &str,
    reprint: Option<&str>,
    photo: Option<&Path>,
) -> Result<u8, Failure> {
    let photo = photo.map(read_photo).transpose()?;
    let mut store = open(common)?;
    store.check_printable(id)?;
    if let Some(photo) = photo {
        store.attach_photo(id, photo.jpeg())?;
    }
    let (request, written) =
        store.print_request(id, reprint, |job| deliver(out, &render(job)?))??;
    finish(written, out)?;
    let what = if request.prints > 1 {
        "reprint"
    } else {
        "request"
    };
    // The PDF may be on standard output: the summary goes to standard error.
    eprintln!(
        "{what} {} of case {id} version {} written to {out}",
        request.serial, request.version
    );
    Ok(0)
}

/// One line of `request list`.
#[derive(Serialize)]
struct Row<'a> {
    serial: &'a str,
    case_id: &'a str,
    version: u32,
    prints: u32,
    issued_at: &'a str,
    /// The reason it was voided; absent while it is valid.
    void: Option<&'a str>,
    /// The signed text of its QR code.
    payload: &'a str,
}

pub fn list(common: &Common, json: bool) -> Result<u8, Failure> {
    let store = open(common)?;
    let requests = store.requests()?;
    let rows: Vec<Row> = requests
        .iter()
        .map(|r: &RequestInfo| Row {
            serial: &r.serial,
            case_id: &r.case_id,
            version: r.version,
            prints: r.prints,
            issued_at: &r.issued_at,
            void: r.void.as_ref().map(|v| v.reason.as_str()),
            payload: &r.payload,
        })
        .collect();
    if json {
        print_json(&rows)?;
        return Ok(0);
    }
    line(&format!(
        "{:<21}  {:<36}  {:>3}  {:>6}  {:<24}  VOID",
        "SERIAL", "CASE", "VER", "PRINTS", "ISSUED"
    ))?;
    for r in rows {
        line(&format!(
            "{:<21}  {:<36}  {:>3}  {:>6}  {:<24}  {}",
            r.serial,
            r.case_id,
            r.version,
            r.prints,
            r.issued_at,
            r.void.unwrap_or("-")
        ))?;
    }
    Ok(0)
}

pub fn void(common: &Common, serial: &str, reason: &str, out: Option<&str>) -> Result<u8, Failure> {
    let mut store = open(common)?;
    let request = store.void_request(serial, reason)?;
    if let Some(out) = out {
        let page = deliver(out, &render(&store.request_page(serial)?)?)?;
        finish(page, out)?;
    }
    eprintln!(
        "request {} of case {} is void: {reason}",
        request.serial, request.case_id
    );
    Ok(0)
}

pub fn verify_qr(common: &Common, payload: &str) -> Result<u8, Failure> {
    let payload = loket_qr::Payload::parse(payload).map_err(|e| Failure::new(1, e.to_string()))?;
    let claim = payload.claim.clone();
    let store = open(common)?;
    let verdict = loket_qr::Verdict::new(claim, check_claim(&store, &payload)?);
    print_json(&verdict)?;
    Ok(if verdict.valid { 0 } else { 1 })
}

/// `None` when the code was signed by this counter, over the record it holds, for a request
/// that is not void; otherwise what is wrong.
fn check_claim(
    store: &loket_store::Store,
    payload: &loket_qr::Payload,
) -> Result<Option<String>, Failure> {
    let claim = &payload.claim;
    let ours = store.device_identity()?.device_id;
    if claim.device_id != ours {
        return Ok(Some(format!(
            "signed by counter {}, not this one ({ours}): headquarters can check it",
            claim.device_id
        )));
    }
    if let Err(e) = payload.verify(&store.verifying_key()?) {
        return Ok(Some(e.to_string()));
    }
    match store.record_sha256(&claim.case_id, claim.version)? {
        None => return Ok(Some("this counter holds no such case version".into())),
        Some(sha) if sha != claim.record_sha256 => {
            return Ok(Some(
                "the record hash differs from the stored record".into(),
            ))
        }
        Some(_) => {}
    }
    match store.request(&claim.serial)? {
        None => Ok(Some(
            "this counter issued no request with that serial".into(),
        )),
        Some(r) if r.case_id != claim.case_id || r.version != claim.version => {
            Ok(Some("the serial belongs to another case version".into()))
        }
        Some(r) => Ok(r
            .void
            .map(|v| format!("the request was voided on {}: {}", v.at, v.reason))),
    }
}
