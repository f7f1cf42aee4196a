//! Running the real `loket` binary, as a script or an officer would.
#![allow(dead_code)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }
}

/// The officer whose login these tests' stores are made with, and their passphrase.
pub const OFFICER: &str = "officer-1";
pub const PASSPHRASE: &str = "correct horse battery staple";

/// Runs `loket ARGS` with `stdin` piped in, in `data_dir` when given, never with a terminal.
pub fn loket(args: &[&str], stdin: &str, data_dir: Option<&Path>) -> Run {
    loket_with(args, stdin, data_dir, &[])
}

/// `loket` with more environment variables (another officer, a new passphrase).
pub fn loket_with(
    args: &[&str],
    stdin: &str,
    data_dir: Option<&Path>,
    env: &[(&str, &str)],
) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_loket"));
    cmd.args(args)
        .env_remove("LOKET_DATA_DIR")
        .env_remove("LOKET_LANG")
        .env_remove("LOKET_NEW_PASSPHRASE")
        .env("LOKET_PASSPHRASE", PASSPHRASE)
        .env("LOKET_OFFICER", OFFICER)
        .env("RUST_BACKTRACE", "1")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = data_dir {
        cmd.env("LOKET_DATA_DIR", dir);
    }
    let mut child = cmd.spawn().expect("loket runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let run = Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("stack backtrace"),
        "a user saw a panic: {}",
        run.stderr
    );
    run
}

/// The example record of shared/spec/intake-record.md.
pub fn example() -> serde_json::Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../core/tests/fixtures/example.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}
