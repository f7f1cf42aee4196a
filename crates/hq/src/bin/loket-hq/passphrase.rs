//! Headquarters' passphrase: `LOKET_HQ_PASSPHRASE` when set, otherwise asked on the terminal.

use crate::failure::Failure;
use zeroize::Zeroizing;

const ENV: &str = "LOKET_HQ_PASSPHRASE";

/// The passphrase that unlocks the secret file.
pub fn passphrase() -> Result<Zeroizing<String>, Failure> {
    if let Some(p) = from_env() {
        return Ok(p);
    }
    prompt("Passphrase: ")
}

/// A new passphrase, typed twice on a terminal.
pub fn new_passphrase() -> Result<Zeroizing<String>, Failure> {
    let p = match from_env() {
        Some(p) => p,
        None => {
            let first = prompt("New passphrase: ")?;
            let again = prompt("Repeat the passphrase: ")?;
            if *first != *again {
                return Err(Failure::new(
                    1,
                    "the two passphrases differ; nothing was created",
                ));
            }
            first
        }
    };
    if p.chars().count() < loket_hq::MIN_PASSPHRASE_CHARS {
        return Err(loket_hq::HqError::ShortPassphrase.into());
    }
    Ok(p)
}

fn from_env() -> Option<Zeroizing<String>> {
    std::env::var(ENV).ok().map(Zeroizing::new)
}

fn prompt(text: &str) -> Result<Zeroizing<String>, Failure> {
    // rpassword reads the terminal itself, not standard input.
    rpassword::prompt_password(text)
        .map(Zeroizing::new)
        .map_err(|_| {
            Failure::new(
                1,
                format!(
                    "headquarters' keys are encrypted: set {ENV} or run in a terminal to be asked"
                ),
            )
        })
}
