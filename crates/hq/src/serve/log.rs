//! One line per request on standard error: method, path, device, status (and error code),
//! milliseconds, and the answer's size when known. Never a body, a header's secret or
//! personal data: paths name devices, batch numbers and missions only, and the device is
//! shown only when it is a valid id.

use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use loket_batch::wire::HEADER_DEVICE;

use super::answers::ErrorCode;

/// Paths longer than this are cut in the log (a hostile client may send any length).
const MAX_PATH_CHARS: usize = 120;

pub async fn log_request(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path: String = request.uri().path().chars().take(MAX_PATH_CHARS).collect();
    let device = request
        .headers()
        .get(HEADER_DEVICE)
        .and_then(|v| v.to_str().ok())
        .filter(|d| crate::valid_device_id(d))
        .unwrap_or("-")
        .to_owned();
    let response = next.run(request).await;
    let code = response
        .extensions()
        .get::<ErrorCode>()
        .map_or(String::new(), |c| format!(" {}", c.0));
    let size = axum::body::HttpBody::size_hint(response.body())
        .exact()
        .map_or(String::new(), |n| format!(", {n} bytes"));
    eprintln!(
        "loket-hq: {method} {path} device={device} {}{code} {} ms{size}",
        response.status().as_u16(),
        started.elapsed().as_millis()
    );
    response
}
