//! Load test for intake (issue 18): simulated kiosks post signed callback requests at a
//! fixed rate, a quarter of them retries of earlier ones, against a real `samen-hub
//! serve` process; prints p50/p99 latency, the hub's peak RSS, and checks that nothing
//! was lost or stored twice.
//!
//! ```sh
//! cargo build --release -p samen-hub --example load
//! target/release/examples/load [--kiosks 100] [--rate 50] [--seconds 60] [--hub target/release/samen-hub]
//! ```

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

struct Args {
    kiosks: usize,
    rate: u64,
    seconds: u64,
    hub: String,
}

fn args() -> Args {
    let mut a = Args {
        kiosks: 100,
        rate: 50,
        seconds: 60,
        hub: "target/release/samen-hub".into(),
    };
    let list: Vec<String> = std::env::args().skip(1).collect();
    for pair in list.chunks(2) {
        let value = pair.get(1).cloned().unwrap_or_default();
        match pair[0].as_str() {
            "--kiosks" => a.kiosks = value.parse().unwrap_or(a.kiosks),
            "--rate" => a.rate = value.parse().unwrap_or(a.rate),
            "--seconds" => a.seconds = value.parse().unwrap_or(a.seconds),
            "--hub" => a.hub = value,
            other => {
                eprintln!("unknown option {other}");
                std::process::exit(2);
            }
        }
    }
    a
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn body(id: &str, kiosk: &str, n: usize) -> String {
    format!(
        r#"{{"id":"{id}","kiosk_id":"{kiosk}","first_name":"Load","phone":"+316{n:08}","phone_national":"06 {n:08}","when":"any","topic":{{"kind":"chat"}},"language":"nl","consent":{{"version":"2026-11-28.1","at":"2026-12-01T10:00:00Z"}}}}"#,
        n = n % 100_000_000
    )
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = args();
    let dir = tempfile::tempdir()?;
    let now = chrono::Utc::now().timestamp();
    let db = samen_hub::db::Db::open(dir.path())?;
    let mut secrets = Vec::new();
    for i in 0..args.kiosks {
        let id = format!("kiosk-{i:03}");
        let secret = db.blocking(|c| samen_hub::kiosks::add(c, &id, now))?;
        secrets.push((id, secret));
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
    let url = format!("http://{addr}/intake/callback");
    let client = reqwest::Client::new();

    let latencies = Arc::new(Mutex::new(Vec::new()));
    let statuses = Arc::new(Mutex::new(std::collections::BTreeMap::<u16, usize>::new()));
    let mut sent: Vec<(usize, String, String)> = Vec::new();
    let mut tasks = Vec::new();
    let mut peak_rss = 0;
    let total = args.rate * args.seconds;
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / args.rate));
    let started = Instant::now();
    let mut retries = 0;
    for n in 0..total as usize {
        tick.tick().await;
        // Every fourth request is a retry of an earlier one (same id and body).
        let (kiosk, id, b) = if n % 4 == 3 && !sent.is_empty() {
            retries += 1;
            sent[(n * 7919) % sent.len()].clone()
        } else {
            let kiosk = n % args.kiosks;
            let id = format!("load-{n:07}");
            let b = body(&id, &secrets[kiosk].0, n);
            sent.push((kiosk, id.clone(), b.clone()));
            (kiosk, id, b)
        };
        let ts = chrono::Utc::now().timestamp();
        let headers = samen_wire::standard::headers(&secrets[kiosk].1, &id, ts, b.as_bytes());
        let mut request = client.post(&url).header("content-type", "application/json");
        for (k, v) in headers {
            request = request.header(k, v);
        }
        let (lat, st) = (latencies.clone(), statuses.clone());
        tasks.push(tokio::spawn(async move {
            let t0 = Instant::now();
            let status = match request.body(b).send().await {
                Ok(r) => r.status().as_u16(),
                Err(_) => 0,
            };
            lat.lock().unwrap().push(t0.elapsed());
            *st.lock().unwrap().entry(status).or_default() += 1;
        }));
        if n % args.rate as usize == 0 {
            peak_rss = peak_rss.max(rss_kib(pid));
        }
    }
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = started.elapsed();
    peak_rss = peak_rss.max(rss_kib(pid));

    let out = Command::new(&args.hub)
        .args(["callbacks", "list", "--json", "--data"])
        .arg(dir.path())
        .output()?;
    let list: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout)?;
    let ids: std::collections::BTreeSet<_> = list.iter().filter_map(|v| v["id"].as_str()).collect();
    let _ = server.kill();
    let _ = server.wait();

    let mut lat = latencies.lock().unwrap().clone();
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    println!(
        "{} requests ({} retries) from {} kiosks in {:.1} s ({:.1}/s)",
        total,
        retries,
        args.kiosks,
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
        "stored {} of {} distinct requests; rows {} (duplicates: {})",
        ids.len(),
        sent.len(),
        list.len(),
        list.len() - ids.len()
    );
    let ok = ids.len() == sent.len() && list.len() == ids.len();
    println!(
        "{}",
        if ok {
            "nothing lost, nothing stored twice"
        } else {
            "MISMATCH"
        }
    );
    std::process::exit(if ok { 0 } else { 1 });
}
