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

/// The example record's case id.
pub const ID: &str = "0190f3c2-8a7e-7b7c-9a51-3f2d1c0e4b11";

/// A store with the spec's example, finalised, and the mission's name and address set.
pub fn ready() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = Some(dir.path());
    assert_eq!(loket(&["init", "--mission", "PNH"], "", d).code, 0);
    assert_eq!(
        loket(&["case", "add", "-"], &example().to_string(), d).code,
        0
    );
    assert_eq!(loket(&["case", "finalize", ID], "", d).code, 0);
    let mission = loket(
        &[
            "mission",
            "--name",
            "Kedutaan Besar Republik Indonesia di Phnom Penh",
            "--address",
            "No. 1, Street 466\\nPhnom Penh",
            "--city",
            "Phnom Penh",
        ],
        "",
        d,
    );
    assert_eq!(mission.code, 0, "{}", mission.stderr);
    assert_eq!(mission.json()["address"], "No. 1, Street 466\nPhnom Penh");
    dir
}

/// The text of a PDF, or None (after saying so) when poppler's pdftotext is not installed;
/// in CI a missing tool is a failure.
pub fn pdf_text(pdf: &Path) -> Option<String> {
    match Command::new("pdftotext").arg(pdf).arg("-").output() {
        Ok(out) => {
            assert!(out.status.success(), "pdftotext failed");
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        Err(_) if std::env::var_os("CI").is_none() => {
            println!("\nSKIPPED pdf text check: pdftotext is not installed (poppler-utils)");
            None
        }
        Err(e) => panic!("pdftotext is needed in CI: {e}"),
    }
}
