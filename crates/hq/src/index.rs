//! The mission index (down-sync): the pages of cases a counter asks for after its cursor
//! (docs/sync-protocol.md, "The mission index").
//!
//! Every change to a case's current row takes the next change number of its mission under
//! the mission's lock (`mission_seq`), so numbers commit in order: a counter that has read up
//! to N never misses a change numbered N or below.

use loket_batch::wire::{IndexEntry, IndexPage, INDEX_FORMAT};
use serde::Deserialize;

use crate::db::IndexRow;
use crate::error::Result;
use crate::Hq;

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

impl Hq {
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
