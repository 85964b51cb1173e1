//! One delivery step at a time (`Deliverer::try_deliver_one`) against real local
//! peers: a webhook that answers what the test says, and a minimal SMTP server.
//! Time is a `FixedClock` the test moves, so retries are due without waiting.
//!
//! Index:
//! - webhook_answers_decide_retry_attention_and_delivery
//! - email_channel_delivers_the_same_content

use samen_kiosk::callback::delivery::{Channel, Deliverer, Outcome, Webhook};
use samen_kiosk::callback::email::EmailChannel;
use samen_kiosk::callback::outbox::Outbox;
use samen_kiosk::callback::{self, Form};
use samen_kiosk::i18n::Lang;
use samen_kiosk::signing::Secret;
use samen_kiosk::time::{parse_instant, Clock, FixedClock};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use support::http::{Reply, TestServer};

mod support;
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(
        parse_instant("2026-11-28T10:00:00+01:00").unwrap(),
    ))
}

fn submit(outbox: &Outbox, clock: &FixedClock) -> String {
    let form = Form {
        name: "Anna",
        phone: "06 12345678",
        slot: "afternoon",
        topic: Some("chat"),
        lang: Lang::Nl,
    };
    callback::submit(outbox, "kiosk-test", form, clock.now())
        .unwrap()
        .id
        .to_string()
}

/// A webhook that answers the scripted statuses (and extra headers) in turn, then 200.
fn webhook(script: Vec<(u16, Option<(&'static str, &'static str)>)>) -> TestServer {
    let mut script = script.into_iter();
    TestServer::start(move |_| match script.next() {
        Some((status, header)) => {
            let reply = Reply::status(status);
            match header {
                Some((name, value)) => reply.header(name, value),
                None => reply,
            }
        }
        None => Reply::status(200),
    })
}

#[tokio::test]
async fn webhook_answers_decide_retry_attention_and_delivery() {
    let hook = webhook(vec![
        (500, None),
        (429, Some(("Retry-After", "7"))),
        (422, None),
        (200, None),
    ]);
    let url = hook.url("/hook");
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open_in(dir.path()).unwrap();
    let clock = clock();
    let id = submit(&outbox, &clock);
    let channel = Channel::Webhook(Webhook {
        url,
        secret: Secret::new("0123456789abcdef"),
    });
    let deliverer = Deliverer::new(channel, Duration::from_secs(5), clock.clone()).unwrap();

    assert!(
        matches!(deliverer.try_deliver_one(&outbox).await.unwrap(), Outcome::Retry(ref i, d) if *i == id && d >= Duration::from_secs(5))
    );
    assert_eq!(
        deliverer.try_deliver_one(&outbox).await.unwrap(),
        Outcome::Idle,
        "not due before its retry time"
    );
    clock.advance(chrono::Duration::minutes(1));
    assert_eq!(
        deliverer.try_deliver_one(&outbox).await.unwrap(),
        Outcome::Retry(id.clone(), Duration::from_secs(7)),
        "Retry-After is honoured"
    );
    clock.advance(chrono::Duration::minutes(1));
    assert!(matches!(
        deliverer.try_deliver_one(&outbox).await.unwrap(),
        Outcome::Attention(..)
    ));
    let status = outbox.status(clock.now()).unwrap();
    assert_eq!(
        (status.pending, status.failed_attention),
        (1, 1),
        "kept and flagged, not dropped"
    );
    clock.advance(chrono::Duration::minutes(16));
    assert_eq!(
        deliverer.try_deliver_one(&outbox).await.unwrap(),
        Outcome::Delivered(id.clone())
    );
    let status = outbox.status(clock.now()).unwrap();
    assert_eq!(
        (status.pending, status.delivered, status.failed_attention),
        (0, 1, 0)
    );

    let seen: Vec<(String, Vec<u8>)> = hook
        .requests()
        .into_iter()
        .map(|r| {
            (
                r.header("idempotency-key").unwrap_or("").to_string(),
                r.body,
            )
        })
        .collect();
    assert_eq!(seen.len(), 4);
    assert!(
        seen.iter().all(|(k, b)| *k == id && *b == seen[0].1),
        "same key, same bytes on every try"
    );
}

/// A secret as `samen-hub kiosk add` prints it signs the Standard Webhooks headers
/// that any off-the-shelf receiver (here the hub's own verifier) accepts, next to
/// today's X-Samen-Signature, with `webhook-id` the request id on every try.
#[tokio::test]
async fn standard_webhooks_headers_verify_with_a_whsec_secret() {
    use samen_wire::standard::{self, Received, WebhookSecret};
    let hook = webhook(vec![(503, None), (200, None)]);
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open_in(dir.path()).unwrap();
    let clock = clock();
    let id = submit(&outbox, &clock);
    let text = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let channel = Channel::Webhook(Webhook {
        url: hook.url("/intake/callback"),
        secret: Secret::new(text),
    });
    let deliverer = Deliverer::new(channel, Duration::from_secs(5), clock.clone()).unwrap();
    assert!(matches!(
        deliverer.try_deliver_one(&outbox).await.unwrap(),
        Outcome::Retry(..)
    ));
    clock.advance(chrono::Duration::minutes(1));
    assert_eq!(
        deliverer.try_deliver_one(&outbox).await.unwrap(),
        Outcome::Delivered(id.clone())
    );
    let secret = WebhookSecret::parse(text).unwrap();
    let requests = hook.requests();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_eq!(r.header("webhook-id"), Some(id.as_str()), "the request id");
        let received = Received {
            id: r.header("webhook-id"),
            timestamp: r.header("webhook-timestamp"),
            signature: r.header("webhook-signature"),
        };
        let sent_at: i64 = received.timestamp.unwrap().parse().unwrap();
        standard::verify(&[&secret], &received, &r.body, sent_at).expect("verifies");
        // A changed body does not.
        assert!(standard::verify(&[&secret], &received, b"{}", sent_at).is_err());
        let legacy = r.header("x-samen-signature").expect("the old header stays");
        assert_eq!(
            legacy,
            samen_kiosk::signing::signature(&Secret::new(text), sent_at, &r.body)
        );
    }
    assert_eq!(
        requests[0].body, requests[1].body,
        "the same bytes on retry"
    );
}

/// Just enough SMTP to accept one message.
fn smtp_server() -> (u16, Arc<Mutex<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let data = Arc::new(Mutex::new(String::new()));
    let store = data.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut out = stream.try_clone().unwrap();
            let mut reader = BufReader::new(stream);
            let _ = out.write_all(b"220 test ESMTP\r\n");
            let mut in_data = false;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                if in_data {
                    if line == ".\r\n" {
                        in_data = false;
                        let _ = out.write_all(b"250 queued\r\n");
                    } else {
                        store.lock().unwrap().push_str(&line);
                    }
                    continue;
                }
                let cmd = line.to_ascii_uppercase();
                let reply: &[u8] = if cmd.starts_with("EHLO") {
                    b"250-test\r\n250 8BITMIME\r\n"
                } else if cmd.starts_with("DATA") {
                    in_data = true;
                    b"354 go on\r\n"
                } else if cmd.starts_with("QUIT") {
                    let _ = out.write_all(b"221 bye\r\n");
                    break;
                } else {
                    b"250 ok\r\n"
                };
                let _ = out.write_all(reply);
            }
        }
    });
    (port, data)
}

#[tokio::test]
async fn email_channel_delivers_the_same_content() {
    let (port, data) = smtp_server();
    let dir = tempfile::tempdir().unwrap();
    let outbox = Outbox::open_in(dir.path()).unwrap();
    let clock = clock();
    let id = submit(&outbox, &clock);
    let channel = Channel::Email(EmailChannel {
        host: "127.0.0.1".into(),
        port,
        starttls: false,
        username: None,
        password: None,
        from: "kiosk@example.org".into(),
        to: "intake@example.org".into(),
    });
    let deliverer = Deliverer::new(channel, Duration::from_secs(5), clock.clone()).unwrap();
    assert_eq!(
        deliverer.try_deliver_one(&outbox).await.unwrap(),
        Outcome::Delivered(id.clone())
    );
    let mail = data.lock().unwrap().clone();
    assert!(mail.contains("Voornaam:  Anna"), "{mail}");
    assert!(
        mail.contains("Telefoon:  06 12345678") || mail.contains("06 12345678"),
        "{mail}"
    );
    assert!(
        mail.contains(&format!("<{id}@samen-kiosk>")),
        "the id as Message-ID: {mail}"
    );
    assert!(mail.contains("Wanneer:   's middags"), "{mail}");
    assert_eq!(outbox.status(clock.now()).unwrap().delivered, 1);
}
