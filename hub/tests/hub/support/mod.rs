//! Shared helpers.

use chrono::{TimeZone, Utc};
use samen_hub::accounts::{self, Role};
use samen_hub::clock::{Clock, ManualClock};
use samen_hub::config::Config;
use samen_hub::db::Db;
use samen_hub::Hub;
use samen_wire::standard::{self, WebhookSecret};
use std::collections::HashMap;
use std::sync::Arc;

pub const PASSWORD: &str = "een lang wachtwoord";

pub struct TestHub {
    pub url: String,
    pub hub: Hub,
    pub clock: Arc<ManualClock>,
    pub dir: tempfile::TempDir,
    _stop: tokio::sync::oneshot::Sender<()>,
}

impl TestHub {
    /// A hub on Tuesday 1 December 2026, 10:00 in Amsterdam.
    pub async fn start() -> TestHub {
        TestHub::start_with(Config::default()).await
    }

    /// The same, with a configuration of the test's own.
    pub async fn start_with(config: Config) -> TestHub {
        let dir = tempfile::tempdir().unwrap();
        let clock = Arc::new(ManualClock::new(
            Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap(),
        ));
        let hub = Hub {
            db: Db::open(dir.path()).unwrap(),
            clock: clock.clone(),
            config: Arc::new(config),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(samen_hub::http::serve(listener, hub.clone(), async move {
            let _ = stopped.await;
        }));
        TestHub {
            url,
            hub,
            clock,
            dir,
            _stop: stop,
        }
    }

    pub fn now(&self) -> i64 {
        self.clock.now().timestamp()
    }

    pub fn advance_minutes(&self, minutes: i64) {
        self.clock.advance(chrono::Duration::minutes(minutes));
    }

    pub fn add_kiosk(&self, id: &str) -> WebhookSecret {
        let now = self.now();
        self.hub
            .db
            .blocking(|c| samen_hub::kiosks::add(c, id, now))
            .unwrap()
    }

    pub fn count_requests(&self) -> i64 {
        self.hub
            .db
            .blocking(|c| Ok(c.query_row("SELECT COUNT(*) FROM requests", [], |r| r.get(0))?))
            .unwrap()
    }

    pub fn audit(&self, request_id: &str) -> Vec<String> {
        self.hub
            .db
            .blocking(|c| samen_hub::audit::for_request(c, request_id))
            .unwrap()
            .into_iter()
            .map(|e| format!("{} {}", e.actor, e.action))
            .collect()
    }

    /// A user who has set up TOTP, logged in through the login page.
    pub async fn login(&self, name: &str, role: Role) -> Browser {
        let now = self.now();
        let secret = b"0123456789abcdefghij".to_vec();
        let s = secret.clone();
        self.hub
            .db
            .blocking(|c| {
                accounts::add(c, name, role, PASSWORD, now)?;
                accounts::enrol_with_secret(c, name, &s)
            })
            .unwrap();
        let mut b = Browser::new(&self.url);
        let code = accounts::current_code(&secret, name, now).unwrap();
        let r = b.log_in(name, PASSWORD, &code).await;
        assert_eq!(r.status, 303, "{}", r.body);
        assert_eq!(r.location.as_deref(), Some("/"));
        b
    }

    /// Posts a signed callback request as a kiosk would.
    pub async fn deliver(&self, secret: &WebhookSecret, body: &str) -> (u16, String) {
        let id = body_id(body);
        deliver_at(&self.url, secret, &id, self.now(), body).await
    }
}

/// A heartbeat as a newer kiosk sends it: the status object with health (`reasons`
/// as (code, words); none: ok) and the interval.
pub fn heartbeat_json(kiosk: &str, at: i64, reasons: &[(&str, &str)]) -> serde_json::Value {
    let at = chrono::DateTime::<Utc>::from_timestamp(at, 0)
        .unwrap()
        .to_rfc3339();
    serde_json::json!({
        "kiosk_id": kiosk,
        "version": "0.1.0",
        "running": true,
        "config_version": 14,
        "config_error": null,
        "feeds": [{"name": "agenda", "items": 12, "last_success": at, "last_error": null}],
        "outbox": {"pending": 1, "oldest_pending_age_s": 90, "delivered": 5, "failed_attention": 0, "expired": 0},
        "delivery": "webhook",
        "screen": "on",
        "uptime_s": 3600,
        "free_disk_bytes": 5_000_000_000u64,
        "at": at,
        "health": {
            "state": if reasons.is_empty() { "ok" } else { "degraded" },
            "reasons": reasons.iter().map(|(c, w)| serde_json::json!({"code": c, "words": w})).collect::<Vec<_>>(),
        },
        "interval_s": 300,
    })
}

/// A tiny real PNG (1x1), as a heartbeat's screenshot carries it.
pub const PNG_1X1: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0,
    0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D, 0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

impl TestHub {
    /// Posts a heartbeat signed with `secret` at the hub's now.
    pub async fn heartbeat(
        &self,
        secret: &WebhookSecret,
        body: &serde_json::Value,
    ) -> (u16, String) {
        let now = self.now();
        heartbeat_at(&self.url, secret, now, &body.to_string()).await
    }

    /// What `fleet list` shows for one kiosk: (health, reason codes).
    pub fn fleet_state(&self, kiosk: &str) -> (String, Vec<String>) {
        let now = self.now();
        let interval = self.hub.config.heartbeat_interval_s as i64;
        let k = self
            .hub
            .db
            .blocking(|c| samen_hub::fleet::one(c, kiosk, now, interval))
            .unwrap()
            .unwrap();
        (
            k.state.key().to_string(),
            k.reasons().iter().map(|r| r.code.clone()).collect(),
        )
    }

    pub fn count(&self, table: &str) -> i64 {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        self.hub
            .db
            .blocking(|c| Ok(c.query_row(&sql, [], |r| r.get(0))?))
            .unwrap()
    }
}

pub async fn heartbeat_at(
    url: &str,
    secret: &WebhookSecret,
    timestamp: i64,
    body: &str,
) -> (u16, String) {
    let id = format!("hb-{timestamp}");
    let mut request = client().post(format!("{url}/intake/heartbeat"));
    for (k, v) in standard::headers(secret, &id, timestamp, body.as_bytes()) {
        request = request.header(k, v);
    }
    let response = request
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

pub fn body_id(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).unwrap();
    v["id"].as_str().unwrap().to_string()
}

pub async fn deliver_at(
    url: &str,
    secret: &WebhookSecret,
    id: &str,
    timestamp: i64,
    body: &str,
) -> (u16, String) {
    let mut request = client().post(format!("{url}/intake/callback"));
    for (k, v) in standard::headers(secret, id, timestamp, body.as_bytes()) {
        request = request.header(k, v);
    }
    let response = request
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// A callback body as today's kiosk sends it.
pub fn body(id: &str, kiosk: &str, first_name: &str, phone: &str) -> String {
    let national = format!("0{}", &phone[3..]);
    serde_json::json!({
        "id": id,
        "kiosk_id": kiosk,
        "first_name": first_name,
        "phone": phone,
        "phone_national": national,
        "when": "morning",
        "topic": {"kind": "activity", "title": "Koffieochtend"},
        "language": "nl",
        "consent": {"version": "2026-11-28.1", "at": "2026-12-01T08:59:00Z"}
    })
    .to_string()
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub body: String,
}

impl Page {
    pub fn csrf(&self) -> String {
        let start = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a form with a CSRF token")
            + "name=\"csrf\" value=\"".len();
        let end = self.body[start..].find('"').unwrap();
        self.body[start..start + end].to_string()
    }
}

/// A browser in miniature: keeps cookies, does not follow redirects.
pub struct Browser {
    base: String,
    client: reqwest::Client,
    pub cookies: HashMap<String, String>,
}

impl Browser {
    pub fn new(base: &str) -> Browser {
        Browser {
            base: base.to_string(),
            client: client(),
            cookies: HashMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&mut self, response: reqwest::Response) -> Page {
        for value in response.headers().get_all("set-cookie") {
            let text = value.to_str().unwrap();
            let pair = text.split(';').next().unwrap();
            let (k, v) = pair.split_once('=').unwrap();
            if v.is_empty() || text.contains("Max-Age=0") {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        let status = response.status().as_u16();
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string());
        Page {
            status,
            location,
            body: response.text().await.unwrap(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.finish(response).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let body: String = form
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let response = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        self.finish(response).await
    }

    pub async fn log_in(&mut self, name: &str, password: &str, code: &str) -> Page {
        let form = self.get("/login").await;
        let csrf = form.csrf();
        self.post(
            "/login",
            &[
                ("csrf", &csrf),
                ("name", name),
                ("password", password),
                ("code", code),
            ],
        )
        .await
    }

    /// A POST with the CSRF token of the page at `from`.
    pub async fn submit(&mut self, from: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.get(from).await.csrf();
        let mut form = vec![("csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.post(action, &form).await
    }
}

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Base32 (RFC 4648, no padding) as the enrolment page shows the TOTP key.
pub fn base32_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut bits = 0u64;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
    {
        let v = ALPHABET.iter().position(|a| *a == c).unwrap() as u64;
        bits = (bits << 5) | v;
        count += 5;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    out
}
