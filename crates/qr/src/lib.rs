//! The QR code on a printed SPLP request: a compact text payload naming the request and the
//! record it was printed from, signed with the counter's Ed25519 device key.
//!
//! ```text
//! LOKET1;PNH-2026-7KQ2-000123;0190f3c2-…-3f2d1c0e4b11;3;SITI AMINAH;1999-04-12;HASH;DEVICE;SIG
//! ```
//! `HASH` is the SHA-256 of the stored record (base64url, no padding), `DEVICE` the counter's
//! device id, `SIG` the Ed25519 signature (base64url) over every byte before the last `;`.
//! Anyone holding the counter's public key (headquarters, once the counter is enrolled) can
//! check that a paper matches the record that was synced: same serial, same case version,
//! same record hash. The same code serves the counter (`loket verify-qr`) and headquarters.
#![forbid(unsafe_code)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

/// The payload's first field: names the format, so a later one can be told apart.
pub const TAG: &str = "LOKET1";

/// Field separator; none of the fields may contain it.
const SEP: char = ';';

/// The longest payload `parse` reads: a QR code holds at most a few kilobytes anyway.
const MAX_LEN: usize = 1024;

/// What a request's QR code states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The request's serial number, e.g. `PNH-2026-7KQ2-000123`.
    pub serial: String,
    pub case_id: String,
    pub version: u32,
    /// The name as on the record (upper-case).
    pub full_name: String,
    /// ISO date.
    pub date_of_birth: String,
    /// SHA-256 of the stored record.
    pub record_sha256: [u8; 32],
    /// The counter that printed it.
    pub device_id: String,
}

/// A payload read from a QR code: the claim and its signature, not yet checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payload {
    pub claim: Claim,
    signed: String,
    signature: Signature,
}

/// Why a payload cannot be made or does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error("the {0} contains a character a QR payload cannot carry (';' or a line break)")]
    Unencodable(&'static str),
    #[error("not a Loket request code: {0}")]
    Malformed(&'static str),
    #[error("the signature does not match: the code was changed or not made by this counter")]
    BadSignature,
}

impl Claim {
    /// The claim's text, as signed.
    fn text(&self) -> Result<String, QrError> {
        for (what, value) in [
            ("serial", &self.serial),
            ("case id", &self.case_id),
            ("name", &self.full_name),
            ("date of birth", &self.date_of_birth),
            ("device id", &self.device_id),
        ] {
            if value.contains([SEP, '\n', '\r']) {
                return Err(QrError::Unencodable(what));
            }
        }
        Ok([
            TAG,
            &self.serial,
            &self.case_id,
            &self.version.to_string(),
            &self.full_name,
            &self.date_of_birth,
            &B64.encode(self.record_sha256),
            &self.device_id,
        ]
        .join(";"))
    }

    /// The payload to print: the claim signed with the counter's key.
    pub fn sign(&self, key: &SigningKey) -> Result<String, QrError> {
        let text = self.text()?;
        let signature = key.sign(text.as_bytes());
        Ok(format!("{text}{SEP}{}", B64.encode(signature.to_bytes())))
    }
}

impl Payload {
    /// Reads a payload as scanned. Only its shape is checked here; `verify` checks the rest.
    pub fn parse(text: &str) -> Result<Payload, QrError> {
        let text = text.trim_end_matches(['\n', '\r']);
        if text.len() > MAX_LEN {
            return Err(QrError::Malformed("too long"));
        }
        let (signed, signature) = text
            .rsplit_once(SEP)
            .ok_or(QrError::Malformed("no signature"))?;
        let fields: Vec<&str> = signed.split(SEP).collect();
        let [tag, serial, case_id, version, full_name, date_of_birth, hash, device_id] = fields[..]
        else {
            return Err(QrError::Malformed("wrong number of fields"));
        };
        if tag != TAG {
            return Err(QrError::Malformed("unknown format tag"));
        }
        let version = version
            .parse()
            .map_err(|_| QrError::Malformed("version is not a number"))?;
        let record_sha256 = B64
            .decode(hash)
            .ok()
            .and_then(|h| <[u8; 32]>::try_from(h).ok())
            .ok_or(QrError::Malformed(
                "record hash is not 32 bytes of base64url",
            ))?;
        let signature = B64
            .decode(signature)
            .ok()
            .and_then(|s| <[u8; 64]>::try_from(s).ok())
            .map(|s| Signature::from_bytes(&s))
            .ok_or(QrError::Malformed("signature is not 64 bytes of base64url"))?;
        let claim = Claim {
            serial: serial.to_string(),
            case_id: case_id.to_string(),
            version,
            full_name: full_name.to_string(),
            date_of_birth: date_of_birth.to_string(),
            record_sha256,
            device_id: device_id.to_string(),
        };
        // Fields must read back to the same bytes (no "+3" or "03" for 3): one text per claim.
        if claim.text()? != signed {
            return Err(QrError::Malformed("a field is not in its canonical form"));
        }
        Ok(Payload {
            claim,
            signed: signed.to_string(),
            signature,
        })
    }

    /// Checks the signature against the public key of the counter the claim names.
    pub fn verify(&self, key: &VerifyingKey) -> Result<&Claim, QrError> {
        key.verify_strict(self.signed.as_bytes(), &self.signature)
            .map_err(|_| QrError::BadSignature)?;
        Ok(&self.claim)
    }
}

/// What checking a code found, as `verify-qr` prints it at the counter and at headquarters:
/// the claim printed on the paper, and why it does not hold when it does not.
#[derive(Clone, PartialEq, Eq, serde::Serialize)]
pub struct Verdict {
    pub valid: bool,
    pub serial: String,
    pub case_id: String,
    pub version: u32,
    pub full_name: String,
    pub date_of_birth: String,
    pub device_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
}

impl Verdict {
    /// The verdict on `claim`: valid when there is no `problem`.
    pub fn new(claim: Claim, problem: Option<String>) -> Self {
        Verdict {
            valid: problem.is_none(),
            serial: claim.serial,
            case_id: claim.case_id,
            version: claim.version,
            full_name: claim.full_name,
            date_of_birth: claim.date_of_birth,
            device_id: claim.device_id,
            problem,
        }
    }
}

impl std::fmt::Debug for Verdict {
    /// Ids only: the name and birth date are personal data.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verdict")
            .field("valid", &self.valid)
            .field("serial", &self.serial)
            .field("case_id", &self.case_id)
            .field("version", &self.version)
            .field("device_id", &self.device_id)
            .field("problem", &self.problem)
            .finish_non_exhaustive()
    }
}
