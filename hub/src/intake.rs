//! Intake: a signed webhook from a kiosk becomes a stored callback request, or is
//! refused and leaves no trace but a log line without personal data.
//!
//! Order of checks, cheapest and least revealing first: the timestamp window, the
//! `webhook-id`, the kiosk (from the body's `kiosk_id`, parsed only for that), its
//! secret(s) and the signature, then the full schema. Only a verified, valid body is
//! written, once per `webhook-id` (which must be the request's own `id`): the same id
//! with the same bytes again is a duplicate (200), with other bytes a conflict (409).
//! The size limit (64 KB) is the HTTP layer's.
//!
//! Idempotency compares a SHA-256 of the body. That hash is erased with the name and
//! number (a hash of a few guessable fields is personal data too); a retry of an
//! erased request is answered as a duplicate.

use rusqlite::{params, Connection, OptionalExtension};
use samen_wire::callback::{CallbackBody, SchemaError, Topic};
use samen_wire::standard::{self, Received, VerifyError};
use sha2::{Digest, Sha256};

pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    New,
    Duplicate,
    /// `test: true` from the kiosk's admin screen: verified, counted, not stored.
    Test,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("{0}")]
    Timestamp(VerifyError),
    #[error("missing webhook-id")]
    MissingId,
    #[error("body is not a JSON object with a kiosk_id")]
    NotJson,
    #[error("unknown kiosk")]
    UnknownKiosk,
    #[error("signature: {0}")]
    Signature(VerifyError),
    #[error("schema: {0}")]
    Schema(SchemaError),
    #[error("webhook-id is not the request's id")]
    IdMismatch,
    #[error("webhook-id already used with another body")]
    Conflict,
    /// A heartbeat that is not a status object the hub can use.
    #[error("heartbeat: {0}")]
    Heartbeat(String),
}

#[derive(serde::Deserialize)]
struct KioskOnly {
    kiosk_id: String,
}

/// The legacy signature of today's kiosks: `X-Samen-Signature` with the request id in
/// `Idempotency-Key`. Accepted only when no `webhook-signature` is sent, so that
/// kiosks deliver to the hub before they sign the Standard Webhooks way. The HMAC key
/// is the secret's text as the kiosk reads it from its `secret_file` (`whsec_...`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Legacy<'a> {
    pub signature: Option<&'a str>,
    pub idempotency_key: Option<&'a str>,
}

/// Checks a signed request from a kiosk (a callback webhook or a heartbeat): the
/// timestamp window, the `webhook-id`, the kiosk named in the body's `kiosk_id`, and the
/// signature with its secret(s). `Ok(Ok((kiosk, webhook_id)))` when it is who it says.
pub fn verify_signed(
    conn: &Connection,
    received: &Received<'_>,
    legacy: &Legacy<'_>,
    raw: &[u8],
    now: i64,
) -> anyhow::Result<Result<(String, String), Refusal>> {
    let legacy_signature = match (received.signature, legacy.signature) {
        (None, Some(sig)) => Some(sig),
        _ => None,
    };
    let id = if legacy_signature.is_some() {
        legacy.idempotency_key
    } else {
        if let Err(e) = standard::check_timestamp(received, now) {
            return Ok(Err(Refusal::Timestamp(e)));
        }
        received.id
    };
    let Some(webhook_id) = id.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(Err(Refusal::MissingId));
    };
    let Ok(KioskOnly { kiosk_id }) = serde_json::from_slice::<KioskOnly>(raw) else {
        return Ok(Err(Refusal::NotJson));
    };
    let secrets = crate::kiosks::secrets(conn, &kiosk_id, now)?;
    if secrets.is_empty() {
        return Ok(Err(Refusal::UnknownKiosk));
    }
    if let Some(header) = legacy_signature {
        let mut last = samen_wire::legacy::LegacyError::Mismatch;
        let ok = secrets.iter().any(|s| {
            match samen_wire::legacy::verify(
                s.encode().as_bytes(),
                header,
                raw,
                now,
                standard::TOLERANCE_S,
            ) {
                Ok(()) => true,
                Err(e) => {
                    last = e;
                    false
                }
            }
        });
        if !ok {
            return Ok(Err(match last {
                samen_wire::legacy::LegacyError::Timestamp => {
                    Refusal::Timestamp(VerifyError::TooOld)
                }
                _ => Refusal::Signature(VerifyError::NoMatch),
            }));
        }
    } else {
        let refs: Vec<_> = secrets.iter().collect();
        if let Err(e) = standard::verify(&refs, received, raw, now) {
            return Ok(Err(Refusal::Signature(e)));
        }
    }
    Ok(Ok((kiosk_id, webhook_id.to_string())))
}

/// Verifies and stores one webhook. `Ok(Err(_))` is a refusal to answer with a 4xx;
/// `Err(_)` a failure of the hub itself (5xx: the kiosk retries).
pub fn accept(
    conn: &mut Connection,
    received: &Received<'_>,
    legacy: &Legacy<'_>,
    raw: &[u8],
    now: i64,
) -> anyhow::Result<Result<(String, Stored), Refusal>> {
    let (kiosk_id, webhook_id) = match verify_signed(conn, received, legacy, raw, now)? {
        Ok(v) => v,
        Err(refusal) => return Ok(Err(refusal)),
    };
    // Verified: from here on the kiosk is who it says it is.
    tracing::debug!(kiosk = %kiosk_id, webhook = %webhook_id, "webhook signature verified");
    let body = match CallbackBody::parse(raw) {
        Ok(b) => b,
        Err(e) => return Ok(Err(Refusal::Schema(e))),
    };
    if body.id != webhook_id {
        return Ok(Err(Refusal::IdMismatch));
    }
    if body.test {
        conn.execute(
            "UPDATE kiosks SET last_test_at = ?2 WHERE id = ?1",
            params![kiosk_id, now],
        )?;
        return Ok(Ok((body.id, Stored::Test)));
    }
    let hash = Sha256::digest(raw).to_vec();
    let tx = conn.transaction()?;
    let existing: Option<Option<Vec<u8>>> = tx
        .query_row(
            "SELECT body_sha256 FROM requests WHERE id = ?1",
            [&body.id],
            |r| r.get(0),
        )
        .optional()?;
    let outcome = match existing {
        Some(Some(stored)) if stored != hash => return Ok(Err(Refusal::Conflict)),
        Some(_) => Stored::Duplicate,
        None => {
            insert_request(&tx, &body, &kiosk_id, &hash, now)?;
            Stored::New
        }
    };
    tx.execute(
        "UPDATE kiosks SET last_intake_at = ?2 WHERE id = ?1",
        params![kiosk_id, now],
    )?;
    tx.commit()?;
    Ok(Ok((body.id, outcome)))
}

/// Stores a request without a webhook (demo data). Same table, same shape.
pub fn store_unsigned(
    conn: &mut Connection,
    body: &CallbackBody,
    received_at: i64,
) -> anyhow::Result<()> {
    let raw = serde_json::to_vec(body)?;
    insert_request(
        conn,
        body,
        &body.kiosk_id,
        &Sha256::digest(&raw),
        received_at,
    )?;
    Ok(())
}

/// One new request row: the signed intake and the demo data store the same shape.
fn insert_request(
    conn: &Connection,
    body: &CallbackBody,
    kiosk_id: &str,
    body_sha256: &[u8],
    received_at: i64,
) -> rusqlite::Result<()> {
    let (topic_kind, topic_title) = match &body.topic {
        None => (None, None),
        Some(Topic::Activity { title }) => (Some("activity"), Some(title.as_str())),
        Some(t) => (Some(t.kind()), None),
    };
    conn.execute(
        "INSERT INTO requests (id, kiosk_id, body_sha256, received_at, first_name, phone,
            phone_national, best_time, topic_kind, topic_title, language,
            consent_version, consented_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            body.id,
            kiosk_id,
            body_sha256,
            received_at,
            body.first_name.trim(),
            body.phone,
            body.phone_national,
            body.when.key(),
            topic_kind,
            topic_title,
            body.language,
            body.consent.version,
            body.consent.at.timestamp(),
        ],
    )?;
    Ok(())
}
