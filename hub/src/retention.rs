//! Retention: names, numbers, notes and body hashes are erased `after_outcome_days`
//! after a final outcome and, whatever happens, `max_days` after intake. What stays
//! is a receipt without personal data (kiosk, topic, best time, dates, last outcome,
//! attempts) for figures. Each erasure is in the audit log (actor `retention`).
//!
//! Erasure is real: `secure_delete` overwrites the old values in the database pages
//! and a TRUNCATE checkpoint empties the write-ahead log, so neither file holds them
//! afterwards (a test reads both files' bytes).
//!
//! The same daily pass prunes the fleet's health history older than 30 days.
//!
//! [`run`] is one pass (what `retention run` and tests call); `serve` calls
//! [`run_if_due`] every hour, which runs at most once per calendar day.

use crate::audit::{self, Action};
use crate::config::Retention;
use rusqlite::{params, Connection, OptionalExtension};

const DAY_S: i64 = 86_400;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub erased: usize,
    pub sessions_purged: usize,
    /// Fleet history rows older than 30 days (`fleet::HISTORY_DAYS`).
    pub history_pruned: usize,
}

pub fn run(conn: &mut Connection, policy: Retention, now: i64) -> anyhow::Result<Report> {
    let tx = conn.transaction()?;
    let ids: Vec<String> = {
        let mut stmt = tx.prepare(
            "SELECT id FROM requests WHERE erased_at IS NULL AND (
                received_at <= ?1 OR (final = 1 AND outcome_at <= ?2))
             ORDER BY received_at",
        )?;
        let rows = stmt.query_map(
            params![
                now - i64::from(policy.max_days) * DAY_S,
                now - i64::from(policy.after_outcome_days) * DAY_S
            ],
            |r| r.get(0),
        )?;
        rows.collect::<Result<_, _>>()?
    };
    for id in &ids {
        tx.execute(
            "UPDATE requests SET first_name = NULL, phone = NULL, phone_national = NULL,
                note = NULL, body_sha256 = NULL, claimed_by = NULL, claimed_until = NULL,
                erased_at = ?2
             WHERE id = ?1",
            params![id, now],
        )?;
        audit::record(&tx, now, "retention", Action::Erase, None, Some(id))?;
    }
    let sessions_purged = crate::sessions::purge(&tx, now)?;
    let history_pruned = crate::fleet::prune(&tx, now)?;
    tx.commit()?;
    if !ids.is_empty() {
        crate::db::checkpoint(conn)?;
        tracing::info!(erased = ids.len(), "retention erased personal data");
    }
    Ok(Report {
        erased: ids.len(),
        sessions_purged,
        history_pruned,
    })
}

/// Whether the job `name` has not run yet on the local calendar day of `now`; marks
/// it as run when so.
pub fn first_time_today(conn: &Connection, name: &str, now: i64) -> anyhow::Result<bool> {
    if done_today(conn, name, now)? {
        return Ok(false);
    }
    mark_done_today(conn, name, now)?;
    Ok(true)
}

/// Whether the daily job `name` has already run today (Amsterdam's calendar day).
pub fn done_today(conn: &Connection, name: &str, now: i64) -> anyhow::Result<bool> {
    let today = crate::words::local_date(now).to_string();
    let last: Option<String> = conn
        .query_row("SELECT last_day FROM jobs WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(last.as_deref() == Some(today.as_str()))
}

pub fn mark_done_today(conn: &Connection, name: &str, now: i64) -> anyhow::Result<()> {
    let today = crate::words::local_date(now).to_string();
    conn.execute(
        "INSERT INTO jobs (name, last_day) VALUES (?1, ?2)
         ON CONFLICT (name) DO UPDATE SET last_day = excluded.last_day",
        params![name, today],
    )?;
    Ok(())
}

pub fn run_if_due(
    conn: &mut Connection,
    policy: Retention,
    now: i64,
) -> anyhow::Result<Option<Report>> {
    if !first_time_today(conn, "retention", now)? {
        return Ok(None);
    }
    run(conn, policy, now).map(Some)
}
