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

impl From<loket_hq::HqError> for Failure {
    fn from(e: loket_hq::HqError) -> Self {
        Failure::new(1, e.to_string())
    }
}
