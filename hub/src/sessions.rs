//! Login sessions, in the database: the cookie holds 32 random bytes, the table only
//! their SHA-256 (a copy of the database does not log anyone in). A session ends
//! after [`IDLE_S`] without a request, at logout, and when the account is disabled or
//! its TOTP reset. Each session has its own CSRF token for the forms.

use crate::accounts::{Role, User};
use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

pub const IDLE_S: i64 = 30 * 60;
pub const COOKIE: &str = "samen_hub_session";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Password right, TOTP still to be set up: only the enrolment page.
    Enrol,
    Full,
}

impl Stage {
    fn key(self) -> &'static str {
        match self {
            Stage::Enrol => "enrol",
            Stage::Full => "full",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
    pub stage: Stage,
}

fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A new session; returns the cookie's token.
pub fn create(conn: &Connection, user: &User, stage: Stage, now: i64) -> anyhow::Result<String> {
    let token = crate::random::token()?;
    let csrf = crate::random::token()?;
    conn.execute(
        "INSERT INTO sessions (token_sha256, user_id, csrf, stage, created_at, last_seen)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![hash(&token), user.id, csrf, stage.key(), now],
    )?;
    Ok(token)
}

/// The session for a cookie, if it is valid now; touches it (idle timeout).
pub fn lookup(conn: &Connection, token: &str, now: i64) -> anyhow::Result<Option<Session>> {
    let key = hash(token);
    let row: Option<(i64, String, String, String, i64, String, bool)> = conn
        .query_row(
            "SELECT u.id, u.name, u.role, s.csrf, s.last_seen, s.stage, u.disabled
             FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_sha256 = ?1",
            [&key],
            |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ))
            },
        )
        .optional()?;
    let Some((id, name, role, csrf, last_seen, stage, disabled)) = row else {
        return Ok(None);
    };
    let role = Role::parse(&role);
    if disabled || now - last_seen > IDLE_S || role.is_none() {
        conn.execute("DELETE FROM sessions WHERE token_sha256 = ?1", [&key])?;
        return Ok(None);
    }
    conn.execute(
        "UPDATE sessions SET last_seen = ?2 WHERE token_sha256 = ?1",
        params![key, now],
    )?;
    Ok(Some(Session {
        user: User {
            id,
            name,
            role: role.unwrap_or(Role::Admin),
        },
        csrf,
        stage: if stage == "full" {
            Stage::Full
        } else {
            Stage::Enrol
        },
    }))
}

pub fn set_stage(conn: &Connection, token: &str, stage: Stage) -> anyhow::Result<()> {
    conn.execute(
        "UPDATE sessions SET stage = ?2 WHERE token_sha256 = ?1",
        params![hash(token), stage.key()],
    )?;
    Ok(())
}

pub fn delete(conn: &Connection, token: &str) -> anyhow::Result<()> {
    conn.execute(
        "DELETE FROM sessions WHERE token_sha256 = ?1",
        [hash(token)],
    )?;
    Ok(())
}

pub fn delete_for_user(conn: &Connection, user_id: i64) -> anyhow::Result<()> {
    conn.execute("DELETE FROM sessions WHERE user_id = ?1", [user_id])?;
    Ok(())
}

/// Removes sessions idle for longer than the timeout.
pub fn purge(conn: &Connection, now: i64) -> anyhow::Result<usize> {
    Ok(conn.execute("DELETE FROM sessions WHERE last_seen < ?1", [now - IDLE_S])?)
}
