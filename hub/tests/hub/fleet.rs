//! The fleet (issue 19): heartbeat intake, health over (mock) time, alert e-mails to a
//! real SMTP server, `/metrics` read by a Prometheus exposition-format parser, the IT
//! pages (roles, escaping, screenshots), `fleet list --json`, history pruning.

use crate::mail::SmtpPeer;
use crate::support::*;
use base64::Engine;
use samen_hub::accounts::Role;
use samen_hub::config::{Config, Mail, Token};

const BIN: &str = env!("CARGO_BIN_EXE_samen-hub");

fn with_screenshot(mut body: serde_json::Value, taken_at: i64, png: &[u8]) -> serde_json::Value {
    let at = chrono::DateTime::from_timestamp(taken_at, 0)
        .unwrap()
        .to_rfc3339();
    body["screenshot"] = serde_json::json!({
        "taken_at": at,
        "mime": "image/png",
        "data": base64::engine::general_purpose::STANDARD.encode(png),
    });
    body
}

#[tokio::test]
async fn heartbeat_intake_refuses_bad_or_old_signatures_and_stores_nothing() {
    let t = TestHub::start().await;
    let secret = t.add_kiosk("bieb");
    let other = t.add_kiosk("noord");
    let now = t.now();
    let body = heartbeat_json("bieb", now, &[]).to_string();

    // Another kiosk's secret, an unknown kiosk, old and future timestamps: 401.
    assert_eq!(heartbeat_at(&t.url, &other, now, &body).await.0, 401);
    let stranger = heartbeat_json("nobody", now, &[]).to_string();
    assert_eq!(heartbeat_at(&t.url, &secret, now, &stranger).await.0, 401);
    assert_eq!(heartbeat_at(&t.url, &secret, now - 301, &body).await.0, 401);
    assert_eq!(heartbeat_at(&t.url, &secret, now + 301, &body).await.0, 401);
    // No signature at all.
    let r = client()
        .post(format!("{}/intake/heartbeat", t.url))
        .header("webhook-id", "x")
        .header("webhook-timestamp", now.to_string())
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // The body changed after signing.
    let mut request = client().post(format!("{}/intake/heartbeat", t.url));
    for (k, v) in samen_wire::standard::headers(&secret, "hb-1", now, body.as_bytes()) {
        request = request.header(k, v);
    }
    let tampered = body.replace("\"pending\":1", "\"pending\":0");
    assert_ne!(tampered, body);
    let r = request.body(tampered).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 401);

    // Signed, but not a status object; a screenshot that is not a PNG; too large.
    let not_status = serde_json::json!({"kiosk_id": "bieb", "hello": 1}).to_string();
    assert_eq!(heartbeat_at(&t.url, &secret, now, &not_status).await.0, 422);
    let fake = with_screenshot(heartbeat_json("bieb", now, &[]), now, b"<svg/>");
    assert_eq!(
        heartbeat_at(&t.url, &secret, now, &fake.to_string())
            .await
            .0,
        422
    );
    let big = with_screenshot(heartbeat_json("bieb", now, &[]), now, &vec![0u8; 70_000]);
    assert_eq!(
        heartbeat_at(&t.url, &secret, now, &big.to_string()).await.0,
        422
    );
    let mut huge = heartbeat_json("bieb", now, &[]);
    huge["padding"] = serde_json::Value::String("x".repeat(300 * 1024));
    assert_eq!(
        heartbeat_at(&t.url, &secret, now, &huge.to_string())
            .await
            .0,
        413
    );
    let bad_code = heartbeat_json("bieb", now, &[("<b>", "x")]).to_string();
    assert_eq!(heartbeat_at(&t.url, &secret, now, &bad_code).await.0, 422);

    assert_eq!(t.count("fleet_status"), 0, "nothing stored");
    assert_eq!(t.count("fleet_history"), 0, "nothing stored");
    assert_eq!(t.fleet_state("bieb").0, "offline");

    // Today's kiosk: the status object alone, signed. Stored, without health (ok).
    let today: serde_json::Value = {
        let mut v = heartbeat_json("bieb", now, &[]);
        let o = v.as_object_mut().unwrap();
        o.remove("health");
        o.remove("interval_s");
        v
    };
    let (status, text) = t.heartbeat(&secret, &today).await;
    assert_eq!((status, text.as_str()), (200, r#"{"status":"stored"}"#));
    assert_eq!(t.fleet_state("bieb").0, "ok");

    // As today's kiosk signs its heartbeat: `X-Samen-Signature` with the secret's text
    // (its `[heartbeat] secret`), no webhook-* headers, no Idempotency-Key.
    let legacy_post = |key: &[u8], ts: i64| {
        let raw = today.to_string();
        let header = samen_wire::legacy::sign(key, ts, raw.as_bytes());
        client()
            .post(format!("{}/intake/heartbeat", t.url))
            .header(samen_wire::legacy::HEADER, header)
            .body(raw)
            .send()
    };
    let r = legacy_post(secret.encode().as_bytes(), now).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = legacy_post(b"whsec_not-the-secret", now).await.unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let r = legacy_post(secret.encode().as_bytes(), now - 400)
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);

    // A heartbeat signed earlier than the stored one (a late retry) changes nothing.
    let older = heartbeat_json("bieb", now - 60, &[("disk_low", "5 MB free")]).to_string();
    let (status, text) = heartbeat_at(&t.url, &secret, now - 60, &older).await;
    assert_eq!((status, text.as_str()), (200, r#"{"status":"stale"}"#));
    assert_eq!(t.fleet_state("bieb").0, "ok");
    // The same with only the legacy header: its own `t=` says when it was signed.
    let header = samen_wire::legacy::sign(secret.encode().as_bytes(), now - 60, older.as_bytes());
    let r = client()
        .post(format!("{}/intake/heartbeat", t.url))
        .header(samen_wire::legacy::HEADER, header)
        .body(older.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.text().await.unwrap(), r#"{"status":"stale"}"#);
    assert_eq!(
        t.fleet_state("bieb").0,
        "ok",
        "a replayed legacy heartbeat changed the state"
    );
}

#[tokio::test]
async fn health_goes_ok_degraded_offline_and_back_with_mock_time() {
    let t = TestHub::start().await;
    let secret = t.add_kiosk("bieb");
    let fast = t.add_kiosk("snel");
    assert_eq!(t.fleet_state("bieb").0, "offline", "never seen");

    assert_eq!(
        t.heartbeat(&secret, &heartbeat_json("bieb", t.now(), &[]))
            .await
            .0,
        200
    );
    assert_eq!(t.fleet_state("bieb"), ("ok".into(), vec![]));

    t.advance_minutes(5);
    let degraded = heartbeat_json("bieb", t.now(), &[("feed_stale", "agenda: 2 days old")]);
    assert_eq!(t.heartbeat(&secret, &degraded).await.0, 200);
    assert_eq!(
        t.fleet_state("bieb"),
        ("degraded".into(), vec!["feed_stale".to_string()])
    );

    // Three missed intervals (3 x 300 s) and the kiosk is offline; at 15 minutes not yet.
    t.advance_minutes(15);
    assert_eq!(t.fleet_state("bieb").0, "degraded");
    t.advance_minutes(1);
    assert_eq!(t.fleet_state("bieb").0, "offline");
    // The minute job writes the offline stretch into the history (once).
    samen_hub::alerts::tick(&t.hub).await.unwrap();
    samen_hub::alerts::tick(&t.hub).await.unwrap();

    t.advance_minutes(10);
    assert_eq!(
        t.heartbeat(&secret, &heartbeat_json("bieb", t.now(), &[]))
            .await
            .0,
        200
    );
    assert_eq!(t.fleet_state("bieb").0, "ok");

    let since = t.now() - 3600;
    let rows = t
        .hub
        .db
        .blocking(|c| samen_hub::fleet::history(c, "bieb", since))
        .unwrap();
    let states: Vec<&str> = rows.iter().map(|r| r.state.key()).collect();
    assert_eq!(states, ["ok", "degraded", "offline", "ok"]);
    // Offline from three intervals after the last heartbeat.
    assert_eq!(rows[2].at - rows[1].at, 15 * 60);
    assert_eq!(rows[1].reasons, ["feed_stale"]);
    assert_eq!(rows[1].figures.outbox_pending, Some(1));

    // A kiosk that says it beats every 60 s is offline after 3 minutes.
    let mut body = heartbeat_json("snel", t.now(), &[]);
    body["interval_s"] = 60.into();
    assert_eq!(t.heartbeat(&fast, &body).await.0, 200);
    t.advance_minutes(3);
    assert_eq!(t.fleet_state("snel").0, "ok");
    t.advance_minutes(1);
    assert_eq!(t.fleet_state("snel").0, "offline");

    // Unchanged heartbeats add a history row at most once an hour.
    let before = t.count("fleet_history");
    for _ in 0..6 {
        t.advance_minutes(5);
        let _ = t
            .heartbeat(&secret, &heartbeat_json("bieb", t.now(), &[]))
            .await;
    }
    assert_eq!(
        t.count("fleet_history"),
        before,
        "30 minutes: no new sample"
    );
    for _ in 0..7 {
        t.advance_minutes(5);
        let _ = t
            .heartbeat(&secret, &heartbeat_json("bieb", t.now(), &[]))
            .await;
    }
    assert_eq!(t.count("fleet_history"), before + 1, "an hourly sample");

    // The daily retention pass prunes what is older than 30 days.
    t.advance_minutes(31 * 24 * 60);
    let _ = t
        .heartbeat(&secret, &heartbeat_json("bieb", t.now(), &[]))
        .await;
    let now = t.now();
    let policy = t.hub.config.retention;
    let report = t
        .hub
        .db
        .blocking(|c| samen_hub::retention::run(c, policy, now))
        .unwrap();
    assert_eq!(report.history_pruned as i64, before + 1);
    assert_eq!(t.count("fleet_history"), 1, "the new row only");
}

#[tokio::test]
async fn alert_emails_are_batched_one_per_kiosk_per_15_minutes_without_personal_data() {
    let Some(peer) = SmtpPeer::start() else {
        return;
    };
    let config = Config {
        public_url: "https://hub.example.org".into(),
        mail: Some(Mail {
            smtp_url: format!("smtp://127.0.0.1:{}", peer.port),
            from: "samen-hub <hub@example.org>".into(),
            to: vec!["coordinatoren@example.org".into()],
        }),
        alerts_to: Some(vec!["it@example.org".into()]),
        ..Config::default()
    };
    let t = TestHub::start_with(config).await;
    let kiosks: Vec<_> = ["a-bieb", "b-noord", "c-hal", "d-nooit"]
        .iter()
        .map(|id| (*id, t.add_kiosk(id)))
        .collect();
    let beat = |id: &'static str, reasons: &'static [(&'static str, &'static str)]| {
        let secret = kiosks.iter().find(|(k, _)| *k == id).unwrap().1.clone();
        let t = &t;
        async move {
            let (status, _) = t
                .heartbeat(&secret, &heartbeat_json(id, t.now(), reasons))
                .await;
            assert_eq!(status, 200);
        }
    };
    for id in ["a-bieb", "b-noord", "c-hal"] {
        beat(id, &[]).await;
    }
    // Everyone ok (and d-nooit never seen): no e-mail.
    assert_eq!(samen_hub::alerts::tick(&t.hub).await.unwrap(), 0);
    peer.nothing_more();

    // a-bieb and b-noord fall silent; c-hal keeps beating. After 16 minutes both
    // are offline: one e-mail names both.
    for _ in 0..4 {
        t.advance_minutes(4);
        beat("c-hal", &[]).await;
    }
    assert_eq!(samen_hub::alerts::tick(&t.hub).await.unwrap(), 2);
    let m = peer.next();
    assert_eq!(m["to"], serde_json::json!(["it@example.org"]));
    let data = m["data"].as_str().unwrap();
    assert!(
        data.contains("Subject: samen-hub: 2 kiosks: 2 offline"),
        "{data}"
    );
    assert!(
        data.contains("- a-bieb: offline") && data.contains("- b-noord: offline"),
        "{data}"
    );
    assert!(
        !data.contains("c-hal") && !data.contains("d-nooit"),
        "{data}"
    );
    assert!(data.contains("https://hub.example.org/fleet"), "{data}");

    // a-bieb is back at once: within 15 minutes of its e-mail, nothing yet. c-hal
    // degrades (its words quote a name and number, as a broken kiosk might): it was in no
    // e-mail, so it gets one now, alone, in the hub's words only.
    t.advance_minutes(1);
    beat("a-bieb", &[]).await;
    beat("c-hal", &[("feed_stale", "Anna 0612345678 in feed error")]).await;
    assert_eq!(samen_hub::alerts::tick(&t.hub).await.unwrap(), 1);
    let data = peer.next()["data"].as_str().unwrap().to_string();
    assert!(
        data.contains("Subject: samen-hub: kiosk c-hal heeft problemen"),
        "{data}"
    );
    assert!(
        data.contains("Een feed is al twee verversingen niet bijgewerkt"),
        "{data}"
    );
    assert!(data.contains("A feed has not been updated"), "{data}");
    for personal in ["Anna", "0612345678"] {
        assert!(!data.contains(personal), "{personal} in {data}");
    }
    for _ in 0..13 {
        t.advance_minutes(1);
        beat("a-bieb", &[]).await;
        beat("c-hal", &[("feed_stale", "x")]).await;
        assert_eq!(samen_hub::alerts::tick(&t.hub).await.unwrap(), 0);
    }
    peer.nothing_more();
    // 15 minutes after the first e-mail: a-bieb's recovery goes out (b-noord is still
    // offline, as the e-mail said: nothing new about it).
    t.advance_minutes(1);
    beat("a-bieb", &[]).await;
    beat("c-hal", &[("feed_stale", "x")]).await;
    assert_eq!(samen_hub::alerts::tick(&t.hub).await.unwrap(), 1);
    let data = peer.next()["data"].as_str().unwrap().to_string();
    assert!(
        data.contains("Subject: samen-hub: kiosk a-bieb is weer in orde"),
        "{data}"
    );
    assert_eq!(samen_hub::alerts::tick(&t.hub).await.unwrap(), 0);
    peer.nothing_more();
    // c-hal, still degraded, gets a second problem: that is news, once.
    t.advance_minutes(2);
    beat("c-hal", &[("feed_stale", "x"), ("disk_low", "y")]).await;
    assert_eq!(samen_hub::alerts::tick(&t.hub).await.unwrap(), 1);
    // Quoted-printable: undo the soft line breaks.
    let data = peer.next()["data"].as_str().unwrap().replace("=\r\n", "");
    assert!(data.contains("kiosk c-hal heeft problemen"), "{data}");
    assert!(
        data.contains("Minder dan 100 MB vrije schijfruimte"),
        "{data}"
    );
    t.advance_minutes(20);
    beat("a-bieb", &[]).await;
    beat("c-hal", &[("disk_low", "y"), ("feed_stale", "x")]).await;
    assert_eq!(
        samen_hub::alerts::tick(&t.hub).await.unwrap(),
        0,
        "the same reasons in another order are not news"
    );
    peer.nothing_more();
}

#[tokio::test]
async fn metrics_parse_as_prometheus_text_and_need_the_bearer_token() {
    let config = Config {
        metrics_token: Some(Token("s3cret-metrics-token-0123".into())),
        ..Config::default()
    };
    let t = TestHub::start_with(config).await;
    let ok = t.add_kiosk("a-ok");
    let degraded = t.add_kiosk("b-degraded");
    let gone = t.add_kiosk("c-offline");
    t.add_kiosk("d-never");
    assert_eq!(
        t.heartbeat(&gone, &heartbeat_json("c-offline", t.now(), &[]))
            .await
            .0,
        200
    );
    t.advance_minutes(20);
    let mut body = heartbeat_json("a-ok", t.now(), &[]);
    body["version"] = "0.2.0 \"beta\"\\x".into();
    assert_eq!(t.heartbeat(&ok, &body).await.0, 200);
    let reasons = [("feed_stale", "x"), ("disk_low", "y")];
    assert_eq!(
        t.heartbeat(
            &degraded,
            &heartbeat_json("b-degraded", t.now() - 600, &reasons)
        )
        .await
        .0,
        200
    );

    let get = |auth: Option<&'static str>| {
        let url = format!("{}/metrics", t.url);
        async move {
            let mut r = client().get(url);
            if let Some(a) = auth {
                r = r.header("authorization", a);
            }
            let r = r.send().await.unwrap();
            let status = r.status().as_u16();
            let ctype = r
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_string());
            (status, ctype, r.text().await.unwrap())
        }
    };
    assert_eq!(get(None).await.0, 401);
    assert_eq!(get(Some("Bearer wrong-token-wrong-token")).await.0, 401);
    assert_eq!(
        get(Some("s3cret-metrics-token-0123")).await.0,
        401,
        "no Bearer"
    );
    let (status, ctype, text) = get(Some("Bearer s3cret-metrics-token-0123")).await;
    assert_eq!(status, 200);
    assert_eq!(
        ctype.as_deref(),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );

    let parsed = openmetrics_parser::prometheus::parse_prometheus(&text)
        .unwrap_or_else(|e| panic!("not the Prometheus text format: {e:?}\n{text}"));
    let value = |family: &str, kiosk: &str| -> Option<f64> {
        let f = parsed
            .families
            .get(family)
            .unwrap_or_else(|| panic!("no {family}"));
        f.iter_samples()
            .find(|s| s.get_labelset().unwrap().get_label_value("kiosk") == Some(kiosk))
            .map(|s| match &s.value {
                openmetrics_parser::PrometheusValue::Gauge(n) => n.as_f64(),
                other => panic!("{family} is not a gauge: {other:?}"),
            })
    };
    assert_eq!(value("samen_kiosk_up", "a-ok"), Some(1.0));
    assert_eq!(value("samen_kiosk_up", "b-degraded"), Some(1.0));
    assert_eq!(value("samen_kiosk_up", "c-offline"), Some(0.0));
    assert_eq!(value("samen_kiosk_up", "d-never"), Some(0.0));
    assert_eq!(value("samen_kiosk_degraded", "b-degraded"), Some(1.0));
    assert_eq!(value("samen_kiosk_degraded", "a-ok"), Some(0.0));
    assert_eq!(
        value("samen_kiosk_last_seen_age_seconds", "c-offline"),
        Some(1200.0)
    );
    assert_eq!(value("samen_kiosk_last_seen_age_seconds", "d-never"), None);
    assert_eq!(value("samen_kiosk_outbox_pending", "a-ok"), Some(1.0));
    assert_eq!(
        value("samen_kiosk_outbox_oldest_pending_age_seconds", "a-ok"),
        Some(90.0)
    );
    // b-degraded's feed last succeeded 10 minutes before its heartbeat arrived.
    assert_eq!(
        value("samen_kiosk_feed_age_seconds", "b-degraded"),
        Some(600.0)
    );
    let info = parsed.families.get("samen_kiosk_info").unwrap();
    let a = info
        .iter_samples()
        .map(|s| s.get_labelset().unwrap())
        .find(|l| l.get_label_value("kiosk") == Some("a-ok"))
        .unwrap();
    assert_eq!(a.get_label_value("config_version"), Some("14"));
    let version = a.get_label_value("version").unwrap();
    assert!(version.starts_with("0.2.0 "), "{version}");
    let reasons = parsed.families.get("samen_kiosk_health_reason").unwrap();
    let mut codes: Vec<String> = reasons
        .iter_samples()
        .map(|s| {
            s.get_labelset()
                .unwrap()
                .get_label_value("code")
                .unwrap()
                .to_string()
        })
        .collect();
    codes.sort();
    assert_eq!(codes, ["disk_low", "feed_stale"]);

    // Without a token configured there are no metrics at all.
    let plain = TestHub::start().await;
    let r = client()
        .get(format!("{}/metrics", plain.url))
        .header("authorization", "Bearer anything-at-all-here")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn fleet_pages_are_for_it_and_admin_and_escape_what_kiosks_send() {
    let t = TestHub::start().await;
    let secret = t.add_kiosk("bieb");
    t.add_kiosk("stil");
    let evil = "<script>alert(1)</script>";
    let mut body = heartbeat_json("bieb", t.now(), &[("feed_stale", evil), ("new_code", evil)]);
    body["feeds"][0]["name"] = evil.into();
    body["feeds"][0]["last_error"] = evil.into();
    body["version"] = evil.into();
    body["config_error"] = evil.into();
    body["messages"] = serde_json::json!({"active": [evil], "urgent": false});
    body["warnings"] = serde_json::json!([evil]);
    body["outbox"]["error"] = evil.into();
    let body = with_screenshot(body, t.now() - 30, PNG_1X1);
    assert_eq!(t.heartbeat(&secret, &body).await.0, 200);

    // Not logged in: to the login page. A coordinator: 403 everywhere.
    let mut anonymous = Browser::new(&t.url);
    let r = anonymous.get("/fleet").await;
    assert_eq!((r.status, r.location.as_deref()), (303, Some("/login")));
    let r = anonymous.get("/fleet/bieb/screenshot").await;
    assert_eq!(r.status, 303);
    let mut coordinator = t.login("ans", Role::Coordinator).await;
    for path in ["/fleet", "/fleet/bieb", "/fleet/bieb/screenshot"] {
        assert_eq!(coordinator.get(path).await.status, 403, "{path}");
    }

    for (name, role) in [("ict", Role::It), ("baas", Role::Admin)] {
        let mut b = t.login(name, role).await;
        let home = b.get("/").await;
        assert_eq!(home.location.as_deref(), Some("/fleet"));
        for path in ["/fleet", "/fleet?health=degraded", "/fleet/bieb"] {
            let page = b.get(path).await;
            assert_eq!(page.status, 200, "{path}");
            assert!(!page.body.contains("<script>"), "{path}: {}", page.body);
            assert!(
                page.body.contains("&lt;script&gt;") || page.body.contains("&#60;script&#62;"),
                "{path}"
            );
            assert!(page.body.contains("/fleet/bieb/screenshot"), "{path}");
            assert!(
                page.body
                    .contains("Een feed is al twee verversingen niet bijgewerkt"),
                "{path}"
            );
            assert!(
                page.body.contains("niet te lezen: &"),
                "{path}: the outbox's error"
            );
        }
        let page = b.get("/fleet?health=ok").await;
        assert!(!page.body.contains("/fleet/bieb\""), "filtered out");
        let page = b.get("/fleet?health=offline").await;
        assert!(page.body.contains("/fleet/stil\"") && page.body.contains("Nog nooit gezien"));
        let page = b.get("/fleet/stil").await;
        assert_eq!(page.status, 200);
        assert!(page
            .body
            .contains("Deze kiosk heeft nog geen status gestuurd."));
        assert_eq!(b.get("/fleet/nobody").await.status, 404);
        assert_eq!(b.get("/fleet/stil/screenshot").await.status, 404);
    }

    // The picture comes from the hub itself, as sent, to logged-in IT staff only.
    let b = t.login("ict2", Role::It).await;
    let cookie = b
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let r = client()
        .get(format!("{}/fleet/bieb/screenshot", t.url))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("img-src 'self'"), "{csp}");
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.bytes().await.unwrap().as_ref(), PNG_1X1);

    // A heartbeat without a picture keeps the last one.
    assert_eq!(
        t.heartbeat(&secret, &heartbeat_json("bieb", t.now(), &[]))
            .await
            .0,
        200
    );
    let page = b_get(&t, "ict3").await;
    assert!(page.contains("/fleet/bieb/screenshot"), "{page}");
}

async fn b_get(t: &TestHub, name: &str) -> String {
    let mut b = t.login(name, Role::It).await;
    b.get("/fleet/bieb").await.body
}

#[tokio::test]
async fn fleet_list_json_from_the_command_line() {
    let t = TestHub::start().await;
    // The command line uses the system clock: so does this test's hub, here.
    t.clock.set(chrono::Utc::now());
    let a = t.add_kiosk("a-bieb");
    let b = t.add_kiosk("b-noord");
    t.add_kiosk("c-nooit");
    assert_eq!(
        t.heartbeat(&a, &heartbeat_json("a-bieb", t.now(), &[]))
            .await
            .0,
        200
    );
    let body = with_screenshot(
        heartbeat_json("b-noord", t.now(), &[("outbox_stuck", "1 h 20 min")]),
        t.now(),
        PNG_1X1,
    );
    assert_eq!(t.heartbeat(&b, &body).await.0, 200);
    let out = std::process::Command::new(BIN)
        .args(["fleet", "list", "--json", "--data"])
        .arg(t.dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["id"], "a-bieb");
    assert_eq!(list[0]["health"], "ok");
    assert_eq!(list[0]["reasons"], serde_json::json!([]));
    assert_eq!(list[0]["version"], "0.1.0");
    assert_eq!(list[0]["config_version"], 14);
    assert_eq!(list[0]["has_screenshot"], false);
    assert!(list[0]["last_seen"].as_str().unwrap().ends_with('Z'));
    assert_eq!(list[1]["health"], "degraded");
    assert_eq!(
        list[1]["reasons"],
        serde_json::json!([{"code": "outbox_stuck", "words": "1 h 20 min"}])
    );
    assert_eq!(list[1]["has_screenshot"], true);
    assert_eq!(list[2]["health"], "offline");
    assert_eq!(list[2]["last_seen"], serde_json::Value::Null);
    assert_eq!(list[2]["version"], serde_json::Value::Null);
}
