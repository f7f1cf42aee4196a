//! The mission as a printed request names it: code, name, address and city.

use crate::audit::{self, counter};
use crate::error::Result;
use crate::Store;
use serde::Serialize;

/// The mission this counter serves, as printed at the top of each request.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
pub struct MissionProfile {
    /// `PNH`: begins every serial number.
    pub code: String,
    /// "Kedutaan Besar Republik Indonesia di Phnom Penh".
    pub name: String,
    /// The street address, as many lines as it needs.
    pub address: String,
    /// The place printed beside the signatures ("Phnom Penh").
    pub city: String,
}

impl MissionProfile {
    /// Whether a request can be printed: name, address and city are all set.
    pub fn is_complete(&self) -> bool {
        [&self.name, &self.address, &self.city]
            .iter()
            .all(|s| !s.trim().is_empty())
    }
}

const KEYS: [&str; 3] = ["mission_name", "mission_address", "mission_city"];

impl Store {
    /// The mission's code, name, address and city (empty strings where not set yet).
    pub fn mission_profile(&self) -> Result<MissionProfile> {
        let mut values = Vec::with_capacity(3);
        for key in KEYS {
            let value = crate::meta::get(&self.conn, key)?;
            values.push(String::from_utf8_lossy(&value.unwrap_or_default()).into_owned());
        }
        let [name, address, city] = <[String; 3]>::try_from(values).expect("three keys");
        Ok(MissionProfile {
            code: self.mission.clone(),
            name,
            address,
            city,
        })
    }

    /// The mission as printed at the top of a request or a list: refused while its name,
    /// address and city are not set.
    pub(crate) fn printable_mission(&self) -> Result<MissionProfile> {
        let mission = self.mission_profile()?;
        if !mission.is_complete() {
            return Err(crate::StoreError::MissionProfileMissing);
        }
        Ok(mission)
    }

    /// Sets the mission's name, address and city (trimmed); the code has `set_mission`.
    /// A change is an entry in the audit log: they are printed on every request.
    pub fn set_mission_details(&mut self, name: &str, address: &str, city: &str) -> Result<()> {
        let now = self.mission_profile()?;
        let new = [name.trim(), address.trim(), city.trim()];
        if new == [now.name.as_str(), &now.address, &now.city] {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        for (key, value) in KEYS.iter().zip(new) {
            crate::meta::put(&tx, key, value.as_bytes())?;
        }
        audit::append_counter(&tx, &self.officer, counter::MISSION_DETAILS, None, "")?;
        tx.commit()?;
        self.committed();
        Ok(())
    }
}
