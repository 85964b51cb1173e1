//! Kiosks known to the hub and their webhook secrets (Standard Webhooks form,
//! `whsec_...`). A rotated secret stays valid for [`ROTATION_GRACE_S`] so that a kiosk
//! keeps delivering until its `secret_file` is updated.

use anyhow::{bail, Context};
use rusqlite::{params, Connection, OptionalExtension};
use samen_wire::callback::is_valid_id;
use samen_wire::standard::WebhookSecret;

pub const ROTATION_GRACE_S: i64 = 24 * 3600;

fn new_secret() -> anyhow::Result<WebhookSecret> {
    let bytes = crate::random::bytes::<32>()?;
    Ok(WebhookSecret::from_bytes(bytes.to_vec())?)
}

/// Adds a kiosk and returns its new secret (shown once by the command line).
pub fn add(conn: &Connection, id: &str, now: i64) -> anyhow::Result<WebhookSecret> {
    if !is_valid_id(id) {
        bail!("kiosk id: 1 to 64 letters, digits, '-', '_' or '.'");
    }
    let secret = new_secret()?;
    let added = conn.execute(
        "INSERT INTO kiosks (id, secret, created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        params![id, secret.encode(), now],
    )?;
    if added == 0 {
        bail!("kiosk {id} already exists (use `kiosk rotate-secret {id}` for a new secret)");
    }
    Ok(secret)
}

/// A new secret; the old one stays valid for a day.
pub fn rotate_secret(conn: &Connection, id: &str, now: i64) -> anyhow::Result<WebhookSecret> {
    let secret = new_secret()?;
    let changed = conn.execute(
        "UPDATE kiosks SET previous_secret = secret, previous_valid_until = ?2, secret = ?3
         WHERE id = ?1",
        params![id, now + ROTATION_GRACE_S, secret.encode()],
    )?;
    if changed == 0 {
        bail!("no kiosk {id} (add it with `kiosk add {id}`)");
    }
    Ok(secret)
}

/// The secrets a webhook from this kiosk may be signed with now; empty when the
/// kiosk is unknown.
pub fn secrets(conn: &Connection, id: &str, now: i64) -> anyhow::Result<Vec<WebhookSecret>> {
    let row: Option<(String, Option<String>, Option<i64>)> = conn
        .query_row(
            "SELECT secret, previous_secret, previous_valid_until FROM kiosks WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((current, previous, until)) = row else {
        return Ok(Vec::new());
    };
    let mut out = vec![WebhookSecret::parse(&current).context("stored secret")?];
    if let (Some(previous), Some(until)) = (previous, until) {
        if now <= until {
            out.push(WebhookSecret::parse(&previous).context("stored secret")?);
        }
    }
    Ok(out)
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Kiosk {
    pub id: String,
    pub created_at: i64,
    pub last_intake_at: Option<i64>,
}

pub fn list(conn: &Connection) -> anyhow::Result<Vec<Kiosk>> {
    let mut stmt = conn.prepare("SELECT id, created_at, last_intake_at FROM kiosks ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok(Kiosk {
            id: r.get(0)?,
            created_at: r.get(1)?,
            last_intake_at: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn add_rotate_and_grace() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::db::open(dir.path()).unwrap();
        let first = add(&conn, "k1", 1000).unwrap();
        assert!(first.encode().starts_with("whsec_"));
        assert!(add(&conn, "k1", 1000).is_err());
        assert!(add(&conn, "bad id", 1000).is_err());
        let second = rotate_secret(&conn, "k1", 2000).unwrap();
        assert_eq!(
            secrets(&conn, "k1", 2000).unwrap(),
            vec![second.clone(), first]
        );
        assert_eq!(
            secrets(&conn, "k1", 2000 + ROTATION_GRACE_S + 1).unwrap(),
            vec![second]
        );
        assert!(secrets(&conn, "nobody", 0).unwrap().is_empty());
        assert!(rotate_secret(&conn, "nobody", 0).is_err());
    }
}
