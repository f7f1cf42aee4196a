//! Every command of the window, errors included, through Tauri's IPC on the mock runtime: the
//! same handler, state, permissions (`capabilities/`) and JSON the real window uses, without a
//! display. The store is real (SQLCipher in a temporary directory).

use loket_app::commands::COMMANDS;
use loket_app::session::Session;
use loket_app::settings::Settings;
use loket_core::mrz::{build_td3, Td3Fields};
use serde_json::{json, Value};
use std::path::Path;
use tauri::test::{get_ipc_response, mock_builder, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

const PASSPHRASE: &str = "counter passphrase";
/// The officer who made the store, and whose login unlocks it.
const OFFICER: &str = "Rina";

struct Window {
    _app: tauri::App<tauri::test::MockRuntime>,
    webview: WebviewWindow<tauri::test::MockRuntime>,
}

impl Window {
    fn open(dir: &Path) -> Window {
        let session = Session::new(dir.to_path_buf()).unwrap();
        let app = loket_app::with_commands(mock_builder(), session)
            .build(tauri::generate_context!())
            .unwrap();
        let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        Window { _app: app, webview }
    }

    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.webview,
            InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: tauri::ipc::InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().unwrap())
    }

    fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    /// The `code` of the error the command answers with.
    fn error(&self, cmd: &str, args: Value) -> String {
        let err = self
            .invoke(cmd, args)
            .expect_err(&format!("{cmd} should fail"));
        err["code"]
            .as_str()
            .unwrap_or_else(|| panic!("{err}"))
            .to_string()
    }
}

fn example() -> Value {
    let text = include_str!("../crates/core/tests/fixtures/example.json");
    serde_json::from_str(text).unwrap()
}

/// A window on a new, unlocked store of mission PNH.
fn unlocked() -> (tempfile::TempDir, Window) {
    let dir = tempfile::tempdir().unwrap();
    let w = Window::open(dir.path());
    w.ok(
        "create_store",
        json!({"mission": "PNH", "passphrase": PASSPHRASE, "officer": OFFICER}),
    );
    (dir, w)
}

#[test]
fn first_run_creates_the_store_and_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let w = Window::open(dir.path());
    let status = w.ok("status", json!({}));
    assert_eq!(status["store"], "missing");
    assert_eq!(status["lang"], "id");
    let args = |mission: &str, pass: &str, officer: &str| json!({"mission": mission, "passphrase": pass, "officer": officer});
    assert_eq!(
        w.error("create_store", args("PNH", "short", "Rina")),
        "store.short_passphrase"
    );
    assert_eq!(
        w.error("create_store", args("phnom penh", PASSPHRASE, "Rina")),
        "settings.mission"
    );
    assert_eq!(
        w.error("create_store", args("PNH", PASSPHRASE, "  ")),
        "officer.invalid"
    );
    assert_eq!(w.error("today", json!({})), "store.locked");
    let identity = w.ok("create_store", args("PNH", PASSPHRASE, "Rina"));
    assert_eq!(identity["mission"], "PNH");
    assert_eq!(identity["public_key"].as_str().unwrap().len(), 64);
    let status = w.ok("status", json!({}));
    assert_eq!(status["store"], "open");
    assert_eq!(status["mission"], "PNH");
    assert_eq!(status["officer"], "Rina");
    assert_eq!(
        w.error("create_store", args("PNH", PASSPHRASE, "Rina")),
        "store.exists"
    );
}

#[test]
fn lock_and_unlock() {
    let (dir, w) = unlocked();
    w.ok("lock", json!({}));
    assert_eq!(w.ok("status", json!({}))["store"], "locked");
    assert_eq!(
        w.error("save", json!({"record": example()})),
        "store.locked"
    );
    let unlock = |pass: &str, officer: &str| json!({"passphrase": pass, "officer": officer});
    assert_eq!(
        w.error("unlock", unlock("not the passphrase", OFFICER)),
        "store.wrong_passphrase"
    );
    assert_eq!(w.error("unlock", unlock(PASSPHRASE, "")), "officer.invalid");
    assert_eq!(
        w.error("unlock", unlock(PASSPHRASE, "Budi")),
        "officer.unknown"
    );
    w.ok("unlock", unlock(PASSPHRASE, "  rina "));
    assert_eq!(w.ok("status", json!({}))["officer"], OFFICER);
    let saved = w.ok("save", json!({"record": example()}));
    assert_eq!(saved["status"], "draft");
    w.ok("lock", json!({}));
    w.ok("unlock", unlock(PASSPHRASE, OFFICER));
    assert_eq!(
        w.ok("cases", json!({"query": "", "offset": 0, "limit": 5}))["total"],
        1
    );
    drop(dir);
}

#[test]
fn officers_are_added_removed_and_change_their_passphrase_in_the_window() {
    let (_dir, w) = unlocked();
    let budi = "Budi's passphrase";
    let add = |own: &str, name: &str, pass: &str| json!({"ownPassphrase": own, "name": name, "passphrase": pass});
    assert_eq!(
        w.ok("officers", json!({})),
        json!({"you": OFFICER, "officers": [OFFICER]})
    );
    assert_eq!(
        w.error("add_officer", add("not mine", "Budi", budi)),
        "store.wrong_passphrase"
    );
    assert_eq!(
        w.error("add_officer", add(PASSPHRASE, "Budi", "short")),
        "store.short_passphrase"
    );
    assert_eq!(
        w.error("add_officer", add(PASSPHRASE, "RINA", budi)),
        "officer.exists"
    );
    assert_eq!(
        w.ok("add_officer", add(PASSPHRASE, "Budi", budi)),
        json!({"you": OFFICER, "officers": [OFFICER, "Budi"]})
    );

    // Budi unlocks with his own passphrase, and is the one named in the audit log.
    w.ok("lock", json!({}));
    let unlock = |pass: &str, officer: &str| json!({"passphrase": pass, "officer": officer});
    assert_eq!(
        w.error("unlock", unlock(PASSPHRASE, "Budi")),
        "store.wrong_passphrase"
    );
    w.ok("unlock", unlock(budi, "budi"));
    assert_eq!(w.ok("status", json!({}))["officer"], "Budi");
    let saved = w.ok("save", json!({"record": example()}));
    let history = w.ok("history", json!({"id": saved["case_id"]}));
    assert_eq!(history["audit"][0]["officer"], "Budi");
    let remove = |own: &str, name: &str| json!({"ownPassphrase": own, "name": name});
    assert_eq!(
        w.error("remove_officer", remove(budi, "budi")),
        "officer.remove_self"
    );
    let change = |own: &str, pass: &str| json!({"ownPassphrase": own, "passphrase": pass});
    assert_eq!(
        w.error("change_passphrase", change(PASSPHRASE, "Budi's new one")),
        "store.wrong_passphrase"
    );
    w.ok("change_passphrase", change(budi, "Budi's new one"));

    // Rina removes Budi; his old and new passphrases open nothing any more.
    w.ok("lock", json!({}));
    w.ok("unlock", unlock(PASSPHRASE, OFFICER));
    assert_eq!(
        w.ok("remove_officer", remove(PASSPHRASE, "Budi")),
        json!({"you": OFFICER, "officers": [OFFICER]})
    );
    assert_eq!(
        w.error("remove_officer", remove(PASSPHRASE, "Budi")),
        "officer.unknown"
    );
    // The counter's log: the three changes, newest first, each naming who made it; the
    // refused ones left nothing.
    let log = w.ok("counter_log", json!({}));
    let entries: Vec<(&str, &str, &Value)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["officer"].as_str().unwrap(),
                e["action"].as_str().unwrap(),
                &e["detail"],
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            (OFFICER, "officer_remove", &json!("Budi")),
            ("Budi", "passphrase", &Value::Null),
            (OFFICER, "officer_add", &json!("Budi")),
        ]
    );
    w.ok("lock", json!({}));
    assert_eq!(w.error("counter_log", json!({})), "store.locked");
    assert_eq!(
        w.error("unlock", unlock("Budi's new one", "Budi")),
        "officer.unknown"
    );
    assert_eq!(w.error("officers", json!({})), "store.locked");
}

#[test]
fn a_second_window_on_the_same_store_is_refused() {
    let (dir, _first) = unlocked();
    let second = Window::open(dir.path());
    assert_eq!(second.ok("status", json!({}))["store"], "inuse");
    assert_eq!(
        second.error(
            "unlock",
            json!({"passphrase": PASSPHRASE, "officer": OFFICER})
        ),
        "store.in_use"
    );
    assert_eq!(second.error("today", json!({})), "store.in_use");
}

#[test]
fn check_reports_findings_at_their_fields_in_both_languages() {
    let (_dir, w) = unlocked();
    let mut record = example();
    record["person"]["nik"] = json!("3203005204990001");
    let report = w.ok("check", json!({"record": record}));
    let finding = &report["findings"][0];
    assert_eq!(finding["field"], "person.nik");
    assert_eq!(finding["code"], "nik.district");
    assert_eq!(finding["severity"], "error");
    assert!(finding["message"]["id"]
        .as_str()
        .unwrap()
        .contains("kecamatan"));
    assert!(finding["message"]["en"]
        .as_str()
        .unwrap()
        .contains("district"));
    assert_eq!(report["screening_yes"], 7);
    assert_eq!(report["referral"], true);
    // Not an intake record at all: the IPC layer refuses it before the command runs.
    assert!(w.invoke("check", json!({"record": {"person": 5}})).is_err());
}

#[test]
fn save_finalize_and_change_with_a_reason() {
    let (_dir, w) = unlocked();
    let mut record = example();
    record["person"]["nik"] = json!("3203005204990001");
    let saved = w.ok("save", json!({"record": record.clone()}));
    let id = saved["case_id"].as_str().unwrap().to_string();
    assert_eq!(saved["status"], "draft");
    assert_eq!(saved["version"], 1);

    let blocked = w.ok("finalize", json!({"id": id}));
    assert_eq!(blocked["outcome"], "blocked");
    assert_eq!(blocked["findings"][0]["code"], "nik.district");

    record["person"]["nik"] = json!("3203415204990001");
    assert_eq!(
        w.ok("save", json!({"record": record.clone()}))["version"],
        2
    );
    let done = w.ok("finalize", json!({"id": id}));
    assert_eq!(done, json!({"outcome": "done", "version": 2}));

    record["notes"] = json!("Brother arrived the next day.");
    assert_eq!(
        w.error("save", json!({"record": record.clone()})),
        "case.reason_required"
    );
    let changed = w.ok(
        "save",
        json!({"record": record, "reason": "Officer added a note after the interview"}),
    );
    assert_eq!(changed["version"], 3);
    assert_eq!(changed["status"], "finalised");

    let case = w.ok("case", json!({"id": id}));
    assert_eq!(case["record"]["notes"], "Brother arrived the next day.");
    assert_eq!(case["status"], "finalised");

    let history = w.ok("history", json!({"id": id}));
    assert_eq!(history["versions"].as_array().unwrap().len(), 3);
    let actions: Vec<&str> = history["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["save", "save", "finalize", "save"]);
    assert_eq!(history["audit"][0]["officer"], "Rina");

    let first = w.ok("version", json!({"id": id, "version": 1}));
    assert_eq!(first["record"]["person"]["nik"], "3203005204990001");
    assert_eq!(
        w.error("version", json!({"id": id, "version": 9})),
        "case.not_found"
    );
    let unknown = "0190f3c2-0000-7000-8000-000000000000";
    assert_eq!(w.error("case", json!({"id": unknown})), "case.not_found");
    assert_eq!(
        w.error("finalize", json!({"id": unknown})),
        "case.not_found"
    );
}

#[test]
fn close_a_finalised_case_with_a_reason() {
    let (_dir, w) = unlocked();
    let saved = w.ok("save", json!({"record": example()}));
    let id = saved["case_id"].as_str().unwrap().to_string();
    let close = |reason: &str| json!({"id": id, "reason": reason});
    assert_eq!(
        w.error("close_case", close("departed")),
        "case.draft_not_closable"
    );
    w.ok("finalize", json!({"id": id}));
    assert_eq!(w.error("close_case", close("  ")), "case.reason_required");
    assert_eq!(w.ok("close_case", close("departed")), json!(2));
    let case = w.ok("case", json!({"id": id}));
    assert_eq!(
        (&case["status"], &case["version"]),
        (&json!("closed"), &json!(2))
    );
    let history = w.ok("history", json!({"id": id}));
    assert_eq!(history["versions"][1]["reason"], "departed");
    assert_eq!(history["audit"][2]["action"], "close");
    let unknown = "0190f3c2-0000-7000-8000-000000000000";
    assert_eq!(
        w.error("close_case", json!({"id": unknown, "reason": "departed"})),
        "case.not_found"
    );
}

#[test]
fn cases_lists_pages_and_searches() {
    let (_dir, w) = unlocked();
    for (i, name) in ["SITI AMINAH", "DEWI LESTARI", "SITI NURHALIZA"]
        .iter()
        .enumerate()
    {
        let mut record = example();
        record.as_object_mut().unwrap().remove("id");
        record["person"]["full_name"] = json!(name);
        record["person"]["aliases"] = json!([]);
        record["person"]["nik"] = json!(format!("320341520499000{}", i + 1));
        record["ticket"] = json!(format!("A-{}", i + 1));
        w.ok("save", json!({"record": record}));
    }
    let all = w.ok("cases", json!({"query": "", "offset": 0, "limit": 2}));
    assert_eq!(all["total"], 3);
    let names: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["full_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["SITI NURHALIZA", "DEWI LESTARI"]);
    let rest = w.ok("cases", json!({"query": "", "offset": 2, "limit": 2}));
    assert_eq!(rest["items"][0]["full_name"], "SITI AMINAH");

    let found = w.ok(
        "cases",
        json!({"query": "nurh sit", "offset": 0, "limit": 50}),
    );
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["full_name"], "SITI NURHALIZA");
    let siti = w.ok("cases", json!({"query": "siti", "offset": 1, "limit": 50}));
    assert_eq!(siti["total"], 2);
    assert_eq!(siti["items"].as_array().unwrap().len(), 1);
    let by_ticket = w.ok("cases", json!({"query": "a-2", "offset": 0, "limit": 50}));
    assert_eq!(by_ticket["items"][0]["full_name"], "DEWI LESTARI");

    let today = w.ok("today", json!({}));
    assert_eq!(today["intakes"], 3);
    assert_eq!(today["drafts"], 3);
    assert_eq!(today["finalised"], 0);
    assert_eq!(today["cases"][0]["ticket"], "A-1");
}

#[test]
fn read_mrz_fills_fields_and_shows_failed_checks() {
    let dir = tempfile::tempdir().unwrap();
    let w = Window::open(dir.path());
    let [line1, line2] = build_td3(&Td3Fields::example());
    let mrz = w.ok("read_mrz", json!({"line1": &line1, "line2": &line2}));
    assert_eq!(mrz["number"], "C1234567");
    assert_eq!(mrz["primary"], "AMINAH");
    assert_eq!(mrz["secondary"], "SITI");
    assert_eq!(mrz["date_of_birth"], "1999-04-12");
    assert_eq!(mrz["expiry_date"], "2029-06-30");
    assert_eq!(mrz["sex"], "F");
    assert_eq!(mrz["checks"]["composite"], true);
    let misread = line2.replacen("C1234567", "C1234568", 1);
    let mrz = w.ok("read_mrz", json!({"line1": &line1, "line2": misread}));
    assert_eq!(mrz["checks"]["number"], false);
    assert_eq!(mrz["checks"]["composite"], false);
    let err = w.error("read_mrz", json!({"line1": "P<IDN", "line2": &line2}));
    assert_eq!(err, "mrz.length");
}

#[test]
fn language_and_mission_settings_persist() {
    let (dir, w) = unlocked();
    w.ok("set_language", json!({"lang": "en"}));
    assert_eq!(w.ok("status", json!({}))["lang"], "en");
    assert!(w.invoke("set_language", json!({"lang": "fr"})).is_err());
    let mission = |code: &str| json!({"mission": {"code": code, "name": "KBRI Ho Chi Minh", "address": "Saigon", "city": "Ho Chi Minh"}});
    assert_eq!(w.ok("set_mission", mission("sgn"))["code"], "SGN");
    assert_eq!(
        w.error("set_mission", mission("SAIGON-01")),
        "settings.mission"
    );
    assert_eq!(w.ok("status", json!({}))["mission"], "SGN");
    assert_eq!(w.ok("mission", json!({}))["name"], "KBRI Ho Chi Minh");
    // The language is read before any unlock, from the data directory.
    assert_eq!(Settings::load(dir.path()).lang, loket_core::Lang::En);
}

/// The handler, the permission manifest and the capability name the same commands.
#[test]
fn every_command_is_granted_by_name_and_nothing_else() {
    let capability: Value =
        serde_json::from_str(include_str!("../capabilities/default.json")).unwrap();
    let mut granted: Vec<String> = capability["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    let mut expected: Vec<String> = COMMANDS
        .iter()
        .map(|c| format!("allow-{}", c.replace('_', "-")))
        .collect();
    granted.sort();
    expected.sort();
    assert_eq!(granted, expected);

    let dir = tempfile::tempdir().unwrap();
    let w = Window::open(dir.path());
    // Every name passes the ACL and reaches a handler. An unknown one is refused: by the ACL
    // in a release build ("not allowed by ACL"), as "not found" in a debug one.
    let refused = |e: &Value| {
        let e = e.to_string();
        e.contains("not found") || e.contains("not allowed")
    };
    for cmd in COMMANDS {
        if let Err(e) = w.invoke(cmd, json!({})) {
            assert!(!refused(&e), "{cmd}: {e}");
        }
    }
    let unknown = w.invoke("delete_everything", json!({})).unwrap_err();
    assert!(refused(&unknown), "{unknown}");
}

#[test]
fn a_damaged_or_newer_store_is_refused_with_its_reason() {
    let (dir, w) = unlocked();
    w.ok("lock", json!({}));
    let unlock = json!({"passphrase": PASSPHRASE, "officer": OFFICER});

    // Written by a newer Loket: refused, nothing changed.
    let store = loket_store::Store::open(dir.path(), OFFICER, PASSPHRASE).unwrap();
    store.tamper("PRAGMA user_version = 99").unwrap();
    drop(store);
    let err = w.invoke("unlock", unlock.clone()).unwrap_err();
    assert_eq!(err["code"], "store.newer");
    assert!(
        err["message"].as_str().unwrap().contains("update Loket"),
        "{err}"
    );

    // The database replaced by something else: the key does not open it.
    std::fs::write(dir.path().join("loket.db"), vec![0x5a; 8192]).unwrap();
    for stale in ["loket.db-wal", "loket.db-shm"] {
        let _ = std::fs::remove_file(dir.path().join(stale));
    }
    assert_eq!(w.error("unlock", unlock.clone()), "store.corrupt");

    // The key file damaged.
    std::fs::write(dir.path().join("keyring.json"), b"{").unwrap();
    assert_eq!(w.error("unlock", unlock), "store.keyring");
    assert_eq!(w.ok("status", json!({}))["store"], "locked");
}

/// A window whose settings name the tests' own print server, on a store holding the spec's
/// example, finalised, with the mission's name and address set.
fn ready_to_print(server: Option<&str>) -> (tempfile::TempDir, Window, String) {
    let dir = tempfile::tempdir().unwrap();
    Settings {
        print_server: server.map(String::from),
        ..Settings::default()
    }
    .save(dir.path())
    .unwrap();
    let w = Window::open(dir.path());
    w.ok(
        "create_store",
        json!({"mission": "PNH", "passphrase": PASSPHRASE, "officer": OFFICER}),
    );
    let id = w.ok("save", json!({"record": example(), "reason": null}))["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        w.error(
            "print_request",
            json!({"id": id, "printer": "x", "reason": null})
        ),
        "request.draft"
    );
    w.ok("finalize", json!({"id": id}));
    assert_eq!(
        w.error(
            "print_request",
            json!({"id": id, "printer": "x", "reason": null})
        ),
        "request.mission_missing"
    );
    w.ok(
        "set_mission",
        json!({"mission": {"code": "PNH", "name": "KBRI Phnom Penh", "address": "Street 466", "city": "Phnom Penh"}}),
    );
    (dir, w, id)
}

#[path = "support/cups.rs"]
mod cups_server;

/// A CUPS scheduler of the test's own; `None` (after saying so) where CUPS cannot run, which
/// in CI is a failure.
fn print_server() -> Option<cups_server::Scheduler> {
    match cups_server::Scheduler::start() {
        Ok(s) => Some(s),
        Err(why) if std::env::var_os("CI").is_none() => {
            println!("\nSKIPPED printing through CUPS: {why}");
            None
        }
        Err(why) => panic!("CI must be able to print through CUPS: {why}"),
    }
}

#[test]
fn print_request_spools_the_pdf_to_cups_and_a_reprint_needs_a_reason() {
    let Some(scheduler) = print_server() else {
        return;
    };
    let paper = scheduler.add_printer("counter-1");
    let (dir, w, id) = ready_to_print(Some(&scheduler.server));
    let printers = w.ok("printers", json!({}));
    assert_eq!(printers["names"], json!(["counter-1"]));
    assert_eq!(
        w.error(
            "print_request",
            json!({"id": id, "printer": "nowhere", "reason": null})
        ),
        "print.unknown_printer"
    );
    assert_eq!(
        w.ok("history", json!({"id": id}))["requests"],
        json!([]),
        "nothing recorded"
    );

    let request = w.ok(
        "print_request",
        json!({"id": id, "printer": "counter-1", "reason": null}),
    );
    let serial = request["serial"].as_str().unwrap();
    assert_eq!(request["prints"], 1);
    let printed = scheduler
        .printed(&paper)
        .expect("the job reached the printer");
    assert!(printed.starts_with(b"%PDF-"), "the printer got the PDF");
    assert!(scheduler.spool_emptied(), "CUPS kept the printed document");
    let text = std::process::Command::new("pdftotext")
        .arg(&paper)
        .arg("-")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned());
    if let Ok(text) = text {
        assert!(text.contains(serial) && text.contains("SITI AMINAH"));
    }
    // The printer is remembered; no PDF was left in the data folder.
    assert_eq!(w.ok("printers", json!({}))["default"], "counter-1");
    let pdfs: Vec<_> = walk(dir.path())
        .into_iter()
        .filter(|p| std::fs::read(p).is_ok_and(|b| b.starts_with(b"%PDF")))
        .collect();
    assert!(pdfs.is_empty(), "PDF files left: {pdfs:?}");

    assert_eq!(
        w.error(
            "print_request",
            json!({"id": id, "printer": "counter-1", "reason": null})
        ),
        "request.reprint_reason"
    );
    std::fs::remove_file(&paper).unwrap();
    let again = w.ok(
        "print_request",
        json!({"id": id, "printer": "counter-1", "reason": "paper jam"}),
    );
    assert_eq!(
        (again["serial"].as_str(), again["prints"].as_u64()),
        (Some(serial), Some(2))
    );
    assert!(scheduler.printed(&paper).is_some());
    let today = w.ok("today", json!({}));
    assert_eq!(today["printed"], 1, "a reprint is not a new request");

    let voided = w.ok(
        "void_request",
        json!({"serial": serial, "reason": "name misspelled"}),
    );
    assert_eq!(voided["void"]["reason"], "name misspelled");
    assert_eq!(
        w.error("void_request", json!({"serial": serial, "reason": "again"})),
        "request.already_void"
    );
    let history = w.ok("history", json!({"id": id}));
    let actions: Vec<&str> = history["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["save", "finalize", "print", "reprint", "void"]);
    // The print, the reprint and the void wait for the next batch to headquarters.
    assert_eq!(w.ok("usb_state", json!({}))["waiting_requests"], 3);
    let status = w.ok("sync_status", json!({}));
    assert_eq!(
        (
            &status["unacknowledged_versions"],
            &status["unacknowledged_requests"]
        ),
        (&json!(1), &json!(3)),
        "the status bar counts them too"
    );
}

#[test]
fn exit_permit_lists_print_to_cups_and_again_as_made() {
    let Some(scheduler) = print_server() else {
        return;
    };
    let paper = scheduler.add_printer("counter-1");
    let (dir, w, _id) = ready_to_print(Some(&scheduler.server));
    assert_eq!(
        w.ok("exit_lists", json!({})),
        json!({"lists": [], "pending": 1})
    );
    assert_eq!(
        w.error(
            "print_exit_list",
            json!({"label": null, "printer": "nowhere"})
        ),
        "print.unknown_printer"
    );
    assert_eq!(w.ok("exit_lists", json!({}))["pending"], 1, "no list made");

    let list = w.ok(
        "print_exit_list",
        json!({"label": null, "printer": "counter-1"}),
    );
    let label = list["label"].as_str().unwrap().to_owned();
    assert!(
        label.starts_with("PNH-") && label.ends_with("-L0001"),
        "{label}"
    );
    assert_eq!(
        (list["people"].as_u64(), list["officer"].as_str()),
        (Some(1), Some(OFFICER))
    );
    let printed = scheduler
        .printed(&paper)
        .expect("the list reached the printer");
    assert!(printed.starts_with(b"%PDF-"));
    assert!(scheduler.spool_emptied(), "CUPS kept the printed list");
    if let Ok(o) = std::process::Command::new("pdftotext")
        .arg(&paper)
        .arg("-")
        .output()
    {
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(
            text.contains(&label) && text.contains("SITI AMINAH"),
            "{text}"
        );
    }
    assert_eq!(
        w.ok("exit_lists", json!({})),
        json!({"lists": [list.clone()], "pending": 0})
    );
    assert_eq!(
        w.error(
            "print_exit_list",
            json!({"label": null, "printer": "counter-1"})
        ),
        "exit_list.nobody"
    );
    std::fs::remove_file(&paper).unwrap();
    let again = w.ok(
        "print_exit_list",
        json!({"label": label, "printer": "counter-1"}),
    );
    assert_eq!(again, list);
    assert!(scheduler.printed(&paper).is_some());
    assert_eq!(
        w.error(
            "print_exit_list",
            json!({"label": "PNH-2026-XXXX-L0009", "printer": "counter-1"})
        ),
        "exit_list.not_found"
    );
    let log = w.ok("counter_log", json!({}));
    assert_eq!(log[0]["action"], "exit_list_reprint");
    assert_eq!(log[0]["detail"], label.as_str());
    let pdfs: Vec<_> = walk(dir.path())
        .into_iter()
        .filter(|p| std::fs::read(p).is_ok_and(|b| b.starts_with(b"%PDF")))
        .collect();
    assert!(pdfs.is_empty(), "PDF files left: {pdfs:?}");
    w.ok("lock", json!({}));
    assert_eq!(w.error("exit_lists", json!({})), "store.locked");
    assert_eq!(
        w.error("print_exit_list", json!({"label": null, "printer": null})),
        "store.locked"
    );
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn a_photo_is_sent_as_bytes_checked_and_shown_back() {
    let (_dir, w, id) = ready_to_print(None);
    assert_eq!(w.ok("photo", json!({"id": id})), Value::Null);
    let raw = |bytes: Vec<u8>, case: &str| {
        let mut headers = tauri::http::HeaderMap::new();
        headers.insert("case-id", case.parse().unwrap());
        get_ipc_response(
            &w.webview,
            InvokeRequest {
                cmd: "attach_photo".into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: "tauri://localhost".parse().unwrap(),
                body: tauri::ipc::InvokeBody::Raw(bytes),
                headers,
                invoke_key: INVOKE_KEY.to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().unwrap())
    };
    let err = raw(b"GIF89a not a photo".to_vec(), &id).unwrap_err();
    assert_eq!(err["code"], "photo.invalid");
    let mut png = Vec::new();
    image::RgbImage::from_pixel(400, 300, image::Rgb([200, 180, 160]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let err = raw(png.clone(), "0190f3c2-0000-7000-8000-000000000000").unwrap_err();
    assert_eq!(err["code"], "case.not_found");
    raw(png, &id).unwrap();
    let shown = w.ok("photo", json!({"id": id}));
    assert!(shown
        .as_str()
        .unwrap()
        .starts_with("data:image/jpeg;base64,/9j/"));
}

#[test]
fn export_to_a_usb_folder_and_read_the_receipt_back() {
    let (dir, w) = unlocked();
    let stick = tempfile::tempdir().unwrap();
    let to = stick.path().to_str().unwrap();
    let state = w.ok("usb_state", json!({}));
    assert_eq!(state["hq_key"], false);
    assert_eq!(w.error("export_usb", json!({"dir": to})), "usb.no_hq_key");

    // IT pins headquarters' key (`loket hq-key`) while the window is open.
    let hq = loket_batch::HqSecret::generate();
    loket_store::Store::open(dir.path(), OFFICER, PASSPHRASE)
        .unwrap()
        .pin_hq_key(&hq.public(), false)
        .unwrap();
    let id = w.ok("save", json!({"record": example()}))["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    w.ok("finalize", json!({"id": id}));
    let state = w.ok("usb_state", json!({}));
    assert_eq!(
        (&state["hq_key"], &state["waiting_versions"]),
        (&json!(true), &json!(1))
    );

    assert_eq!(
        w.error("export_usb", json!({"dir": stick.path().join("gone")})),
        "usb.not_a_folder"
    );
    let done = w.ok("export_usb", json!({"dir": to}));
    assert_eq!(
        (&done["sealed_versions"], &done["sealed_requests"]),
        (&json!(1), &json!(0))
    );
    let file = done["files"][0].as_str().unwrap().to_string();
    assert!(file.ends_with("-000001.loket-batch"), "{file}");
    let state = w.ok("usb_state", json!({}));
    assert_eq!(
        (&state["waiting_versions"], &state["unacknowledged_batches"]),
        (&json!(0), &json!(1))
    );
    // No receipt on the stick yet.
    assert_eq!(w.error("apply_receipt", json!({"dir": to})), "store.io");

    // Headquarters' receipt for the batch, written beside it as `loket-hq import` does.
    let device = {
        let store = loket_store::Store::open(dir.path(), OFFICER, PASSPHRASE).unwrap();
        store.device_card().unwrap()
    };
    // What headquarters holds after importing the batch files given.
    let receipt_for = |files: &[&str], batches: Vec<u64>| {
        let mut held = Vec::new();
        for file in files {
            let opened = loket_batch::open(
                &std::fs::read(file).unwrap(),
                &hq,
                &loket_batch::Limits::default(),
                |d| (d == device.device_id).then_some(device.public_key),
            )
            .unwrap();
            held.extend(opened.records.iter().map(|r| loket_batch::HeldVersion {
                case_id: r.entry.case_id.clone(),
                version: r.entry.version,
                record_sha256: r.record_sha256.clone(),
            }));
        }
        loket_batch::Receipt::new(
            device.device_id.clone(),
            batches,
            held,
            chrono::Utc::now().fixed_offset(),
        )
    };
    let receipt = receipt_for(&[&file], vec![1]);
    let path = stick
        .path()
        .join(loket_store::receipt_file_name(&device.device_id));
    std::fs::write(&path, receipt.sign(&loket_batch::HqSecret::generate().sign)).unwrap();
    assert_eq!(w.error("apply_receipt", json!({"dir": to})), "usb.receipt");
    std::fs::write(&path, receipt.sign(&hq.sign)).unwrap();
    let ack = w.ok("apply_receipt", json!({"dir": to}));
    assert_eq!(
        ack,
        json!({"new_versions": 1, "new_cases": 1, "total_versions": 1, "mismatched": 0, "purged": 0})
    );
    let state = w.ok("usb_state", json!({}));
    assert_eq!(
        (
            &state["acknowledged_cases"],
            &state["unacknowledged_batches"]
        ),
        (&json!(1), &json!(0))
    );

    // Closed, exported and acknowledged: the case leaves this counter.
    w.ok("close_case", json!({"id": id, "reason": "departed"}));
    let done = w.ok("export_usb", json!({"dir": to}));
    let second = done["files"][0].as_str().unwrap().to_string();
    std::fs::write(
        &path,
        receipt_for(&[&file, &second], vec![1, 2]).sign(&hq.sign),
    )
    .unwrap();
    let ack = w.ok("apply_receipt", json!({"dir": to}));
    assert_eq!(
        (&ack["new_versions"], &ack["purged"]),
        (&json!(1), &json!(1))
    );
    assert_eq!(w.error("case", json!({"id": id})), "case.purged");
    let history = w.ok("history", json!({"id": id}));
    assert!(history["purged_at"].is_string(), "{history}");
    assert_eq!(history["versions"].as_array().unwrap().len(), 2);
    assert_eq!(history["versions"][1]["reason"], Value::Null);
    assert_eq!(
        history["audit"].as_array().unwrap().last().unwrap()["action"],
        "purge"
    );
    let listed = w.ok("cases", json!({"query": "", "offset": 0, "limit": 10}));
    assert_eq!(
        (
            &listed["items"][0]["full_name"],
            listed["items"][0]["purged_at"].is_string()
        ),
        (&json!(""), true)
    );
}

#[test]
fn headquarters_address_is_checked_kept_and_cleared() {
    let (dir, w) = unlocked();
    assert_eq!(w.ok("hq_url", json!({})), Value::Null, "USB only at first");
    for bad in [
        "hq.kemlu.go.id",
        "ftp://hq/",
        "http://user:pw@hq/",
        "http://hq/?x=1",
    ] {
        let err = w.invoke("set_hq_url", json!({"url": bad})).unwrap_err();
        assert_eq!(err["code"], "settings.hq_url", "{bad}");
        assert!(err["message"].as_str().unwrap().contains("http"), "{err}");
    }
    assert_eq!(w.ok("hq_url", json!({})), Value::Null, "nothing stored");
    assert_eq!(
        w.ok("set_hq_url", json!({"url": " http://10.0.0.5:8080/ "})),
        "http://10.0.0.5:8080"
    );
    // Kept in the store: there after locking and unlocking.
    w.ok("lock", json!({}));
    assert_eq!(w.error("hq_url", json!({})), "store.locked");
    assert_eq!(
        w.error("set_hq_url", json!({"url": "http://10.0.0.6"})),
        "store.locked"
    );
    w.ok(
        "unlock",
        json!({"passphrase": PASSPHRASE, "officer": OFFICER}),
    );
    assert_eq!(w.ok("hq_url", json!({})), "http://10.0.0.5:8080");
    let store = loket_store::Store::open(dir.path(), OFFICER, PASSPHRASE).unwrap();
    assert_eq!(
        store.hq_url().unwrap().as_deref(),
        Some("http://10.0.0.5:8080")
    );
    drop(store);
    // Empty clears it: back to USB only.
    assert_eq!(w.ok("set_hq_url", json!({"url": "  "})), Value::Null);
    assert_eq!(w.ok("hq_url", json!({})), Value::Null);
}

/// One entry of headquarters' mission index, as a sync stores it.
fn index_entry(seq: u64, case: &str, name: &str) -> loket_batch::wire::IndexEntry {
    loket_batch::wire::IndexEntry {
        seq,
        case_id: case.into(),
        device_id: "counter-2".into(),
        version: 2,
        status: "finalised".into(),
        ticket: Some(format!("B-{seq:03}")),
        full_name: Some(name.into()),
        aliases: vec![],
        date_of_birth: Some("2001-08-07".into()),
        nik: Some("3273054708010003".into()),
        passport_number: None,
        hq_status: None,
        hq_status_at: None,
    }
}

fn apply_index(dir: &Path, entries: Vec<loket_batch::wire::IndexEntry>) {
    let next = entries.iter().map(|e| e.seq).max().unwrap_or(0);
    loket_store::Store::open(dir, OFFICER, PASSPHRASE)
        .unwrap()
        .apply_index_page(&loket_batch::wire::IndexPage {
            format: loket_batch::wire::INDEX_FORMAT.into(),
            mission: "PNH".into(),
            request_nonce: "n".into(),
            entries,
            next,
            more: false,
        })
        .unwrap();
}

#[test]
fn cases_at_other_counters_are_found_apart_and_hq_status_shows_on_a_case() {
    let (dir, w) = unlocked();
    let ours = w.ok("save", json!({"record": example()}))["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    let theirs = "0190f3c2-8a7e-7b7c-9a51-000000000002";
    let mut own = index_entry(7, &ours, "SITI AMINAH");
    own.device_id = "this-counter".into();
    own.hq_status = Some("splp_issued".into());
    own.hq_status_at = Some("2026-01-21T09:30:00Z".into());
    apply_index(
        dir.path(),
        vec![index_entry(3, theirs, "DEWI LESTARI"), own],
    );

    let found = w.ok("mission_cases", json!({"query": "lestari de"}));
    assert_eq!(
        found,
        json!([{
            "id": theirs, "device_id": "counter-2", "full_name": "DEWI LESTARI",
            "date_of_birth": "2001-08-07", "ticket": "B-003", "status": "finalised",
            "version": 2, "hq_status": null
        }])
    );
    assert_eq!(
        w.ok("mission_cases", json!({"query": "3273054708010003"}))[0]["id"],
        theirs
    );
    // This counter's own cases are not listed again among the other counters'.
    assert_eq!(w.ok("mission_cases", json!({"query": "siti"})), json!([]));
    assert_eq!(w.ok("mission_cases", json!({"query": "  "})), json!([]));
    // Another counter's case is not a case here.
    assert_eq!(w.error("case", json!({"id": theirs})), "case.not_found");

    let history = w.ok("history", json!({"id": ours}));
    assert_eq!(
        history["hq_status"],
        json!({"status": "splp_issued", "at": "2026-01-21T09:30:00Z"})
    );
    w.ok("lock", json!({}));
    assert_eq!(
        w.error("mission_cases", json!({"query": "dewi"})),
        "store.locked"
    );
}

#[test]
fn a_duplicate_at_another_counter_is_a_warning_without_a_case_to_compare() {
    let (dir, w) = unlocked();
    let mut record = example();
    record.as_object_mut().unwrap().remove("id");
    record["person"]["full_name"] = json!("DEWI LESTARI");
    record["person"]["aliases"] = json!([]);
    record["person"]["nik"] = json!("3273054708010003");
    record["person"]["date_of_birth"] = json!("2001-08-07");
    record["person"]["sex"] = json!("F");
    let theirs = "0190f3c2-8a7e-7b7c-9a51-000000000002";
    apply_index(dir.path(), vec![index_entry(3, theirs, "DEWI LESTARI")]);
    let report = w.ok("check", json!({"record": record}));
    let nik = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "duplicate.nik")
        .unwrap_or_else(|| panic!("no duplicate.nik in {report}"));
    assert_eq!(nik["severity"], "warning");
    assert!(nik.get("other_case").is_none_or(Value::is_null), "{nik}");
    assert!(nik["message"]["en"]
        .as_str()
        .unwrap()
        .contains("B-003) at counter counter-2"));
}

/// Asks `sync_status` until `done` holds for it (the worker runs on its own thread); gives up
/// after a minute with the last status.
fn sync_status_until(w: &Window, done: impl Fn(&Value) -> bool) -> Value {
    let started = std::time::Instant::now();
    loop {
        let status = w.ok("sync_status", json!({}));
        if done(&status) {
            return status;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "sync status never got there: {status}"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn sync_status_counts_what_waits_and_says_offline_when_headquarters_is_not_there() {
    let (dir, w) = unlocked();
    let status = w.ok("sync_status", json!({}));
    assert_eq!(
        (&status["hq_url"], &status["online"], &status["last_sync"]),
        (&Value::Null, &Value::Null, &Value::Null),
        "USB only, never tried: {status}"
    );
    assert_eq!(status["unacknowledged_versions"], 0);
    assert_eq!(status["unacknowledged_requests"], 0);
    assert_eq!(status["sending"], Value::Null);

    loket_store::Store::open(dir.path(), OFFICER, PASSPHRASE)
        .unwrap()
        .pin_hq_key(&loket_batch::HqSecret::generate().public(), false)
        .unwrap();
    let id = w.ok("save", json!({"record": example()}))["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        w.ok("sync_status", json!({}))["unacknowledged_versions"],
        0,
        "a draft waits for nothing"
    );
    w.ok("finalize", json!({"id": id}));
    assert_eq!(w.ok("sync_status", json!({}))["unacknowledged_versions"], 1);

    // Nobody listens on the port: the worker tries at once and says so.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    w.ok("set_hq_url", json!({"url": url}));
    let status = sync_status_until(&w, |s| s["online"] == json!(false));
    assert_eq!(status["hq_url"], url.as_str());
    assert_eq!(status["last_sync"], Value::Null);
    assert!(
        status["last_error"].as_str().is_some_and(|e| !e.is_empty()),
        "{status}"
    );
    // Sealed for the network, still waiting for headquarters.
    assert_eq!(status["unacknowledged_versions"], 1);
    w.ok("sync_now", json!({}));

    w.ok("lock", json!({}));
    assert_eq!(w.error("sync_status", json!({})), "store.locked");
    assert_eq!(w.error("sync_now", json!({})), "store.locked");
}

#[test]
fn the_cases_of_people_headquarters_reports_departed_close_in_one_go() {
    let (dir, w) = unlocked();
    let id = w.ok("save", json!({"record": example()}))["case_id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(w.ok("finalize", json!({"id": id}))["outcome"], "done");
    assert_eq!(w.ok("departed_open", json!({})), json!([]));
    assert_eq!(w.ok("close_departed", json!({})), json!(0));
    let mut departed = index_entry(4, &id, "SITI AMINAH").without_person();
    departed.hq_status = Some("departed".into());
    departed.hq_status_at = Some("2026-01-22T08:00:00Z".into());
    apply_index(dir.path(), vec![departed]);

    assert_eq!(w.ok("departed_open", json!({})), json!([id]));
    assert_eq!(w.ok("close_departed", json!({})), json!(1));
    assert_eq!(w.ok("case", json!({"id": id}))["status"], "closed");
    let history = w.ok("history", json!({"id": id}));
    let last = history["versions"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (last["officer"].clone(), last["reason"].clone()),
        (
            json!(OFFICER),
            json!(format!(
                "{} (2026-01-22T08:00:00Z)",
                loket_store::DEPARTED_REASON
            ))
        )
    );
    assert_eq!(w.ok("departed_open", json!({})), json!([]));
    w.ok("lock", json!({}));
    assert_eq!(w.error("departed_open", json!({})), "store.locked");
    assert_eq!(w.error("close_departed", json!({})), "store.locked");
}
