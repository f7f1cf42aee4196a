//! A command that cannot do its work: one line for the person, and the exit code.

#[derive(Debug)]
pub struct Failure {
    pub exit: u8,
    pub message: String,
}

impl Failure {
    /// The output's reader went away: stop without a word.
    pub fn quiet() -> Self {
        Failure::new(0, "")
    }

    pub fn new(exit: u8, message: impl Into<String>) -> Self {
        Failure {
            exit,
            message: message.into(),
        }
    }
}

/// Any error (the store's, headquarters', the file system's) fails the command with exit 1
/// and its own one-line message; every error type of Loket says its reason without personal
/// data.
impl<E: std::error::Error> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure::new(1, e.to_string())
    }
}
