//! The heartbeat of issue 19 with the running binary (`run --headless`) against local
//! servers that record what they receive and fail on request:
//! - health_reasons_reach_the_heartbeat_and_status: an intake that refuses requests
//!   (`outbox_attention`), a feed server that starts failing (`feed_stale`), a clock
//!   timesyncd calls unsynchronised (`clock_unsynced`); `status --json` says the same
//! - a_refused_fleet_document_is_a_reason: a fleet server whose signature does not
//!   verify (`config_refused`)
//! - status_says_no_touch_and_low_disk: `status --json` with an old `last-touch`
//!   (`no_touch`) and on a 60 MB tmpfs (`disk_low`; needs root, else skipped)
//! - config_check_refuses_an_unknown_style (and a screenshot with another style)
//! - json_heartbeats_are_signed_like_webhooks
//! - uptime_kuma_heartbeats_push_status_and_msg
//! - healthchecks_heartbeats_ping_or_fail_with_the_reasons
//! - figures_are_resent_until_the_hub_acknowledges_them: impact figures (issue 20) in
//!   the heartbeat through a hub outage (503s), acknowledged by the hub's answer, then
//!   no longer sent; `status --json` shows the last 7 days
//!
//! Waiting is for the request itself (`TestServer::next_request`), with a deadline.

mod support;

use std::path::Path;
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::http::{Reply, Request, TestServer};

const FEED: &str = r#"{"format":"samen-kiosk-feed","version":1,"events":[{"id":"e1","name":"Koffie","start":"2026-11-30T10:00","end":"2026-11-30T11:00"}]}"#;
const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

struct Kiosk {
    child: Child,
    _dir: tempfile::TempDir,
    config: std::path::PathBuf,
    state: std::path::PathBuf,
}

impl Drop for Kiosk {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `run --headless` with `config` (kiosk_id "hb" is added); `synced`: what
/// timesyncd's directory says (`None`: no timesyncd).
fn start(config: &str, synced: Option<bool>) -> Kiosk {
    start_after(config, synced, |_, _| {})
}

/// [`start`], with `before(config file, state directory)` done first.
fn start_after(config: &str, synced: Option<bool>, before: impl FnOnce(&Path, &Path)) -> Kiosk {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    std::fs::create_dir(&state).unwrap();
    let timesync = dir.path().join("timesync");
    if let Some(synced) = synced {
        std::fs::create_dir(&timesync).unwrap();
        if synced {
            std::fs::write(timesync.join("synchronized"), "").unwrap();
        }
    }
    let file = dir.path().join("kiosk.toml");
    std::fs::write(&file, format!("kiosk_id = \"hb\"\n{config}")).unwrap();
    before(&file, &state);
    let child = support::kiosk::command(&state)
        .args(["--config", file.to_str().unwrap(), "run", "--headless"])
        .env("SAMEN_KIOSK_TIMESYNC_DIR", &timesync)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("kiosk starts");
    Kiosk {
        child,
        _dir: dir,
        config: file,
        state,
    }
}

fn wait_for(
    server: &TestServer,
    limit: Duration,
    what: &str,
    ok: impl Fn(&Request) -> bool,
) -> Request {
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match server.next_request(left) {
            Some(r) if ok(&r) => return r,
            Some(_) => {}
            None => panic!("no {what} within {limit:?}"),
        }
    }
}

fn beat(r: &Request) -> Option<serde_json::Value> {
    r.path
        .starts_with("/beat")
        .then(|| serde_json::from_slice(&r.body).ok())
        .flatten()
}

fn reason_codes(v: &serde_json::Value) -> Vec<String> {
    v["health"]["reasons"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn health_reasons_reach_the_heartbeat_and_status() {
    let failing = Arc::new(AtomicBool::new(false));
    let f = failing.clone();
    let server = TestServer::start(move |r| match r.path.as_str() {
        "/feed.json" if f.load(Ordering::SeqCst) => Reply::status(503),
        "/feed.json" => Reply::body(200, "application/json", FEED),
        // The intake refuses the request: it needs attention.
        "/hook" => Reply::status(400),
        _ => Reply::status(204),
    });
    let config = format!(
        "[[feeds]]\nname = \"agenda\"\nurl = \"{}\"\nrefresh = \"1s\"\n\
         [callback.webhook]\nurl = \"{}\"\nsecret = \"{SECRET}\"\n\
         [heartbeat]\nurl = \"{}\"\ninterval = \"10s\"\n",
        server.url("/feed.json"),
        server.url("/hook"),
        server.url("/beat")
    );
    // A request waits before the kiosk starts; its delivery is refused.
    let kiosk = start_after(&config, Some(false), |file, state| {
        let submit = support::kiosk::command(state)
            .args(["--config", file.to_str().unwrap(), "callback", "submit"])
            .args([
                "--name",
                "Annabel",
                "--phone",
                "06 12345678",
                "--when",
                "morning",
            ])
            .output()
            .unwrap();
        assert!(
            submit.status.success(),
            "{}",
            String::from_utf8_lossy(&submit.stderr)
        );
    });
    let limit = Duration::from_secs(60);
    let first = wait_for(
        &server,
        limit,
        "a degraded heartbeat with outbox_attention",
        |r| beat(r).is_some_and(|b| reason_codes(&b).contains(&"outbox_attention".to_string())),
    );
    let body = beat(&first).unwrap();
    assert_eq!(body["health"]["state"], "degraded", "{body}");
    assert_eq!(
        reason_codes(&body),
        ["outbox_attention", "clock_unsynced"],
        "the feed is fresh: {body}"
    );
    assert_eq!(body["interval_s"], 10);
    let text = String::from_utf8_lossy(&first.body);
    assert!(
        !text.contains("Annabel") && !text.contains("12345678"),
        "{text}"
    );

    // status --json of the running kiosk says the same.
    let out = support::kiosk::command(&kiosk.state)
        .args([
            "--config",
            kiosk.config.to_str().unwrap(),
            "status",
            "--json",
        ])
        .env("SAMEN_KIOSK_TIMESYNC_DIR", kiosk.state.join("no-timesyncd"))
        .output()
        .unwrap();
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(status["health"]["state"], "degraded", "{status}");
    assert_eq!(reason_codes(&status), ["outbox_attention"], "{status}");
    assert!(status.get("interval_s").is_none());

    // The feed server fails: two refresh intervals later the feed is stale.
    failing.store(true, Ordering::SeqCst);
    let stale = wait_for(&server, limit, "a heartbeat with feed_stale", |r| {
        beat(r).is_some_and(|b| reason_codes(&b).contains(&"feed_stale".to_string()))
    });
    let body = beat(&stale).unwrap();
    let words = body["health"]["reasons"][0]["words"]
        .as_str()
        .unwrap_or_default();
    assert!(
        words.starts_with("agenda: last good data") && words.contains("server answered 503"),
        "{body}"
    );
    drop(kiosk);
}

#[test]
fn a_refused_fleet_document_is_a_reason() {
    let server = TestServer::start(|r| match r.path.as_str() {
        "/fleet.toml" => Reply::body(
            200,
            "text/plain",
            "version = 2\nexpires = 2099-01-01T00:00:00Z\n",
        ),
        "/fleet.toml.minisig" => {
            Reply::body(200, "text/plain", "untrusted comment: x\nnot a signature\n")
        }
        _ => Reply::status(204),
    });
    let key = "RWQaytnUJsOaV8aECpz7cR3ffGBS4fUvfUn6mvZert0Q43xVN9zI7J65";
    let _kiosk = start(
        &format!(
            "[heartbeat]\nurl = \"{}\"\ninterval = \"10s\"\n\
             [remote]\nurl = \"{}\"\npublic_key = \"{key}\"\npoll_interval = \"2s\"\n",
            server.url("/beat"),
            server.url("/fleet.toml")
        ),
        None,
    );
    let r = wait_for(&server, Duration::from_secs(60), "config_refused", |r| {
        beat(r).is_some_and(|b| reason_codes(&b) == ["config_refused"])
    });
    let body = beat(&r).unwrap();
    assert_eq!(body["health"]["state"], "degraded");
    assert_eq!(
        body["health"]["reasons"][0]["words"], body["config_error"],
        "{body}"
    );
}

#[test]
fn status_says_no_touch_and_low_disk() {
    let status = |state: &Path| -> serde_json::Value {
        let out = support::kiosk::command(state)
            .args(["status", "--json"])
            .env("SAMEN_KIOSK_TIMESYNC_DIR", state.join("no-timesyncd"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("JSON")
    };
    let state = tempfile::tempdir().unwrap();
    assert_eq!(status(state.path())["health"]["state"], "ok");
    // Nobody touched the screen since the start of the year (every day is an opening
    // day without a [schedule]).
    std::fs::write(state.path().join("last-touch"), "2026-01-01\n").unwrap();
    let s = status(state.path());
    assert_eq!(reason_codes(&s), ["no_touch"], "{s}");
    // A state disk with under 100 MB free.
    let Some(disk) = support::tmpfs::Tmpfs::mount(60 * 1024 * 1024) else {
        return;
    };
    let s = status(disk.path());
    assert_eq!(reason_codes(&s), ["disk_low"], "{s}");
}

#[test]
fn config_check_refuses_an_unknown_style() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("kiosk.toml");
    let check = |text: &str| {
        std::fs::write(
            &file,
            format!("kiosk_id = \"k\"\n[heartbeat]\nurl = \"https://s.example/b\"\n{text}"),
        )
        .unwrap();
        support::kiosk::run(&["config", "check", file.to_str().unwrap()], dir.path())
    };
    let out = check("style = \"uptime-kuma\"\n[health]\nno_touch_days = 5\n");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = check("style = \"prometheus\"\nscreenshot = true\n");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("heartbeat.style: 'prometheus': use \"json\""),
        "{err}"
    );
    let out = check("style = \"healthchecks\"\nscreenshot = true\n[health]\nno_touch_days = 99\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("heartbeat.screenshot:") && err.contains("health.no_touch_days:"),
        "{err}"
    );
}

#[test]
fn json_heartbeats_are_signed_like_webhooks() {
    let server = TestServer::start(|_| Reply::status(204));
    let _kiosk = start(
        &format!(
            "[heartbeat]\nurl = \"{}\"\nsecret = \"{SECRET}\"\nstyle = \"json\"\n",
            server.url("/beat")
        ),
        Some(true),
    );
    let r = wait_for(&server, Duration::from_secs(60), "a heartbeat", |r| {
        r.path == "/beat"
    });
    assert_eq!(r.method, "POST");
    assert_eq!(r.header("content-type"), Some("application/json"));
    let body = beat(&r).unwrap();
    assert_eq!(body["health"]["state"], "ok", "{body}");
    assert_eq!(body["interval_s"], 300);
    // Standard Webhooks, checked with the hub's own verification.
    let secret = samen_wire::standard::WebhookSecret::parse(SECRET).unwrap();
    let received = samen_wire::standard::Received {
        id: r.header("webhook-id"),
        timestamp: r.header("webhook-timestamp"),
        signature: r.header("webhook-signature"),
    };
    assert!(r
        .header("webhook-id")
        .is_some_and(|id| id.starts_with("hb_")));
    let now = chrono::Utc::now().timestamp();
    samen_wire::standard::verify(&[&secret], &received, &r.body, now).expect("valid signature");
    // And the header existing receivers check.
    let legacy = r.header("x-samen-signature").expect("X-Samen-Signature");
    samen_wire::legacy::verify(SECRET.as_bytes(), legacy, &r.body, now, 300).expect("legacy");
    // It parses as the hub's heartbeat.
    let hb: samen_wire::health::Heartbeat = serde_json::from_slice(&r.body).expect("heartbeat");
    assert_eq!(hb.status.kiosk_id, "hb");
}

#[test]
fn uptime_kuma_heartbeats_push_status_and_msg() {
    let server = TestServer::start(|_| Reply::body(200, "application/json", r#"{"ok":true}"#));
    let config = |_: ()| {
        format!(
            "[heartbeat]\nurl = \"{}\"\nstyle = \"uptime-kuma\"\n",
            server.url("/api/push/Fq3a?status=up&msg=OK&ping=")
        )
    };
    let degraded = start(&config(()), Some(false));
    let r = wait_for(&server, Duration::from_secs(60), "a push", |r| {
        r.path.starts_with("/api/push")
    });
    assert_eq!(
        r.line(),
        "GET /api/push/Fq3a?ping=&status=down&msg=clock_unsynced"
    );
    drop(degraded);
    let _ok = start(&config(()), None);
    let r = wait_for(&server, Duration::from_secs(60), "a push", |r| {
        r.path.starts_with("/api/push")
    });
    assert_eq!(r.line(), "GET /api/push/Fq3a?ping=&status=up&msg=OK");
}

#[test]
fn healthchecks_heartbeats_ping_or_fail_with_the_reasons() {
    let server = TestServer::start(|_| Reply::body(200, "text/plain", "OK"));
    let config = format!(
        "[heartbeat]\nurl = \"{}\"\nstyle = \"healthchecks\"\n",
        server.url("/ping/5f1c")
    );
    let degraded = start(&config, Some(false));
    let r = wait_for(&server, Duration::from_secs(60), "a ping", |r| {
        r.path.starts_with("/ping")
    });
    assert_eq!(r.line(), "POST /ping/5f1c/fail");
    let body = String::from_utf8_lossy(&r.body);
    assert!(body.starts_with("clock_unsynced: "), "{body}");
    drop(degraded);
    let _ok = start(&config, Some(true));
    let r = wait_for(&server, Duration::from_secs(60), "a ping", |r| {
        r.path.starts_with("/ping")
    });
    assert_eq!(r.line(), "POST /ping/5f1c");
    assert_eq!(String::from_utf8_lossy(&r.body), "OK\n");
}

/// Issue 20: the days of figures the hub has not acknowledged go with every heartbeat,
/// also through an outage (the receiver answers 503 twice); once the answer names
/// them they are not sent again. The receiver answers as samen-hub does.
#[test]
fn figures_are_resent_until_the_hub_acknowledges_them() {
    use samen_kiosk::figures::{DayFigures, Store};
    let today = chrono::Utc::now()
        .with_timezone(&samen_kiosk::time::ZONE)
        .date_naive();
    let days: Vec<chrono::NaiveDate> = [20u64, 2, 1]
        .iter()
        .map(|back| today - chrono::Days::new(*back))
        .collect();
    let calls = Arc::new(std::sync::Mutex::new(0u32));
    let counter = calls.clone();
    let server = TestServer::start(move |r| {
        let mut n = counter.lock().unwrap();
        *n += 1;
        if *n <= 2 {
            return Reply::status(503);
        }
        // The hub's answer: the days it stored.
        let sent: serde_json::Value = serde_json::from_slice(&r.body).unwrap_or_default();
        let ack: Vec<serde_json::Value> = sent["figures"]
            .as_array()
            .map(|a| a.iter().map(|d| d["day"].clone()).collect())
            .unwrap_or_default();
        Reply::body(
            200,
            "application/json",
            serde_json::json!({"status": "stored", "figures_ack": ack}).to_string(),
        )
    });
    let kiosk = start_after(
        &format!(
            "[heartbeat]\nurl = \"{}\"\ninterval = \"10s\"\n",
            server.url("/beat")
        ),
        Some(true),
        |_, state| {
            let mut store = Store::open_in(state).unwrap();
            for (i, day) in days.iter().enumerate() {
                let mut d = DayFigures::new(*day);
                d.visits = 5 + i as u64;
                d.visits_by_language.insert("nl".into(), d.visits);
                store.add(&d).unwrap();
            }
        },
    );
    let sent_days = |r: &Request| -> Vec<String> {
        beat(r)
            .and_then(|b| b["figures"].as_array().cloned())
            .map(|a| {
                a.iter()
                    .map(|d| d["day"].as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    let expected: Vec<String> = days.iter().map(|d| d.to_string()).collect();
    let limit = Duration::from_secs(60);
    // Two heartbeats into the outage and the one that gets through: all three days.
    for n in 1..=3 {
        let r = wait_for(&server, limit, "a heartbeat", |r| r.path == "/beat");
        assert_eq!(sent_days(&r), expected, "heartbeat {n}");
        let body = beat(&r).unwrap();
        assert_eq!(body["figures"][0]["visits"], 5, "{body}");
    }
    // Acknowledged: the next heartbeat carries none.
    let r = wait_for(&server, limit, "a heartbeat", |r| r.path == "/beat");
    assert!(
        sent_days(&r).is_empty(),
        "{}",
        String::from_utf8_lossy(&r.body)
    );
    assert!(beat(&r).unwrap().get("figures").is_none());
    // `status --json`: the last 7 days (not the one of 20 days ago), acknowledged or not.
    let out = support::kiosk::command(&kiosk.state)
        .args([
            "--config",
            kiosk.config.to_str().unwrap(),
            "status",
            "--json",
        ])
        .output()
        .unwrap();
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let shown: Vec<&str> = status["figures"]
        .as_array()
        .expect("figures in status")
        .iter()
        .filter_map(|d| d["day"].as_str())
        .collect();
    assert_eq!(
        shown,
        [expected[1].as_str(), expected[2].as_str()],
        "{status}"
    );
}
