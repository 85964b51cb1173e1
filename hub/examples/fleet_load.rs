//! Load test for heartbeats (issue 19): 500 kiosks post signed heartbeats, each with a
//! screenshot of about 50 KB, against a real `samen-hub serve` process. A real fleet
//! beats every 5 minutes (500 kiosks: 1.7 a second); this run compresses several rounds
//! into a short time (default 50 a second for 60 s: 6 rounds, 30 minutes of a fleet in
//! one). Prints p50/p99 latency and the hub's peak RSS, and checks with `fleet list
//! --json` that every kiosk's status and screenshot were stored.
//!
//! ```sh
//! cargo build --release -p samen-hub --example fleet_load
//! target/release/examples/fleet_load [--kiosks 500] [--rate 50] [--seconds 60] \
//!     [--picture-kb 50] [--hub target/release/samen-hub]
//! ```

use base64::Engine;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Args {
    kiosks: usize,
    rate: u64,
    seconds: u64,
    picture_kb: usize,
    hub: String,
}

fn args() -> Args {
    let mut a = Args {
        kiosks: 500,
        rate: 50,
        seconds: 60,
        picture_kb: 50,
        hub: "target/release/samen-hub".into(),
    };
    let list: Vec<String> = std::env::args().skip(1).collect();
    for pair in list.chunks(2) {
        let value = pair.get(1).cloned().unwrap_or_default();
        match pair[0].as_str() {
            "--kiosks" => a.kiosks = value.parse().unwrap_or(a.kiosks),
            "--rate" => a.rate = value.parse().unwrap_or(a.rate),
            "--seconds" => a.seconds = value.parse().unwrap_or(a.seconds),
            "--picture-kb" => a.picture_kb = value.parse().unwrap_or(a.picture_kb),
            "--hub" => a.hub = value,
            other => {
                eprintln!("unknown option {other}");
                std::process::exit(2);
            }
        }
    }
    a
}

/// `VmRSS` (now) and `VmHWM` (the peak) of a process, in KiB.
fn rss_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// A "PNG" of `size` bytes: the PNG signature, then bytes that do not compress (as a
/// real, already compressed picture).
fn picture(size: usize, seed: u64) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    while out.len() < size {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(size);
    out
}

fn heartbeat(kiosk: &str, n: usize, picture_b64: &str) -> String {
    let now = chrono::Utc::now().to_rfc3339();
    let degraded = n % 10 == 0;
    serde_json::json!({
        "kiosk_id": kiosk, "version": "0.1.0", "running": true, "config_version": 14,
        "config_error": null,
        "feeds": [{"name": "agenda", "items": 32, "last_success": now, "last_error": null}],
        "outbox": {"pending": n % 3, "oldest_pending_age_s": 60, "delivered": 10,
                   "failed_attention": 0, "expired": 0},
        "delivery": "webhook", "screen": "on", "uptime_s": 3600 + n, "free_disk_bytes": 1u64 << 33,
        "at": now,
        "health": {"state": if degraded { "degraded" } else { "ok" },
                   "reasons": if degraded { vec![serde_json::json!({"code": "feed_stale", "words": "agenda"})] } else { vec![] }},
        "interval_s": 300,
        "messages": {"active": ["kerstmarkt"], "urgent": false},
        "screenshot": {"taken_at": now, "mime": "image/png", "data": picture_b64},
    })
    .to_string()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = args();
    let dir = tempfile::tempdir()?;
    let now = chrono::Utc::now().timestamp();
    let db = samen_hub::db::Db::open(dir.path())?;
    let mut kiosks = Vec::new();
    for i in 0..args.kiosks {
        let id = format!("kiosk-{i:03}");
        let secret = db.blocking(|c| samen_hub::kiosks::add(c, &id, now))?;
        let b64 = base64::engine::general_purpose::STANDARD
            .encode(picture(args.picture_kb * 1000, i as u64));
        kiosks.push((id, secret, b64));
    }
    drop(db);

    let mut server = Command::new(&args.hub)
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.path())
        .env("RUST_LOG", "warn,samen_hub::cli=info")
        .stderr(Stdio::piped())
        .spawn()?;
    let pid = server.id();
    let stderr = server.stderr.take().expect("piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(at) = line.find("listening on http://") {
                let rest = &line[at + 20..];
                let _ = tx.send(rest.split_whitespace().next().unwrap_or("").to_string());
            }
        }
    });
    let addr = rx.recv_timeout(Duration::from_secs(30))?;
    let url = format!("http://{addr}/intake/heartbeat");
    let client = reqwest::Client::new();

    let latencies = Arc::new(Mutex::new(Vec::new()));
    let statuses = Arc::new(Mutex::new(std::collections::BTreeMap::<u16, usize>::new()));
    let mut tasks = Vec::new();
    let mut peak_rss = 0;
    let total = args.rate * args.seconds;
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / args.rate));
    let started = Instant::now();
    let mut bytes = 0usize;
    for n in 0..total as usize {
        tick.tick().await;
        let (id, secret, b64) = &kiosks[n % args.kiosks];
        let body = heartbeat(id, n, b64);
        bytes += body.len();
        let ts = chrono::Utc::now().timestamp();
        let webhook_id = format!("hb-{n}");
        let headers = samen_wire::standard::headers(secret, &webhook_id, ts, body.as_bytes());
        let mut request = client.post(&url).header("content-type", "application/json");
        for (k, v) in headers {
            request = request.header(k, v);
        }
        let (lat, st) = (latencies.clone(), statuses.clone());
        tasks.push(tokio::spawn(async move {
            let t0 = Instant::now();
            let status = match request.body(body).send().await {
                Ok(r) => r.status().as_u16(),
                Err(_) => 0,
            };
            lat.lock().unwrap().push(t0.elapsed());
            *st.lock().unwrap().entry(status).or_default() += 1;
        }));
        if n % args.rate as usize == 0 {
            peak_rss = peak_rss.max(rss_kib(pid).0);
        }
    }
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = started.elapsed();
    let (rss_now, hwm) = rss_kib(pid);
    peak_rss = peak_rss.max(rss_now).max(hwm);

    let out = Command::new(&args.hub)
        .args(["fleet", "list", "--json", "--data"])
        .arg(dir.path())
        .output()?;
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout)?;
    let with_picture = list
        .iter()
        .filter(|v| v["has_screenshot"] == serde_json::Value::Bool(true))
        .count();
    let db_bytes = std::fs::metadata(dir.path().join("hub.sqlite3"))
        .map(|m| m.len())
        .unwrap_or(0);
    let _ = server.kill();
    let _ = server.wait();

    let mut lat = latencies.lock().unwrap().clone();
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    println!(
        "{} heartbeats from {} kiosks ({} KB pictures, {:.1} MB sent) in {:.1} s ({:.1}/s)",
        total,
        args.kiosks,
        args.picture_kb,
        bytes as f64 / 1e6,
        elapsed.as_secs_f64(),
        total as f64 / elapsed.as_secs_f64()
    );
    println!("statuses: {:?}", statuses.lock().unwrap());
    println!(
        "latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        pct(0.50).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0,
        lat[lat.len() - 1].as_secs_f64() * 1000.0
    );
    println!("hub peak RSS {:.1} MiB", peak_rss as f64 / 1024.0);
    println!(
        "fleet list: {} kiosks, {} with a screenshot; database {:.1} MB",
        list.len(),
        with_picture,
        db_bytes as f64 / 1e6
    );
    let ok = list.len() == args.kiosks
        && with_picture == args.kiosks.min(total as usize)
        && statuses.lock().unwrap().keys().all(|s| *s == 200);
    println!("{}", if ok { "every kiosk stored" } else { "MISMATCH" });
    std::process::exit(if ok { 0 } else { 1 });
}
