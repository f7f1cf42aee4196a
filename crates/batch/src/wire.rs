//! The network protocol `loket.sync/1`: how a counter's requests to `loket-hq serve` are
//! signed and checked, where things are, and the mission index headquarters sends back.
//! Both ends use this one module; `docs/sync-protocol.md` and `docs/openapi.yaml` describe
//! it for people.
//!
//! Every request but the health check is signed with the device's Ed25519 key over
//! [`SignedRequest::canonical`]: protocol, method, path with query, content digest,
//! idempotency key, reply-to key, device, time and a random nonce, one per line.
//! Headquarters refuses a time more than [`MAX_CLOCK_SKEW_SECS`] away from its own clock
//! and a nonce it has seen within that window (a replay).
//!
//! The mission index carries personal data (names, birth dates, NIK, passport numbers), so
//! it never travels in clear even over plain HTTP: the counter sends a fresh age X25519
//! public key with each request (`Loket-Reply-To`, covered by the signature), headquarters
//! signs the page with its receipt key and encrypts it to that key, and the counter forgets
//! the secret half after reading the answer.

use base64::Engine;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

/// The protocol's name: the first line of every signed text.
pub const PROTOCOL: &str = "loket.sync/1";
/// Format tag of an index page (outer envelope and body).
pub const INDEX_FORMAT: &str = "loket.index/1";

/// The enrolled device making the request.
pub const HEADER_DEVICE: &str = "loket-device";
/// The request's time, RFC 3339 in UTC.
pub const HEADER_TIME: &str = "loket-time";
/// 32 random hex digits, never reused: a second request with the same nonce is a replay.
pub const HEADER_NONCE: &str = "loket-nonce";
/// Base64 (standard, padded) Ed25519 signature over [`SignedRequest::canonical`].
pub const HEADER_SIGNATURE: &str = "loket-signature";
/// An `age1…` public key the answer is encrypted to (index requests).
pub const HEADER_REPLY_TO: &str = "loket-reply-to";
/// RFC 9530 `sha-256=:BASE64:` of the request body (PUT).
pub const HEADER_CONTENT_DIGEST: &str = "content-digest";
/// For a batch: the SHA-256 hex of its signed manifest. A retry sends the same key.
pub const HEADER_IDEMPOTENCY_KEY: &str = "idempotency-key";
/// On answers: the highest batch number N such that headquarters holds 1..=N from the device.
pub const HEADER_HIGH_WATER: &str = "loket-high-water";

/// How far a request's time may be from headquarters' clock, either way.
pub const MAX_CLOCK_SKEW_SECS: i64 = 300;

/// Unauthenticated liveness check.
pub const HEALTH_PATH: &str = "/v1/health";

/// Where batch `sequence` of a device is PUT.
pub fn batch_path(device_id: &str, sequence: u64) -> String {
    format!("/v1/devices/{device_id}/batches/{sequence}")
}

/// Where a device GETs its signed cumulative receipt (and high-water mark).
pub fn receipt_path(device_id: &str) -> String {
    format!("/v1/devices/{device_id}/receipt")
}

/// The query a device adds to a batch's PUT or to its receipt's GET so that the receipt
/// lists only batch `first` and later ones and their versions (`receipt_from=N`): it holds
/// the acknowledgement of every earlier one, and a counter of years need not download
/// everything it ever sent on each round. Without it, the receipt lists everything held.
pub const RECEIPT_FROM: &str = "receipt_from";

/// `path` asking for a receipt that starts at batch `first`.
pub fn with_receipt_from(path: &str, first: u64) -> String {
    format!("{path}?{RECEIPT_FROM}={first}")
}

/// Where a device GETs the mission's case index, the entries changed after cursor `after`.
pub fn index_path(mission: &str, after: u64) -> String {
    format!("/v1/missions/{mission}/index?after={after}")
}

/// RFC 9530 `Content-Digest` value of a body: `sha-256=:BASE64:`.
pub fn content_digest(body: &[u8]) -> String {
    digest_value(&Sha256::digest(body))
}

fn digest_value(sha256: &[u8]) -> String {
    format!(
        "sha-256=:{}:",
        base64::engine::general_purpose::STANDARD.encode(sha256)
    )
}

/// A fresh nonce: 16 random bytes, hex.
pub fn new_nonce() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Why a request's authentication was refused. Messages name the fault, never data.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum AuthError {
    #[error("the request is not signed (a Loket header is missing)")]
    Missing,
    #[error("the request's time is not an RFC 3339 timestamp")]
    BadTime,
    #[error("the request's time is more than 5 minutes from headquarters' clock")]
    Stale,
    #[error("the request's nonce is not 32 hex digits")]
    BadNonce,
    #[error("the request's signature does not verify against the device's enrolled key")]
    BadSignature,
    #[error("the request body does not match its Content-Digest")]
    DigestMismatch,
}

/// The parts of a request the device signs. Absent headers sign as empty lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// Upper case: `GET`, `PUT`.
    pub method: String,
    /// Path and query exactly as sent, e.g. `/v1/missions/PNH/index?after=0`.
    pub path_and_query: String,
    pub content_digest: Option<String>,
    pub idempotency_key: Option<String>,
    pub reply_to: Option<String>,
    pub device_id: String,
    /// RFC 3339 in UTC, as in the `Loket-Time` header.
    pub time: String,
    pub nonce: String,
}

impl SignedRequest {
    /// A request from `device_id` now, with a fresh nonce.
    pub fn new(method: &str, path_and_query: &str, device_id: &str) -> Self {
        SignedRequest {
            method: method.to_owned(),
            path_and_query: path_and_query.to_owned(),
            content_digest: None,
            idempotency_key: None,
            reply_to: None,
            device_id: device_id.to_owned(),
            time: Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            nonce: new_nonce(),
        }
    }

    /// The text the signature covers: one field per line, in a fixed order.
    pub fn canonical(&self) -> String {
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        [
            PROTOCOL.to_owned(),
            self.method.to_ascii_uppercase(),
            self.path_and_query.clone(),
            opt(&self.content_digest),
            opt(&self.idempotency_key),
            opt(&self.reply_to),
            self.device_id.clone(),
            self.time.clone(),
            self.nonce.clone(),
        ]
        .join("\n")
    }

    /// The `Loket-Signature` header value.
    pub fn sign(&self, key: &SigningKey) -> String {
        base64::engine::general_purpose::STANDARD
            .encode(key.sign(self.canonical().as_bytes()).to_bytes())
    }

    /// The headers to send, signature included (name, value).
    pub fn headers(&self, key: &SigningKey) -> Vec<(&'static str, String)> {
        let mut headers = vec![
            (HEADER_DEVICE, self.device_id.clone()),
            (HEADER_TIME, self.time.clone()),
            (HEADER_NONCE, self.nonce.clone()),
            (HEADER_SIGNATURE, self.sign(key)),
        ];
        if let Some(d) = &self.content_digest {
            headers.push((HEADER_CONTENT_DIGEST, d.clone()));
        }
        if let Some(k) = &self.idempotency_key {
            headers.push((HEADER_IDEMPOTENCY_KEY, k.clone()));
        }
        if let Some(r) = &self.reply_to {
            headers.push((HEADER_REPLY_TO, r.clone()));
        }
        headers
    }

    /// Checks the time against `now`, the nonce's shape and the signature. Replays (a nonce
    /// seen before) are headquarters' to detect: it keeps the nonces of the skew window.
    pub fn verify(
        &self,
        signature: &str,
        key: &VerifyingKey,
        now: DateTime<Utc>,
    ) -> Result<DateTime<Utc>, AuthError> {
        let time = DateTime::parse_from_rfc3339(&self.time)
            .map_err(|_| AuthError::BadTime)?
            .with_timezone(&Utc);
        if (now - time).num_seconds().abs() > MAX_CLOCK_SKEW_SECS {
            return Err(AuthError::Stale);
        }
        if self.nonce.len() != 32 || !self.nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AuthError::BadNonce);
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(signature.trim())
            .map_err(|_| AuthError::BadSignature)?;
        let bytes: [u8; 64] = bytes.try_into().map_err(|_| AuthError::BadSignature)?;
        key.verify_strict(self.canonical().as_bytes(), &Signature::from_bytes(&bytes))
            .map_err(|_| AuthError::BadSignature)?;
        Ok(time)
    }
}

/// Checks a body against the `Content-Digest` the signature covered; gives the body's
/// SHA-256 hex, so that a batch body need not be hashed twice.
pub fn check_digest(body: &[u8], digest: Option<&str>) -> Result<String, AuthError> {
    let hash = Sha256::digest(body);
    match digest {
        Some(d) if d == digest_value(&hash) => Ok(hex::encode(hash)),
        _ => Err(AuthError::DigestMismatch),
    }
}

/// An error answer's body: `{"error": "auth.replayed", "message": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable code (listed in docs/sync-protocol.md).
    pub error: String,
    /// One English line for logs and for the officer's detail view.
    pub message: String,
}

/// One case of the mission as headquarters holds it: enough for a counter's search and
/// duplicate checks. Debug shows ids only.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntry {
    /// Headquarters' change number: entries come in ascending order of it.
    pub seq: u64,
    pub case_id: String,
    /// The counter that registered the case.
    pub device_id: String,
    /// The highest version headquarters holds.
    pub version: u64,
    /// The counter's status of that version: `finalised` or `closed`.
    pub status: String,
    pub ticket: Option<String>,
    pub full_name: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub date_of_birth: Option<String>,
    pub nik: Option<String>,
    pub passport_number: Option<String>,
    /// Headquarters' latest status update: `splp_issued` or `departed`.
    pub hq_status: Option<String>,
    /// When that update was recorded (RFC 3339).
    pub hq_status_at: Option<String>,
}

impl IndexEntry {
    /// The counter's status of a case nothing more happens to at the mission's counters.
    pub const CLOSED: &'static str = "closed";

    /// The entry without the person (ticket, names, birth date, numbers): what a counter keeps
    /// of its own cases, which it holds itself or has purged, and of every closed case, whose
    /// purpose at the counters is met (UU 27/2022; the same rule as the counter's purge).
    pub fn without_person(&self) -> IndexEntry {
        IndexEntry {
            ticket: None,
            full_name: None,
            aliases: Vec::new(),
            date_of_birth: None,
            nik: None,
            passport_number: None,
            ..self.clone()
        }
    }

    /// Whether the entry carries anything of the person: headquarters' access log records
    /// the entries sent that do.
    pub fn names_person(&self) -> bool {
        self.ticket.is_some()
            || self.full_name.is_some()
            || !self.aliases.is_empty()
            || self.date_of_birth.is_some()
            || self.nik.is_some()
            || self.passport_number.is_some()
    }

    /// Whether counter `reader` may keep the person of this entry: not its own case, and not
    /// a closed one.
    pub fn person_kept_by(&self, reader: &str) -> bool {
        self.device_id != reader && self.status != Self::CLOSED
    }
}

impl std::fmt::Debug for IndexEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexEntry")
            .field("seq", &self.seq)
            .field("case_id", &self.case_id)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

/// One page of a mission's index: the entries changed after the cursor the counter sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexPage {
    /// Always [`INDEX_FORMAT`].
    pub format: String,
    pub mission: String,
    /// The nonce of the request this page answers: an old page cannot be passed off as new.
    pub request_nonce: String,
    pub entries: Vec<IndexEntry>,
    /// The cursor to send next time (the last entry's `seq`, or the one sent when empty).
    pub next: u64,
    /// More entries are waiting: ask again with `next` at once.
    pub more: bool,
}

/// Why an index answer was refused by the counter.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum IndexError {
    #[error("the index answer could not be decrypted with this request's key")]
    Decrypt,
    #[error("the index answer is malformed")]
    Malformed,
    #[error("the index format version is unknown")]
    UnknownFormat,
    #[error("the index signature does not verify against headquarters' key")]
    BadSignature,
    #[error("the index answers another request or another mission")]
    NotThisRequest,
    #[error("encrypting the index answer failed")]
    Encrypt,
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    format: String,
    body: String,
    signature: String,
}

/// Largest decrypted index answer a counter reads (well above a page of entries).
pub const MAX_INDEX_BYTES: usize = 64 << 20;

impl IndexPage {
    /// Headquarters' answer: the page signed with its receipt key, then encrypted to the
    /// `age1…` key the request named in `Loket-Reply-To`.
    pub fn seal(&self, hq_key: &SigningKey, reply_to: &str) -> Result<Vec<u8>, IndexError> {
        let recipient: age::x25519::Recipient =
            reply_to.parse().map_err(|_| IndexError::Encrypt)?;
        let body = serde_json::to_string(self).map_err(|_| IndexError::Encrypt)?;
        let signature = hex::encode(hq_key.sign(body.as_bytes()).to_bytes());
        let envelope = serde_json::to_vec(&Envelope {
            format: INDEX_FORMAT.into(),
            body,
            signature,
        })
        .map_err(|_| IndexError::Encrypt)?;
        age::encrypt(&recipient, &envelope).map_err(|_| IndexError::Encrypt)
    }

    /// The counter's side: decrypts with the request's identity, checks headquarters'
    /// signature, and that the page answers `request_nonce` for `mission`.
    pub fn open(
        bytes: &[u8],
        identity: &age::x25519::Identity,
        hq_key: &VerifyingKey,
        mission: &str,
        request_nonce: &str,
    ) -> Result<IndexPage, IndexError> {
        let plain = age::decrypt(identity, bytes).map_err(|_| IndexError::Decrypt)?;
        if plain.len() > MAX_INDEX_BYTES {
            return Err(IndexError::Malformed);
        }
        let envelope: Envelope =
            serde_json::from_slice(&plain).map_err(|_| IndexError::Malformed)?;
        if envelope.format != INDEX_FORMAT {
            return Err(IndexError::UnknownFormat);
        }
        let mut sig = [0u8; 64];
        hex::decode_to_slice(&envelope.signature, &mut sig)
            .map_err(|_| IndexError::BadSignature)?;
        hq_key
            .verify_strict(envelope.body.as_bytes(), &Signature::from_bytes(&sig))
            .map_err(|_| IndexError::BadSignature)?;
        let page: IndexPage =
            serde_json::from_str(&envelope.body).map_err(|_| IndexError::Malformed)?;
        if page.format != INDEX_FORMAT {
            return Err(IndexError::UnknownFormat);
        }
        if page.mission != mission || page.request_nonce != request_nonce {
            return Err(IndexError::NotThisRequest);
        }
        Ok(page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32])
    }

    #[test]
    fn a_signed_request_verifies_and_any_changed_field_does_not() {
        let mut req = SignedRequest::new("PUT", &batch_path("dev-1", 3), "dev-1");
        req.content_digest = Some(content_digest(b"batch bytes"));
        req.idempotency_key = Some("ab".repeat(32));
        let sig = req.sign(&key());
        let public = key().verifying_key();
        assert!(req.verify(&sig, &public, Utc::now()).is_ok());

        let changes: [fn(&mut SignedRequest); 7] = [
            |r| r.method = "GET".into(),
            |r| r.path_and_query = batch_path("dev-1", 4),
            |r| r.content_digest = Some(content_digest(b"other")),
            |r| r.idempotency_key = None,
            |r| r.reply_to = Some("age1x".into()),
            |r| r.device_id = "dev-2".into(),
            |r| r.nonce = new_nonce(),
        ];
        for change in changes {
            let mut changed = req.clone();
            change(&mut changed);
            assert_eq!(
                changed.verify(&sig, &public, Utc::now()),
                Err(AuthError::BadSignature)
            );
        }
    }

    #[test]
    fn a_request_older_or_newer_than_the_window_is_stale() {
        let req = SignedRequest::new("GET", &receipt_path("d"), "d");
        let sig = req.sign(&key());
        let later = Utc::now() + chrono::Duration::seconds(MAX_CLOCK_SKEW_SECS + 5);
        let earlier = Utc::now() - chrono::Duration::seconds(MAX_CLOCK_SKEW_SECS + 5);
        let public = key().verifying_key();
        assert_eq!(req.verify(&sig, &public, later), Err(AuthError::Stale));
        assert_eq!(req.verify(&sig, &public, earlier), Err(AuthError::Stale));
    }

    #[test]
    fn the_digest_is_rfc_9530_sha_256() {
        // sha-256 of the empty string, base64.
        assert_eq!(
            content_digest(b""),
            "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:"
        );
        assert_eq!(
            check_digest(b"x", Some(&content_digest(b"x"))),
            Ok(crate::sha256_hex(b"x"))
        );
        assert_eq!(
            check_digest(b"y", Some(&content_digest(b"x"))),
            Err(AuthError::DigestMismatch)
        );
        assert_eq!(check_digest(b"y", None), Err(AuthError::DigestMismatch));
    }

    #[test]
    fn an_index_page_opens_only_with_its_request_key_and_nonce() {
        let identity = age::x25519::Identity::generate();
        let reply_to = identity.to_public().to_string();
        let page = IndexPage {
            format: INDEX_FORMAT.into(),
            mission: "PNH".into(),
            request_nonce: "n1".into(),
            entries: vec![],
            next: 0,
            more: false,
        };
        let sealed = page.seal(&key(), &reply_to).unwrap();
        let public = key().verifying_key();
        assert_eq!(
            IndexPage::open(&sealed, &identity, &public, "PNH", "n1").unwrap(),
            page
        );
        assert_eq!(
            IndexPage::open(&sealed, &identity, &public, "PNH", "n2"),
            Err(IndexError::NotThisRequest)
        );
        let other = age::x25519::Identity::generate();
        assert_eq!(
            IndexPage::open(&sealed, &other, &public, "PNH", "n1"),
            Err(IndexError::Decrypt)
        );
        let stranger = SigningKey::from_bytes(&[9u8; 32]).verifying_key();
        assert_eq!(
            IndexPage::open(&sealed, &identity, &stranger, "PNH", "n1"),
            Err(IndexError::BadSignature)
        );
    }
}
