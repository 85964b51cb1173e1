//! The durable outbox of callback requests: SQLite in the state directory, WAL with
//! synchronous FULL, so a request is on disk before the visitor reads "Dank u wel"
//! and survives a power cut. Each row holds the exact body that will be sent, so
//! every retry sends the same bytes under the same idempotency key.
//!
//! Once delivery is confirmed the body (all personal data) is erased: the row keeps
//! only id and times, for the status figures. So is the body of a request that could
//! not be delivered within `callback.max_age_days` (`expire`): nothing personal sits
//! on a kiosk for months; the row stays as a count-only receipt (`expired`).
//! `secure_delete` and a WAL checkpoint make sure the erased bytes do not linger in
//! free pages or the log.
//!
//! A request must find room even on a disk that something else filled: next to the
//! outbox lies a spare file (`outbox.spare`, 1 MiB) that is given up when the outbox
//! cannot be opened or a request cannot be saved for want of space, and made again
//! when there is room (pictures keep a larger reserve free: `image_cache`).

use super::CallbackRequest;
use anyhow::Context;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::path::Path;

pub const FILE_NAME: &str = "outbox.sqlite";

/// Room kept for the outbox on a full disk (see the module's header).
pub const SPARE_FILE: &str = "outbox.spare";
const SPARE_BYTES: usize = 1 << 20;

pub struct Outbox {
    conn: Connection,
    /// The spare file beside it (opened with `open_in`).
    spare: Option<std::path::PathBuf>,
}

/// A request waiting for delivery.
#[derive(Debug, Clone)]
pub struct Pending {
    pub id: String,
    pub body: Vec<u8>,
    pub attempts: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OutboxStatus {
    /// Waiting for delivery (including those that need attention).
    pub pending: u64,
    pub oldest_pending_age_s: Option<i64>,
    pub delivered: u64,
    /// Refused by the intake with a 4xx other than 408/409/429: kept, retried slowly,
    /// and someone should look.
    pub failed_attention: u64,
    /// Not delivered within `callback.max_age_days`: erased, counted.
    pub expired: u64,
    /// Of those, expired in the last [`RECENT_DAYS`] days.
    pub expired_recently: u64,
}

/// How long an expiry counts as recent (health's `outbox_expired`).
pub const RECENT_DAYS: i64 = 7;

const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL,
    body BLOB,
    state TEXT NOT NULL CHECK (state IN ('pending', 'attention', 'delivered', 'expired')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error TEXT,
    delivered_at INTEGER
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (state, next_attempt_at);";

impl Outbox {
    pub fn open(path: &Path) -> anyhow::Result<Outbox> {
        let conn = crate::state::open_sqlite(path).context("cannot open the outbox")?;
        // Erased rows are overwritten, not just unlinked.
        conn.pragma_update(None, "secure_delete", "ON")?;
        conn.execute_batch(SCHEMA)?;
        migrate(&conn)?;
        Ok(Outbox { conn, spare: None })
    }

    /// The outbox of a state directory, with its spare room: given up when the disk is
    /// too full to open it, made (again) when there is room.
    pub fn open_in(state_dir: &Path) -> anyhow::Result<Outbox> {
        std::fs::create_dir_all(state_dir)
            .with_context(|| format!("cannot create state directory {}", state_dir.display()))?;
        let path = state_dir.join(FILE_NAME);
        let spare = state_dir.join(SPARE_FILE);
        let mut outbox = match Outbox::open(&path) {
            Ok(o) => o,
            Err(err) if release(&spare) => {
                tracing::warn!("outbox: {err:#}; its spare room was used");
                Outbox::open(&path)?
            }
            Err(err) => return Err(err),
        };
        make_spare(&spare);
        outbox.spare = Some(spare);
        Ok(outbox)
    }

    /// Commits a request. When this returns `Ok`, it is on disk.
    pub fn submit(&self, request: &CallbackRequest) -> anyhow::Result<()> {
        let body = request.payload();
        let now = request.consented_at.timestamp();
        let insert = || {
            self.conn.execute(
                "INSERT INTO outbox (id, created_at, body, state, next_attempt_at) VALUES (?1, ?2, ?3, 'pending', ?2)",
                params![request.id.to_string(), now, body],
            )
        };
        match insert() {
            Err(err) if is_disk_full(&err) && self.spare.as_deref().is_some_and(release) => {
                tracing::warn!("outbox: {err}; its spare room was used");
                insert()
            }
            result => result,
        }
        .context("the request could not be saved")?;
        Ok(())
    }

    /// The request that is due first, if any is due at `now`.
    pub fn next_due(&self, now: DateTime<Utc>) -> anyhow::Result<Option<Pending>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, body, attempts FROM outbox
                 WHERE state IN ('pending', 'attention') AND next_attempt_at <= ?1 AND body IS NOT NULL
                 ORDER BY next_attempt_at, created_at LIMIT 1",
                params![now.timestamp()],
                |r| Ok(Pending { id: r.get(0)?, body: r.get(1)?, attempts: r.get(2)? }),
            )
            .optional()?)
    }

    /// When the next request becomes due (for sleeping until then).
    pub fn next_due_at(&self) -> anyhow::Result<Option<DateTime<Utc>>> {
        let at: Option<i64> = self.conn.query_row(
            "SELECT MIN(next_attempt_at) FROM outbox WHERE state IN ('pending', 'attention') AND body IS NOT NULL",
            [],
            |r| r.get(0),
        )?;
        Ok(at.and_then(|t| DateTime::from_timestamp(t, 0)))
    }

    /// Confirmed by the intake: erase the personal data, keep a receipt.
    pub fn mark_delivered(&self, id: &str, now: DateTime<Utc>) -> anyhow::Result<()> {
        self.conn.execute(
            "UPDATE outbox SET body = NULL, state = 'delivered', delivered_at = ?2, last_error = NULL,
                attempts = attempts + 1 WHERE id = ?1",
            params![id, now.timestamp()],
        )?;
        self.checkpoint();
        Ok(())
    }

    /// Pushes erased pages out of the write-ahead log. Another connection (the screen,
    /// `callback submit`, a long-lived reader such as a backup) may hold it open: then
    /// SQLite reports "busy" at once (no busy timeout for this: waiting would stall
    /// every background service on their one thread) and the delivery loop tries again
    /// on its next pass. Returns whether the log is clean.
    pub fn checkpoint(&self) -> bool {
        if let Err(err) = self.conn.busy_timeout(std::time::Duration::ZERO) {
            tracing::warn!("outbox checkpoint failed: {err}");
            return false;
        }
        let result = self
            .conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                r.get::<_, i64>(0)
            });
        if let Err(err) = self.conn.busy_timeout(crate::state::BUSY_TIMEOUT) {
            tracing::warn!("outbox: {err}");
        }
        match result {
            Ok(0) => true,
            Ok(_) => {
                tracing::debug!("outbox checkpoint busy; will retry");
                false
            }
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy =>
            {
                tracing::debug!("outbox checkpoint busy; will retry");
                false
            }
            Err(err) => {
                tracing::warn!("outbox checkpoint failed: {err}");
                false
            }
        }
    }

    pub fn mark_retry(
        &self,
        id: &str,
        next: DateTime<Utc>,
        error: &str,
        attention: bool,
    ) -> anyhow::Result<()> {
        self.conn.execute(
            "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2, last_error = ?3,
                state = CASE WHEN ?4 THEN 'attention' ELSE 'pending' END
             WHERE id = ?1 AND state != 'delivered'",
            params![id, next.timestamp(), error, attention],
        )?;
        Ok(())
    }

    /// Makes every waiting request due now ("refresh now" on the admin screen).
    pub fn retry_all_now(&self, now: DateTime<Utc>) -> anyhow::Result<usize> {
        Ok(self.conn.execute(
            "UPDATE outbox SET next_attempt_at = ?1 WHERE state IN ('pending', 'attention')",
            params![now.timestamp()],
        )?)
    }

    /// Erases every request still waiting after `max_age` (its body: all personal
    /// data) and keeps a count-only receipt. Returns how many expired now.
    pub fn expire(&self, now: DateTime<Utc>, max_age: chrono::Duration) -> anyhow::Result<usize> {
        let cutoff = (now - max_age).timestamp();
        let n = self.conn.execute(
            // An expired row is never attempted again: its `next_attempt_at` keeps
            // when it expired (what `expired_recently` counts).
            "UPDATE outbox SET body = NULL, state = 'expired', last_error = NULL,
                next_attempt_at = ?2
             WHERE state IN ('pending', 'attention') AND created_at <= ?1",
            params![cutoff, now.timestamp()],
        )?;
        if n > 0 {
            tracing::warn!(
                expired = n,
                "callback requests not delivered within {} days: erased",
                max_age.num_days()
            );
            self.checkpoint();
        }
        Ok(n)
    }

    pub fn status(&self, now: DateTime<Utc>) -> anyhow::Result<OutboxStatus> {
        let recent = (now - chrono::Duration::days(RECENT_DAYS)).timestamp();
        let (pending, oldest, delivered, attention, expired, expired_recently) =
            self.conn.query_row(
                "SELECT
                    COALESCE(SUM(state IN ('pending', 'attention')), 0),
                    MIN(CASE WHEN state IN ('pending', 'attention') THEN created_at END),
                    COALESCE(SUM(state = 'delivered'), 0),
                    COALESCE(SUM(state = 'attention'), 0),
                    COALESCE(SUM(state = 'expired'), 0),
                    COALESCE(SUM(state = 'expired' AND next_attempt_at >= ?1), 0)
                 FROM outbox",
                [recent],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Option<i64>>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, i64>(4)?,
                        r.get::<_, i64>(5)?,
                    ))
                },
            )?;
        Ok(OutboxStatus {
            pending: pending as u64,
            oldest_pending_age_s: oldest.map(|t| (now.timestamp() - t).max(0)),
            delivered: delivered as u64,
            failed_attention: attention as u64,
            expired: expired as u64,
            expired_recently: expired_recently as u64,
        })
    }
}

/// Whether SQLite failed for want of space (or could not grow its files).
fn is_disk_full(err: &rusqlite::Error) -> bool {
    matches!(err, rusqlite::Error::SqliteFailure(e, _)
        if matches!(e.code, rusqlite::ErrorCode::DiskFull | rusqlite::ErrorCode::SystemIoFailure))
}

/// Gives up the spare room; whether there was any.
fn release(spare: &Path) -> bool {
    std::fs::remove_file(spare).is_ok()
}

/// Makes the spare file if it is missing and the disk has room for it and more.
fn make_spare(spare: &Path) {
    if spare.exists() {
        return;
    }
    let room = spare
        .parent()
        .and_then(crate::status::free_disk_bytes)
        .is_some_and(|free| free >= 4 * SPARE_BYTES as u64);
    if !room {
        return;
    }
    let tmp = spare.with_extension("spare.tmp");
    let written = std::fs::write(&tmp, vec![0u8; SPARE_BYTES])
        .and_then(|()| std::fs::File::open(&tmp)?.sync_all())
        .and_then(|()| std::fs::rename(&tmp, spare));
    if let Err(err) = written {
        let _ = std::fs::remove_file(&tmp);
        tracing::debug!("no spare room for the outbox: {err}");
    }
}

/// An outbox from before `expired` existed: its table is copied, row for row, into
/// one whose check allows it, in one transaction (nothing saved is lost).
fn migrate(conn: &Connection) -> anyhow::Result<()> {
    let sql: String = conn.query_row(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'outbox'",
        [],
        |r| r.get(0),
    )?;
    if sql.contains("'expired'") {
        return Ok(());
    }
    conn.execute_batch(&format!(
        "BEGIN IMMEDIATE;
         DROP INDEX IF EXISTS outbox_due;
         ALTER TABLE outbox RENAME TO outbox_old;
         {SCHEMA}
         INSERT INTO outbox (id, created_at, body, state, attempts, next_attempt_at, last_error, delivered_at)
             SELECT id, created_at, body, state, attempts, next_attempt_at, last_error, delivered_at FROM outbox_old;
         DROP TABLE outbox_old;
         COMMIT;"
    ))
    .context("cannot update the outbox to this version")?;
    tracing::info!("outbox updated to this version (requests kept)");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callback::{FirstName, PhoneNumber, TimeSlot};
    use crate::i18n::Lang;

    fn request(now: DateTime<Utc>) -> CallbackRequest {
        CallbackRequest::new(
            "kiosk-1",
            FirstName::parse("Anna").unwrap(),
            PhoneNumber::parse("0612345678").unwrap(),
            TimeSlot::Morning,
            None,
            Lang::Nl,
            now,
        )
    }

    #[test]
    fn a_delivered_request_leaves_no_personal_data_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        let outbox = Outbox::open_in(dir.path()).unwrap();
        let r = request(now);
        outbox.submit(&r).unwrap();
        let status = outbox.status(now).unwrap();
        assert_eq!((status.pending, status.delivered), (1, 0));
        let due = outbox.next_due(now).unwrap().expect("due at once");
        assert_eq!(due.id, r.id.to_string());
        assert_eq!(
            due.body,
            r.payload(),
            "the stored body is what will be sent"
        );
        outbox.mark_delivered(&due.id, now).unwrap();
        drop(outbox);
        let status = Outbox::open_in(dir.path()).unwrap().status(now).unwrap();
        assert_eq!((status.pending, status.delivered), (0, 1));
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("Anna"), "the name is gone from disk");
            assert!(!text.contains("612345678"), "the number is gone from disk");
        }
    }

    #[test]
    fn old_undelivered_requests_expire_and_leave_only_a_count() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        let outbox = Outbox::open_in(dir.path()).unwrap();
        let old = request(now - chrono::Duration::days(15));
        let fresh = request(now - chrono::Duration::days(13));
        outbox.submit(&old).unwrap();
        outbox.submit(&fresh).unwrap();
        assert_eq!(outbox.expire(now, chrono::Duration::days(14)).unwrap(), 1);
        let status = outbox.status(now).unwrap();
        assert_eq!((status.pending, status.expired), (1, 1));
        assert_eq!(status.expired_recently, 1);
        let later = outbox.status(now + chrono::Duration::days(8)).unwrap();
        assert_eq!(
            (later.expired, later.expired_recently),
            (1, 0),
            "counted for good, recent for a week"
        );
        assert_eq!(
            outbox.next_due(now).unwrap().map(|p| p.id),
            Some(fresh.id.to_string()),
            "an expired request is never sent"
        );
        outbox.mark_delivered(&fresh.id.to_string(), now).unwrap();
        drop(outbox);
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("Anna") && !text.contains("612345678"));
        }
    }

    #[test]
    fn an_outbox_of_the_previous_version_is_updated_without_loss() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "CREATE TABLE outbox (
                    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, body BLOB,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'attention', 'delivered')),
                    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL,
                    last_error TEXT, delivered_at INTEGER);
                 INSERT INTO outbox VALUES ('a', 1, x'7b7d', 'pending', 2, 1, NULL, NULL);
                 INSERT INTO outbox VALUES ('b', 1, NULL, 'delivered', 1, 1, NULL, 5);",
            )
            .unwrap();
        }
        let outbox = Outbox::open(&path).unwrap();
        let now = DateTime::from_timestamp(1000, 0).unwrap();
        let status = outbox.status(now).unwrap();
        assert_eq!((status.pending, status.delivered), (1, 1));
        let due = outbox.next_due(now).unwrap().unwrap();
        assert_eq!(
            (due.id.as_str(), due.body.as_slice(), due.attempts),
            ("a", &b"{}"[..], 2)
        );
        assert_eq!(outbox.expire(now, chrono::Duration::days(14)).unwrap(), 0);
        assert_eq!(
            outbox.expire(now, chrono::Duration::seconds(10)).unwrap(),
            1
        );
        drop(outbox);
        let again = Outbox::open(&path).unwrap();
        assert_eq!(
            again.status(now).unwrap().expired,
            1,
            "opened again: no second copy"
        );
    }

    #[test]
    fn a_checkpoint_blocked_by_a_reader_gives_up_at_once_and_succeeds_later() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        let outbox = Outbox::open_in(dir.path()).unwrap();
        let r = request(now);
        outbox.submit(&r).unwrap();
        // A long-lived reader (a backup, `sqlite3` left open) holds a snapshot.
        let reader = Connection::open(dir.path().join(FILE_NAME)).unwrap();
        reader.execute_batch("BEGIN").unwrap();
        let n: i64 = reader
            .query_row("SELECT COUNT(*) FROM outbox", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
        outbox.mark_delivered(&r.id.to_string(), now).unwrap();
        let started = std::time::Instant::now();
        assert!(!outbox.checkpoint(), "the reader still needs the log");
        // Waiting would mean sitting out SQLite's busy timeout inside the call; the
        // time is the only thing that shows it.
        assert!(
            started.elapsed() < crate::state::BUSY_TIMEOUT,
            "the services thread waited {:?} for a checkpoint",
            started.elapsed()
        );
        reader.execute_batch("COMMIT").unwrap();
        assert!(outbox.checkpoint(), "retried once the reader is done");
        // Writers still wait for each other as before.
        let timeout: i64 = outbox
            .conn
            .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
            .unwrap();
        assert_eq!(timeout, 10_000);
    }

    #[test]
    fn retries_and_attention_are_counted() {
        let dir = tempfile::tempdir().unwrap();
        let now = Utc::now();
        let outbox = Outbox::open_in(dir.path()).unwrap();
        let r = request(now - chrono::Duration::seconds(90));
        outbox.submit(&r).unwrap();
        outbox
            .mark_retry(
                &r.id.to_string(),
                now + chrono::Duration::seconds(60),
                "server answered 422",
                true,
            )
            .unwrap();
        assert!(
            outbox.next_due(now).unwrap().is_none(),
            "not due before its time"
        );
        let status = outbox.status(now).unwrap();
        assert_eq!(status.failed_attention, 1);
        assert_eq!(status.pending, 1);
        assert_eq!(status.oldest_pending_age_s, Some(90));
        assert_eq!(outbox.retry_all_now(now).unwrap(), 1);
        assert!(outbox.next_due(now).unwrap().is_some());
    }
}
