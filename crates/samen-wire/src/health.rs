//! Health and the heartbeat (issue 19): what a kiosk says about itself beyond "alive",
//! and the object it POSTs to samen-hub's `/intake/heartbeat`.
//!
//! On the wire the heartbeat is the status object ([`StatusReport`], docs/status.md)
//! with a few more keys beside its own: `health`, `screenshot` and `interval_s`.
//! [`Heartbeat`] flattens the status object, so the JSON is one flat object and
//! today's kiosks, which send the status object alone, still parse (every added key
//! is optional and left out when empty). Keys neither knows (from a newer kiosk) are
//! kept in [`Heartbeat::other`], so a receiver that stores a heartbeat loses nothing.
//!
//! Reason codes are stable (a hub, a dashboard or an alert rule may match on them);
//! the words beside them are the kiosk's own explanation, for people. The hub shows
//! its own Dutch or English words for the codes it knows and the kiosk's words for
//! the others.

use crate::status::StatusReport;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// `ok` or `degraded`. (Offline is what a receiver concludes from silence; a kiosk
/// never says it.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum HealthState {
    Ok,
    Degraded,
}

impl HealthState {
    pub fn key(self) -> &'static str {
        match self {
            HealthState::Ok => "ok",
            HealthState::Degraded => "degraded",
        }
    }
}

/// One reason a kiosk is degraded: a stable code and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub code: String,
    pub words: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub state: HealthState,
    #[serde(default)]
    pub reasons: Vec<Reason>,
}

/// The reason codes of issue 19, one constant each so that kiosk and hub agree.
pub mod codes {
    /// A feed's last success is older than two of its refresh intervals.
    pub const FEED_STALE: &str = "feed_stale";
    /// The oldest waiting callback request is older than an hour.
    pub const OUTBOX_STUCK: &str = "outbox_stuck";
    /// A callback request was refused by the intake and needs attention.
    pub const OUTBOX_ATTENTION: &str = "outbox_attention";
    /// Callback requests expired undelivered (in the last 7 days).
    pub const OUTBOX_EXPIRED: &str = "outbox_expired";
    /// The outbox exists but cannot be read: requests may be waiting unseen.
    pub const OUTBOX_UNREADABLE: &str = "outbox_unreadable";
    /// The fleet document was refused.
    pub const CONFIG_REFUSED: &str = "config_refused";
    /// Under 100 MB free disk.
    pub const DISK_LOW: &str = "disk_low";
    /// The clock is not synchronised (systemd-timesyncd says so).
    pub const CLOCK_UNSYNCED: &str = "clock_unsynced";
    /// No touch at all during the last opening days while open.
    pub const NO_TOUCH: &str = "no_touch";

    pub const ALL: [&str; 9] = [
        FEED_STALE,
        OUTBOX_STUCK,
        OUTBOX_ATTENTION,
        OUTBOX_EXPIRED,
        OUTBOX_UNREADABLE,
        CONFIG_REFUSED,
        DISK_LOW,
        CLOCK_UNSYNCED,
        NO_TOUCH,
    ];
}

/// The largest picture a receiver accepts, decoded (the kiosk aims at about 50 KB).
pub const MAX_SCREENSHOT_BYTES: usize = 64 * 1024;

/// A picture of what the screen showed, taken only while signage or the dark screen
/// was shown (never during a visit).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Screenshot {
    pub taken_at: DateTime<Utc>,
    /// `image/png` or `image/webp`.
    pub mime: String,
    /// The file's bytes, base64 (standard alphabet, padded).
    pub data: String,
}

impl std::fmt::Debug for Screenshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Screenshot")
            .field("taken_at", &self.taken_at)
            .field("mime", &self.mime)
            .field(
                "data",
                &format_args!("[{} base64 characters]", self.data.len()),
            )
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScreenshotError {
    #[error("screenshot: mime must be image/png or image/webp")]
    Mime,
    #[error("screenshot: data is not base64")]
    NotBase64,
    #[error("screenshot: larger than 64 KB")]
    TooLarge,
    #[error("screenshot: the bytes are not a {0} file")]
    NotImage(&'static str),
}

impl Screenshot {
    /// A PNG or WebP file as the heartbeat carries it.
    pub fn new(taken_at: DateTime<Utc>, mime: &str, bytes: &[u8]) -> Screenshot {
        Screenshot {
            taken_at,
            mime: mime.to_string(),
            data: B64.encode(bytes),
        }
    }

    /// The file's bytes, checked: a PNG or WebP signature that matches `mime`, at most
    /// [`MAX_SCREENSHOT_BYTES`].
    pub fn decode(&self) -> Result<Vec<u8>, ScreenshotError> {
        let kind = match self.mime.as_str() {
            "image/png" => "PNG",
            "image/webp" => "WebP",
            _ => return Err(ScreenshotError::Mime),
        };
        // Base64 is 4 characters for 3 bytes: refuse before decoding what is too big.
        if self.data.len() > MAX_SCREENSHOT_BYTES.div_ceil(3) * 4 + 4 {
            return Err(ScreenshotError::TooLarge);
        }
        let bytes = B64
            .decode(self.data.as_bytes())
            .map_err(|_| ScreenshotError::NotBase64)?;
        if bytes.len() > MAX_SCREENSHOT_BYTES {
            return Err(ScreenshotError::TooLarge);
        }
        let ok = match kind {
            "PNG" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
            _ => bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP",
        };
        if !ok {
            return Err(ScreenshotError::NotImage(kind));
        }
        Ok(bytes)
    }
}

/// What a kiosk POSTs to the hub's `/intake/heartbeat`: the status object and, from
/// newer kiosks, its health, a screenshot and its heartbeat interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heartbeat {
    #[serde(flatten)]
    pub status: StatusReport,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<Health>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screenshot: Option<Screenshot>,
    /// Seconds between heartbeats (`[heartbeat] interval`): a receiver calls the
    /// kiosk offline after three missed ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_s: Option<u64>,
    /// Keys of the status object this version of the crate does not know (a newer
    /// kiosk's), kept as they came.
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl Heartbeat {
    /// A heartbeat of the status object alone (what today's kiosks send).
    pub fn from_status(status: StatusReport) -> Heartbeat {
        Heartbeat {
            status,
            health: None,
            screenshot: None,
            interval_s: None,
            other: serde_json::Map::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: &str = r#"{"kiosk_id":"k1","version":"0.1.0","running":true,"config_version":3,
        "config_error":null,"feeds":[],"outbox":null,"delivery":null,"screen":"on",
        "uptime_s":60,"free_disk_bytes":1000,"at":"2026-12-01T09:00:00Z"}"#;

    #[test]
    fn todays_status_object_is_a_heartbeat_without_health() {
        let hb: Heartbeat = serde_json::from_str(TODAY).unwrap();
        assert_eq!(hb.status.kiosk_id, "k1");
        assert_eq!(hb.health, None);
        assert_eq!(hb.screenshot, None);
        // Written back without the keys it does not have: the status object as before.
        let again = serde_json::to_value(&hb).unwrap();
        assert_eq!(again, serde_json::to_value(&hb.status).unwrap());
        for key in ["health", "screenshot", "interval_s"] {
            assert!(again.get(key).is_none(), "{key}");
        }
    }

    #[test]
    fn keys_of_a_newer_kiosk_are_kept() {
        let mut v: serde_json::Value = serde_json::from_str(TODAY).unwrap();
        v["added_later"] = serde_json::json!({"a": [1, 2]});
        let hb: Heartbeat = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(
            serde_json::to_value(&hb).unwrap()["added_later"],
            v["added_later"]
        );
    }

    #[test]
    fn health_and_screenshot_round_trip() {
        let mut hb: Heartbeat = serde_json::from_str(TODAY).unwrap();
        hb.health = Some(Health {
            state: HealthState::Degraded,
            reasons: vec![Reason {
                code: codes::FEED_STALE.into(),
                words: "agenda: last updated 2 days ago".into(),
            }],
        });
        let png = b"\x89PNG\r\n\x1a\nrest".to_vec();
        hb.screenshot = Some(Screenshot::new(hb.status.at, "image/png", &png));
        hb.interval_s = Some(300);
        let text = serde_json::to_string(&hb).unwrap();
        assert!(text.contains(r#""state":"degraded""#), "{text}");
        assert!(text.contains(r#""kiosk_id":"k1""#), "flat: {text}");
        let back: Heartbeat = serde_json::from_str(&text).unwrap();
        assert_eq!(back, hb);
        assert_eq!(back.screenshot.unwrap().decode().unwrap(), png);
    }

    #[test]
    fn screenshots_are_checked() {
        let at = DateTime::from_timestamp(1_764_580_000, 0).unwrap();
        assert_eq!(
            Screenshot::new(at, "image/gif", b"GIF89a").decode(),
            Err(ScreenshotError::Mime)
        );
        assert_eq!(
            Screenshot::new(at, "image/png", b"<svg>").decode(),
            Err(ScreenshotError::NotImage("PNG"))
        );
        let big = vec![0u8; MAX_SCREENSHOT_BYTES + 1];
        assert_eq!(
            Screenshot::new(at, "image/png", &big).decode(),
            Err(ScreenshotError::TooLarge)
        );
        let mut s = Screenshot::new(at, "image/webp", b"RIFF\0\0\0\0WEBPVP8 ");
        assert!(s.decode().is_ok());
        s.data.push('!');
        assert_eq!(s.decode(), Err(ScreenshotError::NotBase64));
        assert!(!format!("{s:?}").contains("UklGR"), "Debug shows no data");
    }
}
