//! Standard output that survives a closed pipe (`loket case list | head`).

use crate::failure::Failure;
use serde::Serialize;
use std::io::Write;

/// Prints one line; a reader that went away ends the command quietly.
pub fn line(text: &str) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")
        .and_then(|()| out.flush())
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::BrokenPipe => Failure::quiet(),
            _ => Failure::new(1, format!("cannot write the output: {e}")),
        })
}

/// Prints a value as pretty JSON.
pub fn json<T: Serialize>(value: &T) -> Result<(), Failure> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| Failure::new(1, format!("cannot write JSON: {e}")))?;
    line(&text)
}
