//! The four endpoints of `loket.sync/1` (docs/sync-protocol.md, docs/openapi.yaml). Each
//! handler authenticates from the request's head before it reads a body, then does its
//! database work through the pool, on a blocking thread.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use loket_batch::wire::{check_digest, HEADER_HIGH_WATER, HEALTH_PATH, PROTOCOL, RECEIPT_FROM};

use super::answers::Refusal;
use super::AppState;
use crate::HqError;

type Answer = Result<Response, Refusal>;

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route(HEALTH_PATH, get(health))
        .route("/v1/devices/{device}/batches/{n}", put(put_batch))
        .route("/v1/devices/{device}/receipt", get(get_receipt))
        .route("/v1/missions/{mission}/index", get(get_index))
        .fallback(|| async {
            Refusal::new(
                StatusCode::NOT_FOUND,
                "request.not_found",
                "no such endpoint",
            )
        })
        .method_not_allowed_fallback(|| async {
            Refusal::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "request.method",
                "this endpoint does not take that method",
            )
        })
        .layer(axum::middleware::from_fn(super::log::log_request))
        .with_state(state)
}

async fn health() -> Response {
    Json(serde_json::json!({"status": "ok", "protocol": PROTOCOL})).into_response()
}

/// `PUT /v1/devices/{device}/batches/{n}[?receipt_from=N]`: the batch file's bytes, imported
/// exactly as `loket-hq import` would; the answer is the device's signed cumulative receipt.
async fn put_batch(
    State(state): State<Arc<AppState>>,
    path: Result<Path<(String, String)>, PathRejection>,
    request: Request,
) -> Answer {
    let Path((device_id, n)) = path.map_err(|_| Refusal::malformed("the path is malformed"))?;
    let sequence: u64 = n
        .parse()
        .ok()
        .filter(|&n| n >= 1)
        .ok_or_else(|| Refusal::malformed("a batch number is a whole number from 1"))?;
    let (parts, body) = request.into_parts();
    let first = receipt_from(parts.uri.query())?;
    let caller = state.auth.check(&parts, &state.pool).await?;
    if caller.device.device_id != device_id {
        return Err(Refusal::forbidden("a device may only send its own batches"));
    }
    let digest = caller
        .request
        .content_digest
        .ok_or_else(|| Refusal::malformed("a batch needs a Content-Digest header"))?;
    let key = caller
        .request
        .idempotency_key
        .filter(|k| k.len() == 64 && k.bytes().all(|b| b.is_ascii_hexdigit()))
        .ok_or_else(|| {
            Refusal::malformed(
                "a batch needs an Idempotency-Key: the SHA-256 hex of its signed manifest",
            )
        })?
        .to_ascii_lowercase();
    let bytes = read_body(body, &parts.headers, state.limits.max_file_bytes).await?;
    let imported = state
        .pool
        .run(move |hq| {
            // Hashing a surge batch takes a while: here, off the async threads.
            let file_sha256 = check_digest(&bytes, Some(&digest))?;
            Ok(
                hq.import_checked(&bytes, Some(file_sha256), first, |opened| {
                    let m = &opened.manifest;
                    if m.device_id != device_id || m.sequence != sequence {
                        return Err(HqError::NotAtPath {
                            device_id,
                            sequence,
                        });
                    }
                    if opened.manifest_sha256 != key {
                        return Err(HqError::IdempotencyKey);
                    }
                    Ok(())
                })?,
            )
        })
        .await?;
    Ok(receipt(imported.receipt, imported.batches.high_water()))
}

/// `GET /v1/devices/{device}/receipt[?receipt_from=N]`: the device's signed cumulative receipt.
async fn get_receipt(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    request: Request,
) -> Answer {
    let Path(device_id) = path.map_err(|_| Refusal::malformed("the path is malformed"))?;
    let (parts, _) = request.into_parts();
    let first = receipt_from(parts.uri.query())?;
    let caller = state.auth.check(&parts, &state.pool).await?;
    if caller.device.device_id != device_id {
        return Err(Refusal::forbidden("a device may only read its own receipt"));
    }
    let (text, batches) = state
        .pool
        .run(move |hq| Ok(hq.receipt_and_batches(&device_id, first)?))
        .await?;
    Ok(receipt(text, batches.high_water()))
}

/// `GET /v1/missions/{mission}/index?after=N`: the mission's cases changed after the
/// cursor, signed and encrypted to the request's `Loket-Reply-To` key.
async fn get_index(
    State(state): State<Arc<AppState>>,
    path: Result<Path<String>, PathRejection>,
    request: Request,
) -> Answer {
    let Path(mission) = path.map_err(|_| Refusal::malformed("the path is malformed"))?;
    let (parts, _) = request.into_parts();
    let after = cursor(parts.uri.query())?;
    let caller = state.auth.check(&parts, &state.pool).await?;
    if caller.device.mission != mission {
        return Err(Refusal::forbidden(
            "a device may only read its own mission's index",
        ));
    }
    let reply_to = caller
        .request
        .reply_to
        .filter(|k| k.parse::<age::x25519::Recipient>().is_ok())
        .ok_or_else(|| {
            Refusal::malformed("an index request needs Loket-Reply-To: an age1… X25519 public key")
        })?;
    let nonce = caller.request.nonce;
    let device_id = caller.device.device_id;
    let limit = state.page_size;
    let sealed = state
        .pool
        .run(move |hq| {
            let mut page = hq.index_page(&mission, after, limit, &device_id)?;
            hq.log_index_sent(&device_id, after, &page)?;
            page.request_nonce = nonce;
            hq.seal_index(&page, &reply_to)
                .map_err(|e| Refusal::internal(e.to_string()))
        })
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/age")], sealed).into_response())
}

/// The query of an index request: `after=N` (absent: 0).
fn cursor(query: Option<&str>) -> Result<u64, Refusal> {
    number_parameter(query, "after", 0)
}

/// The query of a receipt's request: `receipt_from=N` (absent: 1, every version).
fn receipt_from(query: Option<&str>) -> Result<u64, Refusal> {
    number_parameter(query, RECEIPT_FROM, 1)
}

/// A query of at most the one parameter `name=N` (a whole number), else `default`.
fn number_parameter(query: Option<&str>, name: &str, default: u64) -> Result<u64, Refusal> {
    let mut value = default;
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        match pair.split_once('=') {
            Some((key, n)) if key == name => {
                value = n
                    .parse()
                    .map_err(|_| Refusal::malformed(format!("`{name}` is not a whole number")))?;
            }
            _ => return Err(Refusal::malformed(format!("this takes only `{name}=N`"))),
        }
    }
    Ok(value)
}

/// The receipt answer: its JSON text as signed, and the high-water mark.
fn receipt(text: String, high_water: u64) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (
                header::HeaderName::from_static(HEADER_HIGH_WATER),
                high_water.to_string(),
            ),
        ],
        text,
    )
        .into_response()
}

/// Reads a body of at most `max` bytes: a declared length above it is refused before a byte
/// is read, and an undeclared one is cut off as soon as it passes it.
async fn read_body(body: Body, headers: &HeaderMap, max: u64) -> Result<Bytes, Refusal> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(Refusal::too_large());
    }
    let max = usize::try_from(max).unwrap_or(usize::MAX);
    match Limited::new(body, max).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<LengthLimitError>() => Err(Refusal::too_large()),
        Err(_) => Err(Refusal::malformed("the request body ended early")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_is_after_or_zero() {
        assert_eq!(cursor(None), Ok(0));
        assert_eq!(cursor(Some("")), Ok(0));
        assert_eq!(cursor(Some("after=42")), Ok(42));
        assert_eq!(
            cursor(Some("after=-1")).unwrap_err().code,
            "request.malformed"
        );
        assert_eq!(
            cursor(Some("limit=5")).unwrap_err().code,
            "request.malformed"
        );
    }

    #[test]
    fn a_receipt_is_from_a_batch_or_from_the_first() {
        assert_eq!(receipt_from(None), Ok(1));
        assert_eq!(receipt_from(Some("receipt_from=7")), Ok(7));
        assert_eq!(
            receipt_from(Some("receipt_from=x")).unwrap_err().code,
            "request.malformed"
        );
        assert_eq!(
            receipt_from(Some("after=3")).unwrap_err().code,
            "request.malformed"
        );
    }

    #[tokio::test]
    async fn a_body_past_the_limit_is_refused_declared_or_not() {
        let mut declared = HeaderMap::new();
        declared.insert(header::CONTENT_LENGTH, "11".parse().unwrap());
        let refused = read_body(Body::from(vec![0u8; 11]), &declared, 10).await;
        assert_eq!(refused.unwrap_err().code, "batch.too_large");
        // Undeclared (chunked): cut off while reading.
        let refused = read_body(Body::from(vec![0u8; 11]), &HeaderMap::new(), 10).await;
        assert_eq!(refused.unwrap_err().code, "batch.too_large");
        let fits = read_body(Body::from(vec![3u8; 10]), &HeaderMap::new(), 10).await;
        assert_eq!(fits.unwrap().len(), 10);
    }
}
