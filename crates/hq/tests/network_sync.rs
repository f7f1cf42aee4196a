//! Counters syncing with the real `loket-hq serve` over loopback, on SQLite and PostgreSQL:
//! cases arrive exactly once and are acknowledged, the mission index reaches the other
//! counters (and their duplicate warnings), strangers and replays are refused, and three
//! counters with a thousand cases each sync at once.

mod common;
mod net;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::Backend;
use common::Site;
use loket_store::Store;
use loket_sync::{Progress, Settings, SyncError, SyncStatus, Worker};
use net::proxy::{exchange, messages, Policy, Proxy};
use net::{hq_case_ids, Desk, Server};

on_both_backends!(
    a_counter_syncs_its_cases_and_another_counter_learns_of_them,
    an_unenrolled_counter_is_refused_and_a_replayed_request_too,
    three_counters_with_a_thousand_cases_each_sync_at_once,
    a_round_downloads_the_receipt_of_what_it_sent_not_of_everything_before,
    the_worker_syncs_in_the_background_and_says_how_it_goes,
);

fn a_counter_syncs_its_cases_and_another_counter_learns_of_them(b: Backend) {
    let site = Site::new(b);
    let server = Server::start(&site);
    let url = server.url();
    let mut first = Desk::new(&site, true);
    let second = Desk::new(&site, true);

    let siti = first.save("SITI AMINAH", "A-1");
    let dewi = first.save("DEWI LESTARI", "A-2");
    first.with(|s| s.attach_photo(&siti, &common::photo(1)).unwrap());
    // A draft stays at the counter.
    first.with(|s| s.save(net::person("STILL TYPING", "A-3"), None).unwrap());

    let report = first.sync(&url).unwrap();
    assert_eq!(report.sealed.as_ref().map(|b| b.sequence), Some(1));
    assert_eq!(report.sent, [1]);
    assert_eq!(report.confirmed_batches, [1]);
    assert_eq!(
        (report.acknowledged_versions, report.acknowledged_cases),
        (2, 2)
    );
    // The index holds the counter's own cases too.
    assert_eq!((report.index_new, report.index_updated), (2, 0));
    assert!(first.all_acknowledged());
    assert!(first.with(|s| s.is_acknowledged(&siti, 1).unwrap()));
    assert!(first.with(|s| s.last_sync().unwrap()).is_some());
    assert_eq!(hq_case_ids(&site), [dewi.clone(), siti.clone()].into());
    let counts = site.counts();
    assert_eq!(
        (counts.batches, counts.records, counts.cases, counts.photos),
        (1, 2, 2, 1)
    );

    // A round with nothing new sends nothing and changes nothing.
    let again = first.sync(&url).unwrap();
    assert!(again.sealed.is_none() && again.sent.is_empty());
    assert_eq!((again.acknowledged_versions, again.index_new), (0, 0));
    assert_eq!(site.counts(), counts);

    // The second counter learns of both through the index …
    let report = second.sync(&url).unwrap();
    assert!(report.sent.is_empty());
    assert_eq!(report.index_new, 2);
    let found = second.with(|s| s.search_mission("aminah", 10).unwrap());
    assert_eq!(found.len(), 1);
    assert_eq!(
        (found[0].id.as_str(), found[0].device_id.as_str()),
        (siti.as_str(), first.device_id.as_str())
    );
    // … and warns when the same person comes to it.
    let saved = second.with(|s| s.save(net::person("SITI AMINAH", "B-1"), None).unwrap());
    let codes: Vec<&str> = saved.report.findings.iter().map(|f| f.code).collect();
    assert!(codes.contains(&"duplicate.nik"), "{codes:?}");
    assert!(codes.contains(&"duplicate.name_dob"), "{codes:?}");
    // Headquarters' access log names each counter the index sent people to, and the cases
    // it carried. The first counter had its own cases back without the person, and the round
    // that brought nothing new sent nobody: neither is in it.
    let mut both = vec![siti.clone(), dewi.clone()];
    both.sort();
    let index_sent = || -> Vec<_> {
        site.hq()
            .access_log(None, 10)
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "index")
            .map(|e| (e.operator, e.query, e.cases_read, e.case_ids))
            .collect()
    };
    let reader = format!("device {}", second.device_id);
    assert_eq!(
        index_sent(),
        [(
            reader.clone(),
            Some("mission PNH after 0".to_string()),
            2,
            both.clone()
        )]
    );
    // So a lost laptop's people can be named: the second counter holds the first one's
    // cases through the index; the first registered its own.
    let mut hq = site.hq();
    let held = |hq: &mut loket_hq::Hq, device: &str| -> Vec<(String, bool, bool)> {
        hq.exposure(device)
            .unwrap()
            .into_iter()
            .map(|e| (e.case.case_id, e.registered, e.indexed))
            .collect()
    };
    let how = |registered: bool| -> Vec<(String, bool, bool)> {
        both.iter()
            .map(|id| (id.clone(), registered, !registered))
            .collect()
    };
    assert_eq!(held(&mut hq, &second.device_id), how(false));
    assert_eq!(held(&mut hq, &first.device_id), how(true));
    let unknown = hq.exposure("PNH-99").unwrap_err();
    assert!(
        matches!(unknown, loket_hq::HqError::UnknownDevice { .. }),
        "{unknown}"
    );
    drop(hq);
    let o = site.cli(&["exposure", &second.device_id]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    let table = common::stdout(&o);
    assert!(
        table.contains("SITI AMINAH") && table.contains("DEWI LESTARI"),
        "{table}"
    );
    assert!(
        table.ends_with(&format!(
            "2 cases whose data device {} has held (0 registered there, 2 sent to it in the mission index)\n",
            second.device_id
        )),
        "{table}"
    );
    // Naming them is itself in the access log.
    let last = site.hq().access_log(None, 2).unwrap();
    assert_eq!(
        (
            last[1].action.as_str(),
            last[1].query.as_deref(),
            last[1].cases_read
        ),
        ("exposure", Some(reader.as_str()), 2)
    );

    // A batch carried by USB is acknowledged by the next network round's receipt request.
    let ratna = first.save("RATNA SARI", "A-4");
    let stick = site.usb();
    let exported = first.with(|s| s.export_to(&stick).unwrap());
    assert_eq!(exported.files.len(), 1);
    let o = site.cli(&["import", exported.files[0].to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", common::stderr(&o));
    assert_eq!(first.counts().unacknowledged_batches, 1);
    let report = first.sync(&url).unwrap();
    assert!(report.sent.is_empty() && report.sealed.is_none());
    assert_eq!(report.confirmed_batches, [2]);
    assert!(first.all_acknowledged());
    assert!(first.with(|s| s.is_acknowledged(&ratna, 1).unwrap()));
    assert_eq!(site.counts().records, 3);

    // Dewi departs: the first counter closes her case, and once headquarters holds the
    // closing, neither counter keeps her. The second has her case's status, not her person.
    first.with(|s| s.close(&dewi, "departed").unwrap());
    first.sync(&url).unwrap();
    assert!(first.with(|s| s.purged_at(&dewi).unwrap()).is_some());
    let report = second.sync(&url).unwrap();
    assert_eq!((report.index_new, report.index_updated), (1, 1));
    for query in ["lestari", "3203415204990001"] {
        let found: Vec<String> = second.with(|s| {
            s.search_mission(query, 10)
                .unwrap()
                .into_iter()
                .map(|c| c.id)
                .collect()
        });
        assert!(!found.contains(&dewi), "{query}: {found:?}");
    }
    assert_eq!(second.with(|s| s.mission_case_count().unwrap()), 3);
    // What this round sent the second counter with a person is Ratna alone.
    let sent = index_sent();
    assert_eq!(
        (sent[0].0.as_str(), sent[0].2, &sent[0].3),
        (reader.as_str(), 1, &vec![ratna.clone()])
    );
}

fn an_unenrolled_counter_is_refused_and_a_replayed_request_too(b: Backend) {
    let site = Site::new(b);
    let server = Server::start(&site);

    let mut stranger = Desk::new(&site, false);
    stranger.save("SITI AMINAH", "A-1");
    let e = stranger.sync(&server.url()).unwrap_err();
    assert!(matches!(e, SyncError::NotEnrolled { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!(
            "headquarters does not know this counter ({}): have it enrolled (`loket device`, \
             then `loket-hq device add FILE`); nothing was marked",
            stranger.device_id
        )
    );
    let c = stranger.counts();
    assert_eq!((c.unacknowledged_batches, c.acknowledged_cases), (1, 0));
    assert!(stranger.with(|s| s.last_sync().unwrap()).is_none());
    assert!(hq_case_ids(&site).is_empty());

    // Once enrolled, the same sealed batch goes through.
    site.hq()
        .enrol(&stranger.with(|s| s.device_card().unwrap()))
        .unwrap();
    let proxy = Proxy::start(server.addr, Policy::Pass);
    let report = stranger.sync(&proxy.url()).unwrap();
    assert_eq!(report.sent, [1]);
    assert!(stranger.all_acknowledged());

    // Every request the proxy saw, sent again as it was: refused as a replay.
    let requests: Vec<_> = proxy
        .captures()
        .iter()
        .flat_map(|c| messages(&c.up))
        .collect();
    let kinds: Vec<&str> = requests
        .iter()
        .map(|m| m.start_line().split(' ').next().unwrap())
        .collect();
    assert!(
        kinds.contains(&"PUT") && kinds.contains(&"GET"),
        "{kinds:?}"
    );
    let before = site.counts();
    for request in &requests {
        let answer = exchange(server.addr, &request.raw);
        assert_eq!(answer.status(), 401, "{}", request.start_line());
        let body: loket_batch::wire::ErrorBody = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(body.error, "auth.replayed", "{}", request.start_line());
    }
    assert_eq!(site.counts(), before);
}

const COUNTERS: usize = 3;
const CASES: usize = 1_000;
const CHUNK: usize = 250;

fn three_counters_with_a_thousand_cases_each_sync_at_once(b: Backend) {
    let site = Site::new(b);
    let server = Server::start(&site);
    let url = server.url();
    let desks: Vec<Desk> = (0..COUNTERS).map(|_| Desk::new(&site, true)).collect();
    // Each counter saves its cases in chunks and syncs after each, all at the same time.
    let desks: Vec<Desk> = std::thread::scope(|s| {
        let running: Vec<_> = desks
            .into_iter()
            .enumerate()
            .map(|(n, mut desk)| {
                let url = &url;
                s.spawn(move || {
                    for chunk in 0..CASES / CHUNK {
                        desk.save_many(n * CASES + chunk * CHUNK, CHUNK);
                        let report = desk.sync(url).unwrap();
                        assert_eq!(report.acknowledged_cases, CHUNK as u64);
                    }
                    desk
                })
            })
            .collect();
        running.into_iter().map(|t| t.join().unwrap()).collect()
    });
    let held = hq_case_ids(&site);
    assert_eq!(held.len(), COUNTERS * CASES);
    let counts = site.counts();
    assert_eq!(
        (counts.records, counts.cases, counts.batches),
        (3_000, 3_000, (COUNTERS * CASES / CHUNK) as u64)
    );
    for desk in &desks {
        assert!(desk.saved.iter().all(|id| held.contains(id)));
        assert!(desk.all_acknowledged());
        // One more round brings every counter's index up to all three counters' cases.
        desk.sync(&url).unwrap();
        assert_eq!(desk.with(|s| s.mission_case_count().unwrap()), 3_000);
    }
}

/// The app's slot: the store, or `None` while it is locked.
type Slot = Arc<Mutex<Option<Store>>>;

/// The desk's store, moved out of it (into the app's slot).
/// The answer sizes the server logged for `device`'s requests of `method` on paths holding
/// `path_part`, in order.
fn answer_bytes(server: &Server, device: &str, method: &str, path_part: &str) -> Vec<u64> {
    server
        .log()
        .lines()
        .filter(|l| l.starts_with(&format!("loket-hq: {method} ")) && l.contains(path_part))
        .filter(|l| l.contains(&format!("device={device} 200")))
        .map(|l| {
            l.rsplit(", ")
                .next()
                .unwrap()
                .trim_end_matches(" bytes")
                .parse()
                .unwrap()
        })
        .collect()
}

/// A counter of years must not download every version it ever sent on each round: it asks
/// for the receipt of its unacknowledged batches only (`receipt_from`), and still ends with
/// every case acknowledged.
fn a_round_downloads_the_receipt_of_what_it_sent_not_of_everything_before(b: Backend) {
    let site = Site::new(b);
    let server = Server::start(&site);
    let url = server.url();
    let mut desk = Desk::new(&site, true);
    desk.save_many(0, 200);
    assert_eq!(desk.sync(&url).unwrap().acknowledged_versions, 200);
    desk.save("SITI AMINAH", "A-1");
    let report = desk.sync(&url).unwrap();
    assert_eq!(
        (report.sent.as_slice(), report.acknowledged_versions),
        (&[2][..], 1)
    );
    // A round with nothing to send asks for the receipt (for batches carried by USB).
    let idle = desk.sync(&url).unwrap();
    assert!(idle.sent.is_empty());
    assert!(desk.all_acknowledged());
    assert_eq!(site.counts().records, 201);

    let device = desk.device_id.as_str();
    let puts = answer_bytes(&server, device, "PUT", "/batches/");
    assert_eq!(puts.len(), 2, "{}", server.log());
    // 200 versions (~120 bytes each) against one.
    assert!(puts[0] > 20_000 && puts[1] < 2_000, "{puts:?}");
    let gets = answer_bytes(&server, device, "GET", "/receipt");
    assert!(
        !gets.is_empty() && gets.iter().all(|&n| n < 2_000),
        "{gets:?}"
    );
}

fn take(desk: Desk) -> (tempfile::TempDir, Store) {
    let Desk { tmp, slot, .. } = desk;
    let store = Arc::try_unwrap(slot).ok().unwrap().into_inner().unwrap();
    (tmp, store)
}

/// Waits for a status that satisfies `done`, from the worker's channel.
fn status_until(worker: &Worker, what: &str, done: impl Fn(&SyncStatus) -> bool) -> SyncStatus {
    let mut rx = worker.subscribe();
    net::runtime().block_on(async {
        tokio::time::timeout(Duration::from_secs(120), rx.wait_for(|s| done(s)))
            .await
            .unwrap_or_else(|_| panic!("gave up waiting for {what}: {:?}", worker.status()))
            .unwrap()
            .clone()
    })
}

fn the_worker_syncs_in_the_background_and_says_how_it_goes(b: Backend) {
    let site = Site::new(b);
    let mut server = Server::start(&site);
    let mut desk = Desk::new(&site, true);
    let first = desk.save("SITI AMINAH", "A-1");
    desk.with(|s| s.set_hq_url(Some(&server.url())).unwrap());
    let (_dir, store) = take(desk);

    let slot: Slot = Arc::new(Mutex::new(None));
    let settings = Settings {
        seal_every: Duration::from_secs(3600),
        backoff_min: Duration::from_millis(20),
        backoff_max: Duration::from_millis(200),
        locked_poll: Duration::from_millis(20),
        status_every: Duration::from_millis(50),
        ..Settings::default()
    };
    let worker = Worker::start(slot.clone(), settings);
    // Locked: nothing happens, nothing is tried.
    assert_eq!(worker.status().online, None);
    *slot.lock().unwrap() = Some(store);
    let s = status_until(&worker, "the first round", |s| s.last_sync.is_some());
    assert_eq!(s.online, Some(true));
    assert_eq!((s.waiting_versions, s.unacknowledged_batches), (0, 0));
    assert_eq!(s.hq_url.as_deref(), Some(server.url().as_str()));
    assert!(s.last_error.is_none() && s.sending.is_none());
    assert_eq!(hq_case_ids(&site), [first].into());

    // Headquarters goes down: a new case waits, the worker says why and when it tries next.
    server.kill();
    let second = slot
        .lock()
        .unwrap()
        .as_mut()
        .map(|s| {
            let id = s
                .save(net::person("DEWI LESTARI", "A-2"), None)
                .unwrap()
                .case_id;
            s.finalize(&id).unwrap();
            id
        })
        .unwrap();
    worker.sync_now();
    let s = status_until(&worker, "the failure", |s| s.online == Some(false));
    assert_eq!(s.last_error_code.as_deref(), Some("sync.error.unreachable"));
    let error = s.last_error.unwrap();
    assert!(error.contains("cannot be reached"), "{error}");
    assert!(error.ends_with("nothing was lost, the batches wait for the next round"));
    assert!(s.next_attempt_at.is_some());
    status_until(&worker, "the batch counted", |s| {
        s.unacknowledged_batches == 1
    });

    // Back (on a new port): the officer sets the address; the next retry delivers.
    let server = Server::start(&site);
    slot.lock()
        .unwrap()
        .as_mut()
        .unwrap()
        .set_hq_url(Some(&server.url()))
        .unwrap();
    let s = status_until(&worker, "the retry", |s| {
        s.online == Some(true) && s.unacknowledged_batches == 0
    });
    assert!(s.last_error.is_none() && s.last_error_code.is_none());
    assert!(hq_case_ids(&site).contains(&second));

    // Stopping waits for the worker's thread; the store is the app's again.
    worker.stop();
    assert_eq!(Arc::strong_count(&slot), 1);
}

#[test]
fn progress_moves_while_a_batch_uploads() {
    let site = Site::new(Backend::Sqlite);
    let server = Server::start(&site);
    let mut desk = Desk::new(&site, true);
    for i in 0..10 {
        let id = desk.save(&format!("PERSON {}", net::words(i)), &format!("T-{i}"));
        desk.with(|s| {
            s.attach_photo(&id, &common::photo_sized(i, 100_000))
                .unwrap()
        });
    }
    let first = desk.with(|s| s.seal_batch().unwrap().unwrap().size);
    desk.save("SITI AMINAH", "A-1");

    let seen: Arc<Mutex<Vec<Progress>>> = Arc::default();
    let progress = {
        let seen = seen.clone();
        Arc::new(move |p: Progress| seen.lock().unwrap().push(p))
    };
    let client = net::client(&server.url());
    let report = net::runtime()
        .block_on(loket_sync::round(&desk.slot, &client, progress))
        .unwrap();
    assert_eq!(report.sent, [1, 2]);
    let second = report.sealed.unwrap().size;
    let seen = seen.lock().unwrap();
    assert!(seen
        .iter()
        .all(|p| p.batches_total == 2 && p.bytes_total == first + second));
    assert!(seen
        .windows(2)
        .all(|w| w[0].bytes_sent <= w[1].bytes_sent && w[0].batches_done <= w[1].batches_done));
    let last = seen.last().unwrap();
    assert_eq!((last.batches_done, last.bytes_sent), (2, first + second));
    // Batch 1 (about a megabyte) reports many times while it uploads, not once at the end.
    let during = seen
        .iter()
        .filter(|p| p.batch == 1 && p.bytes_sent > 0 && p.bytes_sent < first)
        .count();
    assert!(during >= 10, "{during} updates during batch 1: {seen:?}");
}
