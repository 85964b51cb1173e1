//! The audit log: who viewed a number, claimed a request, set an outcome or erased
//! one, saved, published or withdrew an announcement (`announcement-<id>` in
//! `request_id`), and when. It holds request ids and staff names, never a requester's name,
//! number or note. Kept when the request itself is erased.

use rusqlite::{params, Connection};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ViewNumber,
    Claim,
    Outcome,
    Erase,
    Login,
    LoginFailed,
    Enrol,
    AnnouncementSave,
    AnnouncementPublish,
    AnnouncementWithdraw,
    AnnouncementPicture,
    AnnouncementImport,
}

impl Action {
    pub fn key(self) -> &'static str {
        match self {
            Action::ViewNumber => "view-number",
            Action::Claim => "claim",
            Action::Outcome => "outcome",
            Action::Erase => "erase",
            Action::Login => "login",
            Action::LoginFailed => "login-failed",
            Action::Enrol => "enrol-totp",
            Action::AnnouncementSave => "announcement-save",
            Action::AnnouncementPublish => "announcement-publish",
            Action::AnnouncementWithdraw => "announcement-withdraw",
            Action::AnnouncementPicture => "announcement-picture",
            Action::AnnouncementImport => "announcement-import",
        }
    }
}

/// `detail` is a fixed key such as an outcome (`reached`), never free text.
pub fn record(
    conn: &Connection,
    at: i64,
    actor: &str,
    action: Action,
    detail: Option<&str>,
    request_id: Option<&str>,
) -> anyhow::Result<()> {
    let action = match detail {
        Some(d) => format!("{}:{d}", action.key()),
        None => action.key().to_string(),
    };
    conn.execute(
        "INSERT INTO audit (at, actor, action, request_id) VALUES (?1, ?2, ?3, ?4)",
        params![at, actor, action, request_id],
    )?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub request_id: Option<String>,
}

pub fn for_request(conn: &Connection, request_id: &str) -> anyhow::Result<Vec<Entry>> {
    let mut stmt = conn.prepare(
        "SELECT at, actor, action, request_id FROM audit WHERE request_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([request_id], |r| {
        Ok(Entry {
            at: r.get(0)?,
            actor: r.get(1)?,
            action: r.get(2)?,
            request_id: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
