//! The real app, driven as an officer drives it: `loket-app` in a real WebKitGTK window under
//! a private Xvfb, through tauri-driver and WebKitWebDriver (WebDriver). The store is real.
//!
//! Needs Xvfb, tauri-driver (`cargo install tauri-driver`) and WebKitWebDriver (Debian's
//! webkit2gtk-driver); `scripts/setup` installs them. Without them these tests are skipped,
//! except under CI, where they fail.

mod support;

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use loket_core::mrz::{build_td3, Td3Fields};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{have_all, xvfb, Killed};

const APP: &str = env!("CARGO_BIN_EXE_loket-app");
const PASSPHRASE: &str = "counter passphrase";
/// The officer who made the store, and whose login unlocks it.
const OFFICER: &str = "Rina";
const WAIT: Duration = Duration::from_secs(20);

/// A counter laptop: a display, a WebDriver server for the app, and the app's data directory,
/// which outlives each start of the app.
struct Counter {
    /// One counter at a time: each runs a display, a WebKit process and the app, too much for
    /// the 2-core build machines to run side by side without timeouts.
    _turn: std::sync::MutexGuard<'static, ()>,
    _xvfb: Killed,
    _driver: Killed,
    url: String,
    data: tempfile::TempDir,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Counter {
    /// `None` (and a SKIPPED line) when the tools are missing outside CI.
    fn new(test: &str) -> Option<Counter> {
        if !have_all(&["Xvfb", "tauri-driver", "WebKitWebDriver"], test) {
            return None;
        }
        static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
        let (xvfb, display) = xvfb();
        let data = tempfile::tempdir().unwrap();
        let (port, native) = (free_port(), free_port());
        let driver = Killed(
            Command::new("tauri-driver")
                .args([
                    "--port",
                    &port.to_string(),
                    "--native-port",
                    &native.to_string(),
                ])
                .env("DISPLAY", &display)
                .env_remove("WAYLAND_DISPLAY")
                .env_remove("DBUS_SESSION_BUS_ADDRESS")
                .env("LOKET_DATA_DIR", data.path())
                .env("HOME", data.path())
                .env("XDG_CACHE_HOME", data.path().join("cache"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("tauri-driver starts"),
        );
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < WAIT, "tauri-driver did not listen");
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(Counter {
            _turn: turn,
            _xvfb: xvfb,
            _driver: driver,
            url,
            data,
        })
    }

    /// Starts the app (a new WebDriver session) and waits for its first screen.
    async fn start(&self) -> App {
        let mut caps = serde_json::Map::new();
        caps.insert("tauri:options".into(), json!({ "application": APP }));
        caps.insert("browserName".into(), json!("wry"));
        // After a killed app the driver may refuse the first new session while it cleans up.
        let mut attempt = 0;
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&self.url)
                .await
            {
                Ok(client) => break client,
                Err(e) if attempt < 3 => {
                    attempt += 1;
                    eprintln!("new WebDriver session failed ({e}); trying again");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
                Err(e) => panic!("a WebDriver session with loket-app: {e}"),
            }
        };
        let app = App { client };
        app.wait_css("main").await;
        app
    }

    /// SIGKILLs the app of this counter (found by its data directory), as a crash or a pulled
    /// plug would end it.
    fn kill_app(&self) {
        let apps: Vec<PathBuf> = processes_of(self.data.path())
            .into_iter()
            .filter(|p| std::fs::read_link(p.join("exe")).is_ok_and(|exe| exe == Path::new(APP)))
            .collect();
        assert_eq!(
            apps.len(),
            1,
            "exactly one loket-app of this counter to kill"
        );
        let pid = apps[0].file_name().unwrap().to_string_lossy().into_owned();
        Command::new("kill").args(["-KILL", &pid]).status().unwrap();
    }

    fn data_dir(&self) -> &Path {
        self.data.path()
    }
}

struct App {
    client: Client,
}

impl App {
    async fn wait_css(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} did not appear: {e}"))
    }

    /// Waits until `css` holds text containing `want`; returns the text.
    async fn wait_text(&self, css: &str, want: &str) -> String {
        let started = Instant::now();
        loop {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                // textContent: WebKit's rendered text leaves out text cut by an ellipsis.
                if let Ok(Some(text)) = el.prop("textContent").await {
                    if text.contains(want) {
                        return text;
                    }
                    if started.elapsed() > WAIT {
                        panic!("{css} says {text:?}, not {want:?}; {}", self.page().await);
                    }
                }
            } else if started.elapsed() > WAIT {
                panic!(
                    "{css} did not appear (waiting for {want:?}); {}",
                    self.page().await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// What the page says, for a failure's message.
    async fn page(&self) -> String {
        let text = match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(e) => e.to_string(),
        };
        // And a picture of it, beside the test binaries.
        let shot = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("e2e-failure.png");
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(&shot, png);
        }
        format!(
            "the page shows ({}): {}",
            shot.display(),
            text.replace('\n', " | ")
        )
    }

    /// Types into whatever has focus, as a keyboard does.
    async fn keys(&self, text: &str) {
        self.client
            .active_element()
            .await
            .unwrap()
            .send_keys(text)
            .await
            .unwrap();
    }

    /// Ctrl + `key`.
    async fn ctrl(&self, key: &str) {
        self.keys(&format!("{}{key}{}", Key::Control, Key::Null))
            .await;
    }

    async fn focused_id(&self) -> String {
        let el = self.client.active_element().await.unwrap();
        el.attr("id").await.unwrap().unwrap_or_default()
    }

    /// Waits until the element with `id` has focus (as an officer waits for the cursor).
    async fn wait_focus(&self, id: &str) {
        let started = Instant::now();
        while self.focused_id().await != id {
            if started.elapsed() > WAIT {
                panic!("#{id} never got focus; {}", self.page().await);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Tabs forward until the element with `id` has focus (keyboard only).
    async fn tab_to(&self, id: &str) {
        for _ in 0..80 {
            if self.focused_id().await == id {
                return;
            }
            self.keys(&Key::Tab.to_string()).await;
        }
        panic!("Tab never reached #{id}");
    }

    async fn value(&self, css: &str) -> String {
        let el = self.wait_css(css).await;
        el.prop("value").await.unwrap().unwrap_or_default()
    }

    /// A picture of the window's page.
    async fn shoot(&self, path: &Path) {
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = self.client.screenshot().await.unwrap();
        std::fs::write(path, png).unwrap();
    }

    async fn quit(self) {
        self.client.close().await.unwrap();
    }
}

/// First run: create the store by keyboard.
async fn set_up(app: &App) {
    app.wait_focus("mission").await;
    let tab = Key::Tab.to_string();
    app.keys(&format!(
        "PNH{tab}Rina{tab}{PASSPHRASE}{tab}{PASSPHRASE}{}",
        Key::Enter
    ))
    .await;
    app.wait_css("header.bar").await;
}

/// A first run on a new counter, then a new intake with the cursor in its first field.
async fn first_intake(counter: &Counter) -> App {
    let app = counter.start().await;
    set_up(&app).await;
    app.ctrl("n").await;
    app.wait_focus("f-ticket").await;
    app
}

async fn unlock(app: &App) {
    app.wait_focus("officer").await;
    app.keys(&format!("Rina{}{PASSPHRASE}{}", Key::Tab, Key::Enter))
        .await;
    app.wait_css("header.bar").await;
}

#[tokio::test(flavor = "current_thread")]
async fn an_intake_by_keyboard_only_from_first_run_to_search_after_restart() {
    let Some(counter) = Counter::new("the keyboard intake end-to-end test") else {
        return;
    };
    let app = first_intake(&counter).await;
    let tab = Key::Tab.to_string();
    app.keys(&format!("A-101{tab}Siti Aminah{tab}{tab}")).await;
    app.tab_to("f-person-sex").await;
    app.keys("P").await; // Perempuan
    app.keys(&format!(
        "{tab}1999-04-12{tab}Cianjur{tab}3203005204990001{tab}"
    ))
    .await;

    // The NIK's district is 00: an error at the NIK field, in Indonesian.
    let finding = app
        .wait_text(
            "#f-person-nik-findings li[data-code='nik.district']",
            "kecamatan",
        )
        .await;
    assert!(finding.contains("00"), "{finding}");

    app.tab_to("f-person-nik").await;
    let erase = Key::Backspace.to_string().repeat(16);
    app.keys(&format!("{erase}3203415204990001{tab}")).await;
    app.tab_to("f-passport-status").await;
    app.keys("Dit").await; // Ditahan pihak lain = confiscated
    app.tab_to("f-request-document").await;
    app.keys("S").await; // SPLP
    app.keys(&tab).await;
    app.keys("Dit").await; // reason: confiscated
    app.keys(&format!("{tab}CGK{tab}")).await;
    app.wait_text("#summary-errors", "Tidak ada kesalahan")
        .await;

    app.ctrl("\u{e007}").await; // Ctrl+Enter
    app.wait_text("#notice", "selesai").await;
    app.wait_text("#save-state", "Tersimpan").await;

    // Find it by part of the name, in another word order.
    app.ctrl("f").await;
    app.wait_focus("search").await;
    app.keys("amin sit").await;
    app.wait_text("#case-count", "1 ditemukan").await;
    app.wait_text("#case-row-0", "SITI AMINAH").await;
    app.quit().await;

    // Restart: the store is locked, and the case is there after unlocking.
    let app = counter.start().await;
    unlock(&app).await;
    app.ctrl("f").await;
    app.wait_focus("search").await;
    app.keys("siti").await;
    let row = app.wait_text("#case-row-0", "SITI AMINAH").await;
    assert!(row.contains("A-101"), "{row}");
    assert!(row.contains("Selesai"), "finalised: {row}");
    app.keys(&Key::Enter.to_string()).await;
    app.wait_text("#case-title", "SITI AMINAH").await;
    app.quit().await;
}

#[tokio::test(flavor = "current_thread")]
async fn a_passport_reader_fills_the_fields_and_a_bad_check_digit_shows() {
    let Some(counter) = Counter::new("the passport reader end-to-end test") else {
        return;
    };
    let app = first_intake(&counter).await;
    app.keys("A-7").await;
    // Typed into the ticket field, as a reader types: two lines, each ending with Enter.
    let [line1, line2] = mrz("C1234567");
    app.keys(&format!("{line1}{}{line2}{}", Key::Enter, Key::Enter))
        .await;
    app.wait_text("#mrz-checks", "cocok").await;
    app.keys(&Key::Enter.to_string()).await;
    assert_eq!(app.value("#f-person-full_name").await, "SITI AMINAH");
    assert_eq!(app.value("#f-passport-number").await, "C1234567");
    assert_eq!(app.value("#f-person-date_of_birth").await, "1999-04-12");
    assert_eq!(app.value("#f-passport-expiry_date").await, "2029-06-30");
    assert_eq!(app.value("#f-person-sex").await, "F");
    assert_eq!(
        app.value("#f-ticket").await,
        "A-7",
        "the reader's typing was taken back out"
    );

    // A misread digit: the check fails and says so.
    app.tab_to("f-notes").await;
    // One digit of the number misread, its check digit as printed.
    let bad = line2.replacen("C1234567", "C1234568", 1);
    app.keys(&format!("{line1}{}{bad}{}", Key::Enter, Key::Enter))
        .await;
    let checks = app.wait_text("#mrz-checks", "gagal").await;
    assert!(checks.contains("nomor dokumen"), "{checks}");
    app.quit().await;
}

#[tokio::test(flavor = "current_thread")]
async fn one_keystroke_switches_every_visible_label_to_english() {
    let Some(counter) = Counter::new("the language end-to-end test") else {
        return;
    };
    let app = first_intake(&counter).await;
    let labels = || async {
        let mut out = Vec::new();
        for el in app
            .client
            .find_all(Locator::Css("label, legend, h1, h2, button, th"))
            .await
            .unwrap()
        {
            if el.is_displayed().await.unwrap_or(false) {
                out.push(el.text().await.unwrap());
            }
        }
        out
    };
    let before = labels().await;
    app.ctrl("l").await;
    app.wait_text("#intake-title", "New intake").await;
    let after = labels().await;
    assert_eq!(before.len(), after.len());
    let unchanged: Vec<_> = before
        .iter()
        .zip(&after)
        .filter(|(b, a)| b == a && !is_language_neutral(b))
        .collect();
    assert!(unchanged.is_empty(), "not translated: {unchanged:?}");
    app.quit().await;
    // The choice is kept for the next start (the unlock screen is already in English).
    let app = counter.start().await;
    app.wait_text("h1", "Unlock").await;
    app.quit().await;
}

/// Labels that are the same word in both languages.
fn is_language_neutral(text: &str) -> bool {
    ["NIK", "Visa", "Status", "#", "hash"].contains(&text.split(" (").next().unwrap_or(text).trim())
        || text.starts_with("Loket")
}

#[tokio::test(flavor = "current_thread")]
async fn a_draft_survives_the_app_being_killed_mid_interview() {
    let Some(counter) = Counter::new("the crash end-to-end test") else {
        return;
    };
    let app = first_intake(&counter).await;
    let tab = Key::Tab.to_string();
    app.keys(&format!("B-202{tab}Dewi Lestari{tab}")).await;
    app.wait_text("#save-state", "Tersimpan").await;
    counter.kill_app();
    // The driver's session outlived the app; end it so the next start can begin one.
    let _ = app.client.close().await;
    assert!(counter.data_dir().join("loket.db").exists());

    let app = counter.start().await;
    unlock(&app).await;
    let row = app.wait_text("table.grid tbody", "DEWI LESTARI").await;
    assert!(row.contains("Draf"), "{row}");
    app.quit().await;
}

#[tokio::test(flavor = "current_thread")]
async fn headquarters_address_in_settings_and_the_status_bar_offline() {
    let Some(counter) = Counter::new("the network sync settings end-to-end test") else {
        return;
    };
    // Two finalised cases, headquarters' key pinned: all a round needs but a network.
    let nobody = loket_batch::HqSecret::generate().public();
    finalised_cases(
        counter.data_dir(),
        &["SITI AMINAH", "DEWI LESTARI"],
        &nobody,
    );
    let closed = format!("http://127.0.0.1:{}", free_port());

    let app = counter.start().await;
    unlock(&app).await;
    app.wait_text("#sync-state", "Hanya USB").await;
    app.wait_text("#sync-waiting", "2 kasus menunggu").await;
    app.wait_text("#sync-last", "Belum pernah sinkron").await;

    // Settings by keyboard: a bad address is refused at its field, in Indonesian.
    app.ctrl(",").await;
    app.wait_css("#settings-mission-name").await;
    app.tab_to("settings-hq-url").await;
    app.keys(&format!("hq.kemlu.go.id{}", Key::Enter)).await;
    app.wait_text("#settings-hq-url-message", "harus diawali http://")
        .await;
    let erase = Key::Backspace.to_string().repeat(20);
    app.keys(&format!("{erase}{closed}/{}", Key::Enter)).await;
    app.wait_text("#settings-hq-url-message", "Tersimpan").await;
    assert_eq!(
        app.value("#settings-hq-url").await,
        closed,
        "stored without the slash"
    );

    // Tried at once: nobody answers on that port.
    app.wait_text("#sync-state", "Luring").await;
    app.wait_text("#sync-waiting", "2 kasus menunggu").await;
    app.wait_text("#sync-last", "Belum pernah sinkron").await;
    // Ctrl+Shift+S asks again from any screen; the officer's field keeps the focus.
    app.ctrl("f").await;
    app.wait_focus("search").await;
    app.keys(&format!("{}{}S{}", Key::Control, Key::Shift, Key::Null))
        .await;
    assert_eq!(app.focused_id().await, "search");
    assert_eq!(app.value("#search").await, "", "the shortcut typed nothing");
    app.wait_text("#sync-state", "Luring").await;
    app.quit().await;

    // After a restart the address is still there, and English says the same.
    let app = counter.start().await;
    unlock(&app).await;
    app.ctrl("l").await;
    app.wait_text("#sync-state", "Offline").await;
    app.wait_text("#sync-waiting", "2 cases waiting").await;
    app.ctrl(",").await;
    app.wait_css("#settings-hq-url").await;
    let started = Instant::now();
    while app.value("#settings-hq-url").await != closed {
        assert!(started.elapsed() < WAIT, "the address was not kept");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.quit().await;
}

#[tokio::test(flavor = "current_thread")]
async fn an_officer_added_in_settings_unlocks_with_their_own_passphrase() {
    let Some(counter) = Counter::new("the officers end-to-end test") else {
        return;
    };
    let app = counter.start().await;
    set_up(&app).await;
    let budi = "Budi's own passphrase";
    let tab = Key::Tab.to_string();

    // Settings by keyboard: Rina confirms with her passphrase and adds Budi.
    app.ctrl(",").await;
    app.wait_text("#officer-list", "Rina (Anda)").await;
    app.tab_to("own-passphrase").await;
    app.keys(PASSPHRASE).await;
    app.tab_to("new-officer").await;
    app.keys(&format!("Budi{tab}{budi}{tab}{budi}{}", Key::Enter))
        .await;
    app.wait_text("#officers-message", "Budi kini dapat membuka Loket")
        .await;
    app.wait_text("#officer-list", "Budi").await;
    // The counter's log, below, reads itself again and names the change and who made it.
    app.wait_text("#counter-log tbody tr:first-child", "Rina")
        .await;
    app.wait_text("#counter-log tbody tr:first-child", "login ditambahkan")
        .await;
    app.quit().await;

    // A name without a login is told so at the unlock screen; Budi's own passphrase opens.
    let app = counter.start().await;
    app.wait_focus("officer").await;
    app.keys(&format!("Andi{tab}{PASSPHRASE}{}", Key::Enter))
        .await;
    app.wait_text("[role=alert]", "Tidak ada petugas dengan nama itu")
        .await;
    app.tab_to("officer").await;
    let erase = Key::Backspace.to_string().repeat(4);
    app.keys(&format!("{erase}budi{tab}")).await;
    app.wait_focus("passphrase").await;
    let erase = Key::Backspace.to_string().repeat(PASSPHRASE.len());
    app.keys(&format!("{erase}{budi}{}", Key::Enter)).await;
    app.wait_text("header.bar", "Petugas: Budi").await;
    app.quit().await;
}

/// A store holding one finalised case per name (tickets A-1, A-2, …), with headquarters' key
/// pinned; returns the case ids.
fn finalised_cases(dir: &Path, names: &[&str], hq: &loket_batch::HqPublic) -> Vec<String> {
    let (mut store, _) = loket_store::Store::init(dir, OFFICER, PASSPHRASE, "PNH").unwrap();
    store.pin_hq_key(hq, false).unwrap();
    let mut ids = Vec::new();
    let example: serde_json::Value =
        serde_json::from_str(include_str!("../crates/core/tests/fixtures/example.json")).unwrap();
    for (i, name) in names.iter().enumerate() {
        let mut v = example.clone();
        v.as_object_mut().unwrap().remove("id");
        v["ticket"] = json!(format!("A-{}", i + 1));
        v["person"]["full_name"] = json!(name);
        v["person"]["aliases"] = json!([]);
        v["person"]["nik"] = json!(format!("320341520499000{}", i + 1));
        let saved = store
            .save(serde_json::from_value(v).unwrap(), None)
            .unwrap();
        store.finalize(&saved.case_id).unwrap();
        ids.push(saved.case_id);
    }
    ids
}

/// `loket-hq` as `cargo test --workspace` builds it beside the app (its own tests need it).
fn loket_hq_binary() -> Option<PathBuf> {
    let bin = Path::new(APP).with_file_name("loket-hq");
    bin.exists().then_some(bin)
}

/// Headquarters on loopback: `loket-hq init`, the counter enrolled, `loket-hq serve` on a
/// free port (killed when dropped).
struct Headquarters {
    _server: Killed,
    url: String,
    bin: PathBuf,
    dir: tempfile::TempDir,
}

const HQ_PASSPHRASE: &str = "headquarters passphrase";

/// `loket-hq ARGS` on headquarters' data directory `dir`.
fn loket_hq(bin: &Path, dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .env("LOKET_HQ_DATA_DIR", dir)
        .env("LOKET_HQ_OPERATOR", "ops-jakarta")
        .env("LOKET_HQ_PASSPHRASE", HQ_PASSPHRASE)
        .env_remove("LOKET_HQ_DATABASE")
        .stdin(Stdio::null());
    cmd
}

/// Runs `loket-hq ARGS`, which must succeed; its standard output.
fn loket_hq_ok(bin: &Path, dir: &Path, args: &[&str]) -> String {
    let out = loket_hq(bin, dir, args).output().unwrap();
    assert!(
        out.status.success(),
        "loket-hq {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

impl Headquarters {
    /// Initialised, not yet serving: its public key, for the counter to pin.
    fn init(bin: &Path) -> (tempfile::TempDir, loket_batch::HqPublic) {
        let dir = tempfile::tempdir().unwrap();
        loket_hq_ok(bin, dir.path(), &["init"]);
        let key = std::fs::read_to_string(dir.path().join("hq-key.json")).unwrap();
        (dir, loket_batch::HqPublic::from_json(&key).unwrap())
    }

    /// Enrols the counter whose store is in `counter`, then serves.
    fn serve(bin: PathBuf, dir: tempfile::TempDir, counter: &Path) -> Headquarters {
        use std::io::BufRead;
        let card = loket_store::Store::open(counter, OFFICER, PASSPHRASE)
            .unwrap()
            .device_card()
            .unwrap();
        let card_file = dir.path().join("counter.json");
        std::fs::write(&card_file, card.to_json()).unwrap();
        loket_hq_ok(
            &bin,
            dir.path(),
            &["device", "add", card_file.to_str().unwrap()],
        );
        let mut child = loket_hq(&bin, dir.path(), &["serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let server = Killed(child);
        let mut line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("loket-hq serve said {line:?}"))
            .to_string();
        Headquarters {
            _server: server,
            url,
            bin,
            dir,
        }
    }

    fn cli(&self, args: &[&str]) -> String {
        loket_hq_ok(&self.bin, self.dir.path(), args)
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_real_sync_from_the_window_shows_online_nothing_waiting_and_headquarters_status() {
    let Some(bin) = loket_hq_binary() else {
        assert!(
            !support::in_ci(),
            "CI builds loket-hq beside the app (cargo test --workspace)"
        );
        println!("\nSKIPPED the real sync end-to-end test: no loket-hq beside the app (cargo build -p loket-hq)");
        return;
    };
    let Some(counter) = Counter::new("the real sync end-to-end test") else {
        return;
    };
    let (hq_dir, hq_key) = Headquarters::init(&bin);
    let ids = finalised_cases(
        counter.data_dir(),
        &["SITI AMINAH", "DEWI LESTARI"],
        &hq_key,
    );
    let hq = Headquarters::serve(bin, hq_dir, counter.data_dir());

    let app = counter.start().await;
    unlock(&app).await;
    app.wait_text("#sync-waiting", "2 kasus menunggu").await;
    app.ctrl(",").await;
    app.wait_css("#settings-mission-name").await;
    app.tab_to("settings-hq-url").await;
    app.keys(&format!("{}{}", hq.url, Key::Enter)).await;
    app.wait_text("#settings-hq-url-message", "Tersimpan").await;

    // Sent, acknowledged, recorded: online, nothing waiting, synced a moment ago.
    app.wait_text("#sync-state", "Daring").await;
    app.wait_text("#sync-waiting", "Tidak ada yang menunggu")
        .await;
    app.wait_text("#sync-last", "baru saja").await;
    let held = hq.cli(&["cases", "--json"]);
    assert!(held.contains(&ids[0]) && held.contains(&ids[1]), "{held}");

    // Headquarters records the SPLP as issued; the next round brings it to the case.
    hq.cli(&["status", &ids[0], "splp-issued"]);
    app.keys(&format!("{}{}S{}", Key::Control, Key::Shift, Key::Null))
        .await;
    let started = Instant::now();
    loop {
        app.ctrl("f").await;
        app.wait_focus("search").await;
        app.keys(&format!("A-1{}", Key::Enter)).await;
        app.wait_css("#versions").await;
        if let Ok(el) = app.client.find(Locator::Css("#hq-status")).await {
            let text = el.text().await.unwrap();
            assert!(text.contains("SPLP diterbitkan"), "{text}");
            break;
        }
        assert!(
            started.elapsed() < WAIT,
            "headquarters' status never arrived; {}",
            app.page().await
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    app.wait_text("#sync-state", "Daring").await;
    app.quit().await;
}

/// A TD3 zone for an Indonesian passport, with correct check digits.
fn mrz(number: &str) -> [String; 2] {
    build_td3(&Td3Fields {
        number: number.into(),
        ..Td3Fields::example()
    })
}

/// Not a check: `scripts/screenshots` runs this to picture every screen in both languages
/// into `docs/screenshots/` (seeded with a few cases), for the README and for review.
#[tokio::test(flavor = "current_thread")]
#[ignore = "run by scripts/screenshots"]
async fn screenshots() {
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    std::fs::create_dir_all(&out).unwrap();
    let counter = Counter::new("screenshots").expect("the tools of scripts/setup");
    seed(counter.data_dir());
    for lang in ["id", "en"] {
        let app = counter.start().await;
        if lang == "en" {
            app.wait_focus("officer").await;
            app.ctrl("l").await;
            app.wait_text("h1", "Unlock").await;
        }
        let shot = |name: &str| out.join(format!("{name}-{lang}.png"));
        app.wait_focus("officer").await;
        app.shoot(&shot("1-unlock")).await;
        unlock(&app).await;
        app.wait_css("#count-intakes").await;
        app.wait_css("#sync-state.offline").await;
        app.wait_css("#close-departed").await;
        app.shoot(&shot("2-today")).await;
        // Closing the departed person's case asks first; cancelled here.
        let click = |css: &'static str| {
            let client = app.client.clone();
            async move {
                client
                    .find(Locator::Css(css))
                    .await
                    .unwrap()
                    .click()
                    .await
                    .unwrap()
            }
        };
        click("#close-departed").await;
        app.wait_css("#close-departed-yes").await;
        app.shoot(&shot("2-today-departed")).await;
        click("#close-departed-no").await;
        app.wait_css("#close-departed").await;
        // The next exit-permit list: the dialog that prints it, cancelled here.
        click("#exit-list-make").await;
        app.wait_css("#exit-list-go").await;
        app.shoot(&shot("2-today-exit-list")).await;
        app.keys(&Key::Escape.to_string()).await;
        app.wait_css("#exit-list-make").await;

        app.ctrl("n").await;
        app.wait_focus("f-ticket").await;
        let tab = Key::Tab.to_string();
        app.keys(&format!("A-118{tab}Siti Aminah{tab}{tab}")).await;
        app.tab_to("f-person-sex").await;
        app.keys(if lang == "id" { "P" } else { "F" }).await;
        app.keys(&format!(
            "{tab}1999-04-12{tab}Cianjur{tab}3203005204990001{tab}"
        ))
        .await;
        app.wait_css("#f-person-nik-findings").await;
        app.shoot(&shot("3-intake")).await;
        app.tab_to("f-notes").await;
        let [line1, line2] = mrz("C1234568");
        let bad = line2.replacen("C1234568", "C1234567", 1);
        app.keys(&format!("{line1}{}{bad}{}", Key::Enter, Key::Enter))
            .await;
        app.wait_css("#mrz-checks").await;
        app.shoot(&shot("4-passport-reader")).await;
        app.keys(&Key::Escape.to_string()).await;
        app.client
            .find(Locator::Css("#f-person-full_name-findings button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        app.wait_css(".compare dl").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        app.shoot(&shot("5-duplicate")).await;
        app.keys(&Key::Escape.to_string()).await;

        app.ctrl("f").await;
        app.wait_focus("search").await;
        app.keys("siti").await;
        app.wait_text("#case-row-0", "SITI").await;
        app.wait_css("#mission-cases").await;
        app.shoot(&shot("6-cases")).await;
        // A-042: finalised, printed, with her photo.
        app.keys(&format!("{}A-042", Key::Backspace.to_string().repeat(4)))
            .await;
        app.wait_text("#case-row-0", "A-042").await;
        app.keys(&Key::Enter.to_string()).await;
        app.wait_css("#versions").await;
        app.wait_css(".photo-box img").await;
        app.wait_css("#hq-status").await;
        app.shoot(&shot("7-case")).await;
        app.ctrl("p").await;
        app.wait_css("#print-reason").await;
        app.shoot(&shot("9-print")).await;
        app.keys(&Key::Escape.to_string()).await;
        // Closing asks why; left without closing, so the stick below gets all four cases.
        app.wait_css("#close-case").await.click().await.unwrap();
        app.wait_css("#close-reason").await;
        app.shoot(&shot("11-close")).await;
        app.keys(&Key::Escape.to_string()).await;
        // A-040 left this morning: headquarters holds her closed case, the counter only its
        // history (the oldest case, last in the list).
        app.ctrl("f").await;
        app.wait_focus("search").await;
        app.wait_css("#case-row-5").await;
        app.keys(&format!("{}{}", Key::PageDown, Key::Enter)).await;
        app.wait_text("#purged", if lang == "id" { "Ditutup" } else { "Closed" })
            .await;
        app.shoot(&shot("12-purged")).await;
        app.ctrl(",").await;
        app.wait_css("#settings-mission-name").await;
        while app.value("#settings-hq-url").await.is_empty() {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        app.shoot(&shot("8-settings")).await;
        app.tab_to("own-passphrase").await;
        app.client
            .execute(
                "document.getElementById('officers-title').scrollIntoView()",
                vec![],
            )
            .await
            .unwrap();
        app.shoot(&shot("13-officers")).await;
        // The four finalised cases go to a "stick" (a folder); the second language finds
        // them sealed and written already, and writes the same batch again.
        app.ctrl("e").await;
        app.wait_css("#usb-dir").await;
        let stick = counter.data_dir().join("KINGSTON");
        std::fs::create_dir_all(&stick).unwrap();
        app.wait_css("#usb-dir")
            .await
            .send_keys(&format!("{}{}", stick.display(), Key::Enter))
            .await
            .unwrap();
        app.wait_css("#usb-message").await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        app.shoot(&shot("10-usb")).await;
        // The counter's log in Settings, the batch just sealed and copied at its top.
        app.ctrl(",").await;
        app.wait_text(
            "#counter-log tbody tr:first-child",
            if lang == "id" {
                "flashdisk"
            } else {
                "USB stick"
            },
        )
        .await;
        app.client
            .execute(
                "document.getElementById('counter-log-title').scrollIntoView()",
                vec![],
            )
            .await
            .unwrap();
        app.shoot(&shot("14-counter-log")).await;
        app.quit().await;
    }
}

/// A store with a morning's worth of cases, as the screenshots show it.
fn seed(dir: &Path) {
    let (mut store, _) = loket_store::Store::init(dir, OFFICER, PASSPHRASE, "PNH").unwrap();
    store
        .add_officer(PASSPHRASE, "Budi Santoso", "Budi's own passphrase")
        .unwrap();
    store
        .set_mission_details(
            "Kedutaan Besar Republik Indonesia di Phnom Penh",
            "No. 1, Street 466, Sangkat Tonle Bassac, Khan Chamkar Mon, Phnom Penh",
            "Phnom Penh",
        )
        .unwrap();
    let hq = loket_batch::HqSecret::generate();
    store.pin_hq_key(&hq.public(), false).unwrap();
    let example: serde_json::Value =
        serde_json::from_str(include_str!("../crates/core/tests/fixtures/example.json")).unwrap();
    seed_purged(&mut store, &hq, &example);
    let people = [
        ("A-041", "DEWI LESTARI", "3273054708010003", "2001-08-07"),
        ("A-042", "SITI AMINAH", "3203415204990001", "1999-04-12"),
        ("A-043", "BUDI SANTOSO", "3578011203950002", "1995-03-12"),
        ("A-044", "RUDI", "3174022509880004", "1988-09-25"),
        ("A-045", "SITI NURHALIZA", "3201046302000005", "2000-02-23"),
    ];
    let mut ids = Vec::new();
    for (ticket, name, nik, born) in people {
        let mut v = example.clone();
        v.as_object_mut().unwrap().remove("id");
        v["ticket"] = json!(ticket);
        v["person"]["full_name"] = json!(name);
        v["person"]["aliases"] = json!([]);
        v["person"]["nik"] = json!(nik);
        v["person"]["date_of_birth"] = json!(born);
        v["person"]["sex"] = json!(if nik.as_bytes()[6] >= b'4' { "F" } else { "M" });
        v["passport"]["number"] = serde_json::Value::Null;
        let record = serde_json::from_value(v).unwrap();
        let saved = store.save(record, None).unwrap();
        if ticket != "A-045" {
            store.finalize(&saved.case_id).unwrap();
        }
        // The morning's exit-permit list named the first two; A-043 and A-044 wait.
        if ticket == "A-042" {
            store.make_exit_list(|_| Ok::<_, ()>(())).unwrap().unwrap();
        }
        ids.push(saved.case_id);
    }
    // This morning's requests: A-041's first page was spoiled and voided; A-042 (printed
    // last, so the first "siti" found) has her photo.
    for (i, id) in ids.iter().take(2).enumerate() {
        let printed = store
            .print_request(id, None, |_| Ok::<_, ()>(()))
            .unwrap()
            .unwrap()
            .0;
        if i == 0 {
            store
                .void_request(&printed.serial, "printed on the wrong paper")
                .unwrap();
        } else {
            store.attach_photo(id, specimen_photo().jpeg()).unwrap();
        }
    }
    seed_network(&mut store, &ids[1], &ids[2]);
}

/// The first case of the day, closed when she left and sent to headquarters at once; its
/// receipt removed her from this counter (the case is purged).
fn seed_purged(
    store: &mut loket_store::Store,
    hq: &loket_batch::HqSecret,
    example: &serde_json::Value,
) {
    let mut v = example.clone();
    v.as_object_mut().unwrap().remove("id");
    v["ticket"] = json!("A-040");
    v["person"]["full_name"] = json!("RATNA SARI");
    v["person"]["aliases"] = json!([]);
    v["person"]["nik"] = json!("3204124506970006");
    v["person"]["date_of_birth"] = json!("1997-06-05");
    let record = serde_json::from_value(v).unwrap();
    let id = store.save(record, None).unwrap().case_id;
    store.finalize(&id).unwrap();
    store
        .close(&id, "travelling home with her own passport")
        .unwrap();
    let batch = store.seal_batch().unwrap().unwrap();
    let card = store.device_card().unwrap();
    let bytes = store.batch_bytes(batch.sequence).unwrap().unwrap();
    let opened = loket_batch::open(&bytes, hq, &loket_batch::Limits::default(), |d| {
        (d == card.device_id).then_some(card.public_key)
    })
    .unwrap();
    let held = opened
        .records
        .iter()
        .map(|r| loket_batch::HeldVersion {
            case_id: r.entry.case_id.clone(),
            version: r.entry.version,
            record_sha256: r.record_sha256.clone(),
        })
        .collect();
    let receipt = loket_batch::Receipt::new(
        card.device_id,
        vec![batch.sequence],
        held,
        chrono::Utc::now().fixed_offset(),
    );
    let ack = store
        .apply_receipt(receipt.sign(&hq.sign).as_bytes())
        .unwrap();
    assert_eq!(ack.purged, 1);
}

/// What a sync brought the screenshots' counter: headquarters' index of the mission's cases
/// (two at another counter, one of them a likely duplicate of the intake typed in the
/// screenshots) and its SPLP issued for A-042; the address of a headquarters that is not
/// answering (the status bar says "offline").
fn seed_network(store: &mut loket_store::Store, a042: &str, a043: &str) {
    use loket_batch::wire::{IndexEntry, IndexPage, INDEX_FORMAT};
    let other = "0197a3e1-5c2d-7b40-9f11-6a0c3d2e8b47";
    let entry =
        |seq: u64, case: &str, device: &str, ticket: &str, name: &str, born: &str| IndexEntry {
            seq,
            case_id: case.into(),
            device_id: device.into(),
            version: 1,
            status: "finalised".into(),
            ticket: Some(ticket.into()),
            full_name: Some(name.into()),
            aliases: vec![],
            date_of_birth: Some(born.into()),
            nik: None,
            passport_number: None,
            hq_status: None,
            hq_status_at: None,
        };
    let mut departed = entry(
        1,
        "0197a2f0-1b6e-7c21-8d3a-2f5e9b7c1a01",
        other,
        "B-007",
        "SITI RAHAYU",
        "1996-11-02",
    );
    departed.hq_status = Some("departed".into());
    departed.hq_status_at = Some("2026-01-20T03:15:00Z".into());
    let mut ours = entry(
        3,
        a042,
        &store.device_id().unwrap(),
        "A-042",
        "SITI AMINAH",
        "1999-04-12",
    );
    ours.hq_status = Some("splp_issued".into());
    ours.hq_status_at = Some("2026-01-21T02:40:00Z".into());
    // Budi (A-043) has left for Jakarta: Today offers to close his case.
    let mut gone = entry(4, a043, &store.device_id().unwrap(), "A-043", "", "").without_person();
    gone.hq_status = Some("departed".into());
    gone.hq_status_at = Some("2026-01-21T05:10:00Z".into());
    let entries = vec![
        departed,
        entry(
            2,
            "0197a2f4-77c0-7d55-b1e2-90af3c6d2b02",
            other,
            "B-019",
            "SITI AMINA",
            "1999-04-12",
        ),
        ours,
        gone,
    ];
    store
        .apply_index_page(&IndexPage {
            format: INDEX_FORMAT.into(),
            mission: "PNH".into(),
            request_nonce: "seed".into(),
            entries,
            next: 4,
            more: false,
        })
        .unwrap();
    // Port 9 (discard) on loopback: nothing listens there.
    store.set_hq_url(Some("http://127.0.0.1:9")).unwrap();
}

/// The samples' made-up portrait, as a case's photo.
fn specimen_photo() -> loket_pdf::Photo {
    loket_pdf::Photo::from_image(&loket_pdf::specimen::portrait_png()).unwrap()
}

/// Not a check: the figures of docs/benchmarks.md for the window, with LOKET_BENCH_CASES
/// cases (100,000 by default) in the store. Run in release mode:
/// `cargo test --release --test e2e app_benchmark -- --ignored --nocapture`.
#[tokio::test(flavor = "current_thread")]
#[ignore = "a benchmark: run it by hand (docs/benchmarks.md)"]
async fn app_benchmark() {
    let n: usize = std::env::var("LOKET_BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let counter = Counter::new("the app benchmark").expect("the tools of scripts/setup");
    let seeding = Instant::now();
    seed_many(counter.data_dir(), n);
    eprintln!("seeded {n} cases in {:.0?}", seeding.elapsed());

    let (mut to_unlock, mut unlocking, mut to_list) = (Vec::new(), Vec::new(), Vec::new());
    // Within unlocking: the passphrase and the store's opening, then the Today screen's data.
    let (mut opening, mut today_data) = (Vec::new(), Vec::new());
    let mut memory = Vec::new();
    let mut keystrokes: Vec<(&str, f64)> = Vec::new();
    let mut phases: Vec<[f64; 3]> = Vec::new();
    for run in 0..5 {
        let t0 = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs_f64()
            * 1000.0;
        let app = counter.start().await;
        app.wait_focus("officer").await;
        app.keys(&format!("Rina{}{PASSPHRASE}{}", Key::Tab, Key::Enter))
            .await;
        app.wait_css("#count-intakes").await;
        app.ctrl("f").await;
        app.wait_css("#case-list[data-shown='q:']").await;
        // The page's own marks (ui/src/marks.ts), in milliseconds since the epoch; the last
        // is recorded just after the rows are painted.
        let marks = loop {
            let marks = app
                .client
                .execute(
                    "const m = ['unlock-screen', 'unlock-submit', 'today-shown', 'cases-open',
                                'rows-shown', 'store-open', 'today-data']
                               .map(n => performance.getEntriesByName('loket:' + n).pop());
                     return m.every(Boolean) ? m.map(e => performance.timeOrigin + e.startTime) : null;",
                    vec![],
                )
                .await
                .unwrap();
            if !marks.is_null() {
                break marks;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let m: Vec<f64> = serde_json::from_value(marks).unwrap();
        to_unlock.push(m[0] - t0);
        unlocking.push(m[2] - m[1]);
        to_list.push(m[4] - m[3]);
        opening.push(m[5] - m[1]);
        today_data.push(m[6] - m[5]);
        if run == 0 {
            // Keystroke to the first rows of the new results, measured inside the page; and
            // on the way, when the `cases` command's answer arrived and when the list's DOM
            // said the new query (so the figure can be split between Rust, Preact and the
            // frame the officer sees).
            let script = r#"
                const [query, done] = arguments;
                const input = document.getElementById('search');
                const list = document.getElementById('case-list');
                const at = {};
                const fetch = window.fetch;
                window.fetch = function (url, init) {
                    const answer = fetch.call(this, url, init);
                    if (String(url).endsWith('/cases'))
                        answer.then(() => at.answer ??= performance.now() - t0);
                    return answer;
                };
                const seen = new MutationObserver(() => {
                    if (list.dataset.shown === 'q:' + query) at.dom ??= performance.now() - t0;
                });
                seen.observe(list, { attributes: true, attributeFilter: ['data-shown'] });
                const t0 = performance.now();
                input.value = query;
                input.dispatchEvent(new Event('input', { bubbles: true }));
                (function poll() {
                    if (list.dataset.shown === 'q:' + query) {
                        const shown = performance.now() - t0;
                        window.fetch = fetch;
                        seen.disconnect();
                        done([shown, at.answer ?? shown, at.dom ?? shown]);
                    } else requestAnimationFrame(poll);
                })();"#;
            for query in [
                "s", "si", "sit", "siti", "siti a", "siti am", "nur", "budi s", "C0012345", "a-1",
            ] {
                for _ in 0..5 {
                    for q in ["", query] {
                        let ms = app
                            .client
                            .execute_async(script, vec![json!(q)])
                            .await
                            .unwrap();
                        let ms: [f64; 3] = serde_json::from_value(ms).unwrap();
                        if !q.is_empty() {
                            keystrokes.push((query, ms[0]));
                            phases.push(ms);
                        }
                    }
                }
            }
            memory = memory_kib(counter.data_dir());
        }
        app.quit().await;
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let mut all: Vec<f64> = keystrokes.iter().map(|k| k.1).collect();
    all.sort_by(f64::total_cmp);
    let pct = |v: &[f64], p: f64| v[((v.len() - 1) as f64 * p) as usize];
    println!("cases stored: {n}");
    println!(
        "start (new WebDriver session) to the unlock screen, median of 5: {:.0} ms",
        median(&mut to_unlock)
    );
    println!(
        "unlock pressed to the Today screen, median of 5: {:.0} ms",
        median(&mut unlocking)
    );
    println!(
        "  of which the store opened (passphrase, key, database) {:.0} ms, then Today's data \
         {:.0} ms, then drawn",
        median(&mut opening),
        median(&mut today_data)
    );
    println!(
        "Cases screen to the first rows of every case, median of 5: {:.0} ms",
        median(&mut to_list)
    );
    println!(
        "keystroke to updated results, {} keystrokes: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        all.len(),
        pct(&all, 0.5),
        pct(&all, 0.95),
        pct(&all, 1.0)
    );
    let phase = |i: usize| median(&mut phases.iter().map(|p| p[i]).collect::<Vec<f64>>());
    let (answer, dom, shown) = (phase(1), phase(2), phase(0));
    println!(
        "  medians: the `cases` answer in the page {answer:.1} ms, the list's DOM updated \
         {dom:.1} ms, the frame that shows it {shown:.1} ms"
    );
    let mut queries: Vec<&str> = keystrokes.iter().map(|k| k.0).collect();
    queries.dedup();
    for q in queries {
        let mut v: Vec<f64> = keystrokes
            .iter()
            .filter(|k| k.0 == q)
            .map(|k| k.1)
            .collect();
        println!("  {q:>10}: median {:.1} ms", median(&mut v));
    }
    for (what, rss, pss) in memory {
        let mib = |kib: u64| kib as f64 / 1024.0;
        println!(
            "memory, {what}: resident (VmRSS) {:.0} MiB, proportional (Pss) {:.0} MiB",
            mib(rss),
            mib(pss)
        );
    }
}
/// `n` cases saved the way the app saves them (synchronous=OFF while seeding only).
fn seed_many(dir: &Path, n: usize) {
    let (mut store, _) = loket_store::Store::init(dir, OFFICER, PASSPHRASE, "PNH").unwrap();
    store.tamper("PRAGMA synchronous = OFF").unwrap();
    let example: serde_json::Value =
        serde_json::from_str(include_str!("../crates/core/tests/fixtures/example.json")).unwrap();
    let given = [
        "SITI", "DEWI", "NUR", "AYU", "RINA", "BUDI", "AGUS", "EKO", "RUDI", "IKA",
    ];
    let family = [
        "AMINAH", "LESTARI", "HALIZA", "SANTOSO", "WIJAYA", "PRATAMA", "SARI", "PUTRI",
    ];
    for i in 0..n {
        let mut v = example.clone();
        v.as_object_mut().unwrap().remove("id");
        let name = format!(
            "{} {} {}",
            given[i % given.len()],
            given[(i / 10) % given.len()],
            family[(i / 100) % family.len()]
        );
        v["ticket"] = json!(format!("A-{i}"));
        v["person"]["full_name"] = json!(name);
        v["person"]["aliases"] = json!([]);
        v["person"]["nik"] = json!(format!("32034152049{:05}", i % 100_000));
        v["passport"]["number"] = json!(format!("C{:07}", i));
        // Birth dates spread over 40 years, as at a real counter (duplicate checks look up
        // the cases born the same day).
        let born = chrono::NaiveDate::from_ymd_opt(1966, 1, 1).unwrap()
            + chrono::Days::new((i * 7919 % 14_600) as u64);
        v["person"]["date_of_birth"] = json!(born.to_string());
        v["person"]["sex"] = json!(["M", "F"][i % 2]);
        store
            .save(serde_json::from_value(v).unwrap(), None)
            .unwrap();
    }
    store.tamper("PRAGMA synchronous = FULL").unwrap();
}

/// The `/proc/PID` folders of the processes started for the counter with data folder `data`
/// (the app and the WebKit processes it starts inherit its `LOKET_DATA_DIR`).
fn processes_of(data: &Path) -> Vec<PathBuf> {
    let needle = format!("LOKET_DATA_DIR={}", data.display());
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|p| {
            let environ = std::fs::read(p.join("environ")).unwrap_or_default();
            environ.split(|b| *b == 0).any(|kv| kv == needle.as_bytes())
        })
        .collect()
}

/// Memory of this counter's app process and of the WebKit processes it started, in KiB: the
/// resident set (`VmRSS`, which counts a shared library once in every process that maps it:
/// libwebkit2gtk, libjavascriptcore and ICU's data are in each of them) and the proportional
/// set (`Pss` of `/proc/PID/smaps_rollup`: each shared page divided among the processes that
/// map it, so the sum over processes is what they take from the machine together).
fn memory_kib(data: &Path) -> Vec<(String, u64, u64)> {
    let mut by_name: Vec<(String, u64, u64)> = Vec::new();
    for proc in processes_of(data) {
        let status = std::fs::read_to_string(proc.join("status")).unwrap_or_default();
        let rollup = std::fs::read_to_string(proc.join("smaps_rollup")).unwrap_or_default();
        let field = |text: &str, name: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        let kib = |text: &str, name: &str| -> u64 {
            field(text, name)
                .trim_end_matches(" kB")
                .trim()
                .parse()
                .unwrap_or(0)
        };
        // The app and the web content and network processes it starts; not the test's
        // WebKitWebDriver, which shares the data folder's variable but is no part of Loket.
        let name = field(&status, "Name:");
        if name != "loket-app" && !(name.starts_with("WebKit") && name != "WebKitWebDriver") {
            continue;
        }
        let (rss, pss) = (kib(&status, "VmRSS:"), kib(&rollup, "Pss:"));
        match by_name.iter_mut().find(|(n, _, _)| *n == name) {
            Some(row) => (row.1, row.2) = (row.1 + rss, row.2 + pss),
            None => by_name.push((name, rss, pss)),
        }
    }
    let (rss, pss) = by_name
        .iter()
        .fold((0, 0), |(r, p), row| (r + row.1, p + row.2));
    by_name.push(("together".to_string(), rss, pss));
    by_name
}
