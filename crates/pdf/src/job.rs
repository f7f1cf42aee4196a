//! A print job from the store, as its pages: the one place the store's request and exit-permit
//! list meet the pages' fields, shared by the `loket` command and the window.

use crate::{render, render_exit_list, ExitListPage, Mark, Mission, PdfError, Photo, RequestPage};
use loket_store::{ExitListJob, MissionProfile, PrintJob, PrintKind};

fn mission(profile: &MissionProfile) -> Mission {
    Mission {
        name: profile.name.clone(),
        address: profile.address.clone(),
        city: profile.city.clone(),
    }
}

/// Renders `job`'s page: the serial, QR payload and mark it was recorded with, the record of
/// the version printed, the case's photo, and the officer who issued it.
pub fn render_job(job: &PrintJob) -> Result<Vec<u8>, PdfError> {
    let photo = job
        .photo
        .as_deref()
        .map(Photo::from_stored)
        .transpose()
        .map_err(|e| PdfError::Photo(e.to_string()))?;
    let mission = mission(&job.mission);
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

/// Renders `job`'s list: its number, the records of the versions it named in its order, the
/// day it was made, the officer who made it, and the REPRINT mark when it is printed again.
pub fn render_exit_list_job(job: &ExitListJob) -> Result<Vec<u8>, PdfError> {
    render_exit_list(&ExitListPage {
        mission: &mission(&job.mission),
        number: &job.list.label,
        date: job.date,
        officer: &job.list.officer,
        people: &job.records,
        reprint: job.reprint,
    })
}
