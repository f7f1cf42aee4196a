//! What the counter keeps for syncing over the network: headquarters' address (a setting),
//! the cursor into the mission's index, and when the last round succeeded. The device key
//! signs requests here, so it never leaves the store.

use loket_batch::wire::SignedRequest;

use crate::cases::now;
use crate::error::{Result, StoreError};
use crate::Store;

const HQ_URL: &str = "hq_url";
const INDEX_CURSOR: &str = "index_cursor";
const LAST_SYNC: &str = "last_sync_at";

/// Headquarters' address as the officer typed it, checked and written the one way it is
/// stored: `http(s)://host[:port][/prefix]`, without a trailing slash, query or password.
pub fn normalise_hq_url(text: &str) -> Result<String> {
    let bad = || StoreError::BadHqUrl(text.trim().chars().take(200).collect());
    let url = url::Url::parse(text.trim()).map_err(|_| bad())?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host_str().is_none_or(str::is_empty)
        || !url.username().is_empty()
        || url.password().is_some()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(bad());
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

impl Store {
    fn meta_opt(&self, key: &str) -> Result<Option<String>> {
        let value = crate::meta::get(&self.conn, key)?;
        Ok(value.map(|v| String::from_utf8_lossy(&v).into_owned()))
    }

    fn set_meta(&self, key: &str, value: Option<&str>) -> Result<()> {
        match value {
            Some(v) => crate::meta::put(&self.conn, key, v.as_bytes())?,
            None => {
                self.conn
                    .execute("DELETE FROM meta WHERE key = ?1", [key])?;
            }
        };
        Ok(())
    }

    /// Headquarters' address, once set.
    pub fn hq_url(&self) -> Result<Option<String>> {
        self.meta_opt(HQ_URL)
    }

    /// Sets headquarters' address (checked, see [`normalise_hq_url`]), or clears it with
    /// `None`: the counter then syncs by USB only. Returns the address as stored.
    pub fn set_hq_url(&mut self, url: Option<&str>) -> Result<Option<String>> {
        let url = url
            .filter(|u| !u.trim().is_empty())
            .map(normalise_hq_url)
            .transpose()?;
        self.set_meta(HQ_URL, url.as_deref())?;
        Ok(url)
    }

    /// The mission index's cursor: the change number of the last entry received.
    pub fn index_cursor(&self) -> Result<u64> {
        Ok(self
            .meta_opt(INDEX_CURSOR)?
            .and_then(|c| c.parse().ok())
            .unwrap_or(0))
    }

    /// When a sync round last ended with everything sent acknowledged (RFC 3339).
    pub fn last_sync(&self) -> Result<Option<String>> {
        self.meta_opt(LAST_SYNC)
    }

    /// Records that a sync round just succeeded; returns the time recorded.
    pub fn record_sync(&mut self) -> Result<String> {
        let at = now();
        self.set_meta(LAST_SYNC, Some(&at))?;
        Ok(at)
    }

    /// The headers of `request`, signed with this counter's device key.
    pub fn sign_request(&self, request: &SignedRequest) -> Result<Vec<(&'static str, String)>> {
        Ok(request.headers(&self.signing_key()?))
    }

    pub(crate) fn set_index_cursor(tx: &rusqlite::Transaction, cursor: u64) -> Result<()> {
        crate::meta::put(tx, INDEX_CURSOR, cursor.to_string().as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::normalise_hq_url;

    #[test]
    fn addresses_are_stored_one_way_and_odd_ones_refused() {
        assert_eq!(
            normalise_hq_url(" http://10.0.0.5:8080/ ").unwrap(),
            "http://10.0.0.5:8080"
        );
        assert_eq!(
            normalise_hq_url("https://hq.kemlu.go.id/loket/").unwrap(),
            "https://hq.kemlu.go.id/loket"
        );
        for bad in [
            "",
            "hq.kemlu.go.id",
            "ftp://hq/",
            "http://user:pw@hq/",
            "http://hq/?x=1",
            "http://",
            "https://hq:99999/",
        ] {
            assert!(normalise_hq_url(bad).is_err(), "{bad:?} accepted");
        }
    }
}
