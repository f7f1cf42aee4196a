//! Network sync throughput against the real `loket-hq serve` on loopback, on SQLite and
//! PostgreSQL:
//! 1. one counter's 10,000 finalised cases to headquarters: seal, send, apply, receipt;
//! 2. 100 counters (10 cases each) syncing at once: the time until each has its receipt
//!    applied, median and 99th percentile.
//!
//! After the first, the ministry's report (`Hq::report`) over the 10,000 cases held.
//!
//! `cargo bench -p loket-hq --bench network` (`-- sqlite` or `-- postgres` for one backend,
//! `-- one` or `-- many` for one part).
//! Without `--bench` (`cargo test --benches`) a small smoke run.

#[path = "../tests/common/mod.rs"]
#[allow(unused_macros)]
mod common;
#[path = "../tests/net/mod.rs"]
mod net;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{counter_store, Backend, Site, COUNTER_OFFICER, COUNTER_PASSPHRASE};
use loket_store::Store;
use loket_sync::Progress;
use net::{Desk, Server};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// A counter store of `cases` finalised cases, made once and copied for each backend.
fn template(cases: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let store = counter_store(dir.path());
    let mut desk = Desk {
        tmp: tempfile::tempdir().unwrap(),
        slot: Arc::new(Mutex::new(store)),
        device_id: String::new(),
        saved: Vec::new(),
    };
    desk.save_many(0, cases);
    dir
}

fn copy_dir(from: &std::path::Path) -> tempfile::TempDir {
    let to = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.path().join(entry.file_name())).unwrap();
    }
    to
}

fn one_counter(backend: Backend, template: &std::path::Path, cases: usize) {
    let site = Site::new(backend);
    let server = Server::start(&site);
    let dir = copy_dir(template);
    let mut store = Store::open(dir.path(), COUNTER_OFFICER, COUNTER_PASSPHRASE).unwrap();
    site.pin(&mut store);
    site.hq().enrol(&store.device_card().unwrap()).unwrap();
    let slot = Mutex::new(store);
    let sent_at: Arc<Mutex<Option<Instant>>> = Arc::default();
    let progress = {
        let sent_at = sent_at.clone();
        Arc::new(move |p: Progress| {
            if p.batches_done == p.batches_total {
                sent_at.lock().unwrap().get_or_insert_with(Instant::now);
            }
        })
    };
    let client = net::client(&server.url());
    let started = Instant::now();
    let report = net::runtime()
        .block_on(loket_sync::round(&slot, &client, progress))
        .unwrap();
    let whole = started.elapsed();
    let to_receipt = sent_at.lock().unwrap().unwrap() - started;
    assert_eq!(report.acknowledged_versions, cases as u64);
    let size = report.sealed.map_or(0, |b| b.size);
    println!(
        "{backend:?}: {cases} cases ({:.1} MB batch): sealed, sent, applied and acknowledged in \
         {:.2} s ({:.0} cases/s); with the mission index {:.2} s",
        size as f64 / 1e6,
        to_receipt.as_secs_f64(),
        cases as f64 / to_receipt.as_secs_f64(),
        whole.as_secs_f64()
    );
    // The ministry's figures over what headquarters now holds (`loket-hq report`).
    let mut hq = site.hq();
    let started = Instant::now();
    let days = hq.report(None, None).unwrap();
    let took = started.elapsed();
    assert_eq!(days.iter().map(|d| d.intakes).sum::<u64>(), cases as u64);
    println!(
        "{backend:?}: the report over {cases} cases ({} days): {:.0} ms",
        days.len(),
        took.as_secs_f64() * 1e3
    );
}

fn many_counters(backend: Backend, counters: usize, cases: usize) {
    let site = Site::new(backend);
    let server = Server::start(&site);
    let mut desks: Vec<Desk> = (0..counters).map(|_| Desk::new(&site, true)).collect();
    for (i, desk) in desks.iter_mut().enumerate() {
        desk.save_many(i * cases, cases);
    }
    let url = server.url();
    let start = std::sync::Barrier::new(counters);
    let mut times: Vec<Duration> = std::thread::scope(|s| {
        let running: Vec<_> = desks
            .iter()
            .map(|desk| {
                let (url, start) = (&url, &start);
                s.spawn(move || {
                    let client = net::client(url);
                    let runtime = net::runtime();
                    start.wait();
                    let began = Instant::now();
                    let done: Arc<Mutex<Option<Instant>>> = Arc::default();
                    let progress = {
                        let done = done.clone();
                        Arc::new(move |p: Progress| {
                            if p.batches_done == p.batches_total {
                                done.lock().unwrap().get_or_insert_with(Instant::now);
                            }
                        })
                    };
                    runtime
                        .block_on(loket_sync::round(&desk.slot, &client, progress))
                        .unwrap();
                    let at = done.lock().unwrap().unwrap();
                    at - began
                })
            })
            .collect();
        running.into_iter().map(|t| t.join().unwrap()).collect()
    });
    times.sort();
    assert_eq!(site.counts().records, (counters * cases) as u64);
    println!(
        "{backend:?}: {counters} counters × {cases} cases at once: time to receipt median {:.2} s, \
         p99 {:.2} s, max {:.2} s",
        percentile(&times, 0.5).as_secs_f64(),
        percentile(&times, 0.99).as_secs_f64(),
        times.last().unwrap().as_secs_f64()
    );
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (cases, counters) = if full { (10_000, 100) } else { (20, 3) };
    let only: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let chosen = |names: &[&str], name: &str| {
        !only.iter().any(|a| names.contains(&a.as_str())) || only.iter().any(|a| a == name)
    };
    let template = template(cases);
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let name = format!("{backend:?}").to_lowercase();
        if !chosen(&["sqlite", "postgres"], &name) {
            continue;
        }
        if chosen(&["one", "many"], "one") {
            one_counter(backend, template.path(), cases);
        }
        if chosen(&["one", "many"], "many") {
            many_counters(backend, counters, 10);
        }
    }
}
