//! `loket-hq serve`: the network endpoint counters sync with (`loket.sync/1`,
//! docs/sync-protocol.md). A counter PUTs the same batch file it would write to a USB stick;
//! it goes through [`Hq::import`](crate::Hq::import) like a stick's, and the answer is the
//! same signed cumulative receipt. Counters also read their receipt and their mission's
//! index (down-sync), encrypted to a key of their own.
//!
//! | module | holds |
//! |---|---|
//! | `auth` | the request signature check and the replay cache |
//! | `pool` | the database handles, used on blocking threads |
//! | `routes` | the endpoints |
//! | `answers` | error codes and statuses |
//! | `log` | the one line per request |

mod answers;
mod auth;
mod log;
mod pool;
mod routes;

use std::net::SocketAddr;
use std::sync::Arc;

use chrono::Utc;
use loket_batch::Limits;

use crate::error::{io, Result};
use crate::Hq;

pub use answers::Refusal;
pub use auth::ReplayCache;

/// Index entries per page unless `--page-size` says otherwise.
pub const DEFAULT_PAGE_SIZE: u64 = 500;
/// The largest page a server may be configured for.
pub const MAX_PAGE_SIZE: u64 = 5_000;

/// How `loket-hq serve` runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// `IP:PORT` (port 0: any free port).
    pub listen: String,
    /// Database connections; default 2 for SQLite (one writes while another reads), 4 for
    /// PostgreSQL.
    pub connections: Option<usize>,
    /// Index entries per page.
    pub page_size: u64,
}

/// What the handlers share.
pub(crate) struct AppState {
    pool: Arc<pool::Pool>,
    auth: auth::Authenticator,
    limits: Limits,
    page_size: u64,
}

/// Serves until SIGTERM or SIGINT, then stops taking connections, lets the requests in
/// flight finish, and returns. `listening` is told the address really bound (the port
/// chosen when 0 was asked for) once requests can be taken.
pub fn run(
    hq: Hq,
    options: &Options,
    listening: impl FnOnce(SocketAddr) -> std::io::Result<()>,
) -> Result<()> {
    // Requests signed before this moment are refused: a replay cache starts empty.
    let started = Utc::now();
    let connections = options.connections.unwrap_or(match hq.backend() {
        "SQLite" => 2,
        _ => 4,
    });
    let state = Arc::new(AppState {
        limits: hq.limits(),
        pool: Arc::new(pool::Pool::new(hq, connections.clamp(1, 64))?),
        auth: auth::Authenticator::new(started),
        page_size: options.page_size.clamp(1, MAX_PAGE_SIZE),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(io("cannot start the server"))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(&options.listen)
            .await
            .map_err(io(format!("cannot listen on {}", options.listen)))?;
        let address = listener
            .local_addr()
            .map_err(io(format!("cannot listen on {}", options.listen)))?;
        listening(address).map_err(io("cannot write the output"))?;
        axum::serve(listener, routes::router(state))
            .with_graceful_shutdown(stop_signal())
            .await
            .map_err(io("the server failed"))
    })
}

/// SIGTERM (a service manager) or SIGINT (Ctrl-C).
async fn stop_signal() {
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
}
