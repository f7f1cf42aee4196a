//! Sealed batches: finalised case versions, and the prints and voids of SPLP requests,
//! frozen into `loket.batch/1` files for headquarters, and headquarters' signed receipts
//! coming back.
//!
//! A batch is sealed once, in the transaction that marks its outbox rows, and its bytes are
//! kept: every export or upload of batch N sends the same bytes (age encryption is
//! randomised, so a rebuilt batch would differ and headquarters would refuse it as "the same
//! number with different content"). Sending never marks anything: only a receipt that
//! verifies against headquarters' pinned key does.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, FixedOffset};
use loket_batch::{
    AuditHead, HeldVersion, Receipt, RecordEntry, RequestAction, RequestEvent, SealInput,
};
use loket_core::status::CaseStatus;
use rusqlite::{OptionalExtension, TransactionBehavior};
use serde::Serialize;

use crate::audit::{self, counter};
use crate::cases::now;
use crate::error::{Result, StoreError};
use crate::Store;

/// One sealed batch, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BatchInfo {
    /// From 1, per counter.
    pub sequence: u64,
    pub manifest_sha256: String,
    /// SHA-256 hex of the batch file's bytes.
    pub file_sha256: String,
    /// Size of the batch file in bytes.
    pub size: u64,
    /// Case versions in the batch.
    pub record_count: u64,
    /// Prints, reprints and voids of SPLP requests in the batch.
    pub request_count: u64,
    pub sealed_at: String,
    /// When a receipt first named this batch; `None` while headquarters has not confirmed it.
    pub acknowledged_at: Option<String>,
}

/// What applying a receipt did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Acknowledgement {
    /// Case versions headquarters holds that this counter had not seen acknowledged before.
    pub new_versions: u64,
    /// Distinct cases among them.
    pub new_cases: u64,
    /// Every case version acknowledged so far.
    pub total_versions: u64,
    /// Batches this receipt confirmed for the first time.
    pub new_batches: Vec<u64>,
    /// Versions the receipt names with a hash this counter does not have for them: not
    /// acknowledged (a sign that something is wrong at one end).
    pub mismatched: u64,
    /// Closed cases whose closing headquarters now holds, removed from this counter.
    pub purged: u64,
}

/// Counts for the officer: what is waiting to go to headquarters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncCounts {
    /// Finalised versions not yet in any batch.
    pub unsealed_versions: u64,
    /// Prints, reprints and voids of SPLP requests not yet in any batch.
    pub unsealed_requests: u64,
    /// Sealed batches headquarters has not acknowledged.
    pub unacknowledged_batches: u64,
    /// Cases whose current version headquarters holds.
    pub acknowledged_cases: u64,
}

/// What headquarters has not acknowledged yet, sealed or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Unacknowledged {
    /// Finalised case versions.
    pub versions: u64,
    /// Prints, reprints and voids of SPLP requests.
    pub requests: u64,
}

const BATCH_COLUMNS: &str = "sequence, manifest_sha256, file_sha256, size, record_count,
                             sealed_at, acknowledged_at, request_count";

/// Column `i` as a count or number (SQLite integers are signed; these are never negative).
fn u64_at(r: &rusqlite::Row, i: usize) -> rusqlite::Result<u64> {
    Ok(r.get::<_, i64>(i)?.max(0) as u64)
}

fn batch_info(r: &rusqlite::Row) -> rusqlite::Result<BatchInfo> {
    Ok(BatchInfo {
        sequence: u64_at(r, 0)?,
        manifest_sha256: r.get(1)?,
        file_sha256: r.get(2)?,
        size: u64_at(r, 3)?,
        record_count: u64_at(r, 4)?,
        request_count: u64_at(r, 7)?,
        sealed_at: r.get(5)?,
        acknowledged_at: r.get(6)?,
    })
}

fn timestamp(text: &str) -> Result<DateTime<FixedOffset>> {
    DateTime::parse_from_rfc3339(text).map_err(|_| StoreError::Corrupt)
}

/// From this many versions on, a batch is read on two connections at once (opening the
/// second costs a few milliseconds).
const TWO_READERS_FROM: usize = 2_000;

/// The finalised versions not yet in a batch with outbox numbers in `(after, upto]`, in
/// outbox order, each with its case's current photo (its row in `photos`), if any.
fn unsealed(
    conn: &rusqlite::Connection,
    after: i64,
    upto: i64,
) -> Result<Vec<(RecordEntry, Option<i64>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.case_id, o.version, o.status, v.saved_at, v.officer, v.reason, v.record,
                (SELECT max(p.seq) FROM photos p WHERE p.case_id = o.case_id)
         FROM outbox o
         JOIN cases c ON c.id = o.case_id
         JOIN case_versions v ON v.vid = (c.no << 32) + o.version
         WHERE o.batch IS NULL AND o.status <> 'draft' AND o.seq > ?1 AND o.seq <= ?2
         ORDER BY o.seq",
    )?;
    let mut rows = stmt.query([after, upto])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let status: String = r.get(2)?;
        let saved_at: String = r.get(3)?;
        let entry = RecordEntry {
            case_id: r.get(0)?,
            version: u64_at(r, 1)?,
            status: CaseStatus::parse(&status).ok_or(StoreError::Corrupt)?,
            saved_at: timestamp(&saved_at)?,
            officer: r.get(4)?,
            reason: r.get(5)?,
            photo_sha256: None,
            record_text: r.get(6)?,
        };
        out.push((entry, r.get(7)?));
    }
    Ok(out)
}

/// The `meta` key naming the last request event a batch carries (its `seq`, as text).
const REQUESTS_SEALED_THROUGH: &str = "requests_sealed_through";

/// Finalised versions not yet in a batch, as a subquery.
const UNSEALED_VERSIONS: &str =
    "(SELECT count(*) FROM outbox WHERE batch IS NULL AND status <> 'draft')";
/// Request events not yet in a batch, as a subquery; `?1` is [`requests_sealed_through`].
const UNSEALED_REQUESTS: &str = "(SELECT count(*) FROM request_events WHERE seq > ?1)";

/// The last request event sealed into a batch; 0 before the first.
fn requests_sealed_through(conn: &rusqlite::Connection) -> Result<i64> {
    match crate::meta::get(conn, REQUESTS_SEALED_THROUGH)? {
        None => Ok(0),
        Some(v) => std::str::from_utf8(&v)
            .ok()
            .and_then(|t| t.parse().ok())
            .ok_or(StoreError::Corrupt),
    }
}

/// The prints, reprints and voids of requests that no batch has carried yet, oldest first,
/// each with what its request was printed from.
fn unsent_request_events(conn: &rusqlite::Connection) -> Result<Vec<RequestEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.seq, e.serial, e.action, e.at, e.officer, e.reason,
                r.case_id, r.version, r.record_sha256, r.issued_at
         FROM request_events e JOIN requests r ON r.serial = e.serial
         WHERE e.seq > ?1
         ORDER BY e.seq",
    )?;
    let mut rows = stmt.query([requests_sealed_through(conn)?])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let action: String = r.get(2)?;
        let at: String = r.get(3)?;
        let issued_at: String = r.get(9)?;
        out.push(RequestEvent {
            seq: u64_at(r, 0)?,
            serial: r.get(1)?,
            action: RequestAction::parse(&action).ok_or(StoreError::Corrupt)?,
            at: timestamp(&at)?,
            officer: r.get(4)?,
            reason: r.get(5)?,
            case_id: r.get(6)?,
            version: u64_at(r, 7)?,
            record_sha256: r.get(8)?,
            issued_at: timestamp(&issued_at)?,
        });
    }
    Ok(out)
}

impl Store {
    /// Seals every finalised version not yet in a batch, and every request event not yet
    /// carried, into the next batch, in one transaction with marking them; `None` when there
    /// is nothing to seal.
    pub fn seal_batch(&mut self) -> Result<Option<BatchInfo>> {
        let hq = self.hq_key()?.ok_or(StoreError::HqKeyMissing)?;
        let signing = self.signing_key()?;
        let device_id = self.device_id()?;
        let mission = self.mission()?;
        let created_at = chrono::Local::now().fixed_offset();
        let sealed_at = now();

        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        // A large batch is read on two connections at once, each half of the outbox. The
        // second sees what this transaction sees: it has written nothing yet, and holds the
        // write lock, so no other commit comes in between.
        let seqs: Vec<i64> = tx
            .prepare(
                "SELECT seq FROM outbox WHERE batch IS NULL AND status <> 'draft' ORDER BY seq",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let requests = unsent_request_events(&tx)?;
        let last_seq = seqs.last().copied().unwrap_or(0);
        let rows = if seqs.is_empty() {
            Vec::new()
        } else if seqs.len() < TWO_READERS_FROM {
            unsealed(&tx, i64::MIN, last_seq)?
        } else {
            let middle = seqs[seqs.len() / 2];
            let other = crate::open_db(&self.dir, &self.key, false)?;
            let (first, second) = std::thread::scope(|s| {
                let second = s.spawn(move || {
                    let read = other.unchecked_transaction()?;
                    unsealed(&read, middle, last_seq)
                });
                let first = unsealed(&tx, i64::MIN, middle);
                let second = second
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                (first, second)
            });
            let mut rows = first?;
            rows.extend(second?);
            rows
        };
        // The latest row wins when a version was queued twice (finalised, then closed).
        let mut queued: Vec<(RecordEntry, Option<i64>)> = Vec::with_capacity(rows.len());
        let mut position: HashMap<(String, u64), usize> = HashMap::with_capacity(rows.len());
        for row in rows {
            match position.entry((row.0.case_id.clone(), row.0.version)) {
                Entry::Occupied(at) => queued[*at.get()] = row,
                Entry::Vacant(slot) => {
                    slot.insert(queued.len());
                    queued.push(row);
                }
            }
        }
        if queued.is_empty() && requests.is_empty() {
            return Ok(None);
        }

        // Each case's current photo travels with it, once per batch.
        let mut attachments: BTreeMap<String, Vec<u8>> = BTreeMap::new();
        let mut hash_of: HashMap<i64, String> = HashMap::new();
        let mut records: Vec<RecordEntry> = Vec::with_capacity(queued.len());
        {
            let mut photo = tx.prepare_cached("SELECT sha256, jpeg FROM photos WHERE seq = ?1")?;
            for (mut entry, seq) in queued {
                if let Some(seq) = seq {
                    let sha = match hash_of.entry(seq) {
                        Entry::Occupied(known) => known.get().clone(),
                        Entry::Vacant(slot) => {
                            let (sha, jpeg): (String, Vec<u8>) =
                                photo.query_row([seq], |r| Ok((r.get(0)?, r.get(1)?)))?;
                            attachments.entry(sha.clone()).or_insert(jpeg);
                            slot.insert(sha).clone()
                        }
                    };
                    entry.photo_sha256 = Some(sha);
                }
                records.push(entry);
            }
        }
        let audit_head = tx
            .query_row(
                "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
                [],
                |r| {
                    Ok(AuditHead {
                        seq: u64_at(r, 0)?,
                        hash: r.get(1)?,
                    })
                },
            )
            .optional()?
            .ok_or(StoreError::Corrupt)?;
        let previous: Option<(u64, String)> = tx
            .query_row(
                "SELECT sequence, manifest_sha256 FROM batches ORDER BY sequence DESC LIMIT 1",
                [],
                |r| Ok((u64_at(r, 0)?, r.get(1)?)),
            )
            .optional()?;
        let sequence = previous.as_ref().map_or(1, |(n, _)| n + 1);
        let input = SealInput {
            device_id,
            mission,
            sequence,
            previous_manifest_sha256: previous.map(|(_, hash)| hash),
            created_at,
            audit_head,
            records,
            attachments: attachments.into_values().collect(),
            requests,
        };
        let sealed = loket_batch::seal(&input, &signing, &hq).map_err(StoreError::Seal)?;
        let file_sha256 = loket_batch::sha256_hex(&sealed.bytes);
        tx.execute(
            "INSERT INTO batches (sequence, manifest_sha256, file_sha256, bytes, record_count,
                                  sealed_at, size, request_count)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            rusqlite::params![
                sequence as i64,
                sealed.manifest_sha256,
                file_sha256,
                sealed.bytes,
                input.records.len() as i64,
                sealed_at,
                sealed.bytes.len() as i64,
                input.requests.len() as i64
            ],
        )?;
        if let Some(last) = input.requests.last() {
            crate::meta::put(
                &tx,
                REQUESTS_SEALED_THROUGH,
                last.seq.to_string().as_bytes(),
            )?;
        }
        if !seqs.is_empty() {
            tx.execute(
                "UPDATE outbox SET batch = ?1
                 WHERE batch IS NULL AND status <> 'draft' AND seq <= ?2",
                rusqlite::params![sequence as i64, last_seq],
            )?;
        }
        audit::append_counter(
            &tx,
            &self.officer,
            counter::SEAL,
            Some(&sequence.to_string()),
            &sealed.manifest_sha256,
        )?;
        tx.commit()?;
        self.committed();
        Ok(Some(BatchInfo {
            sequence,
            manifest_sha256: sealed.manifest_sha256,
            file_sha256,
            size: sealed.bytes.len() as u64,
            record_count: input.records.len() as u64,
            request_count: input.requests.len() as u64,
            sealed_at,
            acknowledged_at: None,
        }))
    }

    /// Every sealed batch, oldest first.
    pub fn batches(&self) -> Result<Vec<BatchInfo>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {BATCH_COLUMNS} FROM batches ORDER BY sequence"
        ))?;
        let rows = stmt.query_map([], batch_info)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The frozen bytes of batch `sequence`, while headquarters has not acknowledged it
    /// (they are dropped then: the batch is never sent again).
    pub fn batch_bytes(&self, sequence: u64) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT bytes FROM batches WHERE sequence = ?1 AND acknowledged_at IS NULL",
            )?
            .query_row([sequence as i64], |r| r.get(0))
            .optional()?)
    }

    /// What is waiting to go to headquarters.
    pub fn sync_counts(&self) -> Result<SyncCounts> {
        let sql = format!(
            "SELECT {UNSEALED_VERSIONS}, {UNSEALED_REQUESTS},
                    (SELECT count(*) FROM batches WHERE acknowledged_at IS NULL),
                    (SELECT count(*) FROM cases c JOIN acknowledged a
                        ON a.case_id = c.id AND a.version = c.version)"
        );
        Ok(self.conn.prepare_cached(&sql)?.query_row(
            [requests_sealed_through(&self.conn)?],
            |r| {
                Ok(SyncCounts {
                    unsealed_versions: u64_at(r, 0)?,
                    unsealed_requests: u64_at(r, 1)?,
                    unacknowledged_batches: u64_at(r, 2)?,
                    acknowledged_cases: u64_at(r, 3)?,
                })
            },
        )?)
    }

    /// What headquarters has not acknowledged yet, sealed or not: what the officer sees as
    /// "waiting". A batch counts whole until a receipt confirms it.
    pub fn unacknowledged(&self) -> Result<Unacknowledged> {
        let sql = format!(
            "SELECT {UNSEALED_VERSIONS} + (SELECT coalesce(sum(record_count), 0) FROM batches
                                           WHERE acknowledged_at IS NULL),
                    {UNSEALED_REQUESTS} + (SELECT coalesce(sum(request_count), 0) FROM batches
                                           WHERE acknowledged_at IS NULL)"
        );
        Ok(self.conn.prepare_cached(&sql)?.query_row(
            [requests_sealed_through(&self.conn)?],
            |r| {
                Ok(Unacknowledged {
                    versions: u64_at(r, 0)?,
                    requests: u64_at(r, 1)?,
                })
            },
        )?)
    }

    /// Applies a receipt from headquarters: checked against the pinned key and this
    /// counter's id, then exactly the listed versions whose hashes match are marked
    /// acknowledged, and the listed batches confirmed (their bytes dropped); the closed cases
    /// headquarters now holds are purged. Applying it again changes nothing.
    pub fn apply_receipt(&mut self, text: &[u8]) -> Result<Acknowledgement> {
        let hq = self.hq_key()?.ok_or(StoreError::HqKeyMissing)?;
        let receipt = Receipt::verify(text, &hq.sign).map_err(StoreError::Receipt)?;
        let ours = self.device_id()?;
        if receipt.device_id != ours {
            return Err(StoreError::ReceiptForAnotherCounter {
                device_id: receipt.device_id,
            });
        }
        let at = now();
        let tx = self.conn.transaction()?;
        let mut ack = Acknowledgement {
            new_versions: 0,
            new_cases: 0,
            total_versions: 0,
            new_batches: Vec::new(),
            mismatched: 0,
            purged: 0,
        };
        {
            // Versions acknowledged before (a receipt names every version held) are passed
            // over. A case's current version is checked against the hash on its row; an
            // older one against its version row, read in key order.
            let mut acknowledged = tx.prepare_cached(
                "SELECT 1 FROM acknowledged
                 WHERE case_id = ?1 AND version = ?2 AND record_sha256 = ?3",
            )?;
            let mut current =
                tx.prepare_cached("SELECT no, version, record_sha256 FROM cases WHERE id = ?1")?;
            let mut matched: Vec<&HeldVersion> = Vec::new();
            let mut older: Vec<(i64, &HeldVersion)> = Vec::new();
            for held in &receipt.records {
                // A version this counter cannot have written is not looked up.
                let Ok(version) = u32::try_from(held.version) else {
                    continue;
                };
                let params = rusqlite::params![held.case_id, version, held.record_sha256];
                if acknowledged.exists(params)? {
                    continue;
                }
                let case: Option<(i64, u32, String)> = current
                    .query_row([&held.case_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                    .optional()?;
                match case {
                    Some((_, v, hash)) if v == version => {
                        if hash == held.record_sha256 {
                            matched.push(held);
                        } else {
                            ack.mismatched += 1;
                        }
                    }
                    Some((no, _, _)) => older.push((crate::cases::vid(no, version), held)),
                    // A case this counter no longer has (or never had): nothing to mark.
                    None => {}
                }
            }
            older.sort_unstable_by_key(|&(vid, _)| vid);
            let mut version_hash =
                tx.prepare_cached("SELECT record_sha256 FROM case_versions WHERE vid = ?1")?;
            for (vid, held) in older {
                let ours: Option<String> =
                    version_hash.query_row([vid], |r| r.get(0)).optional()?;
                match ours {
                    Some(hash) if hash == held.record_sha256 => matched.push(held),
                    Some(_) => ack.mismatched += 1,
                    None => {}
                }
            }
            // In the table's key order: each insert lands beside the previous one.
            matched.sort_unstable_by(|a, b| (&a.case_id, a.version).cmp(&(&b.case_id, b.version)));
            let mut insert = tx.prepare_cached(
                "INSERT INTO acknowledged (case_id, version, record_sha256, acknowledged_at)
                 VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
            )?;
            let mut cases = std::collections::BTreeSet::new();
            for held in matched {
                let added = insert.execute(rusqlite::params![
                    held.case_id,
                    held.version as i64,
                    held.record_sha256,
                    at
                ])?;
                if added > 0 {
                    ack.new_versions += 1;
                    cases.insert(held.case_id.as_str());
                }
            }
            ack.new_cases = cases.len() as u64;
            let mut confirm = tx.prepare_cached(
                "UPDATE batches SET acknowledged_at = ?2, bytes = X''
                 WHERE sequence = ?1 AND acknowledged_at IS NULL",
            )?;
            // A batch before the first whose versions the receipt lists is not confirmed by
            // it: this counter asked from its first unacknowledged batch, so a receipt that
            // starts later leaves those batches to a later receipt.
            let first = receipt.first_listed_batch();
            for &sequence in receipt.batches.iter().filter(|&&n| n >= first) {
                if confirm.execute(rusqlite::params![sequence as i64, at])? > 0 {
                    ack.new_batches.push(sequence);
                }
            }
        }
        if ack.new_versions > 0 || !ack.new_batches.is_empty() {
            let batches: Vec<String> = ack.new_batches.iter().map(u64::to_string).collect();
            let detail = (!batches.is_empty()).then(|| batches.join(","));
            audit::append_counter(
                &tx,
                &self.officer,
                counter::RECEIPT,
                detail.as_deref(),
                &loket_batch::sha256_hex(text),
            )?;
        }
        ack.purged = crate::purge::acknowledged_closed(&tx, &at)?;
        ack.total_versions =
            tx.query_row("SELECT count(*) FROM acknowledged", [], |r| u64_at(r, 0))?;
        tx.commit()?;
        self.committed();
        Ok(ack)
    }

    /// The first batch whose versions a receipt from headquarters must list (the query
    /// `receipt_from`): the lowest batch not acknowledged yet, else the one after the last
    /// (1 before any). Every version of the batches before it is acknowledged here already.
    pub fn receipt_from(&self) -> Result<u64> {
        Ok(self.conn.query_row(
            "SELECT coalesce(min(sequence) FILTER (WHERE acknowledged_at IS NULL),
                             max(sequence) + 1, 1)
             FROM batches",
            [],
            |r| u64_at(r, 0),
        )?)
    }

    /// Whether headquarters acknowledged version `version` of case `id`.
    pub fn is_acknowledged(&self, id: &str, version: u32) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM acknowledged WHERE case_id = ?1 AND version = ?2")?
            .query_row(rusqlite::params![id, version], |_| Ok(()))
            .optional()?
            .is_some())
    }
}
