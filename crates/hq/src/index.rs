//! The mission index (down-sync): headquarters' status updates, and the pages of cases a
//! counter asks for after its cursor (docs/sync-protocol.md, "The mission index").
//!
//! Every change to a case's current row takes the next change number of its mission under
//! the mission's lock (`mission_seq`), so numbers commit in order: a counter that has read up
//! to N never misses a change numbered N or below.

use loket_batch::wire::{IndexEntry, IndexPage, INDEX_FORMAT};
use serde::Deserialize;

use crate::db::{IndexRow, StatusUpdate};
use crate::error::{HqError, Result};
use crate::Hq;

/// A status headquarters records for a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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

/// The few fields of a stored `loket.intake/1` text an index entry needs beyond the columns.
#[derive(Deserialize, Default)]
struct Slim {
    ticket: Option<String>,
    #[serde(default)]
    person: SlimPerson,
}

#[derive(Deserialize, Default)]
struct SlimPerson {
    aliases: Option<Vec<String>>,
}

fn entry(row: IndexRow) -> IndexEntry {
    // The text was validated when it was imported; an unreadable one still lists its columns.
    let slim: Slim = serde_json::from_str(&row.record_text).unwrap_or_default();
    let c = row.case;
    IndexEntry {
        seq: c.seq,
        case_id: c.case_id,
        device_id: c.device_id,
        version: c.version,
        status: c.status,
        ticket: slim.ticket,
        full_name: c.full_name,
        aliases: slim.person.aliases.unwrap_or_default(),
        date_of_birth: c.date_of_birth,
        nik: c.nik,
        passport_number: c.passport_number,
        hq_status: c.hq_status,
        hq_status_at: c.hq_status_at,
    }
}

/// How often a status update retries when its case moved to another mission meanwhile.
const STATUS_TRIES: usize = 3;

impl Hq {
    /// Records a status update for a case held (append-only; the latest is shown) and gives
    /// the case the next change number of its mission, so counters see it.
    pub fn set_status(&mut self, case_id: &str, status: HqStatus) -> Result<StatusUpdate> {
        let asked = Some(format!("case {case_id}: {}", status.as_str()));
        let entry = self.access_entry("status", asked, 1, vec![case_id.to_owned()]);
        for _ in 0..STATUS_TRIES {
            let mut tx = self.db.transaction()?;
            let Some((_, mission)) = tx.current_versions(&[case_id])?.remove(case_id) else {
                return Err(HqError::UnknownCase {
                    case_id: case_id.to_owned(),
                });
            };
            // The mission's lock before the case's row, in the same order as an import.
            let mut last = tx.lock_missions(&[&mission])?;
            let seq = last.get(&mission).copied().unwrap_or(0) + 1;
            last.insert(mission.clone(), seq);
            let update = StatusUpdate {
                case_id: case_id.to_owned(),
                status: status.as_str().to_owned(),
                recorded_at: crate::now(),
                seq,
            };
            if !tx.record_status(&update, &mission)? {
                continue; // a newer version moved it to another mission: take that one's lock
            }
            tx.set_mission_seqs(&last)?;
            tx.log_access(&entry)?;
            tx.commit()?;
            return Ok(update);
        }
        Err(HqError::Busy)
    }

    /// The cases of `mission` changed after cursor `after`, at most `limit` (at least 1), in
    /// ascending order of their change number, as counter `reader` may keep them: without the
    /// person for its own cases and for closed ones (`IndexEntry::person_kept_by`); `more`
    /// when others wait. The page's `request_nonce` is left empty for the caller to fill.
    pub fn index_page(
        &mut self,
        mission: &str,
        after: u64,
        limit: u64,
        reader: &str,
    ) -> Result<IndexPage> {
        let limit = limit.max(1);
        let mut rows = self.db.index(mission, after, limit + 1)?;
        let more = rows.len() as u64 > limit;
        rows.truncate(limit as usize);
        let entries: Vec<IndexEntry> = rows
            .into_iter()
            .map(entry)
            .map(|e| {
                if e.person_kept_by(reader) {
                    e
                } else {
                    e.without_person()
                }
            })
            .collect();
        Ok(IndexPage {
            format: INDEX_FORMAT.to_owned(),
            mission: mission.to_owned(),
            request_nonce: String::new(),
            next: entries.last().map_or(after, |e| e.seq),
            entries,
            more,
        })
    }
}
