//! The `meta` table: the store's settings and cursors, one value (bytes) per key. One read
//! and one upsert, on any connection or transaction.

use crate::error::Result;
use rusqlite::{Connection, OptionalExtension};

/// The value of `key`, if set.
pub(crate) fn get(conn: &Connection, key: &str) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

/// Sets `key` to `value`, in the caller's transaction when there is one.
pub(crate) fn put(conn: &Connection, key: &str, value: &[u8]) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )?
    .execute((key, value))?;
    Ok(())
}
