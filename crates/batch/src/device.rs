//! A counter's public identity (`loket.device/1`): what `loket device` prints and
//! `loket-hq device add` enrols. Headquarters checks every batch's signature against it.

use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};

use crate::error::KeyError;
use crate::keys::verifying_key_from_hex;

/// Format tag of a device identity file.
pub const DEVICE_FORMAT: &str = "loket.device/1";

/// One counter: its id, its mission and the Ed25519 key its batches are signed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceCard {
    pub device_id: String,
    pub mission: String,
    pub public_key: VerifyingKey,
}

#[derive(Serialize, Deserialize)]
struct DeviceFile {
    format: String,
    device_id: String,
    mission: String,
    public_key: String,
}

impl DeviceCard {
    /// `{"format":"loket.device/1","device_id":…,"mission":…,"public_key":"<64 hex>"}`.
    pub fn to_json(&self) -> String {
        let file = DeviceFile {
            format: DEVICE_FORMAT.into(),
            device_id: self.device_id.clone(),
            mission: self.mission.clone(),
            public_key: hex::encode(self.public_key.as_bytes()),
        };
        // Four strings always serialise.
        serde_json::to_string_pretty(&file).unwrap_or_default() + "\n"
    }

    /// Reads a device identity file; the id must be 1–64 printable ASCII characters.
    pub fn from_json(text: &str) -> Result<Self, KeyError> {
        let file: DeviceFile = serde_json::from_str(text).map_err(|_| KeyError::Malformed)?;
        if file.format != DEVICE_FORMAT {
            return Err(KeyError::UnknownFormat);
        }
        let printable =
            |s: &str| (1..=64).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_graphic());
        if !printable(&file.device_id) || !printable(&file.mission) {
            return Err(KeyError::Malformed);
        }
        let public_key = verifying_key_from_hex(&file.public_key).ok_or(KeyError::BadSigningKey)?;
        Ok(DeviceCard {
            device_id: file.device_id,
            mission: file.mission,
            public_key,
        })
    }
}
