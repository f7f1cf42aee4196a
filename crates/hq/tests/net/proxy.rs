//! A TCP proxy between counters and headquarters that misbehaves on purpose: it loses
//! answers, cuts requests and answers short, resets connections and delays bytes, each
//! connection's fault drawn from a seeded RNG. It records the bytes of every connection, so
//! tests can compare answers and replay a captured request.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does to the connections it accepts from now on.
#[derive(Debug, Clone)]
pub enum Policy {
    /// Forwards everything.
    Pass,
    /// Forwards the request, then closes the counter's connection as soon as headquarters
    /// starts answering: headquarters did the work, the counter never hears of it.
    LoseAnswer,
    /// Forwards the counter's bytes in pieces of `piece` bytes with `pause` between them.
    Throttle { piece: usize, pause: Duration },
    /// A fault per connection, drawn from this seed.
    Flaky { seed: u64 },
}

/// One connection's fate.
#[derive(Debug, Clone, Default)]
struct Fault {
    /// Close the counter's connection at once, without connecting upstream.
    refuse: bool,
    /// Close after forwarding this many of the counter's bytes.
    cut_up_after: Option<u64>,
    /// Close after forwarding this many of headquarters' bytes.
    cut_down_after: Option<u64>,
    /// Forward nothing from headquarters: close once it answers.
    lose_answer: bool,
    /// Close with a reset (RST) rather than a FIN.
    reset: bool,
    /// Up to this many milliseconds before forwarding each read.
    delay_ms: u64,
    /// Forward the counter's bytes in pieces of this size, pausing between them.
    throttle: Option<(usize, Duration)>,
}

impl Fault {
    fn draw(rng: &mut StdRng) -> Fault {
        let mut f = Fault {
            reset: rng.gen_bool(0.5),
            delay_ms: if rng.gen_bool(0.3) { rng.gen_range(1..=5) } else { 0 },
            ..Fault::default()
        };
        match rng.gen_range(0..10) {
            0 => f.refuse = true,
            1 => f.cut_up_after = Some(rng.gen_range(0..6_000)),
            2 => f.lose_answer = true,
            3 => f.cut_down_after = Some(rng.gen_range(0..2_000)),
            _ => {}
        }
        f
    }
}

/// The bytes that went through one connection, each way.
#[derive(Debug, Clone, Default)]
pub struct Capture {
    pub up: Vec<u8>,
    pub down: Vec<u8>,
}

struct Shared {
    upstream: Mutex<SocketAddr>,
    policy: Mutex<(Policy, Option<StdRng>)>,
    captures: Mutex<Vec<Capture>>,
    /// Counter bytes forwarded upstream, all connections.
    up_bytes: AtomicU64,
    connections: AtomicU64,
}

/// The running proxy (on a runtime of its own); stopped when dropped.
pub struct Proxy {
    pub addr: SocketAddr,
    shared: Arc<Shared>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Proxy {
    pub fn start(upstream: SocketAddr, policy: Policy) -> Proxy {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Arc::new(Shared {
            upstream: Mutex::new(upstream),
            policy: Mutex::new((Policy::Pass, None)),
            captures: Mutex::new(Vec::new()),
            up_bytes: AtomicU64::new(0),
            connections: AtomicU64::new(0),
        });
        let proxy = Proxy {
            addr,
            shared: shared.clone(),
            runtime: Some(runtime),
        };
        proxy.set_policy(policy);
        proxy.runtime.as_ref().unwrap().spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let fault = shared.next_fault();
                let index = {
                    let mut c = shared.captures.lock().unwrap();
                    c.push(Capture::default());
                    c.len() - 1
                };
                shared.connections.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(handle(client, fault, shared.clone(), index));
            }
        });
        proxy
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn set_policy(&self, policy: Policy) {
        let rng = match &policy {
            Policy::Flaky { seed } => Some(StdRng::seed_from_u64(*seed)),
            _ => None,
        };
        *self.shared.policy.lock().unwrap() = (policy, rng);
    }

    /// Points the proxy at a restarted headquarters.
    pub fn set_upstream(&self, upstream: SocketAddr) {
        *self.shared.upstream.lock().unwrap() = upstream;
    }

    pub fn captures(&self) -> Vec<Capture> {
        self.shared.captures.lock().unwrap().clone()
    }

    /// Whether a whole request starting with `start` (e.g. `PUT `) has been handed to
    /// headquarters on a connection from the `from`-th on (without copying the captures).
    pub fn forwarded_whole(&self, start: &str, from: usize) -> bool {
        let captures = self.shared.captures.lock().unwrap();
        captures.iter().skip(from).any(|c| {
            let mut bytes = c.up.as_slice();
            while let Some((head, length)) = head_of(bytes) {
                let end = head.len() + 4 + length;
                if head.starts_with(start) && bytes.len() >= end {
                    return true;
                }
                if bytes.len() < end {
                    break;
                }
                bytes = &bytes[end..];
            }
            false
        })
    }

    pub fn up_bytes(&self) -> u64 {
        self.shared.up_bytes.load(Ordering::SeqCst)
    }

    pub fn connections(&self) -> u64 {
        self.shared.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

impl Shared {
    fn next_fault(&self) -> Fault {
        let mut policy = self.policy.lock().unwrap();
        let (policy, rng) = &mut *policy;
        match policy {
            Policy::Pass => Fault::default(),
            Policy::LoseAnswer => Fault {
                lose_answer: true,
                ..Fault::default()
            },
            Policy::Throttle { piece, pause } => Fault {
                throttle: Some((*piece, *pause)),
                ..Fault::default()
            },
            Policy::Flaky { .. } => Fault::draw(rng.as_mut().unwrap()),
        }
    }

    fn record(&self, index: usize, up: bool, bytes: &[u8]) {
        let mut c = self.captures.lock().unwrap();
        let capture = &mut c[index];
        if up {
            capture.up.extend_from_slice(bytes);
        } else {
            capture.down.extend_from_slice(bytes);
        }
    }
}

async fn pause(ms: u64, rng: &mut StdRng) {
    if ms > 0 {
        tokio::time::sleep(Duration::from_millis(rng.gen_range(0..=ms))).await;
    }
}

async fn handle(mut client: TcpStream, fault: Fault, shared: Arc<Shared>, index: usize) {
    let kill = |client: &TcpStream| {
        if fault.reset {
            let _ = client.set_zero_linger();
        }
    };
    if fault.refuse {
        kill(&client);
        return;
    }
    let upstream = *shared.upstream.lock().unwrap();
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        // Headquarters is down: the counter's connection breaks.
        let _ = client.set_zero_linger();
        return;
    };
    let mut rng = StdRng::seed_from_u64(index as u64);
    let (mut up, mut down) = (0u64, 0u64);
    let (mut client_open, mut server_open) = (true, true);
    let mut cbuf = vec![0u8; 32 << 10];
    let mut sbuf = vec![0u8; 32 << 10];
    while client_open || server_open {
        tokio::select! {
            read = client.read(&mut cbuf), if client_open => {
                let n = match read { Ok(n) => n, Err(_) => return };
                if n == 0 {
                    client_open = false;
                    let _ = server.shutdown().await;
                    continue;
                }
                let mut bytes = &cbuf[..n];
                if let Some(limit) = fault.cut_up_after {
                    if up + n as u64 >= limit {
                        let keep = (limit - up) as usize;
                        shared.record(index, true, &bytes[..keep]);
                        let _ = server.write_all(&bytes[..keep]).await;
                        kill(&client);
                        return;
                    }
                }
                pause(fault.delay_ms, &mut rng).await;
                while !bytes.is_empty() {
                    let piece = fault.throttle.map_or(bytes.len(), |(p, _)| p.min(bytes.len()));
                    if server.write_all(&bytes[..piece]).await.is_err() {
                        kill(&client);
                        return;
                    }
                    // Recorded once handed to headquarters' connection.
                    shared.record(index, true, &bytes[..piece]);
                    shared.up_bytes.fetch_add(piece as u64, Ordering::SeqCst);
                    bytes = &bytes[piece..];
                    if let Some((_, wait)) = fault.throttle {
                        tokio::time::sleep(wait).await;
                    }
                }
                up += n as u64;
            }
            read = server.read(&mut sbuf), if server_open => {
                let n = match read { Ok(n) => n, Err(_) => { kill(&client); return } };
                if n == 0 {
                    server_open = false;
                    let _ = client.shutdown().await;
                    continue;
                }
                shared.record(index, false, &sbuf[..n]);
                if fault.lose_answer {
                    kill(&client);
                    drop(client);
                    // The rest of the lost answer, for the record.
                    let mut got = sbuf[..n].to_vec();
                    while messages(&got).is_empty() {
                        match server.read(&mut sbuf).await {
                            Ok(0) | Err(_) => break,
                            Ok(m) => {
                                shared.record(index, false, &sbuf[..m]);
                                got.extend_from_slice(&sbuf[..m]);
                            }
                        }
                    }
                    return;
                }
                let mut bytes = &sbuf[..n];
                if let Some(limit) = fault.cut_down_after {
                    if down + n as u64 >= limit {
                        bytes = &bytes[..(limit - down) as usize];
                        let _ = client.write_all(bytes).await;
                        kill(&client);
                        return;
                    }
                }
                pause(fault.delay_ms, &mut rng).await;
                if client.write_all(bytes).await.is_err() {
                    return;
                }
                down += n as u64;
            }
        }
    }
}

/// One HTTP/1.1 message taken apart: the head (start line and headers) and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub head: String,
    pub body: Vec<u8>,
    /// The message's whole bytes as they went over the wire.
    pub raw: Vec<u8>,
}

impl Message {
    /// The status of a response.
    pub fn status(&self) -> u16 {
        self.head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0)
    }

    /// The start line of a request: `PUT /v1/devices/…/batches/1 HTTP/1.1`.
    pub fn start_line(&self) -> &str {
        self.head.lines().next().unwrap_or("")
    }
}

/// The head of the first HTTP/1.1 message in `bytes` and its Content-Length.
fn head_of(bytes: &[u8]) -> Option<(String, usize)> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let length = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0);
    Some((head, length))
}

/// The complete HTTP/1.1 messages in `bytes` (bodies by Content-Length; nothing here sends
/// chunked bodies). A message cut short is left out.
pub fn messages(mut bytes: &[u8]) -> Vec<Message> {
    let mut out = Vec::new();
    while let Some((head, length)) = head_of(bytes) {
        let start = head.len() + 4;
        if bytes.len() < start + length {
            break;
        }
        out.push(Message {
            head,
            body: bytes[start..start + length].to_vec(),
            raw: bytes[..start + length].to_vec(),
        });
        bytes = &bytes[start + length..];
    }
    out
}

/// Sends `request` (raw bytes) to `addr` on a new connection and reads one answer.
pub fn exchange(addr: SocketAddr, request: &[u8]) -> Message {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    stream.write_all(request).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        if let Some(m) = messages(&got).into_iter().next() {
            return m;
        }
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "the connection closed before an answer");
        got.extend_from_slice(&buf[..n]);
    }
}
