//! Every answer that is not a success: an HTTP status and a stable code from the table in
//! docs/sync-protocol.md, as `{"error": CODE, "message": LINE}`. Messages are headquarters'
//! one-line reasons, which name ids, numbers and hashes, never personal data.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use loket_batch::wire::{AuthError, ErrorBody};
use loket_batch::BatchError;

use crate::HqError;

/// The code of an error answer, kept on the response for the request log.
#[derive(Debug, Clone, Copy)]
pub struct ErrorCode(pub &'static str);

/// A refused request: what the counter is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl Refusal {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 `request.malformed`: a header or path part is malformed or missing.
    pub fn malformed(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "request.malformed", message)
    }

    /// 403 `auth.forbidden`: another device's path or another mission's index.
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "auth.forbidden", message)
    }

    /// 401 `auth.unknown_device`.
    pub fn unknown_device() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "auth.unknown_device",
            "the device is not enrolled at headquarters",
        )
    }

    /// 413 `batch.too_large`.
    pub fn too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "batch.too_large",
            BatchError::FileTooLarge.to_string(),
        )
    }

    /// 500 `hq.internal`: a fault of headquarters' own.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "hq.internal", message)
    }

    /// Whether the database could not be reached (the connection is worth renewing).
    pub fn is_unavailable(&self) -> bool {
        self.status == StatusCode::SERVICE_UNAVAILABLE
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            Json(ErrorBody {
                error: self.code.to_owned(),
                message: self.message,
            }),
        )
            .into_response();
        response.extensions_mut().insert(ErrorCode(self.code));
        response
    }
}

impl From<AuthError> for Refusal {
    fn from(e: AuthError) -> Self {
        let code = match e {
            AuthError::Missing => "auth.missing",
            AuthError::Stale => "auth.stale",
            AuthError::BadSignature => "auth.bad_signature",
            AuthError::DigestMismatch => {
                return Self::new(StatusCode::BAD_REQUEST, "request.digest", e.to_string())
            }
            // A time or nonce that is not one at all: the header is malformed.
            _ => return Self::malformed(e.to_string()),
        };
        Self::new(StatusCode::UNAUTHORIZED, code, e.to_string())
    }
}

impl From<HqError> for Refusal {
    fn from(e: HqError) -> Self {
        match e {
            HqError::DifferentContent { .. } | HqError::IdempotencyKey => {
                Self::new(StatusCode::CONFLICT, "batch.conflict", e.to_string())
            }
            HqError::Refused(BatchError::FileTooLarge) => Self::too_large(),
            e if e.is_refusal() => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "batch.refused",
                e.to_string(),
            ),
            HqError::UnknownDevice { .. } => Self::unknown_device(),
            e if e.is_unavailable() || matches!(e, HqError::DiskFull) => Self::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "hq.unavailable",
                format!("{e}; try again later"),
            ),
            e => Self::internal(e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_has_the_documented_status_and_code() {
        let cases: Vec<(Refusal, u16, &str)> = vec![
            (AuthError::Missing.into(), 401, "auth.missing"),
            (AuthError::Stale.into(), 401, "auth.stale"),
            (AuthError::BadSignature.into(), 401, "auth.bad_signature"),
            (AuthError::BadNonce.into(), 400, "request.malformed"),
            (AuthError::DigestMismatch.into(), 400, "request.digest"),
            (HqError::IdempotencyKey.into(), 409, "batch.conflict"),
            (
                HqError::DifferentContent {
                    device_id: "d".into(),
                    sequence: 1,
                }
                .into(),
                409,
                "batch.conflict",
            ),
            (
                HqError::Refused(BatchError::Damaged).into(),
                422,
                "batch.refused",
            ),
            (
                HqError::Refused(BatchError::FileTooLarge).into(),
                413,
                "batch.too_large",
            ),
            (
                HqError::Unavailable("gone".into()).into(),
                503,
                "hq.unavailable",
            ),
            (HqError::Busy.into(), 503, "hq.unavailable"),
            (HqError::Sqlite("x".into()).into(), 500, "hq.internal"),
        ];
        for (refusal, status, code) in cases {
            assert_eq!((refusal.status.as_u16(), refusal.code), (status, code));
        }
    }
}
