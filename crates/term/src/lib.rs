//! What the two command lines (`loket` at the counter, `loket-hq` at headquarters) share:
//! a failure is one line and an exit code, output survives a closed pipe, passphrases come
//! from the environment or the terminal, and no user ever sees a panic's backtrace.
#![forbid(unsafe_code)]

mod failure;
mod output;
mod passphrase;

pub use failure::Failure;
pub use output::{json, line, table};
pub use passphrase::Passphrase;

use std::process::ExitCode;

/// The whole of a command line's `main`: parses `C`, runs it, prints a failure as
/// `program: reason` on standard error. A panic prints one line naming the place and
/// `after_panic` (what the user can rely on), never a backtrace or the data it held.
pub fn main<C: clap::Parser>(
    program: &'static str,
    after_panic: &'static str,
    run: impl FnOnce(C) -> Result<u8, Failure>,
) -> ExitCode {
    std::panic::set_hook(Box::new(move |info| {
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("{program}: internal error{place}; {after_panic} Please report it.");
    }));
    let cli = match C::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with 0; usage errors to stderr with 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(failure) => {
            if !failure.message.is_empty() {
                eprintln!("{program}: {}", failure.message);
            }
            ExitCode::from(failure.exit)
        }
    }
}
