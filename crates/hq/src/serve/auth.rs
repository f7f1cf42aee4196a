//! Who is asking: the `loket.sync/1` signature checked against the enrolled device's key
//! (`SignedRequest::verify`), and the nonces seen within the clock-skew window, so that a
//! request captured on the wire cannot be sent again.
//!
//! The cache lives in memory only. A restart would forget it, so a request signed before
//! headquarters started is refused as stale: a captured request never outlives the process
//! that saw it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::http::request::Parts;
use axum::http::StatusCode;
use chrono::{DateTime, Duration, Utc};
use loket_batch::wire::{
    AuthError, SignedRequest, HEADER_CONTENT_DIGEST, HEADER_DEVICE, HEADER_IDEMPOTENCY_KEY,
    HEADER_NONCE, HEADER_REPLY_TO, HEADER_SIGNATURE, HEADER_TIME, MAX_CLOCK_SKEW_SECS,
};

use super::answers::Refusal;
use super::pool::Pool;
use crate::DeviceRow;

/// How long a nonce must be remembered: as long as a request with its time can still be
/// accepted (the skew either way, plus the second `verify` rounds away), and a margin.
const REMEMBER_SECS: i64 = MAX_CLOCK_SKEW_SECS + 2;
/// Pruning walks the whole cache, so it runs at most this often.
const PRUNE_EVERY_SECS: i64 = 10;

/// The (device, nonce) pairs seen within the window, with the requests' times.
#[derive(Debug)]
pub struct ReplayCache {
    seen: HashMap<(String, String), DateTime<Utc>>,
    pruned_at: DateTime<Utc>,
}

impl ReplayCache {
    pub fn new(now: DateTime<Utc>) -> Self {
        ReplayCache {
            seen: HashMap::new(),
            pruned_at: now,
        }
    }

    /// Records the nonce of a request signed at `time`; `false` when it was seen already (a
    /// replay). Forgets the nonces whose requests are now too old to be accepted anyway.
    pub fn first_use(
        &mut self,
        device_id: &str,
        nonce: &str,
        time: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> bool {
        self.prune(now);
        let key = (device_id.to_owned(), nonce.to_ascii_lowercase());
        if self.seen.contains_key(&key) {
            return false;
        }
        self.seen.insert(key, time);
        true
    }

    fn prune(&mut self, now: DateTime<Utc>) {
        if now - self.pruned_at < Duration::seconds(PRUNE_EVERY_SECS) {
            return;
        }
        let horizon = now - Duration::seconds(REMEMBER_SECS);
        self.seen.retain(|_, time| *time >= horizon);
        self.pruned_at = now;
    }

    /// Nonces remembered.
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }
}

/// An authenticated request: the enrolled device and what it signed.
#[derive(Debug)]
pub struct Caller {
    pub device: DeviceRow,
    pub request: SignedRequest,
}

/// Checks signatures and remembers nonces.
#[derive(Debug)]
pub struct Authenticator {
    started: DateTime<Utc>,
    replays: Mutex<ReplayCache>,
}

impl Authenticator {
    /// `started`: when this server started; requests signed before it are stale.
    pub fn new(started: DateTime<Utc>) -> Self {
        Authenticator {
            started,
            replays: Mutex::new(ReplayCache::new(started)),
        }
    }

    /// Authenticates a request from its head (the body, if any, is not read yet: its digest
    /// is signed, and checked once it has arrived).
    pub async fn check(&self, parts: &Parts, pool: &Arc<Pool>) -> Result<Caller, Refusal> {
        let (Some(device_id), Some(time), Some(nonce), Some(signature)) = (
            header(parts, HEADER_DEVICE)?,
            header(parts, HEADER_TIME)?,
            header(parts, HEADER_NONCE)?,
            header(parts, HEADER_SIGNATURE)?,
        ) else {
            return Err(AuthError::Missing.into());
        };
        let request = SignedRequest {
            method: parts.method.as_str().to_owned(),
            path_and_query: parts
                .uri
                .path_and_query()
                .map_or_else(|| parts.uri.path().to_owned(), |p| p.as_str().to_owned()),
            content_digest: header(parts, HEADER_CONTENT_DIGEST)?,
            idempotency_key: header(parts, HEADER_IDEMPOTENCY_KEY)?,
            reply_to: header(parts, HEADER_REPLY_TO)?,
            device_id,
            time,
            nonce,
        };
        if !crate::valid_device_id(&request.device_id) {
            return Err(Refusal::unknown_device());
        }
        let id = request.device_id.clone();
        let device = pool
            .run(move |hq| Ok(hq.device(&id)?))
            .await?
            .ok_or_else(Refusal::unknown_device)?;
        let key = loket_batch::verifying_key_from_hex(&device.public_key)
            .ok_or_else(|| Refusal::internal("the device's enrolled key is unreadable"))?;
        let now = Utc::now();
        let time = request.verify(&signature, &key, now)?;
        if time < self.started {
            return Err(Refusal::new(
                StatusCode::UNAUTHORIZED,
                "auth.stale",
                "the request was signed before headquarters started: sign it again",
            ));
        }
        let first = self
            .replays
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .first_use(&request.device_id, &request.nonce, time, now);
        if !first {
            return Err(Refusal::new(
                StatusCode::UNAUTHORIZED,
                "auth.replayed",
                "this request's nonce was used before: a replay",
            ));
        }
        Ok(Caller { device, request })
    }
}

/// A header's value, if present; 400 when it is not visible ASCII.
fn header(parts: &Parts, name: &str) -> Result<Option<String>, Refusal> {
    match parts.headers.get(name) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(|s| Some(s.to_owned()))
            .map_err(|_| Refusal::malformed(format!("the {name} header is not ASCII text"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn a_nonce_is_accepted_once_per_device() {
        let mut cache = ReplayCache::new(t(0));
        assert!(cache.first_use("d1", "aa", t(0), t(0)));
        assert!(!cache.first_use("d1", "aa", t(0), t(1)));
        // Hex is case-insensitive: the same nonce in capitals is the same nonce.
        assert!(!cache.first_use("d1", "AA", t(0), t(1)));
        // Another device may use the same nonce: it is its own request.
        assert!(cache.first_use("d2", "aa", t(0), t(1)));
        assert_eq!(cache.len(), 2);
    }

    #[test]
    fn a_nonce_is_remembered_as_long_as_its_request_could_be_accepted() {
        let mut cache = ReplayCache::new(t(0));
        // Signed 4 minutes ahead of headquarters' clock: valid until 9 minutes from now.
        assert!(cache.first_use("d", "future", t(240), t(0)));
        assert!(cache.first_use("d", "now", t(0), t(0)));
        // Just inside the window of the request signed at t(0): still a replay.
        assert!(!cache.first_use("d", "now", t(0), t(MAX_CLOCK_SKEW_SECS)));
        assert!(!cache.first_use("d", "future", t(240), t(240 + MAX_CLOCK_SKEW_SECS)));
    }

    #[test]
    fn nonces_whose_requests_are_stale_are_pruned() {
        let mut cache = ReplayCache::new(t(0));
        for i in 0..100 {
            assert!(cache.first_use("d", &format!("{i:032x}"), t(0), t(0)));
        }
        assert!(cache.first_use("d", "late", t(200), t(200)));
        assert_eq!(cache.len(), 101);
        // Once t(0) is beyond the window, its nonces go; the later one stays.
        assert!(cache.first_use("d", "later", t(REMEMBER_SECS + 1), t(REMEMBER_SECS + 1)));
        assert_eq!(cache.len(), 2);
        assert!(!cache.first_use("d", "late", t(200), t(REMEMBER_SECS + 2)));
    }

    #[test]
    fn pruning_waits_between_walks() {
        let mut cache = ReplayCache::new(t(0));
        assert!(cache.first_use("d", "a", t(-REMEMBER_SECS - 5), t(0)));
        // Less than PRUNE_EVERY_SECS since the last walk: kept for now (harmless: still too
        // old for verify to accept).
        assert!(cache.first_use("d", "b", t(1), t(1)));
        assert_eq!(cache.len(), 2);
        assert!(cache.first_use("d", "c", t(PRUNE_EVERY_SECS), t(PRUNE_EVERY_SECS)));
        assert_eq!(cache.len(), 2);
    }
}
