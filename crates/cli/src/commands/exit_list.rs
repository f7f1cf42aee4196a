//! Exit-permit lists: the annex of the mission's note to Cambodia's immigration, written as a
//! PDF where the officer says (a file, or standard output for `lp`).

use super::print_json;
use super::request::{deliver, finish};
use super::store::open;
use crate::args::Common;
use loket_store::ExitListJob;
use loket_term::{line, Failure};

/// The list of `job` as PDF bytes.
fn render(job: &ExitListJob) -> Result<Vec<u8>, Failure> {
    loket_pdf::render_exit_list_job(job)
        .map_err(|e| Failure::new(1, format!("cannot make the PDF: {e}")))
}

/// `exit-list list`: a table of the lists (or JSON), then how many people wait.
pub fn list(common: &Common, json: bool) -> Result<u8, Failure> {
    let store = open(common)?;
    let lists = store.exit_lists()?;
    if json {
        print_json(&lists)?;
        return Ok(0);
    }
    line(&format!(
        "{:<20}  {:<29}  {:<12}  PEOPLE",
        "LIST", "MADE", "BY"
    ))?;
    for l in &lists.lists {
        line(&format!(
            "{:<20}  {:<29}  {:<12}  {}",
            l.label, l.made_at, l.officer, l.people
        ))?;
    }
    line(&format!(
        "{} finalised cases are on no list yet",
        lists.pending
    ))?;
    Ok(0)
}

/// `exit-list make --out FILE`: the next list, written before it is recorded.
pub fn make(common: &Common, out: &str) -> Result<u8, Failure> {
    let mut store = open(common)?;
    let (list, written) = store.make_exit_list(|job| deliver(out, &render(job)?))??;
    finish(written, out)?;
    // The PDF may be on standard output: the summary goes to standard error.
    eprintln!(
        "exit-permit list {} of {} people written to {out}",
        list.label, list.people
    );
    Ok(0)
}

/// `exit-list print LABEL --out FILE`: a list made before, again.
pub fn print(common: &Common, label: &str, out: &str) -> Result<u8, Failure> {
    let mut store = open(common)?;
    let (list, written) = store.reprint_exit_list(label, |job| deliver(out, &render(job)?))??;
    finish(written, out)?;
    eprintln!(
        "exit-permit list {} of {} people written again to {out}",
        list.label, list.people
    );
    Ok(0)
}
