//! The heartbeat (docs/status.md#heartbeat): the status object with its health, sent
//! every `[heartbeat] interval` in the receiver's own style:
//! - `json` (default): POST the heartbeat object (`samen_wire::health::Heartbeat`:
//!   the status object, `health`, `interval_s`, optionally `screenshot`), signed with
//!   `X-Samen-Signature` and the Standard Webhooks headers when a secret is set;
//! - `uptime-kuma`: GET the push URL with `status=up|down` and `msg` (the reason codes);
//! - `healthchecks`: POST the ping URL when ok, `URL/fail` with the reasons (one
//!   `code: words` a line) when degraded.

use crate::config::{Config, HeartbeatConfig, HeartbeatStyle};
use crate::health::{self, Facts};
use crate::status::Report;
use chrono::{DateTime, Utc};
use samen_wire::figures::HeartbeatAnswer;
use samen_wire::health::{Health, HealthState, Heartbeat};

/// The heartbeat object for `report`: its health and the configured interval.
pub fn build(config: &Config, report: Report, facts: &Facts, now: DateTime<Utc>) -> Heartbeat {
    let health = health::assess(config, &report, facts, now);
    let mut heartbeat = Heartbeat::from_status(report);
    heartbeat.health = Some(health);
    heartbeat.interval_s = config.heartbeat.as_ref().map(|h| h.interval.as_secs());
    heartbeat
}

/// Sends one heartbeat in the configured style. `Ok`: the receiver's answer (a hub
/// lists the days of figures it stored; other receivers' answers are empty). `Err`
/// says why it did not get through.
pub async fn send(
    client: &reqwest::Client,
    config: &HeartbeatConfig,
    heartbeat: &Heartbeat,
) -> Result<HeartbeatAnswer, String> {
    let degraded = heartbeat
        .health
        .as_ref()
        .is_some_and(|h| h.state == HealthState::Degraded);
    let empty = Health {
        state: HealthState::Ok,
        reasons: Vec::new(),
    };
    let health = heartbeat.health.as_ref().unwrap_or(&empty);
    let request = match config.style {
        HeartbeatStyle::Json => {
            let body = serde_json::to_vec(heartbeat).map_err(|e| e.to_string())?;
            let mut request = client
                .post(&config.url)
                .header(reqwest::header::CONTENT_TYPE, "application/json");
            if let Some(secret) = &config.secret {
                let t = Utc::now().timestamp();
                let id = format!("hb_{}", uuid::Uuid::new_v4().simple());
                request = request.header(
                    "X-Samen-Signature",
                    crate::signing::signature(secret, t, &body),
                );
                for (name, value) in crate::signing::standard_headers(secret, &id, t, &body) {
                    request = request.header(name, value);
                }
            }
            request.body(body)
        }
        HeartbeatStyle::UptimeKuma => {
            let url = uptime_kuma_url(&config.url, !degraded, &health::summary(health))?;
            client.get(url)
        }
        HeartbeatStyle::Healthchecks => {
            let (url, body) = if degraded {
                (healthchecks_fail_url(&config.url)?, health::lines(health))
            } else {
                (config.url.clone(), "OK\n".to_string())
            };
            client
                .post(url)
                .header(reqwest::header::CONTENT_TYPE, "text/plain; charset=utf-8")
                .body(body)
        }
    };
    let response = request
        .send()
        .await
        .map_err(|e| e.without_url().to_string())?;
    if response.status().is_success() {
        if config.style != HeartbeatStyle::Json {
            return Ok(HeartbeatAnswer::default());
        }
        // Any other answer (a plain "ok", an older hub) acknowledges nothing.
        let body = response.bytes().await.unwrap_or_default();
        Ok(serde_json::from_slice(&body).unwrap_or_default())
    } else {
        Err(format!("server answered {}", response.status().as_u16()))
    }
}

/// The push URL with `status` and `msg` set (any already there replaced; other
/// parameters such as `ping` kept). `msg` is cut to 200 characters.
pub fn uptime_kuma_url(url: &str, up: bool, msg: &str) -> Result<reqwest::Url, String> {
    let mut url = reqwest::Url::parse(url).map_err(|e| format!("heartbeat url: {e}"))?;
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| k != "status" && k != "msg")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let msg: String = msg.chars().take(200).collect();
    url.query_pairs_mut()
        .clear()
        .extend_pairs(kept)
        .append_pair("status", if up { "up" } else { "down" })
        .append_pair("msg", &msg);
    Ok(url)
}

/// The ping URL with `/fail` added to its path.
pub fn healthchecks_fail_url(url: &str) -> Result<String, String> {
    let mut url = reqwest::Url::parse(url).map_err(|e| format!("heartbeat url: {e}"))?;
    let path = format!("{}/fail", url.path().trim_end_matches('/'));
    url.set_path(&path);
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uptime_kuma_push_url() {
        let u = uptime_kuma_url(
            "https://kuma.example/api/push/Fq3a?status=up&msg=OK&ping=",
            false,
            "feed_stale, disk_low",
        )
        .unwrap();
        assert_eq!(
            u.as_str(),
            "https://kuma.example/api/push/Fq3a?ping=&status=down&msg=feed_stale%2C+disk_low"
        );
        let u = uptime_kuma_url("https://kuma.example/api/push/Fq3a", true, "OK").unwrap();
        assert_eq!(
            u.as_str(),
            "https://kuma.example/api/push/Fq3a?status=up&msg=OK"
        );
    }

    #[test]
    fn style_and_screenshot_are_checked() {
        let parse = |hb: &str| {
            Config::parse(
                &format!("kiosk_id = \"k\"\n[heartbeat]\nurl = \"https://s.example/b\"\n{hb}"),
                "t",
            )
        };
        let c = parse("").unwrap().heartbeat.unwrap();
        assert_eq!((c.style, c.screenshot), (HeartbeatStyle::Json, false));
        let c = parse("style = \"uptime-kuma\"\n")
            .unwrap()
            .heartbeat
            .unwrap();
        assert_eq!(c.style, HeartbeatStyle::UptimeKuma);
        let c = parse("style = \"json\"\nscreenshot = true\n")
            .unwrap()
            .heartbeat
            .unwrap();
        assert!(c.screenshot);
        let problems = parse("style = \"kuma\"\n")
            .unwrap_err()
            .problems()
            .join("\n");
        assert!(problems.contains("heartbeat.style: 'kuma'"), "{problems}");
        let problems = parse("style = \"healthchecks\"\nscreenshot = true\n")
            .unwrap_err()
            .problems()
            .join("\n");
        assert!(problems.contains("heartbeat.screenshot"), "{problems}");
    }

    #[test]
    fn healthchecks_fail() {
        assert_eq!(
            healthchecks_fail_url("https://hc-ping.com/5f1c/").unwrap(),
            "https://hc-ping.com/5f1c/fail"
        );
        assert_eq!(
            healthchecks_fail_url("https://hc.example/ping/abc?rid=1").unwrap(),
            "https://hc.example/ping/abc/fail?rid=1"
        );
    }
}
