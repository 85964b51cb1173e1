//! The status object a kiosk prints with `status --json` and posts as its heartbeat
//! (docs/status.md). No personal data. Fields a newer kiosk adds are ignored; fields an
//! older kiosk lacks take their defaults, so the hub can read both.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedReport {
    pub name: String,
    pub items: usize,
    pub last_success: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutboxReport {
    pub pending: u64,
    pub oldest_pending_age_s: Option<i64>,
    pub delivered: u64,
    pub failed_attention: u64,
    /// Requests erased undelivered after `callback.max_age_days` (newer kiosks).
    #[serde(default)]
    pub expired: u64,
    /// Of those, the ones that expired in the last 7 days (newer kiosks): what
    /// health counts, so that one old expiry does not mark a kiosk for good.
    #[serde(default)]
    pub expired_recently: u64,
    /// The outbox exists but cannot be read (a damaged file, a disk error): why. The
    /// counts are then 0 and unknown, not "nothing waits" (newer kiosks).
    #[serde(default)]
    pub error: Option<String>,
}

/// The campaign messages a kiosk shows now (newer kiosks; issue 17).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct MessagesReport {
    /// The ids (or, without one, the Dutch titles) of the messages in force now,
    /// urgent ones first.
    #[serde(default)]
    pub active: Vec<String>,
    /// Whether an urgent notice is in force (it pre-empts the rotation).
    #[serde(default)]
    pub urgent: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusReport {
    pub kiosk_id: String,
    pub version: String,
    pub running: bool,
    pub config_version: Option<i64>,
    pub config_error: Option<String>,
    #[serde(default)]
    pub feeds: Vec<FeedReport>,
    pub outbox: Option<OutboxReport>,
    /// `webhook`, `email` or absent.
    pub delivery: Option<String>,
    /// `on` or `off`.
    pub screen: String,
    pub uptime_s: Option<i64>,
    pub free_disk_bytes: Option<u64>,
    /// What someone should look at that has no field of its own, one line each: today
    /// a low disk ("low disk: ... picture downloads paused") or a full picture folder
    /// (newer kiosks; older ones send none).
    #[serde(default)]
    pub warnings: Vec<String>,
    /// The messages in force (newer kiosks; older ones send none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub messages: Option<MessagesReport>,
    /// Impact figures per local day (issue 20, newer kiosks): in `status --json` the
    /// last 7 days, in the heartbeat the days the hub has not acknowledged yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub figures: Option<Vec<crate::figures::DayFigures>>,
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_todays_kiosk_sends() {
        let json = r#"{"kiosk_id":"k1","version":"0.1.0","running":true,"config_version":3,
            "config_error":null,"feeds":[{"name":"agenda","items":12,"last_success":"2026-12-01T08:00:00Z","last_error":null}],
            "outbox":{"pending":1,"oldest_pending_age_s":30,"delivered":5,"failed_attention":0},
            "delivery":"webhook","screen":"on","uptime_s":3600,"free_disk_bytes":1000,"at":"2026-12-01T09:00:00Z"}"#;
        let report: StatusReport = serde_json::from_str(json).unwrap();
        assert!(report.warnings.is_empty());
        assert_eq!(report.messages, None);
        assert_eq!(report.outbox.as_ref().unwrap().error, None);
        assert_eq!(report.outbox.unwrap().expired, 0);
        assert_eq!(report.feeds[0].items, 12);
    }
}
