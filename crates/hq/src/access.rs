//! Headquarters' access log: every command that shows people's data (`cases`, `person`,
//! `photo`, `verify-qr`, `exposure`, the log itself) or records a case's status writes who,
//! when, what was asked and which cases it showed, before anything is shown; so does every
//! page of a mission's index sent to a counter, naming the counter. UU 27/2022 asks for a
//! record of processing; a person asking for their data can also be told who looked at it.

use crate::db::{AccessEntry, ExposedCase};
use crate::error::{HqError, Result};
use crate::Hq;

/// The operator `loket-hq` names when neither `--operator` nor the system user names one.
pub const DEFAULT_OPERATOR: &str = "loket-hq";

/// A limit that reads every entry (the databases count in signed 64 bits).
pub(crate) const EVERY_ENTRY: u64 = i64::MAX as u64;

/// The longest operator name, in characters.
const MAX_OPERATOR_CHARS: usize = 60;

/// An operator's name as the log keeps it: trimmed, inner spaces collapsed, 1–60
/// characters, no control characters.
pub(crate) fn operator_name(name: &str) -> Result<String> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let count = name.chars().count();
    if count == 0 || count > MAX_OPERATOR_CHARS || name.chars().any(char::is_control) {
        return Err(HqError::BadOperator);
    }
    Ok(name)
}

/// How the access log names a counter that was sent people's data.
fn device_reader(device_id: &str) -> String {
    format!("device {device_id}")
}

impl Hq {
    /// Who the access log names for this handle.
    pub fn operator(&self) -> &str {
        &self.operator
    }

    /// An entry of the access log by this handle's operator, now.
    pub(crate) fn access_entry(
        &self,
        action: &str,
        query: Option<String>,
        cases_read: usize,
        case_ids: Vec<String>,
    ) -> AccessEntry {
        AccessEntry {
            seq: 0,
            at: crate::now(),
            operator: self.operator.clone(),
            action: action.to_owned(),
            query,
            cases_read: cases_read as u64,
            case_ids,
        }
    }

    /// Writes one entry of the access log, committed before the caller shows anything: no
    /// entry, nothing shown.
    pub(crate) fn log_access(
        &mut self,
        action: &str,
        query: Option<String>,
        cases_read: usize,
        case_ids: Vec<String>,
    ) -> Result<()> {
        let entry = self.access_entry(action, query, cases_read, case_ids);
        self.write_access(&entry)
    }

    /// Appends `entry` to the access log in a transaction of its own.
    pub(crate) fn write_access(&mut self, entry: &AccessEntry) -> Result<()> {
        let mut tx = self.db.transaction()?;
        tx.log_access(entry)?;
        tx.commit()
    }

    /// Records that a page of the mission index (names, birth dates, NIK and passport
    /// numbers of the mission's cases) went to counter `device_id`: the counter is the
    /// reader. Only the entries that carried a person are logged (not the counter's own cases
    /// nor closed ones, which go without: `Hq::index_page`); a page of none is not logged.
    pub(crate) fn log_index_sent(
        &mut self,
        device_id: &str,
        after: u64,
        page: &loket_batch::wire::IndexPage,
    ) -> Result<()> {
        let ids: Vec<String> = page
            .entries
            .iter()
            .filter(|e| e.names_person())
            .map(|e| e.case_id.clone())
            .collect();
        if ids.is_empty() {
            return Ok(());
        }
        let asked = Some(format!("mission {} after {after}", page.mission));
        let mut entry = self.access_entry("index", asked, ids.len(), ids);
        entry.operator = device_reader(device_id);
        self.write_access(&entry)
    }

    /// Every person whose data counter `device_id` has held, for telling them when the laptop
    /// is lost or stolen (UU 27/2022: within 3×24 hours): the cases it registered, and those
    /// headquarters sent it in the mission index. An entry in the access log.
    pub fn exposure(&mut self, device_id: &str) -> Result<Vec<ExposedCase>> {
        if self.db.device(device_id)?.is_none() {
            return Err(HqError::UnknownDevice {
                device_id: device_id.to_owned(),
            });
        }
        let cases = self.db.exposed_to(device_id, &device_reader(device_id))?;
        let ids = cases.iter().map(|c| c.case.case_id.clone()).collect();
        let asked = Some(device_reader(device_id));
        self.log_access("exposure", asked, cases.len(), ids)?;
        Ok(cases)
    }

    /// The newest `limit` entries of the access log, newest first; with `case_id`, those
    /// that showed that case. Reading the log is logged too (it holds the questions asked).
    pub fn access_log(&mut self, case_id: Option<&str>, limit: u64) -> Result<Vec<AccessEntry>> {
        self.log_access(
            "access-log",
            case_id.map(|id| format!("case {id}")),
            0,
            Vec::new(),
        )?;
        self.db.access_log(case_id, limit)
    }
}
