//! Signing what the kiosk sends, in one place, with the contracts shared with
//! samen-hub (`samen_wire`): the secrets (which never print), the Standard Webhooks
//! headers of callback webhooks, and the `X-Samen-Signature` header that webhooks and
//! heartbeats have carried since the first release (docs/webhook.md). The webhook, the
//! e-mail channel (its SMTP password) and the heartbeat use it.
//!
//! A secret in the Standard Webhooks form (`whsec_` + base64 of at least 24 bytes, as
//! `samen-hub kiosk add` prints it) signs `webhook-signature` with its decoded bytes;
//! any other secret signs with its text. `X-Samen-Signature` always signs with the
//! text, as before, so existing receivers keep working.

use samen_wire::standard::{self, WebhookSecret};

/// A secret that never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The Standard Webhooks key: the decoded bytes of a `whsec_` secret, else the
    /// text. `Err` for a `whsec_` secret that does not decode to at least 24 bytes
    /// (configuration refuses those).
    pub fn webhook_key(&self) -> Result<Vec<u8>, standard::SecretError> {
        if self.0.trim().starts_with(standard::SECRET_PREFIX) {
            WebhookSecret::parse(&self.0).map(|s| s.key().to_vec())
        } else {
            Ok(self.0.as_bytes().to_vec())
        }
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// The `X-Samen-Signature` header for a body sent at `t`.
pub fn signature(secret: &Secret, t: i64, body: &[u8]) -> String {
    samen_wire::legacy::sign(secret.expose().as_bytes(), t, body)
}

/// The Standard Webhooks headers (`webhook-id`, `webhook-timestamp`,
/// `webhook-signature`) for message `id` sent at `t`.
pub fn standard_headers(
    secret: &Secret,
    id: &str,
    t: i64,
    body: &[u8],
) -> [(&'static str, String); 3] {
    // A whsec_ secret that does not decode is refused by the configuration; should
    // one get here all the same, its text is the key (the receiver will refuse it,
    // and the request stays in the outbox, marked for attention).
    let key = secret
        .webhook_key()
        .unwrap_or_else(|_| secret.expose().as_bytes().to_vec());
    [
        (standard::HEADER_ID, id.to_string()),
        (standard::HEADER_TIMESTAMP, t.to_string()),
        (
            standard::HEADER_SIGNATURE,
            standard::sign_with_key(&key, id, t, body),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_a_known_vector() {
        // Computed independently: echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
        let s = signature(&Secret::new("secret"), 1_700_000_000, br#"{"a":1}"#);
        assert_eq!(
            s,
            "t=1700000000,v1=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686"
        );
        assert_eq!(format!("{:?}", Secret::new("x")), "Secret([redacted])");
    }

    #[test]
    fn standard_webhooks_vector_from_the_specification() {
        // The example of the Standard Webhooks specification's reference libraries.
        let secret = Secret::new("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        let body = br#"{"test": 2432232314}"#;
        let [id, ts, sig] =
            standard_headers(&secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body);
        assert_eq!(
            id,
            ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek".to_string())
        );
        assert_eq!(ts, ("webhook-timestamp", "1614265330".to_string()));
        assert_eq!(
            sig,
            (
                "webhook-signature",
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=".to_string()
            )
        );
    }

    #[test]
    fn broken_whsec_secrets_are_recognised() {
        assert!(Secret::new("whsec_not-base64!").webhook_key().is_err());
        assert!(
            Secret::new("whsec_c2hvcnQ=").webhook_key().is_err(),
            "5 bytes"
        );
        assert_eq!(
            Secret::new("0123456789abcdef").webhook_key().unwrap(),
            b"0123456789abcdef"
        );
    }
}
