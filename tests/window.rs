//! The real app opens its window: `loket-app` under a private Xvfb shows a window titled
//! "Loket" and keeps running.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Kills the process when the test ends, however it ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn the_app_opens_a_window_titled_loket() {
    if !have("Xvfb") || !have("xwininfo") {
        assert!(
            std::env::var_os("CI").is_none(),
            "Xvfb and xwininfo are needed in CI: scripts/setup installs them"
        );
        eprintln!("skipped: no Xvfb/xwininfo here (scripts/setup installs them)");
        return;
    }
    // Xvfb picks a free display and writes its number to stdout.
    let mut xvfb = Killed(
        Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1366x768x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts"),
    );
    let mut line = String::new();
    BufReader::new(xvfb.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let display = format!(":{}", line.trim());
    let data = tempfile::tempdir().unwrap();
    let mut app = Killed(
        Command::new(env!("CARGO_BIN_EXE_loket-app"))
            .env("DISPLAY", &display)
            .env("HOME", data.path())
            .env("XDG_DATA_HOME", data.path())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("loket-app starts"),
    );
    let started = Instant::now();
    let mut seen = false;
    while started.elapsed() < Duration::from_secs(60) && !seen {
        std::thread::sleep(Duration::from_millis(250));
        if let Some(status) = app.0.try_wait().unwrap() {
            let mut err = String::new();
            let _ = std::io::Read::read_to_string(&mut app.0.stderr.take().unwrap(), &mut err);
            panic!("loket-app exited with {status}: {err}");
        }
        let tree = Command::new("xwininfo")
            .args(["-root", "-tree"])
            .env("DISPLAY", &display)
            .output()
            .unwrap();
        seen = String::from_utf8_lossy(&tree.stdout).contains("\"Loket\"");
    }
    assert!(seen, "no window titled Loket within 60 s");
    std::thread::sleep(Duration::from_secs(2));
    assert!(
        app.0.try_wait().unwrap().is_none(),
        "the app closed by itself"
    );
}
