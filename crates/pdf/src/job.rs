//! A print job from the store, as its page: the one place the store's request meets the
//! page's fields, shared by the `loket` command and the window.

use crate::{render, Mark, Mission, PdfError, Photo, RequestPage};
use loket_store::{PrintJob, PrintKind};

/// Renders `job`'s page: the serial, QR payload and mark it was recorded with, the record of
/// the version printed, the case's photo, and the officer who issued it.
pub fn render_job(job: &PrintJob) -> Result<Vec<u8>, PdfError> {
    let photo = job
        .photo
        .as_deref()
        .map(Photo::from_stored)
        .transpose()
        .map_err(|e| PdfError::Photo(e.to_string()))?;
    let mission = Mission {
        name: job.mission.name.clone(),
        address: job.mission.address.clone(),
        city: job.mission.city.clone(),
    };
    render(&RequestPage {
        mission: &mission,
        serial: &job.request.serial,
        mark: match job.kind {
            PrintKind::Original => Mark::Original,
            PrintKind::Reprint => Mark::Reprint,
            PrintKind::Void => Mark::Void,
        },
        case_id: &job.request.case_id,
        version: job.request.version,
        record: &job.record,
        qr_payload: &job.request.payload,
        photo: photo.as_ref(),
        date: job.date,
        officer: &job.request.officer,
    })
}
