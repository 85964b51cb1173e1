//! Standard Webhooks (<https://www.standardwebhooks.com>): how a kiosk signs a webhook
//! and how a receiver checks it, so that any receiver can verify with an off-the-shelf
//! library.
//!
//! - Headers: `webhook-id` (the same on every retry: the kiosk uses the request id),
//!   `webhook-timestamp` (unix seconds of this attempt) and `webhook-signature`:
//!   `v1,<base64 of HMAC-SHA256 over "<id>.<timestamp>.<body>">`. Several
//!   space-separated signatures may be sent (during a secret rotation); one match is
//!   enough.
//! - Secrets: `whsec_` followed by base64 of at least 24 random bytes; the HMAC key is
//!   the decoded bytes, not the text.
//! - A receiver refuses timestamps more than [`TOLERANCE_S`] away from its clock, in
//!   either direction, and compares signatures in constant time.
//!
//! Random bytes for a new secret come from the caller: this crate has no source of
//! randomness of its own.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use std::fmt;

pub const HEADER_ID: &str = "webhook-id";
pub const HEADER_TIMESTAMP: &str = "webhook-timestamp";
pub const HEADER_SIGNATURE: &str = "webhook-signature";
/// Five minutes either way.
pub const TOLERANCE_S: i64 = 5 * 60;
pub const SECRET_PREFIX: &str = "whsec_";
pub const MIN_SECRET_BYTES: usize = 24;

/// A signing key. Prints as `[redacted]`; [`WebhookSecret::encode`] gives the
/// `whsec_` text for the one place that must show it.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret {
    key: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    #[error("not base64 after whsec_")]
    NotBase64,
    #[error("shorter than 24 bytes")]
    TooShort,
}

impl WebhookSecret {
    /// From random bytes (at least 24).
    pub fn from_bytes(key: Vec<u8>) -> Result<WebhookSecret, SecretError> {
        if key.len() < MIN_SECRET_BYTES {
            return Err(SecretError::TooShort);
        }
        Ok(WebhookSecret { key })
    }

    /// `whsec_<base64>`; the prefix may be left off, as the reference libraries allow.
    pub fn parse(text: &str) -> Result<WebhookSecret, SecretError> {
        let text = text.trim();
        let encoded = text.strip_prefix(SECRET_PREFIX).unwrap_or(text);
        let key = B64.decode(encoded).map_err(|_| SecretError::NotBase64)?;
        WebhookSecret::from_bytes(key)
    }

    pub fn encode(&self) -> String {
        format!("{SECRET_PREFIX}{}", B64.encode(&self.key))
    }

    pub fn key(&self) -> &[u8] {
        &self.key
    }

    fn mac(&self, id: &str, timestamp: i64, body: &[u8]) -> Hmac<sha2::Sha256> {
        // HMAC accepts keys of any length, so this cannot fail.
        #[allow(clippy::expect_used)]
        let mut mac =
            Hmac::<sha2::Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret([redacted])")
    }
}

/// The `webhook-signature` value for one secret: `v1,<base64>`.
pub fn sign(secret: &WebhookSecret, id: &str, timestamp: i64, body: &[u8]) -> String {
    let tag = secret.mac(id, timestamp, body).finalize().into_bytes();
    format!("v1,{}", B64.encode(tag))
}

/// The same for a key given as bytes, of any length: a sender whose secret predates
/// the `whsec_` form signs with the secret's text (as the legacy header does).
pub fn sign_with_key(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    // HMAC accepts keys of any length, so this cannot fail.
    #[allow(clippy::expect_used)]
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!("v1,{}", B64.encode(mac.finalize().into_bytes()))
}

/// The three headers for a webhook, in the order the specification lists them.
pub fn headers(
    secret: &WebhookSecret,
    id: &str,
    timestamp: i64,
    body: &[u8],
) -> [(&'static str, String); 3] {
    [
        (HEADER_ID, id.to_string()),
        (HEADER_TIMESTAMP, timestamp.to_string()),
        (HEADER_SIGNATURE, sign(secret, id, timestamp, body)),
    ]
}

/// Why a webhook was refused. Says nothing about the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("missing or empty webhook-id")]
    MissingId,
    #[error("missing or malformed webhook-timestamp")]
    BadTimestamp,
    #[error("webhook-timestamp too old")]
    TooOld,
    #[error("webhook-timestamp in the future")]
    TooNew,
    #[error("missing webhook-signature")]
    MissingSignature,
    #[error("no signature matches")]
    NoMatch,
}

/// The three header values as received (`None` when absent).
#[derive(Debug, Clone, Copy, Default)]
pub struct Received<'a> {
    pub id: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    pub signature: Option<&'a str>,
}

/// Checks the timestamp window only: cheap, and done before anything else.
pub fn check_timestamp(received: &Received<'_>, now: i64) -> Result<i64, VerifyError> {
    let t: i64 = received
        .timestamp
        .and_then(|t| t.trim().parse().ok())
        .ok_or(VerifyError::BadTimestamp)?;
    if now - t > TOLERANCE_S {
        return Err(VerifyError::TooOld);
    }
    if t - now > TOLERANCE_S {
        return Err(VerifyError::TooNew);
    }
    Ok(t)
}

/// Verifies a webhook against one or more secrets (the current one and, during a
/// rotation, the previous one). `now` is unix seconds. The signature header may hold
/// several space-separated `v1,<base64>` entries; other versions are skipped.
pub fn verify(
    secrets: &[&WebhookSecret],
    received: &Received<'_>,
    body: &[u8],
    now: i64,
) -> Result<(), VerifyError> {
    let id = received
        .id
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .ok_or(VerifyError::MissingId)?;
    let timestamp = check_timestamp(received, now)?;
    let header = received
        .signature
        .filter(|s| !s.trim().is_empty())
        .ok_or(VerifyError::MissingSignature)?;
    for entry in header.split(' ') {
        let Some(("v1", encoded)) = entry.split_once(',') else {
            continue;
        };
        let Ok(tag) = B64.decode(encoded) else {
            continue;
        };
        for secret in secrets {
            // verify_slice compares in constant time.
            if secret.mac(id, timestamp, body).verify_slice(&tag).is_ok() {
                return Ok(());
            }
        }
    }
    Err(VerifyError::NoMatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The test vector published with the Standard Webhooks reference libraries.
    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    const TS: i64 = 1_614_265_330;
    const BODY: &[u8] = br#"{"test": 2432232314}"#;
    const SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    fn received<'a>(ts: &'a str, sig: &'a str) -> Received<'a> {
        Received {
            id: Some(ID),
            timestamp: Some(ts),
            signature: Some(sig),
        }
    }

    #[test]
    fn reproduces_the_specifications_test_vector() {
        let secret = WebhookSecret::parse(SECRET).unwrap();
        assert_eq!(secret.key().len(), 24);
        assert_eq!(sign(&secret, ID, TS, BODY), SIGNATURE);
        assert_eq!(secret.encode(), SECRET);
        let ts = TS.to_string();
        assert_eq!(
            verify(&[&secret], &received(&ts, SIGNATURE), BODY, TS),
            Ok(())
        );
    }

    #[test]
    fn several_signatures_one_must_match() {
        let secret = WebhookSecret::parse(SECRET).unwrap();
        let ts = TS.to_string();
        let list = format!("v1,bm9wZQ== v2,whatever {SIGNATURE}");
        assert_eq!(verify(&[&secret], &received(&ts, &list), BODY, TS), Ok(()));
        let other = WebhookSecret::from_bytes(vec![7; 32]).unwrap();
        assert_eq!(
            verify(&[&other, &secret], &received(&ts, SIGNATURE), BODY, TS),
            Ok(())
        );
        assert_eq!(
            verify(&[&other], &received(&ts, SIGNATURE), BODY, TS),
            Err(VerifyError::NoMatch)
        );
    }

    #[test]
    fn refuses_what_does_not_match() {
        let secret = WebhookSecret::parse(SECRET).unwrap();
        let ts = TS.to_string();
        let r = received(&ts, SIGNATURE);
        assert_eq!(
            verify(&[&secret], &r, br#"{"test": 2432232315}"#, TS),
            Err(VerifyError::NoMatch)
        );
        assert_eq!(
            verify(&[&secret], &r, BODY, TS + TOLERANCE_S + 1),
            Err(VerifyError::TooOld)
        );
        assert_eq!(
            verify(&[&secret], &r, BODY, TS - TOLERANCE_S - 1),
            Err(VerifyError::TooNew)
        );
        assert_eq!(verify(&[&secret], &r, BODY, TS + TOLERANCE_S), Ok(()));
        let other_id = Received {
            id: Some("msg_other"),
            ..r
        };
        assert_eq!(
            verify(&[&secret], &other_id, BODY, TS),
            Err(VerifyError::NoMatch)
        );
        let no_sig = Received {
            signature: None,
            ..r
        };
        assert_eq!(
            verify(&[&secret], &no_sig, BODY, TS),
            Err(VerifyError::MissingSignature)
        );
        let bad_ts = received("soon", SIGNATURE);
        assert_eq!(
            verify(&[&secret], &bad_ts, BODY, TS),
            Err(VerifyError::BadTimestamp)
        );
    }

    #[test]
    fn secrets_have_the_specifications_form() {
        assert_eq!(
            WebhookSecret::from_bytes(vec![1; 23]),
            Err(SecretError::TooShort)
        );
        assert_eq!(
            WebhookSecret::parse("whsec_not base64!"),
            Err(SecretError::NotBase64)
        );
        let s = WebhookSecret::from_bytes(vec![9; 32]).unwrap();
        assert!(s.encode().starts_with("whsec_"));
        assert_eq!(WebhookSecret::parse(&s.encode()).unwrap(), s);
        assert_eq!(format!("{s:?}"), "WebhookSecret([redacted])");
        let h = headers(&s, "id1", 5, b"{}");
        assert_eq!(h[0], (HEADER_ID, "id1".to_string()));
        assert_eq!(h[1], (HEADER_TIMESTAMP, "5".to_string()));
    }
}
