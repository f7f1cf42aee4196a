//! What the tests of the real app share: a private X display, processes that end with the
//! test, and skipping politely outside CI when a tool is missing.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Kills the process when the test ends, however it ends.
pub struct Killed(pub Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

pub fn have(program: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

pub fn on(display: &str, program: &str, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .env("DISPLAY", display)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"))
}

/// Starts Xvfb on a free display of its own choosing; returns it and the display's name.
pub fn xvfb() -> (Killed, String) {
    let dir = tempfile::tempdir().unwrap();
    let fd_file = dir.path().join("display");
    // -displayfd writes the display number it took to the given descriptor (here stdout).
    let out = std::fs::File::create(&fd_file).unwrap();
    let server = Killed(
        Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1366x768x24"])
            .args(["-nolisten", "tcp"])
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb starts"),
    );
    let started = Instant::now();
    loop {
        let number = std::fs::read_to_string(&fd_file).unwrap_or_default();
        if number.ends_with('\n') {
            return (server, format!(":{}", number.trim()));
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "Xvfb gave no display within 20 s"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Tells scripts/test that a test skipped itself (a line starting with SKIPPED, straight to
/// stderr past the harness's capture).
pub fn skipped(what: &str) {
    // On a line of its own: the harness may have printed "test name ... " just before.
    let _ = writeln!(std::io::stderr(), "\nSKIPPED {what}");
}

/// True when every one of `tools` is on PATH. Otherwise a test skips itself (a SKIPPED line),
/// except under CI, where a missing tool is a failure.
pub fn have_all(tools: &[&str], test: &str) -> bool {
    let missing: Vec<_> = tools.iter().filter(|p| !have(p)).collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        !in_ci(),
        "CI needs {missing:?} for {test}: scripts/setup installs them"
    );
    skipped(&format!(
        "{test}: {missing:?} not installed (scripts/setup installs them)"
    ));
    false
}
