//! The TOML as written: every field optional, unknown keys refused. `validate.rs`
//! turns these into a [`Config`](super::Config) with the defaults applied.

use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub(super) enum RawLocalized {
    Plain(String),
    Table(BTreeMap<String, String>),
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub(super) kiosk_id: Option<String>,
    pub(super) campaign_name: Option<RawLocalized>,
    pub(super) default_language: Option<String>,
    pub(super) languages: Option<Vec<String>>,
    pub(super) signage: Option<RawSignage>,
    pub(super) session: Option<RawSession>,
    pub(super) helplines: Option<Vec<RawHelpline>>,
    pub(super) feeds: Option<Vec<RawFeed>>,
    pub(super) callback: Option<RawCallback>,
    pub(super) remote: Option<RawRemote>,
    pub(super) heartbeat: Option<RawHeartbeat>,
    pub(super) health: Option<RawHealth>,
    pub(super) schedule: Option<RawSchedule>,
    pub(super) admin: Option<RawAdmin>,
    pub(super) display: Option<RawDisplay>,
    pub(super) speech: Option<RawSpeech>,
    /// "normal" or "high-contrast": the colours every visit starts with.
    pub(super) theme: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSpeech {
    /// An ALSA device that only the visitor hears (a headset jack): speech goes there.
    pub(super) private_output: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDisplay {
    pub(super) width_mm: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRemote {
    pub(super) url: String,
    pub(super) public_key: String,
    pub(super) poll_interval: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHeartbeat {
    pub(super) url: String,
    pub(super) interval: Option<String>,
    pub(super) secret: Option<String>,
    pub(super) secret_file: Option<String>,
    pub(super) style: Option<String>,
    pub(super) screenshot: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHealth {
    pub(super) no_touch_days: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSchedule {
    pub(super) monday: Option<String>,
    pub(super) tuesday: Option<String>,
    pub(super) wednesday: Option<String>,
    pub(super) thursday: Option<String>,
    pub(super) friday: Option<String>,
    pub(super) saturday: Option<String>,
    pub(super) sunday: Option<String>,
    pub(super) exceptions: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAdmin {
    pub(super) pin_hash: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSignage {
    pub(super) slide_seconds: Option<i64>,
    pub(super) fade_ms: Option<i64>,
    pub(super) help_every: Option<i64>,
    pub(super) messages: Option<Vec<RawMessage>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMessage {
    /// Stable, for logs and status.
    pub(super) id: Option<String>,
    pub(super) title: RawLocalized,
    pub(super) body: Option<RawLocalized>,
    /// A local date or date-time (Europe/Amsterdam).
    pub(super) from: Option<String>,
    /// The same, exclusive.
    pub(super) until: Option<String>,
    /// Weekdays as in `[schedule]`: `["monday", "tuesday"]`.
    pub(super) days: Option<Vec<String>>,
    /// `"09:00-12:00"`, several separated by commas, as in `[schedule]`.
    pub(super) hours: Option<String>,
    /// A picture file on the kiosk.
    pub(super) image: Option<String>,
    /// A web page, shown as a QR code.
    pub(super) url: Option<String>,
    /// "normal" or "urgent".
    pub(super) priority: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSession {
    pub(super) inactivity_seconds: Option<i64>,
    pub(super) warning_seconds: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHelpline {
    pub(super) name: RawLocalized,
    /// The number as people should dial it, e.g. "113 of 0800-0113 (gratis)".
    pub(super) number: RawLocalized,
    pub(super) detail: Option<RawLocalized>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawFeed {
    pub(super) url: String,
    pub(super) name: Option<String>,
    /// How often to fetch, e.g. "15m", "1h", "30s".
    pub(super) refresh: Option<String>,
    /// Categories given to this source's activities that have none.
    pub(super) categories: Option<Vec<String>>,
    /// Only activities whose place or address contains this text.
    pub(super) location_contains: Option<String>,
    /// Hosts (besides the feed's own folder) that pictures may come from.
    pub(super) image_hosts: Option<Vec<String>>,
    /// Whether plain http:// activity links may become QR codes (default: https only).
    pub(super) http_links: Option<bool>,
    /// Whether the feed's messages may be urgent (default: no, they show as normal).
    pub(super) urgent_allowed: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCallback {
    pub(super) intake_name: Option<String>,
    pub(super) intake_phone: Option<String>,
    /// Working days within which the intake calls back (shown to the visitor).
    pub(super) call_within_days: Option<i64>,
    /// Seconds before the first retry of a failed delivery (doubles each time).
    pub(super) retry_first_seconds: Option<i64>,
    /// The longest wait between tries (seconds, at most 900).
    pub(super) retry_max_seconds: Option<i64>,
    /// Days a request may wait for delivery before it is erased (default 14).
    pub(super) max_age_days: Option<i64>,
    /// Offer the form without a delivery channel: it works, stores nothing, and says so.
    pub(super) demo: Option<bool>,
    pub(super) webhook: Option<RawWebhook>,
    pub(super) email: Option<RawEmail>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEmail {
    pub(super) smtp_host: String,
    pub(super) smtp_port: Option<i64>,
    pub(super) starttls: Option<bool>,
    pub(super) username: Option<String>,
    pub(super) password: Option<String>,
    pub(super) password_file: Option<String>,
    pub(super) from: String,
    pub(super) to: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWebhook {
    pub(super) url: String,
    pub(super) secret: Option<String>,
    pub(super) secret_file: Option<String>,
}
