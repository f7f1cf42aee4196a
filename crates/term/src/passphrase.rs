//! A passphrase: from an environment variable when set (scripts, tests), otherwise asked on
//! the terminal (never read from standard input, which may carry a record).

use crate::Failure;
use zeroize::Zeroizing;

/// Where one program's passphrase comes from, and what it unlocks.
pub struct Passphrase {
    /// The environment variable, e.g. `LOKET_PASSPHRASE`.
    pub env: &'static str,
    /// What is locked, for the refusal without a terminal: "the store is encrypted".
    pub locked: &'static str,
}

impl Passphrase {
    /// The passphrase of something that exists.
    pub fn existing(&self) -> Result<Zeroizing<String>, Failure> {
        match self.in_env() {
            Some(p) => Ok(p),
            None => self.prompt("Passphrase: "),
        }
    }

    /// A new passphrase (typed twice on a terminal) of at least `min_chars` characters;
    /// `too_short` is the refusal otherwise.
    pub fn new_one(&self, min_chars: usize, too_short: &str) -> Result<Zeroizing<String>, Failure> {
        let p = match self.in_env() {
            Some(p) => p,
            None => {
                let first = self.prompt("New passphrase: ")?;
                let again = self.prompt("Repeat the passphrase: ")?;
                if *first != *again {
                    return Err(Failure::new(
                        1,
                        "the two passphrases differ; nothing was created",
                    ));
                }
                first
            }
        };
        if p.chars().count() < min_chars {
            return Err(Failure::new(1, too_short));
        }
        Ok(p)
    }

    fn in_env(&self) -> Option<Zeroizing<String>> {
        std::env::var(self.env).ok().map(Zeroizing::new)
    }

    fn prompt(&self, text: &str) -> Result<Zeroizing<String>, Failure> {
        // rpassword reads the terminal itself, not standard input.
        rpassword::prompt_password(text)
            .map(Zeroizing::new)
            .map_err(|_| {
                Failure::new(
                    1,
                    format!(
                        "{}: set {} or run in a terminal to be asked",
                        self.locked, self.env
                    ),
                )
            })
    }
}
