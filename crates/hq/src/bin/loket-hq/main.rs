//! `loket-hq`: headquarters' command line (shared/spec/cli.md, docs/hq.md).
//!
//! Every failure prints one line on standard error and exits non-zero; a panic prints one
//! line too (never a backtrace, never the data it was holding).
#![forbid(unsafe_code)]

mod args;
mod commands;

fn main() -> std::process::ExitCode {
    loket_term::main(
        "loket-hq",
        "the database transaction was rolled back.",
        commands::run,
    )
}
