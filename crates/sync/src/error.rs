//! What can go wrong in a sync round, in one line an officer can act on.
//!
//! Messages carry only addresses, batch numbers, device ids and headquarters' own error
//! lines (which name faults, never people): no personal data.

use loket_batch::wire::{ErrorBody, IndexError};
use loket_store::StoreError;

/// Said after every failure that leaves the counter's batches where they are.
const NOTHING_LOST: &str = "nothing was lost, the batches wait for the next round";

/// Why a round did not complete.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SyncError {
    #[error("headquarters' address is not set: set it in Settings or with `loket hq-url URL` (or give --hq URL)")]
    NoAddress,
    #[error("the store is locked: sync resumes once an officer unlocks it; {NOTHING_LOST}")]
    Locked,
    #[error("headquarters at {url} cannot be reached: {why}; {NOTHING_LOST}")]
    Unreachable { url: String, why: String },
    #[error("the connection to headquarters at {url} broke off: {why}; {NOTHING_LOST}")]
    Interrupted { url: String, why: String },
    #[error("headquarters at {url} did not answer in time; {NOTHING_LOST}")]
    TimedOut { url: String },
    #[error("headquarters is unavailable ({message}); {NOTHING_LOST}")]
    Unavailable { message: String },
    #[error("headquarters refused batch {sequence}: {message}; the batch stays at this counter and nothing was lost: ask headquarters about it")]
    Refused { sequence: u64, message: String },
    #[error("headquarters holds a different batch {sequence} from this counter: {message}; the batch stays at this counter: contact headquarters before syncing again")]
    Conflict { sequence: u64, message: String },
    #[error("batch {sequence} is larger than headquarters accepts over the network: carry it on a USB stick (`loket export`); nothing was lost")]
    TooLarge { sequence: u64 },
    #[error("headquarters does not know this counter ({device_id}): have it enrolled (`loket device`, then `loket-hq device add FILE`); nothing was marked")]
    NotEnrolled { device_id: String },
    #[error("headquarters refused the request's time ({message}); if this repeats, set the date, time and time zone of this computer; nothing was lost")]
    Clock { message: String },
    #[error("headquarters refused the request ({code}: {message}); nothing was marked")]
    AuthRefused { code: String, message: String },
    #[error("headquarters refused access ({message}): is this counter enrolled for the mission it serves?")]
    Forbidden { message: String },
    #[error("headquarters answered HTTP {status} ({code}: {message}); nothing was marked")]
    Http {
        status: u16,
        code: String,
        message: String,
    },
    #[error("headquarters' answer could not be read ({what}); nothing was marked")]
    BadAnswer { what: String },
    #[error("headquarters answered batch {sequence} with a receipt that does not confirm it; it is sent again next round")]
    NotConfirmed { sequence: u64 },
    #[error("the mission index from headquarters was refused: {0}; the cases sent are safe")]
    Index(IndexError),
    #[error("{0}")]
    Store(#[from] StoreError),
}

impl SyncError {
    /// A stable code for the window, which says it in the officer's language (`ui/src/i18n`);
    /// the English line (`to_string`) adds the particulars.
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::NoAddress => "sync.error.no_address",
            SyncError::Locked => "sync.error.locked",
            SyncError::Unreachable { .. }
            | SyncError::Interrupted { .. }
            | SyncError::TimedOut { .. } => "sync.error.unreachable",
            SyncError::Unavailable { .. } => "sync.error.unavailable",
            SyncError::Refused { .. } => "sync.error.refused",
            SyncError::Conflict { .. } => "sync.error.conflict",
            SyncError::TooLarge { .. } => "sync.error.too_large",
            SyncError::NotEnrolled { .. } => "sync.error.not_enrolled",
            SyncError::Clock { .. } => "sync.error.clock",
            SyncError::AuthRefused { .. } | SyncError::Forbidden { .. } => {
                "sync.error.refused_access"
            }
            SyncError::Http { .. }
            | SyncError::BadAnswer { .. }
            | SyncError::NotConfirmed { .. }
            | SyncError::Index(_) => "sync.error.answer",
            SyncError::Store(_) => "sync.error.store",
        }
    }

    /// Worth trying again soon (the network or headquarters may be back): the worker backs
    /// off and retries. Other errors wait for the regular round or the officer.
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Unreachable { .. }
            | SyncError::Interrupted { .. }
            | SyncError::TimedOut { .. }
            | SyncError::Unavailable { .. }
            | SyncError::NotConfirmed { .. }
            // Right after headquarters restarts, or a clock a little off: signed afresh, the
            // retry gets in.
            | SyncError::Clock { .. } => true,
            SyncError::Http { status, .. } => *status >= 500,
            SyncError::Store(StoreError::Busy) => true,
            _ => false,
        }
    }

    /// Whether headquarters was reached: `Some(false)` when the network or headquarters'
    /// database failed, `None` when the failure was at this counter.
    pub fn headquarters_answered(&self) -> Option<bool> {
        match self {
            SyncError::Unreachable { .. }
            | SyncError::Interrupted { .. }
            | SyncError::TimedOut { .. }
            | SyncError::Unavailable { .. } => Some(false),
            SyncError::NoAddress | SyncError::Locked | SyncError::Store(_) => None,
            _ => Some(true),
        }
    }

    /// The error an HTTP answer other than 200 stands for. `batch` is the batch being sent
    /// (PUT), `device_id` this counter's id.
    pub fn from_answer(status: u16, body: &[u8], batch: Option<u64>, device_id: &str) -> Self {
        let parsed: Option<ErrorBody> = serde_json::from_slice(body).ok();
        let (code, message) = match parsed {
            Some(b) => (one_line(&b.error, 60), one_line(&b.message, 300)),
            None => (String::new(), format!("HTTP {status}")),
        };
        let sequence = batch.unwrap_or(0);
        match (status, code.as_str()) {
            (422, _) | (_, "batch.refused") if batch.is_some() => {
                SyncError::Refused { sequence, message }
            }
            (409, _) | (_, "batch.conflict") if batch.is_some() => {
                SyncError::Conflict { sequence, message }
            }
            (413, _) | (_, "batch.too_large") if batch.is_some() => {
                SyncError::TooLarge { sequence }
            }
            (_, "auth.unknown_device") => SyncError::NotEnrolled {
                device_id: device_id.to_owned(),
            },
            (_, "auth.stale") => SyncError::Clock { message },
            (401, _) => SyncError::AuthRefused {
                code: if code.is_empty() { "auth".into() } else { code },
                message,
            },
            (403, _) => SyncError::Forbidden { message },
            (503, _) | (_, "hq.unavailable") => SyncError::Unavailable { message },
            _ => SyncError::Http {
                status,
                code: if code.is_empty() { "-".into() } else { code },
                message,
            },
        }
    }

    /// A failure of the HTTP client (no answer at all), for headquarters at `url`.
    pub(crate) fn from_transport(url: &str, e: &reqwest::Error) -> Self {
        let url = url.to_owned();
        if e.is_timeout() {
            return SyncError::TimedOut { url };
        }
        let why = transport_reason(e);
        if e.is_connect() {
            SyncError::Unreachable { url, why }
        } else {
            SyncError::Interrupted { url, why }
        }
    }
}

/// A short reason from the innermost I/O error (what the network said), else the innermost
/// message.
fn transport_reason(e: &reqwest::Error) -> String {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut last = None;
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            let said = match io.kind() {
                ConnectionRefused => "connection refused",
                ConnectionReset => "connection reset",
                ConnectionAborted => "connection aborted",
                BrokenPipe => "connection closed while sending",
                UnexpectedEof => "connection closed",
                TimedOut => "timed out",
                NotConnected => "not connected",
                AddrNotAvailable => "address not available",
                HostUnreachable => "host unreachable",
                NetworkUnreachable => "network unreachable",
                NetworkDown => "network down",
                _ => "",
            };
            if !said.is_empty() {
                return said.to_owned();
            }
        }
        last = Some(s);
        source = s.source();
    }
    match last {
        Some(s) => one_line(&s.to_string(), 160),
        None => "unknown network error".to_owned(),
    }
}

/// The first line of `text`, control characters dropped, at most `max` characters: what a
/// status line can show.
pub(crate) fn one_line(text: &str, max: usize) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    let mut out: String = line.chars().filter(|c| !c.is_control()).take(max).collect();
    if line.chars().count() > max {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(code: &str, message: &str) -> Vec<u8> {
        serde_json::to_vec(&ErrorBody {
            error: code.into(),
            message: message.into(),
        })
        .unwrap()
    }

    #[test]
    fn answers_map_to_messages_naming_the_batch_and_what_to_do() {
        let e = SyncError::from_answer(
            422,
            &body("batch.refused", "the signature does not verify"),
            Some(3),
            "d",
        );
        assert!(matches!(e, SyncError::Refused { sequence: 3, .. }), "{e:?}");
        assert_eq!(
            e.to_string(),
            "headquarters refused batch 3: the signature does not verify; the batch stays at \
             this counter and nothing was lost: ask headquarters about it"
        );
        assert!(!e.is_transient());

        let e = SyncError::from_answer(
            409,
            &body("batch.conflict", "held with other content"),
            Some(7),
            "d",
        );
        assert!(matches!(e, SyncError::Conflict { sequence: 7, .. }));
        assert!(e.to_string().contains("batch 7"));

        let e = SyncError::from_answer(413, &body("batch.too_large", "x"), Some(2), "d");
        assert!(e.to_string().contains("batch 2") && e.to_string().contains("loket export"));

        let e = SyncError::from_answer(
            401,
            &body("auth.unknown_device", "unknown"),
            Some(1),
            "dev-9",
        );
        assert!(matches!(e, SyncError::NotEnrolled { .. }));
        assert!(e.to_string().contains("dev-9") && e.to_string().contains("loket-hq device add"));

        let e = SyncError::from_answer(401, &body("auth.stale", "more than 5 minutes"), None, "d");
        assert!(matches!(e, SyncError::Clock { .. }) && e.is_transient());

        let e = SyncError::from_answer(401, &body("auth.replayed", "a replay"), None, "d");
        assert_eq!(
            e.to_string(),
            "headquarters refused the request (auth.replayed: a replay); nothing was marked"
        );

        let e = SyncError::from_answer(403, &body("auth.forbidden", "another mission"), None, "d");
        assert!(matches!(e, SyncError::Forbidden { .. }));

        let e = SyncError::from_answer(503, &body("hq.unavailable", "database down"), Some(1), "d");
        assert!(matches!(e, SyncError::Unavailable { .. }) && e.is_transient());
        assert!(e
            .to_string()
            .ends_with("nothing was lost, the batches wait for the next round"));
    }

    #[test]
    fn an_answer_without_an_error_body_still_reads_as_one_line() {
        let e = SyncError::from_answer(502, b"<html>\nBad gateway\n</html>", Some(1), "d");
        assert_eq!(
            e.to_string(),
            "headquarters answered HTTP 502 (-: HTTP 502); nothing was marked"
        );
        assert!(e.is_transient());
        let e = SyncError::from_answer(404, b"", None, "d");
        assert!(!e.is_transient());
    }

    #[test]
    fn headquarters_lines_are_cut_to_one_short_line() {
        let long = format!("first line {}\nsecond line", "x".repeat(400));
        let e = SyncError::from_answer(422, &body("batch.refused", &long), Some(1), "d");
        let text = e.to_string();
        assert!(!text.contains('\n') && !text.contains("second line"));
        assert!(text.contains('…'));
        assert_eq!(one_line("a\u{7}b\r\nc", 10), "ab");
    }
}
