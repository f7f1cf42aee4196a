//! Headquarters' status of a case (SPLP issued, person departed): one case at a time
//! (`loket-hq status CASE_ID STATUS`), or a whole list as the ministry receives them during
//! a surge (`loket-hq status --list FILE`: hundreds of SPLPs issued, a flight's passengers).
//!
//! Each update is appended (the latest is shown) and gives the case the next change number of
//! its mission, so the mission's counters see it in their next sync. A list is recorded whole
//! or not at all: one line that names no case held, or a case two statuses, refuses it.

use std::collections::{BTreeSet, HashMap};

use serde::Serialize;

use crate::db::{AccessEntry, PersonKey, StatusUpdate};
use crate::error::{HqError, Result};
use crate::Hq;

/// A status headquarters records for a case, in the order a case goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HqStatus {
    /// Immigration issued the SPLP.
    SplpIssued,
    /// The person has left for Indonesia.
    Departed,
}

impl HqStatus {
    /// As stored and sent: `splp_issued`, `departed`.
    pub fn as_str(self) -> &'static str {
        match self {
            HqStatus::SplpIssued => "splp_issued",
            HqStatus::Departed => "departed",
        }
    }
}

impl std::str::FromStr for HqStatus {
    type Err = String;

    /// `splp-issued` (as typed on the command line) or `splp_issued`; `departed`.
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "splp-issued" | "splp_issued" => Ok(HqStatus::SplpIssued),
            "departed" => Ok(HqStatus::Departed),
            _ => Err("a status is splp-issued or departed".into()),
        }
    }
}

/// How often recording retries when a case moved to another mission meanwhile.
const STATUS_TRIES: usize = 3;

/// The most problems a refused list names; the rest are counted.
const PROBLEMS_SHOWN: usize = 20;

/// What a line of a status list names: one case by its id, or every case held whose latest
/// version states this NIK or passport number. Debug shows the kind, not the number.
#[derive(Clone, PartialEq, Eq)]
pub enum ListKey {
    Case(String),
    Nik(String),
    Passport(String),
}

impl ListKey {
    fn person_key(&self) -> PersonKey<'_> {
        match self {
            ListKey::Case(id) => PersonKey::Case(id),
            ListKey::Nik(nik) => PersonKey::Nik(nik),
            ListKey::Passport(number) => PersonKey::Passport(number),
        }
    }

    /// For a problem's message: never the number itself.
    fn what(&self) -> &'static str {
        match self {
            ListKey::Case(_) => "case id",
            ListKey::Nik(_) => "NIK",
            ListKey::Passport(_) => "passport number",
        }
    }
}

impl std::fmt::Debug for ListKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ListKey::Case(id) => write!(f, "Case({id})"),
            other => write!(f, "{}(…)", other.what()),
        }
    }
}

/// One line of a status list that reads well: its line number in the file, what it names,
/// and the status it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListLine {
    pub line: u64,
    pub key: ListKey,
    pub status: HqStatus,
}

/// Why a line of a status list cannot be recorded. Says which column, never the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListProblem {
    pub line: u64,
    pub why: String,
}

impl std::fmt::Display for ListProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.why)
    }
}

/// The columns a status list is read by (others, such as names, are left alone).
struct Columns {
    case_id: Option<usize>,
    nik: Option<usize>,
    passport: Option<usize>,
    status: usize,
}

impl Columns {
    fn find(header: &csv::ByteRecord) -> Result<Columns> {
        let named = |names: &[&str]| {
            header.iter().position(|h| {
                let h = String::from_utf8_lossy(h).trim().to_ascii_lowercase();
                names.contains(&h.as_str())
            })
        };
        let columns = Columns {
            case_id: named(&["case_id", "case"]),
            nik: named(&["nik"]),
            passport: named(&["passport", "passport_number"]),
            status: named(&["status"])
                .ok_or_else(|| not_a_list("its first line has no `status` column"))?,
        };
        if columns.case_id.is_none() && columns.nik.is_none() && columns.passport.is_none() {
            return Err(not_a_list(
                "its first line has none of the columns `case_id`, `nik`, `passport`",
            ));
        }
        Ok(columns)
    }
}

fn not_a_list(why: impl Into<String>) -> HqError {
    HqError::NotAStatusList { why: why.into() }
}

/// The field's text, trimmed; `None` when the column is absent, short or empty.
fn field(record: &csv::ByteRecord, column: Option<usize>) -> Option<String> {
    let text = String::from_utf8_lossy(record.get(column?)?)
        .trim()
        .to_owned();
    (!text.is_empty()).then_some(text)
}

/// The separator of a CSV file as spreadsheets write it: a comma, or a semicolon where the
/// comma is the decimal mark (Indonesian settings), or a tab; whichever the first line has most.
fn separator(text: &[u8]) -> u8 {
    let first = text
        .split(|&b| b == b'\n' || b == b'\r')
        .next()
        .unwrap_or_default();
    let count = |c: u8| first.iter().filter(|&&b| b == c).count();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|&c| count(c))
        .filter(|&c| count(c) > 0)
        .unwrap_or(b',')
}

/// Reads a status list: CSV (comma, semicolon or tab separated; UTF-8, with or without a
/// byte-order mark) whose first line names its columns: `status` (`splp-issued` or
/// `departed`) and at least one of `case_id`, `nik`, `passport`. Each line names its cases by
/// the first of those it fills in. Lines with none of these columns filled are skipped.
///
/// Gives the lines that read well and the problems of the others; fails only when the bytes
/// are not a status list at all.
pub fn read_status_list(bytes: &[u8]) -> Result<(Vec<ListLine>, Vec<ListProblem>)> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator(text))
        .flexible(true)
        .from_reader(text);
    let header = reader
        .byte_headers()
        .map_err(|e| not_a_list(format!("its first line is not CSV ({e})")))?
        .clone();
    let columns = Columns::find(&header)?;
    let (mut lines, mut problems) = (Vec::new(), Vec::new());
    let mut record = csv::ByteRecord::new();
    let mut counter = LineCounter::new(text);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| counter.line_at(p.byte()));
                return Err(not_a_list(format!("line {line} is not CSV")));
            }
        }
        let line = record.position().map_or(0, |p| counter.line_at(p.byte()));
        let status = field(&record, Some(columns.status));
        let case_id = field(&record, columns.case_id);
        let nik = field(&record, columns.nik);
        let passport = field(&record, columns.passport);
        if status.is_none() && case_id.is_none() && nik.is_none() && passport.is_none() {
            continue;
        }
        match read_line(status, case_id, nik, passport) {
            Ok((key, status)) => lines.push(ListLine { line, key, status }),
            Err(why) => problems.push(ListProblem { line, why }),
        }
    }
    if lines.is_empty() && problems.is_empty() {
        return Err(not_a_list("it has no lines below its first"));
    }
    Ok((lines, problems))
}

/// The line a record starts on, as a text editor numbers it. (The csv crate's own count is
/// one short after a CRLF line end or an empty line: it starts a record at the line end it
/// has not counted yet.) Records come in order, so the count runs on from the last one.
struct LineCounter<'a> {
    text: &'a [u8],
    at: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a [u8]) -> Self {
        LineCounter {
            text,
            at: 0,
            line: 1,
        }
    }

    fn line_at(&mut self, byte: u64) -> u64 {
        let mut start = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while matches!(self.text.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        if start > self.at {
            self.line += (self.at..start)
                .filter(|&i| ends_line(self.text, i))
                .count() as u64;
            self.at = start;
        }
        self.line
    }
}

/// Whether byte `i` of `text` ends a line: an LF, or a CR not followed by an LF (the line ends
/// of old Mac spreadsheets, which the csv crate reads too).
fn ends_line(text: &[u8], i: usize) -> bool {
    match text[i] {
        b'\n' => true,
        b'\r' => text.get(i + 1) != Some(&b'\n'),
        _ => false,
    }
}

/// How many lines `text` has, as [`read_status_list`] numbers them.
pub fn lines_in(text: &[u8]) -> u64 {
    (0..text.len()).filter(|&i| ends_line(text, i)).count() as u64 + 1
}

fn read_line(
    status: Option<String>,
    case_id: Option<String>,
    nik: Option<String>,
    passport: Option<String>,
) -> std::result::Result<(ListKey, HqStatus), String> {
    let status: HqStatus = status
        .unwrap_or_default()
        .to_ascii_lowercase()
        .parse()
        .map_err(|_| "the status must be splp-issued or departed".to_owned())?;
    let key = if let Some(id) = case_id {
        ListKey::Case(id.to_ascii_lowercase())
    } else if let Some(nik) = nik {
        if nik.len() != 16 || !nik.bytes().all(|b| b.is_ascii_digit()) {
            return Err(
                "the NIK is not 16 digits (a spreadsheet may have turned it into a \
                        number such as 3.2E+15: format the column as text)"
                    .to_owned(),
            );
        }
        ListKey::Nik(nik)
    } else if let Some(number) = passport {
        let number: String = number
            .split_whitespace()
            .collect::<String>()
            .to_ascii_uppercase();
        if !(6..=9).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err("the passport number is not 6 to 9 letters and digits".to_owned());
        }
        ListKey::Passport(number)
    } else {
        return Err("no case id, NIK or passport number".to_owned());
    };
    Ok((key, status))
}

/// What a status list did to one case it named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listed {
    /// The first line of the list that named the case.
    pub line: u64,
    pub case_id: String,
    /// The status the list gives it.
    pub status: HqStatus,
    /// The update recorded; `None` when the case had this status, or a later one, already.
    pub recorded: Option<StatusUpdate>,
    /// The case's status before the list.
    pub before: Option<String>,
}

impl Hq {
    /// Records a status update for a case held (append-only; the latest is shown), whatever
    /// its status before.
    pub fn set_status(&mut self, case_id: &str, status: HqStatus) -> Result<StatusUpdate> {
        let asked = Some(format!("case {case_id}: {}", status.as_str()));
        let entry = self.access_entry("status", asked, 1, vec![case_id.to_owned()]);
        let mut recorded = self.record_statuses(&[(case_id.to_owned(), status)], &entry)?;
        Ok(recorded.remove(0))
    }

    /// Records a status list ([`read_status_list`]) in one transaction: each case it names
    /// gets its status, unless the case has that status or a later one already (a list given
    /// twice, or an SPLP list that comes after the flight, changes nothing). Refused whole,
    /// nothing recorded, when any line cannot be read, names no case held, or gives a case
    /// another status than an earlier line.
    pub fn record_status_list(&mut self, bytes: &[u8]) -> Result<Vec<Listed>> {
        let (lines, mut problems) = read_status_list(bytes)?;
        let mut listed: Vec<Listed> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for l in &lines {
            let cases = self.db.cases_of(l.key.person_key())?;
            if cases.is_empty() {
                problems.push(ListProblem {
                    line: l.line,
                    why: format!("no case is held with this {}", l.key.what()),
                });
            }
            for case in cases {
                if let Some(&i) = seen.get(&case.case_id) {
                    if listed[i].status != l.status {
                        problems.push(ListProblem {
                            line: l.line,
                            why: format!(
                                "case {} has status {} from line {}",
                                case.case_id,
                                listed[i].status.as_str(),
                                listed[i].line
                            ),
                        });
                    }
                    continue;
                }
                seen.insert(case.case_id.clone(), listed.len());
                listed.push(Listed {
                    line: l.line,
                    case_id: case.case_id,
                    status: l.status,
                    recorded: None,
                    before: case.hq_status,
                });
            }
        }
        if !problems.is_empty() {
            problems.sort_by_key(|p| p.line);
            let more = problems.len().saturating_sub(PROBLEMS_SHOWN);
            problems.truncate(PROBLEMS_SHOWN);
            return Err(HqError::StatusListRefused { problems, more });
        }
        let ids: Vec<String> = listed.iter().map(|l| l.case_id.clone()).collect();
        let asked = Some(format!("status list of {} lines", lines.len()));
        let entry = self.access_entry("status", asked, ids.len(), ids);
        let due = not_yet(&listed);
        if due.is_empty() {
            self.write_access(&entry)?;
            return Ok(listed);
        }
        let mut recorded: HashMap<String, StatusUpdate> = self
            .record_statuses(&due, &entry)?
            .into_iter()
            .map(|u| (u.case_id.clone(), u))
            .collect();
        for l in &mut listed {
            l.recorded = recorded.remove(&l.case_id);
        }
        Ok(listed)
    }

    /// Appends these updates in one transaction with the access log's `entry`, each case
    /// taking the next change number of its mission (missions locked in name order, as an
    /// import locks them).
    fn record_statuses(
        &mut self,
        updates: &[(String, HqStatus)],
        entry: &AccessEntry,
    ) -> Result<Vec<StatusUpdate>> {
        let ids: Vec<&str> = updates.iter().map(|(id, _)| id.as_str()).collect();
        'again: for _ in 0..STATUS_TRIES {
            let mut tx = self.db.transaction()?;
            let held = tx.current_versions(&ids)?;
            if let Some(id) = ids.iter().find(|id| !held.contains_key(**id)) {
                return Err(HqError::UnknownCase {
                    case_id: (*id).to_owned(),
                });
            }
            let missions: BTreeSet<&str> = held.values().map(|(_, m)| m.as_str()).collect();
            let mut last = tx.lock_missions(&missions.into_iter().collect::<Vec<_>>())?;
            let recorded_at = crate::now();
            let mut out = Vec::with_capacity(updates.len());
            for (case_id, status) in updates {
                let mission = &held[case_id].1;
                let seq = last.get(mission).copied().unwrap_or(0) + 1;
                last.insert(mission.clone(), seq);
                let update = StatusUpdate {
                    case_id: case_id.clone(),
                    status: status.as_str().to_owned(),
                    recorded_at: recorded_at.clone(),
                    seq,
                };
                if !tx.record_status(&update, mission)? {
                    continue 'again; // a newer version moved it to another mission
                }
                out.push(update);
            }
            tx.set_mission_seqs(&last)?;
            tx.log_access(entry)?;
            tx.commit()?;
            return Ok(out);
        }
        Err(HqError::Busy)
    }
}

/// The cases of a list that do not have its status, or a later one, yet.
fn not_yet(listed: &[Listed]) -> Vec<(String, HqStatus)> {
    listed
        .iter()
        .filter(|l| {
            let before: Option<HqStatus> = l.before.as_deref().and_then(|s| s.parse().ok());
            before.is_none_or(|b| b < l.status)
        })
        .map(|l| (l.case_id.clone(), l.status))
        .collect()
}
