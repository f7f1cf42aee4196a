//! `loket`: the counter's command line (shared/spec/cli.md).
//!
//! Every failure prints one line on standard error and exits non-zero; a panic prints one
//! line too (never a backtrace, never the data it was holding).
#![forbid(unsafe_code)]

mod args;
mod commands;
mod input;

fn main() -> std::process::ExitCode {
    loket_term::main("loket", "nothing was left half-written.", commands::run)
}
