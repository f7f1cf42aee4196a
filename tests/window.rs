//! The real app in a real window: `loket-app` under a private Xvfb opens a window titled
//! "Loket", shows the page from `ui/` (its stylesheet passed the CSP) and keeps running; with no
//! display at all it says so in one line instead of panicking.
//!
//! Needs Xvfb, xwininfo (x11-utils) and import (imagemagick); `scripts/setup` installs them.
//! Without them the window test is skipped, except under CI, where it fails.
//! `LOKET_SCREENSHOT=/abs/path.png` also saves a picture of the window there.

mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{have_all, on, xvfb, Killed};

const APP: &str = env!("CARGO_BIN_EXE_loket-app");
/// The page's accent colour (`ui/style.css`: the card's top border and the heading).
const ACCENT: [u8; 3] = [0x1f, 0x4e, 0x79];

/// `Some((id, width, height))` of the viewable window titled exactly "Loket".
fn loket_window(display: &str) -> Option<(String, usize, usize)> {
    let tree = on(display, "xwininfo", &["-root", "-tree"]);
    let tree = String::from_utf8_lossy(&tree.stdout);
    for line in tree.lines().filter(|l| l.contains("\"Loket\":")) {
        let id = line.split_whitespace().next()?.to_string();
        let info = on(display, "xwininfo", &["-id", &id]);
        let info = String::from_utf8_lossy(&info.stdout);
        let field = |name: &str| {
            info.lines()
                .find_map(|l| l.trim().strip_prefix(name).map(|v| v.trim().to_string()))
        };
        if field("Map State:").as_deref() == Some("IsViewable") {
            let width = field("Width:")?.parse().ok()?;
            let height = field("Height:")?.parse().ok()?;
            return Some((id, width, height));
        }
    }
    None
}

/// How many of the window's pixels have the page's accent colour.
fn accent_pixels(display: &str, id: &str, width: usize, height: usize) -> usize {
    let shot = on(display, "import", &["-window", id, "-depth", "8", "rgb:-"]);
    if shot.stdout.len() != width * height * 3 {
        return 0;
    }
    shot.stdout
        .chunks_exact(3)
        .filter(|p| p.iter().zip(ACCENT).all(|(&a, b)| a.abs_diff(b) <= 2))
        .count()
}

#[test]
fn the_app_opens_a_window_titled_loket_showing_the_page() {
    if !have_all(&["Xvfb", "xwininfo", "import"], "the window test") {
        return;
    }
    let (_xvfb, display) = xvfb();
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("stderr.txt");
    let mut app = Killed(
        Command::new(APP)
            .env("DISPLAY", &display)
            .env_remove("WAYLAND_DISPLAY")
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("XDG_CONFIG_HOME", home.path().join("config"))
            .env("XDG_CACHE_HOME", home.path().join("cache"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .expect("loket-app starts"),
    );
    let stderr = || std::fs::read_to_string(&log).unwrap_or_default();

    // The window appears, and the page inside it is drawn with its stylesheet.
    let started = Instant::now();
    let mut window = None;
    let mut painted = false;
    while started.elapsed() < Duration::from_secs(90) && !painted {
        std::thread::sleep(Duration::from_millis(500));
        if let Some(status) = app.0.try_wait().unwrap() {
            panic!("loket-app exited with {status}: {}", stderr());
        }
        window = window.or_else(|| loket_window(&display));
        if let Some((id, width, height)) = &window {
            painted = accent_pixels(&display, id, *width, *height) > 1000;
        }
    }
    let Some((id, width, height)) = window else {
        panic!(
            "no viewable window titled \"Loket\" within 90 s; stderr: {}",
            stderr()
        );
    };
    assert!(
        (1024..=1366).contains(&width) && (600..=768).contains(&height),
        "the window is {width}×{height}, not sized for a 1366×768 screen"
    );
    assert!(
        painted,
        "the window never showed ui/index.html with its stylesheet; stderr: {}",
        stderr()
    );

    // Still there a few seconds later.
    std::thread::sleep(Duration::from_secs(3));
    assert!(
        app.0.try_wait().unwrap().is_none(),
        "the app closed by itself: {}",
        stderr()
    );
    assert!(loket_window(&display).is_some(), "the window went away");

    if let Some(path) = std::env::var_os("LOKET_SCREENSHOT") {
        let path = Path::new(&path);
        let shot = on(
            &display,
            "import",
            &["-window", &id, &path.to_string_lossy()],
        );
        assert!(shot.status.success(), "screenshot to {}", path.display());
        eprintln!("screenshot: {}", path.display());
    }
}

#[test]
fn without_a_display_the_app_says_so_in_one_line() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(APP)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env("RUST_BACKTRACE", "1")
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .stdin(Stdio::null())
        .output()
        .expect("loket-app runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    let lines: Vec<_> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(
        lines,
        ["loket-app: cannot start: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset)"],
        "one line, no panic or backtrace"
    );
}
