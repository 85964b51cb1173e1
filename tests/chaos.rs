//! Chaos test of callback delivery, end to end with real processes:
//! - a local intake that at random answers 200, 500, 503, answers slowly, or drops
//!   the connection after reading the body;
//! - `samen-kiosk callback submit` run 200 times (each a process of its own), while
//! - `samen-kiosk run --headless` delivers and is killed with SIGKILL 20 times at
//!   random moments and started again.
//!
//! At the end: every submitted id was acknowledged by the intake, no idempotency key
//! was ever sent with two different bodies, every signature verifies, and the outbox
//! is empty. The seed is printed so a failure can be replayed (CHAOS_SEED=...).

use hmac::{Hmac, Mac};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::process::{Child, Command, Stdio};
use support::http::{Reply, TestServer};

mod support;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const REQUESTS: usize = 200;
const KILLS: usize = 20;
const SECRET: &str = "chaos-test-secret-0123456789";

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[derive(Default)]
struct Intake {
    /// Every body seen per idempotency key.
    bodies: HashMap<String, HashSet<Vec<u8>>>,
    /// Keys whose 2xx answer was written completely.
    acked: HashSet<String>,
    bad_signatures: Vec<String>,
    requests: usize,
}

fn verify(header: &str, body: &[u8]) -> bool {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => t = Some(value.to_string()),
            Some(("v1", value)) => v1 = Some(value.to_string()),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return false;
    };
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes()).unwrap();
    mac.update(t.as_bytes());
    mac.update(b".");
    mac.update(body);
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    expected == v1
}

/// The intake: records what arrives, then at random answers 200, 500 or 503, answers
/// slowly, or drops the connection after reading the body. A key counts as
/// acknowledged only when its 200 was written completely.
fn start_intake(seed: u64) -> (TestServer, Arc<Mutex<Intake>>) {
    let intake = Arc::new(Mutex::new(Intake::default()));
    let shared = intake.clone();
    let mut rng = Rng(seed ^ 0xdead_beef);
    let server = TestServer::start(move |request| {
        let key = request
            .header("idempotency-key")
            .unwrap_or_default()
            .to_string();
        let signature = request.header("x-samen-signature").unwrap_or_default();
        {
            let mut i = shared.lock().unwrap();
            i.requests += 1;
            if !verify(signature, &request.body) {
                i.bad_signatures.push(key.clone());
            }
            i.bodies
                .entry(key.clone())
                .or_default()
                .insert(request.body.clone());
        }
        let (status, slow) = match rng.below(100) {
            0..=49 => ("200 OK", false),
            50..=64 => ("500 Internal Server Error", false),
            65..=74 => ("503 Service Unavailable", false),
            75..=84 => ("200 OK", true),
            _ => return Reply::Close,
        };
        let shared = shared.clone();
        Reply::raw(move |stream| {
            if slow {
                // A slow intake, not a synchronisation: the kiosk must wait for it.
                std::thread::sleep(Duration::from_millis(1500));
            }
            let response =
                format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            if stream.write_all(response.as_bytes()).is_ok()
                && stream.flush().is_ok()
                && status.starts_with("200")
            {
                shared.lock().unwrap().acked.insert(key);
            }
        })
    });
    (server, intake)
}

fn start_kiosk(config: &std::path::Path, state: &std::path::Path) -> Child {
    Command::new(support::kiosk::bin())
        .args([
            "--config",
            config.to_str().unwrap(),
            "--state-dir",
            state.to_str().unwrap(),
            "run",
            "--headless",
        ])
        .env("SAMEN_KIOSK_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the kiosk starts")
}

#[test]
fn chaos_delivery_survives_kills_and_a_flaky_intake() {
    let seed: u64 = std::env::var("CHAOS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    println!("CHAOS_SEED={seed}");
    let mut rng = Rng(seed);
    let (server, intake) = start_intake(seed);
    let url = server.url("/intake");
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let config = dir.path().join("kiosk.toml");
    std::fs::write(
        &config,
        format!(
            "kiosk_id = \"chaos\"\n[callback]\nretry_first_seconds = 1\nretry_max_seconds = 10\n[callback.webhook]\nurl = \"{url}\"\nsecret = \"{SECRET}\"\n"
        ),
    )
    .unwrap();

    // Submitters: one process per request, in a thread of their own.
    let submitted = Arc::new(Mutex::new(Vec::<String>::new()));
    let (cfg, st, ids) = (config.clone(), state.clone(), submitted.clone());
    let submitter = std::thread::spawn(move || {
        for i in 0..REQUESTS {
            let out = Command::new(support::kiosk::bin())
                .args([
                    "--config",
                    cfg.to_str().unwrap(),
                    "--state-dir",
                    st.to_str().unwrap(),
                ])
                .args([
                    "callback",
                    "submit",
                    "--name",
                    "Anna",
                    "--phone",
                    &format!("06 1234 {:04}", i),
                    "--when",
                    "any",
                ])
                .env("SAMEN_KIOSK_LOG", "warn")
                .output()
                .expect("submit runs");
            assert!(
                out.status.success(),
                "submit {i}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let id = String::from_utf8_lossy(&out.stdout)
                .lines()
                .last()
                .unwrap_or_default()
                .to_string();
            ids.lock().unwrap().push(id);
        }
    });

    // The kiosk, killed at random moments while the submitters run.
    let mut kiosk = start_kiosk(&config, &state);
    let started = Instant::now();
    for _ in 0..KILLS {
        std::thread::sleep(Duration::from_millis(200 + rng.below(1300)));
        kiosk.kill().expect("SIGKILL");
        let _ = kiosk.wait();
        kiosk = start_kiosk(&config, &state);
    }
    submitter.join().expect("all submitted");
    let submitted: Vec<String> = submitted.lock().unwrap().clone();
    assert_eq!(submitted.len(), REQUESTS);

    // Wait (bounded) until the outbox is empty: looked at again after each request
    // the intake receives (the kiosk's next try), not after a fixed time.
    let deadline = Instant::now() + Duration::from_secs(300);
    server.drain();
    let status = loop {
        let outbox = samen_kiosk::callback::outbox::Outbox::open_in(&state).unwrap();
        let status = outbox.status(chrono::Utc::now()).unwrap();
        drop(outbox);
        if status.pending == 0 || Instant::now() > deadline {
            break status;
        }
        server.next_request(Duration::from_secs(5));
    };
    kiosk.kill().ok();
    let _ = kiosk.wait();

    let intake = intake.lock().unwrap();
    println!(
        "requests {REQUESTS}, kills {KILLS}, intake saw {} deliveries for {} keys, {:.1} s",
        intake.requests,
        intake.bodies.len(),
        started.elapsed().as_secs_f64()
    );
    assert_eq!(status.pending, 0, "the outbox is empty: {status:?}");
    assert_eq!(status.delivered as usize, REQUESTS);
    let missing: Vec<&String> = submitted
        .iter()
        .filter(|id| !intake.acked.contains(*id))
        .collect();
    assert!(missing.is_empty(), "not acknowledged: {missing:?}");
    let conflicting: Vec<&String> = intake
        .bodies
        .iter()
        .filter(|(_, b)| b.len() > 1)
        .map(|(k, _)| k)
        .collect();
    assert!(
        conflicting.is_empty(),
        "keys sent with different bodies: {conflicting:?}"
    );
    assert!(
        intake.bad_signatures.is_empty(),
        "bad signatures: {:?}",
        intake.bad_signatures
    );
}
