//! `X-Samen-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, the
//! signature the kiosk has sent since its first release. The HMAC key is the secret
//! exactly as configured (its UTF-8 bytes, not decoded). New receivers should verify
//! the Standard Webhooks headers instead (see [`crate::standard`]); this one stays so
//! that existing receivers keep working.

use hmac::{Hmac, Mac};

pub const HEADER: &str = "X-Samen-Signature";

fn mac(key: &[u8]) -> Hmac<sha2::Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    #[allow(clippy::expect_used)]
    Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC takes keys of any length")
}

/// The header value for `body` sent at unix time `t`.
pub fn sign(key: &[u8], t: i64, body: &[u8]) -> String {
    let mut mac = mac(key);
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    let hex: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("t={t},v1={hex}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LegacyError {
    #[error("malformed X-Samen-Signature")]
    Malformed,
    #[error("timestamp outside the tolerance")]
    Timestamp,
    #[error("signature does not match")]
    Mismatch,
}

/// The signing time (`t=`) a header claims, unchecked: meaningful only after
/// [`verify`] accepted the header.
pub fn timestamp(header: &str) -> Option<i64> {
    header
        .split(',')
        .find_map(|part| match part.trim().split_once('=') {
            Some(("t", v)) => v.parse::<i64>().ok(),
            _ => None,
        })
}

/// Checks a header value: the timestamp within `tolerance_s` of `now`, and the HMAC
/// (compared in constant time).
pub fn verify(
    key: &[u8],
    header: &str,
    body: &[u8],
    now: i64,
    tolerance_s: i64,
) -> Result<(), LegacyError> {
    let t = timestamp(header).ok_or(LegacyError::Malformed)?;
    let sigs = header
        .split(',')
        .filter_map(|part| match part.trim().split_once('=') {
            Some(("v1", v)) => Some(v),
            _ => None,
        });
    if (now - t).abs() > tolerance_s {
        return Err(LegacyError::Timestamp);
    }
    for sig in sigs {
        let Some(bytes) = decode_hex(sig) else {
            continue;
        };
        let mut mac = mac(key);
        mac.update(t.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        if mac.verify_slice(&bytes).is_ok() {
            return Ok(());
        }
    }
    Err(LegacyError::Mismatch)
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_kiosks_known_vector() {
        // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac secret
        let header = sign(b"secret", 1_700_000_000, br#"{"a":1}"#);
        assert_eq!(
            header,
            "t=1700000000,v1=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686"
        );
        assert_eq!(
            verify(b"secret", &header, br#"{"a":1}"#, 1_700_000_100, 300),
            Ok(())
        );
        assert_eq!(
            verify(b"secret", &header, br#"{"a":2}"#, 1_700_000_100, 300),
            Err(LegacyError::Mismatch)
        );
        assert_eq!(
            verify(b"secret", &header, br#"{"a":1}"#, 1_700_000_400, 300),
            Err(LegacyError::Timestamp)
        );
        assert_eq!(
            verify(b"secret", "v1=00", b"", 0, 300),
            Err(LegacyError::Malformed)
        );
    }
}
