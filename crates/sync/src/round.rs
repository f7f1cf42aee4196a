//! One sync round: seal what is waiting, ask for headquarters' receipt when a batch from
//! before this round waits (it may have arrived by USB, or its answer was lost), send every
//! batch still unacknowledged in order (one in flight), apply each receipt, then bring the
//! mission index up to date.
//!
//! Sending marks nothing: only a receipt that verifies against the pinned headquarters key
//! does (`Store::apply_receipt`). So a round cut off anywhere leaves every batch sealed and
//! unacknowledged, and the next round sends the same bytes again; headquarters applies a
//! batch once and answers the repeat with the same receipt.

use std::sync::Arc;

use bytes::Bytes;
use ed25519_dalek::VerifyingKey;
use loket_batch::receipt::MAX_RECEIPT_BYTES;
use loket_batch::wire::{
    batch_path, content_digest, index_path, receipt_path, with_receipt_from, IndexPage,
    SignedRequest, MAX_INDEX_BYTES,
};
use loket_store::{BatchInfo, Store, StoreError};
use serde::Serialize;

use crate::client::HqClient;
use crate::error::SyncError;
use crate::slot::StoreSlot;
use crate::status::Progress;

/// Told how the upload goes (from the network's tasks: cheap, never blocking).
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// What a round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RoundReport {
    /// The batch this round sealed, if anything was waiting.
    pub sealed: Option<BatchInfo>,
    /// Batches sent and answered with a receipt, in order.
    pub sent: Vec<u64>,
    /// Case versions acknowledged for the first time.
    pub acknowledged_versions: u64,
    /// Distinct cases among them.
    pub acknowledged_cases: u64,
    /// Batches confirmed for the first time.
    pub confirmed_batches: Vec<u64>,
    /// Versions a receipt named with another hash than this counter's (not acknowledged).
    pub mismatched: u64,
    /// Closed cases removed from the counter, headquarters holding their closing.
    pub purged: u64,
    /// Index entries for cases new to this counter's index.
    pub index_new: u64,
    /// Index entries that updated one held before.
    pub index_updated: u64,
    /// Sealed batches still unacknowledged after the round.
    pub unacknowledged_batches: u64,
    /// When the round was recorded as a success.
    pub last_sync: String,
}

/// Runs `f` with the store for one short step.
fn step<S: StoreSlot, T>(
    slot: &S,
    f: impl FnOnce(&mut Store) -> Result<T, StoreError>,
) -> Result<T, SyncError> {
    slot.with_store(f)
        .ok_or(SyncError::Locked)?
        .map_err(SyncError::from)
}

/// What the round works from, read in one step.
struct Plan {
    sealed: Option<BatchInfo>,
    waiting: Vec<BatchInfo>,
    device_id: String,
    mission: String,
    hq_sign: VerifyingKey,
}

/// One round with headquarters at `client`'s address. Ends `Ok` when every batch sent is
/// acknowledged and the index is up to date (and records that in the store).
pub async fn round<S: StoreSlot>(
    slot: &S,
    client: &HqClient,
    progress: ProgressFn,
) -> Result<RoundReport, SyncError> {
    let mut plan = step(slot, |s| {
        let sealed = s.seal_batch()?;
        let waiting = s
            .batches()?
            .into_iter()
            .filter(|b| b.acknowledged_at.is_none())
            .collect();
        Ok(Plan {
            sealed,
            waiting,
            device_id: s.device_id()?,
            mission: s.mission()?,
            hq_sign: s.hq_key()?.ok_or(StoreError::HqKeyMissing)?.sign,
        })
    })?;
    let mut report = RoundReport {
        sealed: plan.sealed.clone(),
        ..RoundReport::default()
    };
    let device_id = plan.device_id.clone();
    let device = device_id.as_str();

    // A batch sealed before this round may be held already (carried by USB, or its answer
    // was lost): the receipt says so without sending it again. Nothing waiting: the receipt
    // anyway, for what arrived by USB.
    let stale = plan
        .waiting
        .iter()
        .any(|b| Some(b.sequence) != plan.sealed.as_ref().map(|s| s.sequence));
    if plan.waiting.is_empty() || stale {
        let (request, headers) = step(slot, |s| {
            let path = with_receipt_from(&receipt_path(device), s.receipt_from()?);
            let request = SignedRequest::new("GET", &path, device);
            let headers = s.sign_request(&request)?;
            Ok((request, headers))
        })?;
        let receipt = client
            .get(&request.path_and_query, headers, MAX_RECEIPT_BYTES)
            .await?
            .accepted(device)?;
        let (ack, acknowledged) = step(slot, |s| {
            let ack = s.apply_receipt(&receipt)?;
            let acknowledged: Vec<u64> = s
                .batches()?
                .into_iter()
                .filter(|b| b.acknowledged_at.is_some())
                .map(|b| b.sequence)
                .collect();
            Ok((ack, acknowledged))
        })?;
        tally(&mut report, &ack);
        plan.waiting
            .retain(|b| acknowledged.binary_search(&b.sequence).is_err());
    }
    let refused = send_batches(slot, client, &plan, &progress, &mut report).await?;

    fetch_index(slot, client, &plan, &mut report).await?;

    if let Some(refusal) = refused {
        return Err(refusal);
    }
    let (counts, at) = step(slot, |s| Ok((s.sync_counts()?, s.record_sync()?)))?;
    report.unacknowledged_batches = counts.unacknowledged_batches;
    report.last_sync = at;
    Ok(report)
}

fn tally(report: &mut RoundReport, ack: &loket_store::Acknowledgement) {
    report.acknowledged_versions += ack.new_versions;
    report.acknowledged_cases += ack.new_cases;
    report.confirmed_batches.extend(&ack.new_batches);
    report.mismatched += ack.mismatched;
    report.purged += ack.purged;
}

/// PUTs each waiting batch in order, applying each receipt. A batch headquarters refuses
/// (422) does not hold up the ones after it: they are sent, and the refusal is returned for
/// the round to end with. Any other failure ends the round at once.
async fn send_batches<S: StoreSlot>(
    slot: &S,
    client: &HqClient,
    plan: &Plan,
    progress: &ProgressFn,
    report: &mut RoundReport,
) -> Result<Option<SyncError>, SyncError> {
    let device = plan.device_id.as_str();
    let total: u64 = plan.waiting.iter().map(|b| b.size).sum();
    let mut done_bytes = 0u64;
    let mut refused = None;
    for (done, batch) in plan.waiting.iter().enumerate() {
        let sequence = batch.sequence;
        let at = Progress {
            batch: sequence,
            batches_done: done as u64,
            batches_total: plan.waiting.len() as u64,
            bytes_sent: done_bytes,
            bytes_total: total,
        };
        progress(at);
        // No bytes: a receipt (one before, or one read from a stick meanwhile) acknowledged
        // the batch, so it is not sent.
        let Some((bytes, request, headers)) = step(slot, |s| {
            let Some(bytes) = s.batch_bytes(sequence)? else {
                return Ok(None);
            };
            let path = with_receipt_from(&batch_path(device, sequence), s.receipt_from()?);
            let mut request = SignedRequest::new("PUT", &path, device);
            request.content_digest = Some(content_digest(&bytes));
            request.idempotency_key = Some(batch.manifest_sha256.clone());
            let headers = s.sign_request(&request)?;
            Ok(Some((bytes, request, headers)))
        })?
        else {
            done_bytes += batch.size;
            continue;
        };
        let sent = {
            let progress = progress.clone();
            Arc::new(move |n: u64| {
                progress(Progress {
                    bytes_sent: at.bytes_sent + n,
                    ..at
                })
            })
        };
        let answer = client
            .put(
                &request.path_and_query,
                headers,
                Bytes::from(bytes),
                sent,
                MAX_RECEIPT_BYTES,
            )
            .await?;
        done_bytes += batch.size;
        if answer.status != 200 {
            match SyncError::from_answer(answer.status, &answer.body, Some(sequence), device) {
                e @ SyncError::Refused { .. } => {
                    refused.get_or_insert(e);
                    continue;
                }
                e => return Err(e),
            }
        }
        let (ack, confirmed) = step(slot, |s| {
            let ack = s.apply_receipt(&answer.body)?;
            let confirmed = ack.new_batches.contains(&sequence)
                || s.batches()?
                    .iter()
                    .any(|b| b.sequence == sequence && b.acknowledged_at.is_some());
            Ok((ack, confirmed))
        })?;
        tally(report, &ack);
        if !confirmed {
            return Err(SyncError::NotConfirmed { sequence });
        }
        report.sent.push(sequence);
        progress(Progress {
            batches_done: done as u64 + 1,
            bytes_sent: done_bytes,
            ..at
        });
    }
    Ok(refused)
}

/// Asks for the mission index after the stored cursor, page after page while headquarters
/// says there is more; each page is stored (with the cursor) as it arrives.
async fn fetch_index<S: StoreSlot>(
    slot: &S,
    client: &HqClient,
    plan: &Plan,
    report: &mut RoundReport,
) -> Result<(), SyncError> {
    let device = plan.device_id.as_str();
    loop {
        // A fresh key per request: the page is readable with this request's key only.
        let identity = age::x25519::Identity::generate();
        let (cursor, request, headers) = step(slot, |s| {
            let cursor = s.index_cursor()?;
            let mut request = SignedRequest::new("GET", &index_path(&plan.mission, cursor), device);
            request.reply_to = Some(identity.to_public().to_string());
            let headers = s.sign_request(&request)?;
            Ok((cursor, request, headers))
        })?;
        let answer = client
            .get(&request.path_and_query, headers, MAX_INDEX_BYTES)
            .await?
            .accepted(device)?;
        let page = IndexPage::open(
            &answer,
            &identity,
            &plan.hq_sign,
            &plan.mission,
            &request.nonce,
        )
        .map_err(SyncError::Index)?;
        drop(identity);
        let applied = step(slot, |s| s.apply_index_page(&page))?;
        report.index_new += applied.new;
        report.index_updated += applied.updated;
        if !page.more {
            return Ok(());
        }
        if page.next <= cursor {
            return Err(SyncError::BadAnswer {
                what: "the index page says there is more but its cursor did not move".into(),
            });
        }
    }
}
