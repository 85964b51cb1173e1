//! Feed refreshing against a real HTTP server on 127.0.0.1:0 that misbehaves on
//! request: after each exchange the test asserts what the screen would show (the
//! catalog's titles) and that good data is never replaced by bad.
//!
//! Index:
//! - ok_then_not_modified_then_errors_then_recovery: 200, 304 with ETag, 500, HTML,
//!   redirect loop, body over the limit, reset mid-body, stalled server, recovery
//! - the_cache_serves_the_next_start_before_any_network
//! - staleness_is_reported_after_two_intervals

use samen_kiosk::config::FeedConfig;
use samen_kiosk::feed_service::{FeedService, RefreshOutcome};
use samen_kiosk::fetch::Limits;
use samen_kiosk::time::{parse_instant, Clock, FixedClock};
use std::io::{Read, Write};
use std::net::TcpStream;
use support::http::{Reply, TestServer};

mod support;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the test server does with the next requests.
#[derive(Clone)]
enum Mode {
    Feed { body: String, etag: String },
    Status(u16),
    Html,
    RedirectLoop,
    Huge,
    ResetMidBody,
    Stall,
}

struct Server {
    url: String,
    mode: Arc<Mutex<Mode>>,
    http: TestServer,
}

fn feed(titles: &[&str]) -> String {
    let events: Vec<String> = titles
        .iter()
        .enumerate()
        .map(|(i, t)| format!(r#"{{"id":"e{i}-{t}","name":"{t}","start":"2026-11-30T10:00","end":"2026-11-30T11:00"}}"#))
        .collect();
    format!(
        r#"{{"format":"samen-kiosk-feed","version":1,"events":[{}]}}"#,
        events.join(",")
    )
}

/// The answer for `mode` to a request that sent `If-None-Match: if_none_match`.
fn answer(mode: Mode, if_none_match: Option<&str>, url: String) -> Reply {
    match mode {
        Mode::Feed { body, etag } => {
            if if_none_match == Some(etag.as_str()) {
                Reply::status(304)
            } else {
                Reply::body(200, "application/json", body).header("ETag", &etag)
            }
        }
        Mode::Status(code) => Reply::status(code).with_body("server error"),
        Mode::Html => Reply::body(200, "text/html", "<html><body>Log in</body></html>"),
        Mode::RedirectLoop => Reply::status(302).header("Location", &url),
        Mode::Huge => Reply::raw(|stream| {
            // No Content-Length: the limit must hold while streaming.
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"version\":1,\"events\":[",
            );
            let chunk = vec![b' '; 64 * 1024];
            for _ in 0..64 {
                if stream.write_all(&chunk).is_err() {
                    break;
                }
            }
        }),
        Mode::ResetMidBody => Reply::raw(|stream| {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n{\"version\":1,\"events\":[");
            let _ = stream.flush();
            // Close at once without sending the rest.
            let _ = socket_linger_zero(stream);
        }),
        Mode::Stall => Reply::raw(|stream| {
            // Headers, a little body, then nothing at all: a slow-loris server.
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n{",
            );
            let mut sink = [0u8; 16];
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = stream.read(&mut sink);
        }),
    }
}

fn socket_linger_zero(stream: &TcpStream) -> std::io::Result<()> {
    // std has no SO_LINGER setter; shutting down both directions ends the body 4,900
    // bytes early, which is what the client must cope with.
    stream.shutdown(std::net::Shutdown::Both)
}

fn start_server(mode: Mode) -> Server {
    let mode = Arc::new(Mutex::new(mode));
    let current = mode.clone();
    let url = Arc::new(Mutex::new(String::new()));
    let own_url = url.clone();
    let http = TestServer::start(move |request| {
        let mode = current.lock().unwrap().clone();
        answer(
            mode,
            request.header("if-none-match"),
            own_url.lock().unwrap().clone(),
        )
    });
    *url.lock().unwrap() = http.url("/feed.json");
    let url = http.url("/feed.json");
    Server { url, mode, http }
}

fn source(url: &str) -> FeedConfig {
    FeedConfig {
        url: url.to_string(),
        name: "test".into(),
        refresh: Duration::from_secs(900),
        categories: vec!["ontmoeten".into()],
        location_contains: None,
        image_hosts: Vec::new(),
        http_links: false,
        urgent_allowed: false,
    }
}

fn titles(service: &FeedService) -> Vec<String> {
    let mut t: Vec<String> = service
        .catalog()
        .activities()
        .iter()
        .map(|a| a.title.get(samen_kiosk::i18n::Lang::Nl).to_string())
        .collect();
    t.sort();
    t
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(
        parse_instant("2026-11-28T10:00:00+01:00").unwrap(),
    ))
}

fn limits() -> Limits {
    Limits {
        connect_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_millis(800),
        max_bytes: 256 * 1024,
        max_redirects: 3,
    }
}

#[tokio::test]
async fn ok_then_not_modified_then_errors_then_recovery() {
    let server = start_server(Mode::Feed {
        body: feed(&["Koffie", "Wandelen"]),
        etag: "\"v1\"".into(),
    });
    let state = tempfile::tempdir().unwrap();
    let mut service = FeedService::with_limits(
        &[source(&server.url)],
        Some(state.path()),
        clock(),
        limits(),
    );
    assert!(
        titles(&service).is_empty(),
        "nothing before the first fetch"
    );

    assert_eq!(service.refresh_one(0).await, RefreshOutcome::Updated);
    assert_eq!(titles(&service), ["Koffie", "Wandelen"]);
    assert_eq!(
        service.catalog().activities()[0].categories,
        ["ontmoeten"],
        "the source's default category"
    );

    assert_eq!(service.refresh_one(0).await, RefreshOutcome::NotModified);
    assert_eq!(
        server
            .http
            .requests()
            .last()
            .and_then(|r| r.header("if-none-match").map(str::to_string))
            .as_deref(),
        Some("\"v1\""),
        "a conditional request"
    );
    assert_eq!(titles(&service), ["Koffie", "Wandelen"]);

    let bad = [
        (Mode::Status(500), "server answered 500"),
        (Mode::Html, "neither"),
        (Mode::RedirectLoop, "redirect"),
        (Mode::Huge, "more than"),
        (Mode::ResetMidBody, ""),
        (Mode::Stall, "timed out"),
    ];
    for (mode, expected) in bad {
        *server.mode.lock().unwrap() = mode;
        let outcome = service.refresh_one(0).await;
        let reason = match &outcome {
            RefreshOutcome::Failed(r) | RefreshOutcome::Invalid(r) => r.clone(),
            other => panic!("expected a failure, got {other:?}"),
        };
        assert!(reason.contains(expected), "{reason}");
        assert_eq!(
            titles(&service),
            ["Koffie", "Wandelen"],
            "after '{reason}' the good data stays"
        );
        assert!(service.status().sources[0].last_error.is_some());
    }
    assert!(
        service.next_delay(0) < Duration::from_secs(900),
        "failures retry sooner, with backoff"
    );

    *server.mode.lock().unwrap() = Mode::Feed {
        body: feed(&["Koffie", "Schilderen"]),
        etag: "\"v2\"".into(),
    };
    assert_eq!(service.refresh_one(0).await, RefreshOutcome::Updated);
    assert_eq!(titles(&service), ["Koffie", "Schilderen"], "recovered");
    assert!(service.status().sources[0].last_error.is_none());
    assert_eq!(service.next_delay(0), Duration::from_secs(900));
}

#[tokio::test]
async fn the_cache_serves_the_next_start_before_any_network() {
    let server = start_server(Mode::Feed {
        body: feed(&["Koffie"]),
        etag: "\"a\"".into(),
    });
    let state = tempfile::tempdir().unwrap();
    {
        let mut service = FeedService::with_limits(
            &[source(&server.url)],
            Some(state.path()),
            clock(),
            limits(),
        );
        assert_eq!(service.refresh_one(0).await, RefreshOutcome::Updated);
    }
    // The network is gone; a new start shows the cached feed at once.
    *server.mode.lock().unwrap() = Mode::Status(503);
    let mut service = FeedService::with_limits(
        &[source(&server.url)],
        Some(state.path()),
        clock(),
        limits(),
    );
    assert_eq!(titles(&service), ["Koffie"]);
    assert!(matches!(
        service.refresh_one(0).await,
        RefreshOutcome::Failed(_)
    ));
    assert_eq!(titles(&service), ["Koffie"]);
}

#[tokio::test]
async fn staleness_is_reported_after_two_intervals() {
    let server = start_server(Mode::Feed {
        body: feed(&["Koffie"]),
        etag: "\"a\"".into(),
    });
    let state = tempfile::tempdir().unwrap();
    let clock = clock();
    let mut service = FeedService::with_limits(
        &[source(&server.url)],
        Some(state.path()),
        clock.clone(),
        limits(),
    );
    service.refresh_one(0).await;
    let fetched = clock.now();
    *server.mode.lock().unwrap() = Mode::Status(500);
    clock.advance(chrono::Duration::minutes(29));
    service.refresh_one(0).await;
    assert_eq!(
        service.status().stale_since(clock.now()),
        None,
        "within two intervals: no note"
    );
    clock.advance(chrono::Duration::minutes(2));
    service.refresh_one(0).await;
    assert_eq!(
        service.status().stale_since(clock.now()),
        Some(fetched),
        "older than 30 minutes: 'bijgewerkt om'"
    );
}
