//! SPLP requests: serial numbers, prints, reprints and voids, each recorded for good.
//!
//! A serial is `MISSION-YEAR-COUNTER-NUMBER` (`PNH-2026-7KQ2-000123`): numbered per mission
//! and year on this counter, offline. `COUNTER` is four characters of the device key's hash,
//! so two laptops at one mission never issue the same serial without talking to each other.
//! The next number is one more than the highest in the series, taken in the same transaction
//! that records the print, and no request row is ever deleted: numbers are never reused and
//! never skipped. A spoiled request is voided (it keeps its number, with the reason); printing
//! one again is a reprint (with the reason); both are events in an append-only table and
//! entries in the audit chain.

use crate::audit::{self, Entry};
use crate::cases::{case_row, now, vid, CaseRow};
use crate::error::{Result, StoreError};
use crate::{Case, MissionProfile, Store};
use loket_core::status::CaseStatus;
use loket_core::IntakeRecord;
use rusqlite::{OptionalExtension, Row, Transaction};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A request's serial number and what it was printed from.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestInfo {
    pub serial: String,
    pub case_id: String,
    /// The case version the request was printed from.
    pub version: u32,
    pub issued_at: String,
    pub officer: String,
    /// The signed text of the request's QR code.
    pub payload: String,
    /// How many times it was printed: 1 for the original, more after reprints.
    pub prints: u32,
    pub void: Option<Voided>,
}

/// When, by whom and why a request was voided.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Voided {
    pub at: String,
    pub officer: String,
    pub reason: String,
}

/// Why a page is printed.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PrintKind {
    /// The first print of a new serial.
    Original,
    /// The same request printed again (the page says REPRINT).
    Reprint,
    /// A voided request's page, for the paper file (the page says VOID); not a print.
    Void,
}

/// Everything a request's page shows.
#[derive(Debug, Clone)]
pub struct PrintJob {
    pub request: RequestInfo,
    pub kind: PrintKind,
    /// The record of the version the request was printed from.
    pub record: IntakeRecord,
    /// The case's photo (normalised JPEG), when one is attached.
    pub photo: Option<Vec<u8>>,
    pub mission: MissionProfile,
    /// The day the request was issued (local), printed beside the signatures.
    pub date: chrono::NaiveDate,
}

/// The counter's part of a serial: four Crockford base-32 characters of its key's hash.
pub(crate) fn counter_code(public_key: &[u8; 32]) -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let hash = Sha256::digest(public_key);
    let bits = u32::from_be_bytes([hash[0], hash[1], hash[2], hash[3]]);
    (0..4)
        .map(|i| ALPHABET[((bits >> (27 - 5 * i)) & 31) as usize] as char)
        .collect()
}

const REQUEST_COLUMNS: &str = "r.serial, r.case_id, r.version, r.issued_at, r.officer, r.payload,
    (SELECT count(*) FROM request_events e
     WHERE e.serial = r.serial AND (e.action = 'print' OR e.action = 'reprint')),
    v.at, v.officer, v.reason";

const REQUEST_FROM: &str = "FROM requests r
    LEFT JOIN request_events v ON v.serial = r.serial AND v.action = 'void'";

fn request_info(r: &Row) -> rusqlite::Result<RequestInfo> {
    let void_at: Option<String> = r.get(7)?;
    Ok(RequestInfo {
        serial: r.get(0)?,
        case_id: r.get(1)?,
        version: r.get(2)?,
        issued_at: r.get(3)?,
        officer: r.get(4)?,
        payload: r.get(5)?,
        prints: r.get(6)?,
        void: match void_at {
            Some(at) => Some(Voided {
                at,
                officer: r.get(8)?,
                reason: r.get::<_, Option<String>>(9)?.unwrap_or_default(),
            }),
            None => None,
        },
    })
}

fn non_empty(reason: Option<&str>) -> Option<&str> {
    reason.map(str::trim).filter(|r| !r.is_empty())
}

impl Store {
    /// Prints the SPLP request of finalised case `id`: a new serial the first time, a reprint
    /// (which needs `reprint_reason`) when the case's current version was printed already.
    /// A request printed from an older version no longer matches the record: it is voided,
    /// saying so, and a new serial is issued.
    ///
    /// `deliver` renders and hands over the page (to a file, a printer) inside the store's
    /// transaction: when it fails, nothing is recorded and no number is used. The outer error
    /// is the store's, the inner one `deliver`'s.
    pub fn print_request<T, E>(
        &mut self,
        id: &str,
        reprint_reason: Option<&str>,
        deliver: impl FnOnce(&PrintJob) -> std::result::Result<T, E>,
    ) -> Result<std::result::Result<(RequestInfo, T), E>> {
        let officer = &self.officer.clone();
        let (mission, case) = self.check_printable(id)?;
        let signing = self.signing_key()?;
        let series_counter = counter_code(&signing.verifying_key().to_bytes());
        let device_id = self.device_id()?;
        let at = now();
        let today = chrono::Local::now().date_naive();
        let photo = self.photo(id)?;

        let tx = self.conn.transaction()?;
        let (no, words, sha): (i64, String, String) = tx
            .prepare_cached(
                "SELECT c.no, c.words, v.record_sha256 FROM cases c
                 JOIN case_versions v ON v.vid = (c.no << 32) + c.version WHERE c.id = ?1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        let live = live_request(&tx, id)?;
        let (request, kind, (seq, hash)) = match live {
            Some(request) if request.version == case.version => {
                let Some(reason) = non_empty(reprint_reason) else {
                    return Err(StoreError::ReprintReasonRequired {
                        serial: request.serial,
                    });
                };
                event(&tx, &request.serial, "reprint", &at, officer, Some(reason))?;
                let head = audit_request(&tx, &at, officer, "reprint", &request, &sha)?;
                (request, PrintKind::Reprint, head)
            }
            stale => {
                if let Some(old) = stale {
                    let reason = format!(
                        "superseded: case changed from version {} to {}",
                        old.version, case.version
                    );
                    event(&tx, &old.serial, "void", &at, officer, Some(&reason))?;
                    audit_request(&tx, &at, officer, "void", &old, &printed_sha(&tx, &old)?)?;
                }
                let series = format!("{}-{}-{series_counter}", mission.code, today.format("%Y"));
                let number: i64 = tx
                    .prepare_cached(
                        "SELECT coalesce(max(number), 0) + 1 FROM requests WHERE series = ?1",
                    )?
                    .query_row([&series], |r| r.get(0))?;
                let serial = format!("{series}-{number:06}");
                let claim = loket_qr::Claim {
                    serial: serial.clone(),
                    case_id: id.to_string(),
                    version: case.version,
                    full_name: case.record.person.full_name.clone().unwrap_or_default(),
                    date_of_birth: case.record.person.date_of_birth.clone().unwrap_or_default(),
                    record_sha256: hex::decode(&sha)
                        .ok()
                        .and_then(|h| h.try_into().ok())
                        .ok_or(StoreError::Corrupt)?,
                    device_id: device_id.clone(),
                };
                let payload = claim.sign(&signing).map_err(|e| StoreError::Unprintable {
                    id: id.to_string(),
                    why: e.to_string(),
                })?;
                tx.prepare_cached(
                    "INSERT INTO requests (serial, series, number, case_id, version,
                                           record_sha256, payload, issued_at, officer)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?
                .execute(rusqlite::params![
                    serial,
                    series,
                    number,
                    id,
                    case.version,
                    sha,
                    payload,
                    at,
                    officer
                ])?;
                event(&tx, &serial, "print", &at, officer, None)?;
                let request = RequestInfo {
                    serial,
                    case_id: id.to_string(),
                    version: case.version,
                    issued_at: at.clone(),
                    officer: officer.to_string(),
                    payload,
                    prints: 0,
                    void: None,
                };
                let head = audit_request(&tx, &at, officer, "print", &request, &sha)?;
                (request, PrintKind::Original, head)
            }
        };
        crate::cases::mark_changed(&tx, no, &words, seq, &hash)?;
        let request = RequestInfo {
            prints: request.prints + 1,
            ..request
        };
        let job = PrintJob {
            date: local_date(&request.issued_at).unwrap_or(today),
            request,
            kind,
            record: case.record,
            photo,
            mission,
        };
        let delivered = deliver_then_commit(tx, &job, deliver)?;
        if delivered.is_ok() {
            self.committed();
        }
        Ok(delivered.map(|t| (job.request, t)))
    }

    /// Refuses, with the reason, what cannot have a request printed: an unknown case, a draft,
    /// a case that asks for no SPLP, a mission whose name and address are not set yet.
    pub fn check_printable(&self, id: &str) -> Result<(MissionProfile, Case)> {
        let case = self
            .case(id)?
            .ok_or_else(|| StoreError::CaseNotFound { id: id.to_string() })?;
        if case.status == CaseStatus::Draft {
            return Err(StoreError::NotFinalised { id: id.to_string() });
        }
        if !case.record.requests_splp() {
            return Err(StoreError::NoSplpRequest { id: id.to_string() });
        }
        Ok((self.printable_mission()?, case))
    }

    /// Voids request `serial`: it keeps its number, marked void with `reason`, for good.
    pub fn void_request(&mut self, serial: &str, reason: &str) -> Result<RequestInfo> {
        let officer = &self.officer.clone();
        let reason = non_empty(Some(reason)).ok_or_else(|| StoreError::VoidReasonRequired {
            serial: serial.to_string(),
        })?;
        let at = now();
        let tx = self.conn.transaction()?;
        let request =
            request_by_serial(&tx, serial)?.ok_or_else(|| StoreError::RequestNotFound {
                serial: serial.to_string(),
            })?;
        if request.void.is_some() {
            return Err(StoreError::AlreadyVoid {
                serial: serial.to_string(),
            });
        }
        let CaseRow { no, words, .. } =
            case_row(&tx, &request.case_id)?.ok_or(StoreError::Corrupt)?;
        event(&tx, serial, "void", &at, officer, Some(reason))?;
        let sha = printed_sha(&tx, &request)?;
        let (seq, hash) = audit_request(&tx, &at, officer, "void", &request, &sha)?;
        crate::cases::mark_changed(&tx, no, &words, seq, &hash)?;
        let request = request_by_serial(&tx, serial)?.ok_or(StoreError::Corrupt)?;
        tx.commit()?;
        self.committed();
        Ok(request)
    }

    /// The page of request `serial` as it was issued, marked void when it was voided: for
    /// the paper file. Prints nothing and records nothing.
    pub fn request_page(&self, serial: &str) -> Result<PrintJob> {
        let request = self
            .request(serial)?
            .ok_or_else(|| StoreError::RequestNotFound {
                serial: serial.to_string(),
            })?;
        let record = self
            .version(&request.case_id, request.version)?
            .ok_or(StoreError::Corrupt)?
            .record;
        Ok(PrintJob {
            kind: if request.void.is_some() {
                PrintKind::Void
            } else {
                PrintKind::Reprint
            },
            date: local_date(&request.issued_at)
                .unwrap_or_else(|| chrono::Local::now().date_naive()),
            photo: self.photo(&request.case_id)?,
            mission: self.mission_profile()?,
            record,
            request,
        })
    }

    /// Request `serial`, if this counter issued it.
    pub fn request(&self, serial: &str) -> Result<Option<RequestInfo>> {
        let tx = self.conn.unchecked_transaction()?;
        request_by_serial(&tx, serial)
    }

    /// Every request of case `id`, oldest first.
    pub fn requests_of(&self, id: &str) -> Result<Vec<RequestInfo>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {REQUEST_COLUMNS} {REQUEST_FROM} WHERE r.case_id = ?1 ORDER BY r.issued_at, r.serial"
        ))?;
        let rows = stmt.query_map([id], request_info)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every request this counter issued, in the order of their numbers within each series.
    pub fn requests(&self) -> Result<Vec<RequestInfo>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {REQUEST_COLUMNS} {REQUEST_FROM} ORDER BY r.series, r.number"
        ))?;
        let rows = stmt.query_map([], request_info)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The record hash of version `version` of case `id`, as a request's QR code states it.
    pub fn record_sha256(&self, id: &str, version: u32) -> Result<Option<[u8; 32]>> {
        let Some(no) = self.case_no(id)? else {
            return Ok(None);
        };
        let sha: Option<String> = self
            .conn
            .prepare_cached("SELECT record_sha256 FROM case_versions WHERE vid = ?1")?
            .query_row([vid(no, version)], |r| r.get(0))
            .optional()?;
        sha.map(|s| {
            hex::decode(s)
                .ok()
                .and_then(|h| h.try_into().ok())
                .ok_or(StoreError::Corrupt)
        })
        .transpose()
    }

    /// This counter's public key, which verifies the QR codes it printed.
    pub fn verifying_key(&self) -> Result<ed25519_dalek::VerifyingKey> {
        Ok(self.signing_key()?.verifying_key())
    }
}

/// The case's request that is not void, if any (at most one: printing voids the older one).
fn live_request(tx: &Transaction, id: &str) -> Result<Option<RequestInfo>> {
    Ok(tx
        .prepare_cached(&format!(
            "SELECT {REQUEST_COLUMNS} {REQUEST_FROM} WHERE r.case_id = ?1 AND v.seq IS NULL"
        ))?
        .query_row([id], request_info)
        .optional()?)
}

fn request_by_serial(tx: &Transaction, serial: &str) -> Result<Option<RequestInfo>> {
    Ok(tx
        .prepare_cached(&format!(
            "SELECT {REQUEST_COLUMNS} {REQUEST_FROM} WHERE r.serial = ?1"
        ))?
        .query_row([serial], request_info)
        .optional()?)
}

/// The hash of the record `request` was printed from (what its QR code states).
fn printed_sha(tx: &Transaction, request: &RequestInfo) -> Result<String> {
    Ok(tx
        .prepare_cached("SELECT record_sha256 FROM requests WHERE serial = ?1")?
        .query_row([&request.serial], |r| r.get(0))?)
}

fn event(
    tx: &Transaction,
    serial: &str,
    action: &str,
    at: &str,
    officer: &str,
    reason: Option<&str>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO request_events (serial, action, at, officer, reason)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(rusqlite::params![serial, action, at, officer, reason])?;
    Ok(())
}

/// The audit entry of a print, reprint or void: the case version's record hash, and the
/// serial as the entry's detail (the reason stays in `request_events`: it is free text).
fn audit_request(
    tx: &Transaction,
    at: &str,
    officer: &str,
    action: &str,
    request: &RequestInfo,
    sha: &str,
) -> Result<(i64, String)> {
    audit::append(
        tx,
        &Entry {
            at,
            officer,
            action,
            case_id: &request.case_id,
            version: request.version,
            record_sha256: sha,
            detail: Some(&request.serial),
        },
    )
}

/// Hands `job` to `deliver` (to render and print it) inside `tx`, and commits only once it
/// was delivered: a page that never reached paper records nothing. The outer error is the
/// store's, the inner one `deliver`'s.
pub(crate) fn deliver_then_commit<J, T, E>(
    tx: Transaction,
    job: &J,
    deliver: impl FnOnce(&J) -> std::result::Result<T, E>,
) -> Result<std::result::Result<T, E>> {
    match deliver(job) {
        Ok(t) => {
            tx.commit()?;
            Ok(Ok(t))
        }
        Err(e) => Ok(Err(e)),
    }
}

/// The local calendar day of a stored instant.
pub(crate) fn local_date(instant: &str) -> Option<chrono::NaiveDate> {
    chrono::DateTime::parse_from_rfc3339(instant)
        .ok()
        .map(|t| t.with_timezone(&chrono::Local).date_naive())
}

#[cfg(test)]
mod tests {
    #[test]
    fn counter_codes_are_four_crockford_characters() {
        let code = super::counter_code(&[0; 32]);
        assert_eq!(code.len(), 4);
        assert!(code
            .chars()
            .all(|c| "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains(c)));
        assert_ne!(code, super::counter_code(&[1; 32]));
    }
}
