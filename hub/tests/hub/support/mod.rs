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
