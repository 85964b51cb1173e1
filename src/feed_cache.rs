//! The last good body of every feed source, in SQLite in the state directory, so the
//! kiosk starts with real data before any network and keeps showing it when the
//! network fails. A body is stored only after it parsed: a bad fetch never replaces
//! a good one. SQLite (WAL, synchronous FULL) survives a power cut mid-write.

use crate::fetch::Validators;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;

pub struct FeedCache {
    conn: Connection,
}

#[derive(Debug, Clone)]
pub struct CachedFeed {
    pub body: Vec<u8>,
    pub validators: Validators,
    /// When this body was fetched.
    pub fetched_at: DateTime<Utc>,
    /// When the server last confirmed it (200 or 304).
    pub checked_at: DateTime<Utc>,
}

fn time(seconds: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(seconds, 0).unwrap_or(DateTime::UNIX_EPOCH)
}

impl FeedCache {
    pub fn open(path: &Path) -> anyhow::Result<FeedCache> {
        let conn = crate::state::open_sqlite(path)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS feed_cache (
                source TEXT PRIMARY KEY,
                body BLOB NOT NULL,
                etag TEXT,
                last_modified TEXT,
                fetched_at INTEGER NOT NULL,
                checked_at INTEGER NOT NULL
            )",
        )?;
        Ok(FeedCache { conn })
    }

    pub fn load(&self, source: &str) -> anyhow::Result<Option<CachedFeed>> {
        let row = self
            .conn
            .query_row(
                "SELECT body, etag, last_modified, fetched_at, checked_at FROM feed_cache WHERE source = ?1",
                params![source],
                |r| {
                    Ok(CachedFeed {
                        body: r.get(0)?,
                        validators: Validators { etag: r.get(1)?, last_modified: r.get(2)? },
                        fetched_at: time(r.get(3)?),
                        checked_at: time(r.get(4)?),
                    })
                },
            )
            .optional()?;
        Ok(row)
    }

    pub fn store(
        &self,
        source: &str,
        body: &[u8],
        validators: &Validators,
        now: DateTime<Utc>,
    ) -> anyhow::Result<()> {
        self.conn.execute(
            "INSERT INTO feed_cache (source, body, etag, last_modified, fetched_at, checked_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)
             ON CONFLICT(source) DO UPDATE SET body = ?2, etag = ?3, last_modified = ?4,
                fetched_at = ?5, checked_at = ?5",
            params![
                source,
                body,
                validators.etag,
                validators.last_modified,
                now.timestamp()
            ],
        )?;
        Ok(())
    }

    /// The server said "not modified": the stored body is current.
    pub fn confirm(&self, source: &str, now: DateTime<Utc>) -> anyhow::Result<()> {
        self.conn.execute(
            "UPDATE feed_cache SET checked_at = ?2 WHERE source = ?1",
            params![source, now.timestamp()],
        )?;
        Ok(())
    }
}
