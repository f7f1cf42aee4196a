//! `loket-hq`: headquarters' command line (shared/spec/cli.md, docs/hq.md).
//!
//! Every failure prints one line on standard error and exits non-zero; a panic prints one
//! line too (never a backtrace, never the data it was holding).
#![forbid(unsafe_code)]

mod args;
mod commands;
mod failure;
mod output;
mod passphrase;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "loket-hq: internal error{place}; the database transaction was rolled back. Please report it."
        );
    }));
    let cli = match args::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with 0; usage errors to stderr with 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            if !failure.message.is_empty() {
                eprintln!("loket-hq: {}", failure.message);
            }
            ExitCode::from(failure.exit)
        }
    }
}
