//! Applying one batch: the whole batch in one transaction, keyed by (device, batch number),
//! or nothing of it.
//!
//! Idempotent and order-free: batch N is applied once (the same bytes again change nothing),
//! a case version is stored once, and a case's current row is its highest version held, so
//! any order of arrival and any number of repeats ends in the same state.

use std::collections::{BTreeMap, HashSet};

use loket_batch::{OpenedRecord, RequestAction, Unsealed};
use serde::Serialize;

use crate::db::{
    BatchRow, CaseRow, Database, HeldRequest, RecordRow, RequestEventRow, Transaction,
};
use crate::error::{HqError, Result};

/// What importing a batch did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The batch was new and is now held.
    Applied,
    /// The same batch was held already: nothing changed.
    AlreadyHeld,
}

/// Counts of one application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Applied {
    pub outcome: Outcome,
    /// Case versions stored by this import.
    pub new_records: u64,
    /// Case versions of the batch that were held already (from an earlier batch).
    pub held_records: u64,
    pub new_photos: u64,
    /// Requests first named by this import's events.
    pub new_requests: u64,
}

/// Applies a checked batch (`records` are its records, parsed and validated) in one
/// transaction: nothing of it, or all of it. `keep` moves the batch file into the data
/// directory; it runs just before the commit, so a committed batch's photos are always on
/// disk (a crash in between leaves a kept file no row names, which a retry reuses).
pub(crate) fn apply(
    db: &mut dyn Database,
    batch: &Unsealed,
    records: Vec<OpenedRecord>,
    file_sha256: &str,
    now: &str,
    keep: &mut dyn FnMut() -> Result<()>,
) -> Result<Applied> {
    let m = &batch.manifest;
    let device_id = m.device_id.as_str();
    let sequence = m.sequence;
    let mut tx = db.transaction()?;
    if tx.lock_device(device_id)?.is_none() {
        return Err(HqError::UnknownDevice {
            device_id: device_id.to_owned(),
        });
    }

    // Batch N once: the same manifest again is a no-op, another manifest is refused.
    if let Some(held) = tx.batch(device_id, sequence)? {
        if held.manifest_sha256 == batch.manifest_sha256 {
            return Ok(Applied {
                outcome: Outcome::AlreadyHeld,
                new_records: 0,
                held_records: records.len() as u64,
                new_photos: 0,
                new_requests: 0,
            });
        }
        return Err(HqError::DifferentContent {
            device_id: device_id.to_owned(),
            sequence,
        });
    }
    // The chain, against whichever neighbours are held (batches arrive in any order).
    if sequence > 1 {
        if let Some(previous) = tx.batch(device_id, sequence - 1)? {
            if m.previous_manifest_sha256.as_deref() != Some(previous.manifest_sha256.as_str()) {
                return Err(HqError::ForkAfter {
                    device_id: device_id.to_owned(),
                    sequence,
                    previous: sequence - 1,
                });
            }
        }
    }
    if let Some(next) = tx.batch(device_id, sequence + 1)? {
        if next.previous_manifest_sha256.as_deref() != Some(batch.manifest_sha256.as_str()) {
            return Err(HqError::ForkBefore {
                device_id: device_id.to_owned(),
                sequence,
                next: sequence + 1,
            });
        }
    }

    // The batch's row first: the photos' rows name it.
    tx.insert_batch(&BatchRow {
        device_id: device_id.to_owned(),
        sequence,
        mission: m.mission.clone(),
        manifest_sha256: batch.manifest_sha256.clone(),
        file_sha256: file_sha256.to_owned(),
        previous_manifest_sha256: m.previous_manifest_sha256.clone(),
        record_count: m.record_count,
        created_at: m.created_at.to_rfc3339(),
        imported_at: now.to_owned(),
    })?;
    // Each photo once, held where it first came: before the records that refer to it.
    let listed: Vec<&str> = batch.photo_hashes().collect();
    let held_photos: HashSet<String> = tx.held_photos(&listed)?;
    let new_photos: Vec<&str> = listed
        .into_iter()
        .filter(|h| !held_photos.contains(*h))
        .collect();
    tx.insert_photos(&new_photos, device_id, sequence)?;

    // Each case version once; the same version with other content refuses the batch.
    let keys: Vec<(&str, u64)> = records
        .iter()
        .map(|r| (r.entry.case_id.as_str(), r.entry.version))
        .collect();
    let held = tx.held_versions(&keys)?;
    let mut new = Vec::with_capacity(records.len());
    let mut held_records = 0;
    for r in &records {
        match held.get(&(r.entry.case_id.clone(), r.entry.version)) {
            Some(hash) if *hash == r.record_sha256 => held_records += 1,
            Some(_) => {
                return Err(HqError::VersionConflict {
                    case_id: r.entry.case_id.clone(),
                    version: r.entry.version,
                })
            }
            None => new.push(r),
        }
    }

    let rows: Vec<RecordRow<'_>> = new
        .iter()
        .map(|r| RecordRow {
            case_id: &r.entry.case_id,
            version: r.entry.version,
            device_id,
            mission: &m.mission,
            status: r.entry.status.as_str(),
            saved_at: r.entry.saved_at.to_rfc3339(),
            officer: &r.entry.officer,
            reason: r.entry.reason.as_deref(),
            record_sha256: &r.record_sha256,
            record_text: &r.entry.record_text,
            photo_sha256: r.entry.photo_sha256.as_deref(),
            batch_sequence: sequence,
        })
        .collect();
    tx.insert_records(&rows)?;

    // One row per case (its highest version in this batch); the upsert keeps the highest
    // held overall.
    let mut highest: BTreeMap<&str, &loket_batch::OpenedRecord> = BTreeMap::new();
    for r in &new {
        let slot = highest.entry(r.entry.case_id.as_str()).or_insert(r);
        if r.entry.version > slot.entry.version {
            *slot = r;
        }
    }
    let cases: Vec<CaseRow> = highest
        .values()
        .map(|r| {
            let person = &r.record.person;
            CaseRow {
                case_id: r.entry.case_id.clone(),
                version: r.entry.version,
                mission: r
                    .record
                    .mission
                    .clone()
                    .unwrap_or_else(|| m.mission.clone()),
                device_id: device_id.to_owned(),
                status: r.entry.status.as_str().to_owned(),
                full_name: person.full_name.clone(),
                date_of_birth: person.date_of_birth.clone(),
                nik: person.nik.clone(),
                passport_number: r.record.passport.as_ref().and_then(|p| p.number.clone()),
                updated_at: r.entry.saved_at.to_rfc3339(),
                hq_status: None,
                hq_status_at: None,
                seq: 0,
            }
        })
        .collect();
    upsert_numbered(tx.as_mut(), cases)?;
    let new_requests = store_requests(tx.as_mut(), batch)?;

    keep()?;
    tx.commit()?;
    let new_records = rows.len() as u64;
    drop((rows, new));
    // Freeing a surge batch's parsed records (~15 ms for 10,000) need not hold up the answer
    // (should no thread start, they are freed here).
    let _ = std::thread::Builder::new().spawn(move || drop(records));
    Ok(Applied {
        outcome: Outcome::Applied,
        new_records,
        held_records,
        new_photos: new_photos.len() as u64,
        new_requests,
    })
}

/// Stores the batch's request events, and the requests they first name; returns how many
/// requests are new. A serial is one request for good: an event that names it with another
/// counter or another record, or voids it twice, refuses the batch.
fn store_requests(tx: &mut dyn Transaction, batch: &Unsealed) -> Result<u64> {
    let m = &batch.manifest;
    if m.requests.is_empty() {
        return Ok(0);
    }
    let serials: Vec<&str> = m.requests.iter().map(|e| e.serial.as_str()).collect();
    let mut held = tx.held_requests(&serials)?;
    let rows: Vec<RequestEventRow<'_>> = m
        .requests
        .iter()
        .map(|event| RequestEventRow {
            device_id: &m.device_id,
            mission: &m.mission,
            batch_sequence: m.sequence,
            event,
        })
        .collect();
    let mut new = Vec::new();
    for row in &rows {
        let e = row.event;
        let conflict = |why| HqError::RequestConflict {
            serial: e.serial.clone(),
            why,
        };
        let request = held.entry(e.serial.clone()).or_insert_with(|| {
            new.push(*row);
            HeldRequest {
                device_id: m.device_id.clone(),
                case_id: e.case_id.clone(),
                version: e.version,
                record_sha256: e.record_sha256.clone(),
                void: false,
            }
        });
        if request.device_id != m.device_id {
            return Err(conflict("was issued by another counter"));
        }
        if (
            request.case_id.as_str(),
            request.version,
            request.record_sha256.as_str(),
        ) != (e.case_id.as_str(), e.version, e.record_sha256.as_str())
        {
            return Err(conflict(
                "is held as printed from another case version or record",
            ));
        }
        if e.action == RequestAction::Void {
            if request.void {
                return Err(conflict("is voided twice"));
            }
            request.void = true;
        }
    }
    tx.insert_requests(&new, &rows)?;
    Ok(new.len() as u64)
}

/// Stores the cases whose version is higher than the one held, each with the next change
/// number of its mission. The numbers are taken under the missions' lock, as late in the
/// transaction as possible, so they commit in order and a reader's cursor never passes a
/// number that is still to commit.
fn upsert_numbered(tx: &mut dyn Transaction, cases: Vec<CaseRow>) -> Result<()> {
    if cases.is_empty() {
        return Ok(());
    }
    let mut missions: Vec<&str> = cases.iter().map(|c| c.mission.as_str()).collect();
    missions.sort_unstable();
    missions.dedup();
    let mut last = tx.lock_missions(&missions)?;
    let ids: Vec<&str> = cases.iter().map(|c| c.case_id.as_str()).collect();
    let held = tx.current_versions(&ids)?;
    let (mut new, mut replacing) = (Vec::new(), Vec::new());
    for mut c in cases {
        let held_version = held.get(&c.case_id).map(|(v, _)| *v);
        if held_version.is_some_and(|v| c.version <= v) {
            continue;
        }
        let n = last.entry(c.mission.clone()).or_insert(0);
        *n += 1;
        c.seq = *n;
        match held_version {
            None => new.push(c),
            Some(_) => replacing.push(c),
        }
    }
    if new.is_empty() && replacing.is_empty() {
        return Ok(());
    }
    tx.upsert_cases(&new, &replacing)?;
    tx.set_mission_seqs(&last)
}
