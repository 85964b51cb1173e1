//! The one SQLite database, `hub.sqlite3` in the data directory: WAL, `synchronous =
//! FULL` (an intake answered 200 is on disk), `secure_delete = ON` (erased names and
//! numbers are overwritten, not just unlinked), and the schema's migrations, applied in
//! order on open and counted in `PRAGMA user_version`.
//!
//! [`Db`] shares one connection between the server's tasks; work on it runs on tokio's
//! blocking pool so that an fsync never stalls the async threads.

use anyhow::Context;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub const FILE_NAME: &str = "hub.sqlite3";

/// The schema, one migration per entry; never edit one that has shipped, add another.
const MIGRATIONS: &[&str] = &[
    // 1: kiosks, callback requests, staff, sessions, the audit log, daily jobs.
    "CREATE TABLE kiosks (
        id TEXT PRIMARY KEY,
        secret TEXT NOT NULL,
        previous_secret TEXT,
        previous_valid_until INTEGER,
        created_at INTEGER NOT NULL,
        last_intake_at INTEGER,
        last_test_at INTEGER
    );
    CREATE TABLE requests (
        id TEXT PRIMARY KEY,
        kiosk_id TEXT NOT NULL,
        body_sha256 BLOB,
        received_at INTEGER NOT NULL,
        first_name TEXT,
        phone TEXT,
        phone_national TEXT,
        best_time TEXT NOT NULL,
        topic_kind TEXT,
        topic_title TEXT,
        language TEXT NOT NULL,
        consent_version TEXT NOT NULL,
        consented_at INTEGER NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        outcome TEXT,
        outcome_at INTEGER,
        final INTEGER NOT NULL DEFAULT 0,
        claimed_by INTEGER,
        claimed_until INTEGER,
        note TEXT,
        erased_at INTEGER
    );
    CREATE INDEX requests_by_age ON requests (erased_at, final, received_at);
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('coordinator', 'editor', 'it', 'admin')),
        password_hash TEXT NOT NULL,
        totp_secret BLOB,
        totp_enrolled INTEGER NOT NULL DEFAULT 0,
        totp_last_step INTEGER,
        disabled INTEGER NOT NULL DEFAULT 0,
        failed_logins INTEGER NOT NULL DEFAULT 0,
        locked_until INTEGER,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE sessions (
        token_sha256 BLOB PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id),
        csrf TEXT NOT NULL,
        stage TEXT NOT NULL CHECK (stage IN ('enrol', 'full')),
        created_at INTEGER NOT NULL,
        last_seen INTEGER NOT NULL
    );
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        request_id TEXT
    );
    CREATE TABLE jobs (
        name TEXT PRIMARY KEY,
        last_day TEXT NOT NULL
    );",
    // 2: the fleet (issue 19): each kiosk's last heartbeat and screenshot, a 30-day
    // history of health and key figures, and what the alert e-mails last said.
    "CREATE TABLE fleet_status (
        kiosk_id TEXT PRIMARY KEY REFERENCES kiosks (id) ON DELETE CASCADE,
        received_at INTEGER NOT NULL,
        signed_at INTEGER NOT NULL,
        status_json TEXT NOT NULL,
        health TEXT NOT NULL CHECK (health IN ('ok', 'degraded')),
        interval_s INTEGER,
        screenshot BLOB,
        screenshot_mime TEXT,
        screenshot_taken_at INTEGER
    );
    CREATE TABLE fleet_history (
        kiosk_id TEXT NOT NULL REFERENCES kiosks (id) ON DELETE CASCADE,
        at INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('ok', 'degraded', 'offline')),
        reasons TEXT NOT NULL DEFAULT '',
        uptime_s INTEGER,
        outbox_pending INTEGER,
        oldest_pending_s INTEGER,
        feed_age_s INTEGER
    );
    CREATE INDEX fleet_history_by_kiosk ON fleet_history (kiosk_id, at);
    CREATE INDEX fleet_history_by_age ON fleet_history (at);
    CREATE TABLE fleet_alerts (
        kiosk_id TEXT PRIMARY KEY REFERENCES kiosks (id) ON DELETE CASCADE,
        notified_state TEXT NOT NULL,
        last_sent_at INTEGER
    );",
    // 3: the reasons the last alert named, so that a new reason is an alert too.
    "ALTER TABLE fleet_alerts ADD COLUMN notified_reasons TEXT NOT NULL DEFAULT '';",
    // Announcements (issue 20): messages editors write, served as the kiosks' feed;
    // the right to publish urgent notices without being admin.
    "CREATE TABLE announcements (
        id INTEGER PRIMARY KEY,
        ext_id TEXT UNIQUE,
        body_json TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('draft', 'published', 'withdrawn')),
        picture BLOB,
        picture_name TEXT,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        updated_by TEXT NOT NULL,
        published_at INTEGER,
        withdrawn_at INTEGER
    );
    CREATE INDEX announcements_by_picture ON announcements (picture_name);
    CREATE TABLE announcement_previews (
        announcement_id INTEGER NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
        version TEXT NOT NULL,
        size TEXT NOT NULL,
        png BLOB NOT NULL,
        PRIMARY KEY (announcement_id, size)
    );
    ALTER TABLE users ADD COLUMN urgent_right INTEGER NOT NULL DEFAULT 0;",
    // Impact figures (issue 20): each kiosk's counts per local day, stored once per
    // kiosk and day (a resent day replaces it). Nothing personal: counts only.
    "CREATE TABLE figures_days (
        kiosk_id TEXT NOT NULL,
        day TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (kiosk_id, day)
    );",
];

pub fn open(dir: &Path) -> anyhow::Result<Connection> {
    create_private_dir(dir)?;
    open_file(&dir.join(FILE_NAME))
}

pub fn open_file(path: &Path) -> anyhow::Result<Connection> {
    let mut conn =
        Connection::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    restrict(path);
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "secure_delete", "ON")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    migrate(&mut conn).with_context(|| format!("cannot migrate {}", path.display()))?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> anyhow::Result<()> {
    let version: usize = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > MIGRATIONS.len() {
        anyhow::bail!(
            "the database is from a newer samen-hub (schema {version}, this one knows {})",
            MIGRATIONS.len()
        );
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}

fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if !dir.exists() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
    }
    Ok(())
}

/// The database holds names and numbers: readable by the hub's user only.
fn restrict(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}

/// Moves the write-ahead log into the database file and empties it, so that erased
/// values do not linger in old WAL frames.
pub fn checkpoint(conn: &Connection) -> anyhow::Result<()> {
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

/// One connection shared by the server's tasks.
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
    pub path: PathBuf,
}

impl Db {
    pub fn open(dir: &Path) -> anyhow::Result<Db> {
        Ok(Db {
            conn: Arc::new(Mutex::new(open(dir)?)),
            path: dir.join(FILE_NAME),
        })
    }

    /// Runs `f` on the connection, on the blocking pool.
    pub async fn call<T, F>(&self, f: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> anyhow::Result<T> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.blocking(f))
            .await
            .context("database task failed")?
    }

    /// Runs `f` on the connection, on this thread (command line, tests).
    pub fn blocking<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> anyhow::Result<T>,
    ) -> anyhow::Result<T> {
        let mut conn = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut conn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_migrates_and_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let conn = open(dir.path()).unwrap();
        let v: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, MIGRATIONS.len() as i64);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let secure: i64 = conn
            .query_row("PRAGMA secure_delete", [], |r| r.get(0))
            .unwrap();
        assert_eq!(secure, 1);
        let sync: i64 = conn
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        assert_eq!(sync, 2, "FULL");
        drop(conn);
        open(dir.path()).unwrap();
    }
}
