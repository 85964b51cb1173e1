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
use std::net::{TcpListener, TcpStream};
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
    /// The If-None-Match header of every request, in order.
    seen: Arc<Mutex<Vec<Option<String>>>>,
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

fn read_request(stream: &mut TcpStream) -> String {
    let mut data = Vec::new();
    let mut buf = [0u8; 1024];
    while !data.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    }
    String::from_utf8_lossy(&data).to_string()
}

fn serve(mut stream: TcpStream, mode: Mode, request: &str, url: &str) {
    let if_none_match = request
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("if-none-match:"))
        .map(|l| l[14..].trim().to_string());
    let respond = |stream: &mut TcpStream, status: &str, headers: &str, body: &[u8]| {
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n",
            body.len()
        );
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(body);
    };
    match mode {
        Mode::Feed { body, etag } => {
            if if_none_match.as_deref() == Some(etag.as_str()) {
                let _ = stream.write_all(b"HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n");
            } else {
                respond(
                    &mut stream,
                    "200 OK",
                    &format!("ETag: {etag}\r\nContent-Type: application/json\r\n"),
                    body.as_bytes(),
                );
            }
        }
        Mode::Status(code) => respond(&mut stream, &format!("{code} Oops"), "", b"server error"),
        Mode::Html => respond(
            &mut stream,
            "200 OK",
            "Content-Type: text/html\r\n",
            b"<html><body>Log in</body></html>",
        ),
        Mode::RedirectLoop => {
            let _ = stream.write_all(format!("HTTP/1.1 302 Found\r\nLocation: {url}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes());
        }
        Mode::Huge => {
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
        }
        Mode::ResetMidBody => {
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n{\"version\":1,\"events\":[");
            let _ = stream.flush();
            // Close at once without sending the rest (linger 0 makes it a reset).
            let _ = socket_linger_zero(&stream);
        }
        Mode::Stall => {
            // Headers, a little body, then nothing at all: a slow-loris server.
            let _ = stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\nConnection: close\r\n\r\n{",
            );
            let mut sink = [0u8; 16];
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = stream.read(&mut sink);
        }
    }
}

fn socket_linger_zero(stream: &TcpStream) -> std::io::Result<()> {
    // std has no SO_LINGER setter; shutting down both directions ends the body 4,900
    // bytes early, which is what the client must cope with.
    stream.shutdown(std::net::Shutdown::Both)
}

fn start_server(mode: Mode) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}/feed.json", listener.local_addr().expect("addr"));
    let mode = Arc::new(Mutex::new(mode));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (m, s, u) = (mode.clone(), seen.clone(), url.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let request = read_request(&mut stream);
            let inm = request
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("if-none-match:"))
                .map(|l| l[14..].trim().to_string());
            s.lock().unwrap().push(inm);
            let mode = m.lock().unwrap().clone();
            let u = u.clone();
            std::thread::spawn(move || serve(stream, mode, &request, &u));
        }
    });
    Server { url, mode, seen }
}

fn source(url: &str) -> FeedConfig {
    FeedConfig {
        url: url.to_string(),
        name: "test".into(),
        refresh: Duration::from_secs(900),
        categories: vec!["ontmoeten".into()],
        location_contains: None,
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
            .seen
            .lock()
            .unwrap()
            .last()
            .cloned()
            .flatten()
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
