//! The network end to end: the real `loket-hq serve` as a child process on loopback, counters
//! with real SQLCipher stores syncing through `loket-sync`, and a TCP proxy (`proxy`) that
//! delays, drops and breaks connections on purpose.
#![allow(dead_code)]

pub mod proxy;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use loket_core::IntakeRecord;
use loket_store::{Store, SyncCounts};
use loket_sync::{ClientSettings, HqClient, RoundReport, SyncError};
use serde_json::{json, Value};

use crate::common::{counter_store, Site};

/// `loket-hq serve --listen 127.0.0.1:0` on a site's data; killed (SIGKILL) when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    log: PathBuf,
}

impl Server {
    /// Starts the server and waits for its `listening on http://IP:PORT` line.
    pub fn start(site: &Site) -> Server {
        Self::start_with(site, &[])
    }

    pub fn start_with(site: &Site, extra: &[&str]) -> Server {
        let log = site.tmp.path().join("serve.log");
        let log_file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .unwrap();
        let mut args = vec!["serve", "--listen", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut child = site
            .command(&args)
            .stdout(Stdio::piped())
            .stderr(log_file)
            .spawn()
            .expect("loket-hq serve starts");
        let mut first = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let Some(addr) = first.trim().strip_prefix("listening on http://") else {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "loket-hq serve did not start: {first:?}\n{}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        };
        Server {
            addr: addr.parse().unwrap(),
            child,
            log,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// SIGKILL, and wait for the process to be gone.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// What the server wrote on standard error (one line per request).
    pub fn log(&self) -> String {
        let mut text = String::new();
        if let Ok(mut f) = std::fs::File::open(&self.log) {
            let _ = f.read_to_string(&mut text);
        }
        text
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A counter: its store in a temporary directory, shared the way the app shares it.
pub struct Desk {
    pub tmp: tempfile::TempDir,
    pub slot: Arc<Mutex<Store>>,
    pub device_id: String,
    /// Ids of the finalised cases saved here.
    pub saved: Vec<String>,
}

impl Desk {
    /// A new counter of mission PNH with headquarters' key pinned; enrolled when asked.
    pub fn new(site: &Site, enrol: bool) -> Desk {
        let tmp = tempfile::tempdir().unwrap();
        let mut store = counter_store(tmp.path());
        site.pin(&mut store);
        let card = store.device_card().unwrap();
        if enrol {
            site.hq().enrol(&card).unwrap();
        }
        Desk {
            tmp,
            slot: Arc::new(Mutex::new(store)),
            device_id: card.device_id,
            saved: Vec::new(),
        }
    }

    pub fn with<T>(&self, f: impl FnOnce(&mut Store) -> T) -> T {
        f(&mut self.slot.lock().unwrap())
    }

    /// Saves and finalises person `name` (the spec's example otherwise); returns the case id.
    pub fn save(&mut self, name: &str, ticket: &str) -> String {
        let id = self.with(|s| {
            let id = s.save(person(name, ticket), None).unwrap().case_id;
            s.finalize(&id).unwrap();
            id
        });
        self.saved.push(id.clone());
        id
    }

    /// Saves `n` people numbered from `from`.
    pub fn save_many(&mut self, from: usize, n: usize) {
        for i in from..from + n {
            self.save(&format!("PERSON {}", words(i)), &format!("T-{i}"));
        }
    }

    pub fn counts(&self) -> SyncCounts {
        self.with(|s| s.sync_counts().unwrap())
    }

    /// Every case saved here is acknowledged, and no batch waits.
    pub fn all_acknowledged(&self) -> bool {
        let c = self.counts();
        c.unsealed_versions == 0
            && c.unacknowledged_batches == 0
            && c.acknowledged_cases == self.saved.len() as u64
    }

    /// One round with headquarters at `url` (a fresh HTTP client).
    pub fn sync(&self, url: &str) -> Result<RoundReport, SyncError> {
        let client = client(url);
        runtime().block_on(self.sync_with(&client))
    }

    pub async fn sync_with(&self, client: &HqClient) -> Result<RoundReport, SyncError> {
        loket_sync::round(&self.slot, client, Arc::new(|_| {})).await
    }
}

/// A client with short waits (everything is on loopback).
pub fn client(url: &str) -> HqClient {
    HqClient::new(
        url,
        &ClientSettings {
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
        },
    )
    .unwrap()
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// A number as letters, so that generated names are name words (`PERSON BCD`).
pub fn words(mut i: usize) -> String {
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (i % 26) as u8) as char);
        i /= 26;
        if i == 0 {
            return format!("{s}X");
        }
    }
}

/// The spec's example as a new person.
pub fn person(name: &str, ticket: &str) -> IntakeRecord {
    let mut v: Value = serde_json::from_str(crate::common::EXAMPLE).unwrap();
    v.as_object_mut().unwrap().remove("id");
    v["person"]["full_name"] = json!(name);
    v["person"]["aliases"] = json!([]);
    v["ticket"] = json!(ticket);
    serde_json::from_value(v).unwrap()
}

/// The ids of the cases headquarters holds.
pub fn hq_case_ids(site: &Site) -> BTreeSet<String> {
    site.hq()
        .cases()
        .unwrap()
        .into_iter()
        .map(|c| c.case_id)
        .collect()
}

/// Waits (polling, bounded) until `done` holds; panics naming `what` if it never does.
pub fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while !done() {
        assert!(
            std::time::Instant::now() < deadline,
            "gave up waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}
