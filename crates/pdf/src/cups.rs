//! Printing through CUPS: the printers the counter can use, and a job spooled from memory.
//!
//! The PDF goes to `lp` on its standard input, so no copy of it is ever written to a file by
//! Loket (CUPS keeps its own spool, private to it, until the job is printed). `server` names a
//! scheduler other than the system's (`host:port`, as `lp -h` takes it); without one, CUPS's
//! own default applies (`CUPS_SERVER`, `client.conf`, the local scheduler).

use std::io::Write;
use std::process::{Command, Stdio};

/// The printers CUPS offers, and the system's default among them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Printers {
    pub names: Vec<String>,
    pub default: Option<String>,
}

/// Why a job could not be handed to CUPS.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("CUPS is not installed (no `lp` command): open the request in the viewer instead")]
    NoCups,
    #[error("no printer named {0:?}")]
    UnknownPrinter(String),
    #[error("CUPS refused the job: {0}")]
    Refused(String),
    #[error("cannot run `lp`: {0}")]
    Io(#[from] std::io::Error),
}

/// The printers CUPS knows (`lpstat -e`) and its default (`lpstat -d`); none without CUPS.
pub fn printers(server: Option<&str>) -> Printers {
    let run = |arg: &str| {
        Command::new("lpstat")
            .args(host(server))
            .arg(arg)
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    };
    let names = run("-e")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect::<Vec<_>>();
    // "system default destination: NAME"
    let default = run("-d")
        .rsplit_once(": ")
        .map(|(_, name)| name.trim().to_string())
        .filter(|name| names.contains(name));
    Printers { names, default }
}

/// Spools `pdf` to `printer`; returns CUPS's job id (`printer-42`).
pub fn spool(server: Option<&str>, printer: &str, pdf: &[u8]) -> Result<String, PrintError> {
    if !printers(server).names.iter().any(|p| p == printer) {
        return Err(PrintError::UnknownPrinter(printer.to_string()));
    }
    let mut child = match Command::new("lp")
        .args(host(server))
        // The job's title is seen by anyone who lists the queue: no name in it.
        .args(["-d", printer, "-t", "Loket SPLP request", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(PrintError::NoCups),
        Err(e) => return Err(e.into()),
    };
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let written = stdin.write_all(pdf);
    drop(stdin);
    let out = child.wait_with_output()?;
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr).trim().to_string();
        return Err(PrintError::Refused(why));
    }
    written?;
    // "request id is printer-42 (0 file(s))"
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(text
        .split_whitespace()
        .nth(3)
        .unwrap_or_default()
        .to_string())
}

/// `-h SERVER` when a scheduler is named.
fn host(server: Option<&str>) -> Vec<&str> {
    server.map(|s| vec!["-h", s]).unwrap_or_default()
}
