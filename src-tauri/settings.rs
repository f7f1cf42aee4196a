//! The counter's preferences that must be read before the store is unlocked (the unlock screen
//! is already in the officer's language). No personal data: `settings.json` holds only these.

use loket_core::Lang;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

const FILE: &str = "settings.json";

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    #[serde(default)]
    pub lang: Lang,
    /// The printer last chosen for requests (a CUPS queue name).
    #[serde(default)]
    pub printer: Option<String>,
    /// A CUPS print server (`host:port`) other than the computer's own; set by hand in the
    /// file where a mission prints through a shared server.
    #[serde(default)]
    pub print_server: Option<String>,
}

fn path(dir: &Path) -> PathBuf {
    dir.join(FILE)
}

impl Settings {
    /// The saved settings; the defaults when there are none or the file is unreadable (a
    /// damaged preference must never keep the officer out).
    pub fn load(dir: &Path) -> Settings {
        std::fs::read(path(dir))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    /// Writes the settings whole (a new file renamed over the old one).
    pub fn save(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let tmp = dir.join(format!("{FILE}.new"));
        std::fs::write(&tmp, serde_json::to_vec_pretty(self)?)?;
        std::fs::rename(tmp, path(dir))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_survives_a_damaged_file() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(dir.path()).lang, Lang::Id);
        Settings {
            lang: Lang::En,
            ..Settings::default()
        }
        .save(dir.path())
        .unwrap();
        assert_eq!(Settings::load(dir.path()).lang, Lang::En);
        std::fs::write(dir.path().join(FILE), b"{not json").unwrap();
        assert_eq!(Settings::load(dir.path()).lang, Lang::Id);
    }
}
