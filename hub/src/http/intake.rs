//! `POST /intake/callback`: the kiosks' webhook, and `POST /intake/heartbeat`: their
//! status (issue 19). The checks are the domain's (`crate::intake`, `crate::fleet`);
//! this maps them to status codes and logs one line per refusal, with the request id
//! or kiosk id at most: never the body.

use crate::intake::{self, Refusal, Stored};
use crate::Hub;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use samen_wire::standard::{Received, HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP};

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn json(status: StatusCode, text: &str) -> Response {
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        format!("{{\"status\":\"{text}\"}}"),
    )
        .into_response()
}

pub async fn callback(State(hub): State<Hub>, headers: HeaderMap, body: Bytes) -> Response {
    let now = hub.clock.now().timestamp();
    let id = header(&headers, HEADER_ID);
    let timestamp = header(&headers, HEADER_TIMESTAMP);
    let signature = header(&headers, HEADER_SIGNATURE);
    let legacy_signature = header(&headers, samen_wire::legacy::HEADER);
    let idempotency_key = header(&headers, "idempotency-key");
    let webhook_id = id
        .clone()
        .or_else(|| header(&headers, "idempotency-key"))
        .unwrap_or_default();
    let result = hub
        .db
        .call(move |conn| {
            let received = Received {
                id: id.as_deref(),
                timestamp: timestamp.as_deref(),
                signature: signature.as_deref(),
            };
            let legacy = intake::Legacy {
                signature: legacy_signature.as_deref(),
                idempotency_key: idempotency_key.as_deref(),
            };
            intake::accept(conn, &received, &legacy, &body, now)
        })
        .await;
    match result {
        Err(e) => {
            tracing::error!("intake failed: {e:#}");
            json(StatusCode::INTERNAL_SERVER_ERROR, "error")
        }
        Ok(Ok((request, Stored::New))) => {
            tracing::info!(request = %request, "callback request stored");
            json(StatusCode::OK, "stored")
        }
        Ok(Ok((request, Stored::Duplicate))) => {
            tracing::info!(request = %request, "callback request already stored");
            json(StatusCode::OK, "duplicate")
        }
        Ok(Ok((request, Stored::Test))) => {
            tracing::info!(request = %request, "test callback request received (not stored)");
            json(StatusCode::OK, "test")
        }
        Ok(Err(refusal)) => {
            let status = refusal_status(&refusal);
            // The id is only logged once the signature proved where it came from.
            if refusal == Refusal::Conflict {
                tracing::warn!(request = %webhook_id, "intake refused: webhook-id reused with another body");
            } else {
                tracing::warn!(status = status.as_u16(), "intake refused: {refusal}");
            }
            json(status, "refused")
        }
    }
}

/// 200 `stored`, with the days of figures stored (the kiosk stops sending them).
fn stored(days: Vec<chrono::NaiveDate>) -> Response {
    let answer = samen_wire::figures::HeartbeatAnswer {
        status: "stored".into(),
        figures_ack: days,
    };
    match serde_json::to_string(&answer) {
        Ok(body) => (
            StatusCode::OK,
            [(axum::http::header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response(),
        Err(_) => json(StatusCode::OK, "stored"),
    }
}

fn refusal_status(refusal: &Refusal) -> StatusCode {
    match refusal {
        Refusal::Timestamp(_) | Refusal::UnknownKiosk | Refusal::Signature(_) => {
            StatusCode::UNAUTHORIZED
        }
        Refusal::MissingId | Refusal::NotJson => StatusCode::BAD_REQUEST,
        Refusal::Schema(_) | Refusal::IdMismatch | Refusal::Heartbeat(_) => {
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Refusal::Conflict => StatusCode::CONFLICT,
    }
}

/// A kiosk's heartbeat: signed like a callback webhook (Standard Webhooks, or the
/// legacy `X-Samen-Signature`), at most 256 KB (a screenshot of about 50 KB fits).
/// 200 `stored` (or `stale` for one signed before the stored one), 401 for a bad or
/// old signature or an unknown kiosk, 400/422 for a body that is not a status object.
pub async fn heartbeat(State(hub): State<Hub>, headers: HeaderMap, body: Bytes) -> Response {
    let now = hub.clock.now().timestamp();
    let id = header(&headers, HEADER_ID);
    let timestamp = header(&headers, HEADER_TIMESTAMP);
    let signature = header(&headers, HEADER_SIGNATURE);
    let legacy_signature = header(&headers, samen_wire::legacy::HEADER);
    // Today's kiosks sign their heartbeat with `X-Samen-Signature` alone, without an
    // `Idempotency-Key`: a heartbeat needs no id (a replay changes nothing).
    let idempotency_key = header(&headers, "idempotency-key").or_else(|| Some("heartbeat".into()));
    let result = hub
        .db
        .call(move |conn| {
            let received = Received {
                id: id.as_deref(),
                timestamp: timestamp.as_deref(),
                signature: signature.as_deref(),
            };
            let legacy = intake::Legacy {
                signature: legacy_signature.as_deref(),
                idempotency_key: idempotency_key.as_deref(),
            };
            crate::fleet::accept_with_figures(conn, &received, &legacy, &body, now)
        })
        .await;
    match result {
        Err(e) => {
            tracing::error!("heartbeat intake failed: {e:#}");
            json(StatusCode::INTERNAL_SERVER_ERROR, "error")
        }
        Ok(Ok((kiosk, crate::fleet::Accepted::Stored, days))) => {
            tracing::debug!(kiosk = %kiosk, figures_days = days.len(), "heartbeat stored");
            stored(days)
        }
        Ok(Ok((kiosk, crate::fleet::Accepted::Changed(state), days))) => {
            tracing::info!(kiosk = %kiosk, health = state.key(), "heartbeat stored: health changed");
            stored(days)
        }
        Ok(Ok((kiosk, crate::fleet::Accepted::Stale, _))) => {
            tracing::info!(kiosk = %kiosk, "heartbeat older than the stored one: not stored");
            json(StatusCode::OK, "stale")
        }
        Ok(Err(refusal)) => {
            let status = refusal_status(&refusal);
            tracing::warn!(status = status.as_u16(), "heartbeat refused: {refusal}");
            json(status, "refused")
        }
    }
}
