//! `loket-hq serve` as counters meet it: the real binary on a loopback port, real HTTP,
//! requests signed with `loket_batch::wire::SignedRequest`, on SQLite and on PostgreSQL.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::{Arc, Condvar, Mutex};

use common::*;
use ed25519_dalek::SigningKey;
use loket_batch::wire::{self, ErrorBody, IndexError, IndexPage, SignedRequest, HEADER_HIGH_WATER};
use loket_hq::Counts;

on_both_backends!(
    health_answers_without_authentication,
    a_batch_is_imported_once_and_answered_with_the_cumulative_receipt,
    a_receipt_from_a_batch_lists_that_batch_and_later_ones,
    requests_that_do_not_authenticate_are_refused_with_their_reason,
    a_device_acts_only_on_its_own_path_and_mission,
    a_batch_body_is_checked_and_refused_whole,
    the_mission_index_pages_every_counters_cases_encrypted_to_the_asker,
    headquarters_killed_mid_upload_holds_nothing_and_applies_the_batch_once_after,
    sigterm_stops_the_server_cleanly,
);

/// A running `loket-hq serve`; killed when dropped.
struct Server {
    child: Child,
    base: String,
    address: String,
    log: Arc<Log>,
}

/// The server's standard error as read so far, and whether it has ended.
#[derive(Default)]
struct Log {
    text: Mutex<(String, bool)>,
    grown: Condvar,
}

impl Server {
    fn start(site: &Site, extra: &[&str]) -> Server {
        let mut args = vec!["serve", "--listen", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut child = site
            .command(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The log is read all along, so the server never blocks on a full pipe.
        let log = Arc::new(Log::default());
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut line = String::new();
            while stderr.read_line(&mut line).is_ok_and(|n| n > 0) {
                sink.text.lock().unwrap().0.push_str(&line);
                sink.grown.notify_all();
                line.clear();
            }
            sink.text.lock().unwrap().1 = true;
            sink.grown.notify_all();
        });
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let base = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| {
                panic!(
                    "unexpected first line {first:?}: {}",
                    log.text.lock().unwrap().0
                )
            })
            .to_owned();
        assert!(base.starts_with("http://127.0.0.1:"), "{base}");
        let address = base.trim_start_matches("http://").to_owned();
        Server {
            child,
            base,
            address,
            log,
        }
    }

    /// The log once it holds `line` (the server writes it just after answering), or
    /// once the server's standard error has ended.
    fn log_with(&self, line: &str) -> String {
        let mut text = self.log.text.lock().unwrap();
        while !text.0.contains(line) && !text.1 {
            text = self.log.grown.wait(text).unwrap();
        }
        text.0.clone()
    }

    fn kill(mut self) {
        let _ = self.child.kill(); // SIGKILL
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An answer, whatever its status.
struct Reply {
    status: u16,
    high_water: Option<String>,
    body: Vec<u8>,
}

impl Reply {
    fn error(&self) -> ErrorBody {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| {
            panic!("not an error body: {}", String::from_utf8_lossy(&self.body))
        })
    }

    /// Status and error code.
    fn refusal(&self) -> (u16, String) {
        (self.status, self.error().error)
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into()
}

/// Sends `req` signed with `key` (and `body` for a PUT).
fn send(server: &Server, req: &SignedRequest, key: &SigningKey, body: Option<&[u8]>) -> Reply {
    send_headers(server, req, &req.headers(key), body)
}

fn send_headers(
    server: &Server,
    req: &SignedRequest,
    headers: &[(&str, String)],
    body: Option<&[u8]>,
) -> Reply {
    let url = format!("{}{}", server.base, req.path_and_query);
    let agent = agent();
    let response = match body {
        Some(body) => {
            let mut r = agent.put(&url);
            for (k, v) in headers {
                r = r.header(*k, v);
            }
            r.send(body)
        }
        None => {
            let mut r = agent.get(&url);
            for (k, v) in headers {
                r = r.header(*k, v);
            }
            r.call()
        }
    }
    .unwrap();
    let status = response.status().as_u16();
    let high_water = response
        .headers()
        .get(HEADER_HIGH_WATER)
        .map(|v| v.to_str().unwrap().to_owned());
    let body = response
        .into_body()
        .with_config()
        .limit(64 << 20)
        .read_to_vec()
        .unwrap();
    Reply {
        status,
        high_water,
        body,
    }
}

/// A signed PUT of batch `n` with the right digest and idempotency key.
fn put_request(counter: &Counter, n: u64, bytes: &[u8], manifest_sha256: &str) -> SignedRequest {
    let mut req = SignedRequest::new(
        "PUT",
        &wire::batch_path(&counter.device_id, n),
        &counter.device_id,
    );
    req.content_digest = Some(wire::content_digest(bytes));
    req.idempotency_key = Some(manifest_sha256.to_owned());
    req
}

fn put(server: &Server, counter: &Counter, n: u64, bytes: &[u8], manifest: &str) -> Reply {
    send(
        server,
        &put_request(counter, n, bytes, manifest),
        &counter.key,
        Some(bytes),
    )
}

fn get_receipt(server: &Server, counter: &Counter) -> Reply {
    let req = SignedRequest::new(
        "GET",
        &wire::receipt_path(&counter.device_id),
        &counter.device_id,
    );
    send(server, &req, &counter.key, None)
}

/// Asks for the index after `after`; returns the opened page and the raw answer.
fn index(server: &Server, site: &Site, counter: &Counter, after: u64) -> (IndexPage, Reply) {
    let identity = age::x25519::Identity::generate();
    let mut req = SignedRequest::new(
        "GET",
        &wire::index_path(&counter.mission, after),
        &counter.device_id,
    );
    req.reply_to = Some(identity.to_public().to_string());
    let reply = send(server, &req, &counter.key, None);
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let page = IndexPage::open(
        &reply.body,
        &identity,
        &site.public().sign,
        &counter.mission,
        &req.nonce,
    )
    .unwrap();
    (page, reply)
}

fn health_answers_without_authentication(b: Backend) {
    let site = Site::new(b);
    let server = Server::start(&site, &[]);
    let reply = agent()
        .get(&format!("{}/v1/health", server.base))
        .call()
        .unwrap();
    assert_eq!(reply.status().as_u16(), 200);
    let body: serde_json::Value = serde_json::from_reader(reply.into_body().into_reader()).unwrap();
    assert_eq!(
        body,
        serde_json::json!({"status": "ok", "protocol": "loket.sync/1"})
    );

    let reply = agent()
        .get(&format!("{}/v1/nothing", server.base))
        .call()
        .unwrap();
    assert_eq!(reply.status().as_u16(), 404);
    let line = "GET /v1/health device=- 200";
    assert!(server.log_with(line).contains(line));
}

fn a_batch_is_imported_once_and_answered_with_the_cumulative_receipt(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let server = Server::start(&site, &[]);
    let bytes = counter.seal_next(&site.public(), &[(0, 1), (1, 1), (0, 2)]);
    let manifest = counter.chain[0].clone();

    let req = put_request(&counter, 1, &bytes, &manifest);
    let headers = req.headers(&counter.key);
    let first = send_headers(&server, &req, &headers, Some(&bytes));
    assert_eq!(
        first.status,
        200,
        "{}",
        String::from_utf8_lossy(&first.body)
    );
    assert_eq!(first.high_water.as_deref(), Some("1"));
    let receipt = verify_receipt(&first.body, &site.public());
    assert_eq!(receipt.device_id, "PNH-01");
    assert_eq!(receipt.batches, vec![1]);
    let mut versions: Vec<(String, u64)> = receipt
        .records
        .iter()
        .map(|r| (r.case_id.clone(), r.version))
        .collect();
    versions.sort();
    assert_eq!(
        versions,
        vec![(case_id(0), 1), (case_id(0), 2), (case_id(1), 1)]
    );
    let after_first = site.counts();
    assert_eq!(
        after_first,
        Counts {
            devices: 1,
            batches: 1,
            records: 3,
            photos: 2,
            cases: 2,
            requests: 0,
            request_events: 0,
        }
    );

    // A retry after a lost answer: signed afresh, same batch: same receipt, nothing new.
    let again = put(&server, &counter, 1, &bytes, &manifest);
    assert_eq!(again.status, 200);
    assert_eq!(again.body, first.body);
    assert_eq!(site.counts(), after_first);
    let held = get_receipt(&server, &counter);
    assert_eq!((held.status, held.body.clone()), (200, first.body.clone()));
    assert_eq!(held.high_water.as_deref(), Some("1"));

    // The very same request again (same nonce): a replay.
    let replayed = send_headers(&server, &req, &headers, Some(&bytes));
    assert_eq!(replayed.refusal(), (401, "auth.replayed".into()));
    assert_eq!(site.counts(), after_first);

    // Batch 3 before 2: held, but the high-water mark stays at 1 until 2 arrives.
    let third = counter.seal_as(&site.public(), 3, Some("cd".repeat(32)), &[(5, 1)]);
    let reply = put(&server, &counter, 3, &third.bytes, &third.manifest_sha256);
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(reply.high_water.as_deref(), Some("1"));

    // The log: one line per request, ids and numbers only.
    let replay_line = "PUT /v1/devices/PNH-01/batches/1 device=PNH-01 401 auth.replayed";
    let log = server.log_with(replay_line);
    assert!(
        log.contains("PUT /v1/devices/PNH-01/batches/1 device=PNH-01 200"),
        "{log}"
    );
    assert!(log.contains(replay_line), "{log}");
    assert!(
        !log.contains("SITI") && !log.contains("3203415204990001"),
        "{log}"
    );
}

/// The versions a receipt lists, in order.
fn listed(receipt: &loket_batch::Receipt) -> Vec<(String, u64)> {
    receipt
        .records
        .iter()
        .map(|r| (r.case_id.clone(), r.version))
        .collect()
}

/// A counter asks for the receipt of its unacknowledged batches only (`receipt_from`): the
/// batch numbers and versions of batch N and later ones, and the receipt says where they start.
fn a_receipt_from_a_batch_lists_that_batch_and_later_ones(b: Backend) {
    let site = Site::new(b);
    let mut counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let server = Server::start(&site, &[]);
    let first = counter.seal_next(&site.public(), &[(0, 1), (1, 1)]);
    assert_eq!(
        put(&server, &counter, 1, &first, &counter.chain[0].clone()).status,
        200
    );
    let second = counter.seal_next(&site.public(), &[(2, 1), (0, 2)]);
    assert_eq!(
        put(&server, &counter, 2, &second, &counter.chain[1].clone()).status,
        200
    );

    let from = |n: u64| {
        let path = wire::with_receipt_from(&wire::receipt_path(&counter.device_id), n);
        send(
            &server,
            &SignedRequest::new("GET", &path, &counter.device_id),
            &counter.key,
            None,
        )
    };
    let reply = from(2);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.high_water.as_deref(), Some("2"));
    let receipt = verify_receipt(&reply.body, &site.public());
    assert_eq!(receipt.batches, vec![2]);
    assert_eq!(receipt.records_from_batch, Some(2));
    assert_eq!(listed(&receipt), vec![(case_id(0), 2), (case_id(2), 1)]);
    // A counter with everything acknowledged asks from the batch after its last: an empty
    // receipt, however many batches came before; the header still gives the high-water mark.
    let idle = from(3);
    assert_eq!(idle.high_water.as_deref(), Some("2"));
    let receipt = verify_receipt(&idle.body, &site.public());
    assert!(receipt.batches.is_empty() && receipt.records.is_empty());

    // From batch 1 is every version: the plain receipt, byte for byte.
    let whole = from(1);
    assert_eq!(whole.body, get_receipt(&server, &counter).body);
    let receipt = verify_receipt(&whole.body, &site.public());
    assert_eq!(receipt.records_from_batch, None);
    assert_eq!(receipt.batches, vec![1, 2]);
    assert_eq!(receipt.records.len(), 4);

    // A PUT asks the same way.
    let third = counter.seal_next(&site.public(), &[(3, 1)]);
    let mut req = put_request(&counter, 3, &third, &counter.chain[2].clone());
    req.path_and_query = wire::with_receipt_from(&req.path_and_query, 3);
    let reply = send(&server, &req, &counter.key, Some(&third));
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let receipt = verify_receipt(&reply.body, &site.public());
    assert_eq!(receipt.batches, vec![3]);
    assert_eq!(listed(&receipt), vec![(case_id(3), 1)]);

    let path = format!(
        "{}?receipt_from=two",
        wire::receipt_path(&counter.device_id)
    );
    let req = SignedRequest::new("GET", &path, &counter.device_id);
    let reply = send(&server, &req, &counter.key, None);
    assert_eq!(reply.refusal(), (400, "request.malformed".into()));
}

fn requests_that_do_not_authenticate_are_refused_with_their_reason(b: Backend) {
    let site = Site::new(b);
    let counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let server = Server::start(&site, &[]);
    let path = wire::receipt_path(&counter.device_id);

    let stranger = Counter::new("PNH-09");
    let reply = get_receipt(&server, &stranger);
    assert_eq!(reply.refusal(), (401, "auth.unknown_device".into()));

    // Signed with another key than the one enrolled.
    let req = SignedRequest::new("GET", &path, &counter.device_id);
    let reply = send(&server, &req, &stranger.key, None);
    assert_eq!(reply.refusal(), (401, "auth.bad_signature".into()));

    // Signed over another path than the one asked for.
    let req = SignedRequest::new("GET", "/v1/devices/PNH-01/receipt?x", &counter.device_id);
    let mut moved = req.clone();
    moved.path_and_query = path.clone();
    let reply = send_headers(&server, &moved, &req.headers(&counter.key), None);
    assert_eq!(reply.refusal(), (401, "auth.bad_signature".into()));

    // Ten minutes off, either way.
    for minutes in [-10, 10] {
        let mut req = SignedRequest::new("GET", &path, &counter.device_id);
        req.time = (chrono::Utc::now() + chrono::Duration::minutes(minutes))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let reply = send(&server, &req, &counter.key, None);
        assert_eq!(reply.refusal(), (401, "auth.stale".into()));
    }

    // No signature at all.
    let reply = send_headers(
        &server,
        &SignedRequest::new("GET", &path, "PNH-01"),
        &[],
        None,
    );
    assert_eq!(reply.refusal(), (401, "auth.missing".into()));

    // A nonce that is not one.
    let mut req = SignedRequest::new("GET", &path, &counter.device_id);
    req.nonce = "short".into();
    let reply = send(&server, &req, &counter.key, None);
    assert_eq!(reply.refusal(), (400, "request.malformed".into()));

    // And the same device, signing properly, is let in.
    assert_eq!(get_receipt(&server, &counter).status, 200);
}

fn a_device_acts_only_on_its_own_path_and_mission(b: Backend) {
    let site = Site::new(b);
    let mut pnh1 = Counter::new("PNH-01");
    let pnh2 = Counter::new("PNH-02");
    let mut kul = Counter::new("KUL-01");
    // Enrolled for Kuala Lumpur.
    kul.mission = "KUL".into();
    for c in [&pnh1, &pnh2, &kul] {
        site.enrol(c);
    }
    let server = Server::start(&site, &[]);
    let bytes = pnh1.seal_next(&site.public(), &[(0, 1)]);

    // PNH-02 sending PNH-01's batch to PNH-01's path.
    let mut req = put_request(&pnh1, 1, &bytes, &pnh1.chain[0]);
    req.device_id = pnh2.device_id.clone();
    let reply = send(&server, &req, &pnh2.key, Some(&bytes));
    assert_eq!(reply.refusal(), (403, "auth.forbidden".into()));
    // … or reading its receipt.
    let req = SignedRequest::new("GET", &wire::receipt_path("PNH-01"), &pnh2.device_id);
    let reply = send(&server, &req, &pnh2.key, None);
    assert_eq!(reply.refusal(), (403, "auth.forbidden".into()));
    // KUL-01 reading Phnom Penh's index.
    let mut req = SignedRequest::new("GET", &wire::index_path("PNH", 0), &kul.device_id);
    req.reply_to = Some(age::x25519::Identity::generate().to_public().to_string());
    let reply = send(&server, &req, &kul.key, None);
    assert_eq!(reply.refusal(), (403, "auth.forbidden".into()));
    // Its own batch under its own path but another number: refused whole.
    let reply = put(&server, &pnh1, 2, &bytes, &pnh1.chain[0]);
    assert_eq!(reply.refusal(), (422, "batch.refused".into()));
    assert_eq!(site.counts().batches, 0);
    assert_eq!(
        put(&server, &pnh1, 1, &bytes, &pnh1.chain[0].clone()).status,
        200
    );
}

fn a_batch_body_is_checked_and_refused_whole(b: Backend) {
    let site = Site::new(b);
    let counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let server = Server::start(&site, &[]);
    let public = site.public();
    let good = counter.seal_as(&public, 1, None, &[(0, 1), (1, 1)]);
    let nothing = site.counts();

    // The body is not the one signed.
    let mut req = put_request(&counter, 1, &good.bytes, &good.manifest_sha256);
    req.content_digest = Some(wire::content_digest(b"another body"));
    let reply = send(&server, &req, &counter.key, Some(&good.bytes));
    assert_eq!(reply.refusal(), (400, "request.digest".into()));

    // The idempotency key is not this batch's manifest hash.
    let reply = put(&server, &counter, 1, &good.bytes, &"ab".repeat(32));
    assert_eq!(reply.refusal(), (409, "batch.conflict".into()));
    assert_eq!(site.counts(), nothing);

    // A record that fails validation, consistently hashed and signed: refused, with why.
    let mut e = unpack(&good.bytes, &site.secret());
    edit_record_text(&mut e, 1, |text| {
        text.replace("3203415204990001", "3203005204990001")
    });
    refresh(&mut e, &counter.key);
    let tampered = pack(&e, &public);
    let key = loket_batch::sha256_hex(get(&e, "manifest.json"));
    let reply = put(&server, &counter, 1, &tampered, &key);
    assert_eq!(reply.refusal(), (422, "batch.refused".into()));
    assert_eq!(reply.error().message, "refused: a record fails validation");

    // Bytes damaged on the way (and digested as they are): refused.
    let mut damaged = good.bytes.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x40;
    let reply = put(&server, &counter, 1, &damaged, &good.manifest_sha256);
    assert_eq!(reply.refusal(), (422, "batch.refused".into()));
    assert_eq!(
        reply.error().message,
        "refused: the batch file is truncated or damaged: decryption failed"
    );
    assert_eq!(site.counts(), nothing);

    // Larger than the batch size limit: refused from its declared length, unread.
    let mut req = put_request(&counter, 1, &good.bytes, &good.manifest_sha256);
    req.content_digest = Some(wire::content_digest(b""));
    let limit = loket_batch::Limits::default().max_file_bytes;
    let (status, body) = raw_put(&server, &req, &counter.key, limit + 1, &[]);
    assert_eq!(status, 413);
    let error: ErrorBody = serde_json::from_slice(&body).unwrap();
    assert_eq!(error.error, "batch.too_large");

    // The good batch goes in; then other content under the same number is a conflict.
    assert_eq!(
        put(&server, &counter, 1, &good.bytes, &good.manifest_sha256).status,
        200
    );
    let held = site.counts();
    let other = counter.seal_as(&public, 1, None, &[(2, 1)]);
    let reply = put(&server, &counter, 1, &other.bytes, &other.manifest_sha256);
    assert_eq!(reply.refusal(), (409, "batch.conflict".into()));
    assert_eq!(site.counts(), held);
}

/// Sends a PUT's head (declaring `length` bytes) and `body` over a plain socket, then reads
/// the status and body of the answer, if one comes before the socket closes.
fn raw_put(
    server: &Server,
    req: &SignedRequest,
    key: &SigningKey,
    length: u64,
    body: &[u8],
) -> (u16, Vec<u8>) {
    let mut stream = raw_put_head(server, req, key, length);
    stream.write_all(body).unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text[9..12].parse().unwrap();
    let (_, body) = text.split_once("\r\n\r\n").unwrap();
    (status, body.as_bytes().to_vec())
}

fn raw_put_head(server: &Server, req: &SignedRequest, key: &SigningKey, length: u64) -> TcpStream {
    let mut stream = TcpStream::connect(&server.address).unwrap();
    let mut head = format!(
        "PUT {} HTTP/1.1\r\nhost: {}\r\nconnection: close\r\ncontent-type: application/octet-stream\r\ncontent-length: {length}\r\n",
        req.path_and_query, server.address
    );
    for (k, v) in req.headers(key) {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream
}

fn the_mission_index_pages_every_counters_cases_encrypted_to_the_asker(b: Backend) {
    let site = Site::new(b);
    let reader = Counter::new("PNH-01");
    let mut writer = Counter::new("PNH-02");
    for c in [&reader, &writer] {
        site.enrol(c);
    }
    let server = Server::start(&site, &["--page-size", "2"]);
    let bytes = writer.seal_next(
        &site.public(),
        &[(10, 1), (11, 1), (12, 1), (13, 1), (14, 1)],
    );
    assert_eq!(
        put(&server, &writer, 1, &bytes, &writer.chain[0].clone()).status,
        200
    );

    // Three pages of 2, 2 and 1; the cursor moves along the change numbers.
    let mut seen = Vec::new();
    let mut after = 0;
    let mut pages = 0;
    loop {
        let (page, reply) = index(&server, &site, &reader, after);
        pages += 1;
        // Personal data never travel in clear.
        let raw = String::from_utf8_lossy(&reply.body);
        assert!(!raw.contains("SITI") && !raw.contains("3203415204990001"));
        assert!(page.entries.windows(2).all(|w| w[0].seq < w[1].seq));
        assert!(page.entries.iter().all(|e| e.seq > after));
        seen.extend(page.entries.clone());
        assert_eq!(page.next, page.entries.last().map_or(after, |e| e.seq));
        after = page.next;
        if !page.more {
            break;
        }
        assert_eq!(page.entries.len(), 2);
    }
    assert_eq!(pages, 3);
    let ids: Vec<String> = seen.iter().map(|e| e.case_id.clone()).collect();
    assert_eq!(ids, (10..15).map(case_id).collect::<Vec<_>>());
    let e = &seen[0];
    assert_eq!(
        (e.device_id.as_str(), e.version, e.status.as_str()),
        ("PNH-02", 1, "finalised")
    );
    assert_eq!(e.full_name.as_deref(), Some("SITI AMINAH"));
    assert_eq!(e.aliases, vec!["SITI AMINA".to_owned()]);
    assert_eq!(e.ticket.as_deref(), Some("A-042"));
    assert_eq!(e.date_of_birth.as_deref(), Some("1999-04-12"));
    assert_eq!(e.nik.as_deref(), Some("3203415204990001"));
    assert_eq!(e.passport_number.as_deref(), Some("C1234567"));
    assert_eq!(e.hq_status, None);

    // Nothing new: an empty page, the cursor unchanged.
    let (page, _) = index(&server, &site, &reader, after);
    assert_eq!(
        (page.entries.len(), page.next, page.more),
        (0, after, false)
    );

    // Headquarters records a departure: the case comes again, newer, with the status.
    let out = site.cli(&["status", &case_id(11), "departed"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (page, _) = index(&server, &site, &reader, after);
    assert_eq!(page.entries.len(), 1);
    let e = &page.entries[0];
    assert_eq!(
        (e.case_id.clone(), e.hq_status.as_deref()),
        (case_id(11), Some("departed"))
    );
    assert!(e.seq > after && e.hq_status_at.is_some());
    after = page.next;

    // A newer version from the counter: the case comes again at that version.
    let bytes = writer.seal_next(&site.public(), &[(12, 2)]);
    assert_eq!(
        put(&server, &writer, 2, &bytes, &writer.chain[1].clone()).status,
        200
    );
    let (page, _) = index(&server, &site, &reader, after);
    let got: Vec<(String, u64, Option<String>)> = page
        .entries
        .iter()
        .map(|e| (e.case_id.clone(), e.version, e.ticket.clone()))
        .collect();
    assert_eq!(got, vec![(case_id(12), 2, Some("B-002".to_owned()))]);

    // A page opens only with the key of the request it answers.
    let identity = age::x25519::Identity::generate();
    let mut req = SignedRequest::new("GET", &wire::index_path("PNH", 0), &reader.device_id);
    req.reply_to = Some(identity.to_public().to_string());
    let reply = send(&server, &req, &reader.key, None);
    let other = age::x25519::Identity::generate();
    let hq = site.public().sign;
    assert_eq!(
        IndexPage::open(&reply.body, &other, &hq, "PNH", &req.nonce),
        Err(IndexError::Decrypt)
    );
    assert_eq!(
        IndexPage::open(&reply.body, &identity, &hq, "PNH", &wire::new_nonce()),
        Err(IndexError::NotThisRequest)
    );
    // Without a reply-to key there is no answer.
    let req = SignedRequest::new("GET", &wire::index_path("PNH", 0), &reader.device_id);
    let reply = send(&server, &req, &reader.key, None);
    assert_eq!(reply.refusal(), (400, "request.malformed".into()));
}

fn headquarters_killed_mid_upload_holds_nothing_and_applies_the_batch_once_after(b: Backend) {
    let site = Site::new(b);
    let counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let public = site.public();
    // 200 cases with 30 KB photos: about 6 MB.
    let versions: Vec<(usize, u64)> = (0..200).map(|i| (i, 1)).collect();
    let records: Vec<loket_batch::RecordEntry> = versions
        .iter()
        .map(|&(i, v)| {
            let mut e = entry(i, v);
            e.photo_sha256 = Some(loket_batch::sha256_hex(&photo_sized(i, 30_000)));
            e
        })
        .collect();
    let photos = (0..200).map(|i| photo_sized(i, 30_000)).collect();
    let sealed = counter.seal_records(&public, 1, None, records, photos, Vec::new());
    let bytes = sealed.bytes;
    assert!(bytes.len() > 5_000_000);
    let nothing = site.counts();

    let server = Server::start(&site, &[]);
    let req = put_request(&counter, 1, &bytes, &sealed.manifest_sha256);
    let mut stream = raw_put_head(&server, &req, &counter.key, bytes.len() as u64);
    stream.write_all(&bytes[..bytes.len() / 2]).unwrap();
    stream.flush().unwrap();
    // Signed now, sent after the restart.
    let early = SignedRequest::new("GET", &wire::receipt_path("PNH-01"), "PNH-01");
    server.kill();
    drop(stream);

    // The database opens and holds nothing of the batch.
    assert_eq!(site.counts(), nothing);

    let server = Server::start(&site, &[]);
    let reply = send(&server, &early, &counter.key, None);
    assert_eq!(reply.refusal(), (401, "auth.stale".into()));

    let reply = put(&server, &counter, 1, &bytes, &sealed.manifest_sha256);
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    let all = Counts {
        devices: 1,
        batches: 1,
        records: 200,
        photos: 200,
        cases: 200,
        requests: 0,
        request_events: 0,
    };
    assert_eq!(site.counts(), all);
    let again = put(&server, &counter, 1, &bytes, &sealed.manifest_sha256);
    assert_eq!((again.status, &again.body), (200, &reply.body));
    assert_eq!(site.counts(), all);
    let receipt = verify_receipt(&reply.body, &public);
    assert_eq!((receipt.batches, receipt.records.len()), (vec![1], 200));
}

/// A database that goes away answers 503 `hq.unavailable`; the next request reconnects.
#[test]
fn a_lost_database_connection_is_503_then_reconnected() {
    let site = Site::new(Backend::Postgres);
    let counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let server = Server::start(&site, &["--connections", "1"]);
    assert_eq!(get_receipt(&server, &counter).status, 200);

    let url = site.database.clone().unwrap();
    let name = url.rsplit('/').next().unwrap().to_owned();
    let mut admin =
        ::postgres::Client::connect(&common::pg::shared().url("postgres"), ::postgres::NoTls)
            .unwrap();
    admin
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
            &[&name],
        )
        .unwrap();
    // Wait until the server's connection is really gone.
    while admin
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1",
            &[&name],
        )
        .unwrap()
        .get::<_, i64>(0)
        > 0
    {
        std::thread::yield_now();
    }
    let reply = get_receipt(&server, &counter);
    assert_eq!(reply.refusal(), (503, "hq.unavailable".into()));
    let health = agent()
        .get(&format!("{}/v1/health", server.base))
        .call()
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
    assert_eq!(get_receipt(&server, &counter).status, 200);
}

fn sigterm_stops_the_server_cleanly(b: Backend) {
    let site = Site::new(b);
    let counter = Counter::new("PNH-01");
    site.enrol(&counter);
    let mut server = Server::start(&site, &[]);
    assert_eq!(get_receipt(&server, &counter).status, 200);
    let pid = server.child.id().to_string();
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(sent.success());
    let status = server.child.wait().unwrap();
    assert_eq!(
        status.code(),
        Some(0),
        "{status:?}: {}",
        server.log_with("\u{0}")
    );
    assert!(server
        .log_with("loket-hq: stopped")
        .ends_with("loket-hq: stopped\n"));
    // The database is left whole and opens again.
    assert_eq!(site.counts().devices, 1);
}
