//! HTTP to headquarters: one `reqwest` client per address, requests already signed by the
//! store, answers read up to a size limit. It knows nothing of batches or receipts.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use loket_store::normalise_hq_url;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::Method;

use crate::error::SyncError;

/// How long the client waits.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// To open a connection.
    pub connect_timeout: Duration,
    /// For one whole request and its answer (a large batch over a slow link included).
    pub request_timeout: Duration,
}

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            connect_timeout: Duration::from_secs(15),
            request_timeout: Duration::from_secs(600),
        }
    }
}

/// An answer from headquarters: its status and body.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body of a 200 answer to a GET, or the error any other answer stands for.
    pub fn accepted(self, device_id: &str) -> Result<Vec<u8>, crate::SyncError> {
        match self.status {
            200 => Ok(self.body),
            status => Err(crate::SyncError::from_answer(
                status, &self.body, None, device_id,
            )),
        }
    }
}

/// Told how many bytes of a body have been handed to the network.
pub(crate) type Sent = Arc<dyn Fn(u64) + Send + Sync>;

/// Upload bodies go out in pieces of this size, so progress moves while a batch uploads.
const PIECE: usize = 64 << 10;

/// A client for headquarters at one address.
#[derive(Debug, Clone)]
pub struct HqClient {
    http: reqwest::Client,
    base: String,
}

impl HqClient {
    /// A client for `url` (checked and written as the store keeps addresses).
    pub fn new(url: &str, settings: &ClientSettings) -> Result<Self, SyncError> {
        let base = normalise_hq_url(url)?;
        let http = reqwest::Client::builder()
            .connect_timeout(settings.connect_timeout)
            .timeout(settings.request_timeout)
            .user_agent(concat!("loket/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SyncError::from_transport(&base, &e))?;
        Ok(HqClient { http, base })
    }

    /// Headquarters' address, as stored.
    pub fn url(&self) -> &str {
        &self.base
    }

    /// GET `path` (signed `headers`), reading at most `limit` bytes of the answer.
    pub(crate) async fn get(
        &self,
        path: &str,
        headers: Vec<(&'static str, String)>,
        limit: usize,
    ) -> Result<Answer, SyncError> {
        let request = self.request(Method::GET, path, headers);
        self.finish(request, limit).await
    }

    /// PUT `body` to `path`, telling `sent` as pieces of it go out.
    pub(crate) async fn put(
        &self,
        path: &str,
        headers: Vec<(&'static str, String)>,
        body: Bytes,
        sent: Sent,
        limit: usize,
    ) -> Result<Answer, SyncError> {
        let length = body.len();
        let pieces: Vec<Bytes> = (0..length)
            .step_by(PIECE)
            .map(|at| body.slice(at..length.min(at + PIECE)))
            .collect();
        let mut total = 0u64;
        // Lazy: each piece is counted when the connection asks for it.
        let stream = futures_util::stream::iter(pieces.into_iter().map(move |piece| {
            total += piece.len() as u64;
            sent(total);
            Ok::<Bytes, std::io::Error>(piece)
        }));
        let request = self
            .request(Method::PUT, path, headers)
            .header(CONTENT_TYPE, "application/octet-stream")
            // Known up front: headquarters can refuse an oversized batch before reading it.
            .header(CONTENT_LENGTH, length)
            .body(reqwest::Body::wrap_stream(stream));
        self.finish(request, limit).await
    }

    fn request(
        &self,
        method: Method,
        path: &str,
        headers: Vec<(&'static str, String)>,
    ) -> reqwest::RequestBuilder {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(name, value);
        }
        request
    }

    async fn finish(
        &self,
        request: reqwest::RequestBuilder,
        limit: usize,
    ) -> Result<Answer, SyncError> {
        let mut response = request
            .send()
            .await
            .map_err(|e| SyncError::from_transport(&self.base, &e))?;
        let status = response.status().as_u16();
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| SyncError::from_transport(&self.base, &e))?
        {
            if body.len() + chunk.len() > limit {
                return Err(SyncError::BadAnswer {
                    what: format!("larger than {limit} bytes"),
                });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Answer { status, body })
    }
}
