//! The state disk and the outbox (issue 15): a full or broken disk never makes
//! delivery spin, never hides waiting requests from monitoring, and pictures never
//! take the room a callback request needs. Real small file systems (`support::tmpfs`),
//! real HTTP on 127.0.0.1, the binary as a child process where start-up matters.
//!
//! Index:
//! - a_delivery_that_cannot_be_recorded_backs_off_and_completes_once_there_is_room
//! - delivery_starts_without_a_restart_once_a_disk_full_at_start_up_has_room

use samen_kiosk::callback::delivery::{Channel, Deliverer, Webhook};
use samen_kiosk::callback::outbox::{Outbox, FILE_NAME};
use samen_kiosk::callback::{self, Form};
use samen_kiosk::i18n::Lang;
use samen_kiosk::signing::Secret;
use samen_kiosk::time::{Clock, SystemClock};
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::http::{Reply, TestServer};
use support::tmpfs::Tmpfs;

mod support;

const SECRET: &str = "0123456789abcdef0123";

fn submit(outbox: &Outbox) -> String {
    let form = Form {
        name: "Anna",
        phone: "06 12345678",
        slot: "afternoon",
        topic: None,
        lang: Lang::Nl,
    };
    callback::submit(outbox, "kiosk-test", form, SystemClock.now())
        .expect("saved")
        .id
        .to_string()
}

/// A webhook that answers 200 and notes when each request came.
fn webhook() -> (TestServer, Arc<Mutex<Vec<Instant>>>) {
    let times = Arc::new(Mutex::new(Vec::new()));
    let t = times.clone();
    let server = TestServer::start(move |_| {
        t.lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Instant::now());
        Reply::status(200)
    });
    (server, times)
}

/// Waits until `ok` holds, looking every 50 ms, at most `limit`.
fn wait_until(limit: Duration, what: &str, mut ok: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !ok() {
        assert!(Instant::now() < deadline, "{what}: not within {limit:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `Deliverer::run` on a thread of its own (as on the kiosk's services thread).
struct Running {
    stop: tokio::sync::watch::Sender<bool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    fn start(url: String, outbox: std::path::PathBuf, first_retry: Duration) -> Running {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            let channel = Channel::Webhook(Webhook {
                url,
                secret: Secret::new(SECRET),
            });
            let deliverer =
                Deliverer::new(channel, first_retry, Arc::new(SystemClock)).expect("client");
            rt.block_on(deliverer.run(outbox, Arc::new(tokio::sync::Notify::new()), stopped));
        });
        Running {
            stop,
            thread: Some(thread),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[test]
fn a_delivery_that_cannot_be_recorded_backs_off_and_completes_once_there_is_room() {
    let Some(disk) = Tmpfs::mount(2 << 20) else {
        return;
    };
    let (hook, times) = webhook();
    // The screen's connection stays open, as in the running kiosk.
    let screen = Outbox::open_in(disk.path()).expect("outbox");
    let id = submit(&screen);
    let filler = disk.fill();
    let delivery = Running::start(
        hook.url("/hook"),
        disk.path().join(FILE_NAME),
        Duration::from_secs(1),
    );
    // The intake takes it every time, but the kiosk cannot write that down.
    for n in 1..=3 {
        let r = hook
            .next_request(Duration::from_secs(30))
            .unwrap_or_else(|| panic!("POST {n}"));
        assert_eq!(r.header("idempotency-key"), Some(id.as_str()));
    }
    let t = times.lock().unwrap().clone();
    let gaps: Vec<Duration> = t.windows(2).map(|w| w[1] - w[0]).collect();
    // Before: the same request again every 200 ms (57 POSTs in 11 s).
    assert!(
        gaps[0] >= Duration::from_millis(900),
        "backs off as after a failed delivery: {gaps:?}"
    );
    assert!(gaps[1] > gaps[0], "and the wait grows: {gaps:?}");
    std::fs::remove_file(filler).expect("room again");
    wait_until(
        Duration::from_secs(30),
        "delivered once there is room",
        || {
            screen
                .status(SystemClock.now())
                .is_ok_and(|s| s.delivered == 1 && s.pending == 0)
        },
    );
    drop(delivery);
    let posts = hook.requests().len();
    assert!(posts <= 6, "{posts} POSTs");
}

/// The kiosk with its stderr read on a thread: each line goes to `lines`.
fn spawn_kiosk(
    config: &std::path::Path,
    state: &std::path::Path,
) -> (Child, std::sync::mpsc::Receiver<String>) {
    let mut child = support::kiosk::command(state)
        .args([
            "--config",
            config.to_str().expect("path"),
            "run",
            "--headless",
        ])
        .env("SAMEN_KIOSK_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kiosk starts");
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    (child, rx)
}

fn wait_for_line(lines: &std::sync::mpsc::Receiver<String>, limit: Duration, what: &str) -> String {
    let deadline = Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) if line.contains(what) => return line,
            Ok(_) => {}
            Err(_) => panic!("no log line with {what:?} within {limit:?}"),
        }
    }
}

struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn delivery_starts_without_a_restart_once_a_disk_full_at_start_up_has_room() {
    let Some(disk) = Tmpfs::mount(2 << 20) else {
        return;
    };
    let (hook, _) = webhook();
    let id = submit(&Outbox::open_in(disk.path()).expect("outbox"));
    let filler = disk.fill();
    let config = tempfile::NamedTempFile::new().expect("config");
    std::fs::write(
        config.path(),
        format!(
            "kiosk_id = \"disk\"\n[callback]\nretry_first_seconds = 1\nretry_max_seconds = 10\n[callback.webhook]\nurl = \"{}\"\nsecret = \"{SECRET}\"\n",
            hook.url("/hook")
        ),
    )
    .expect("config written");
    let (child, lines) = spawn_kiosk(config.path(), disk.path());
    let _kiosk = Kill(child);
    // It starts, finds no room for the outbox, and says it will try again.
    wait_for_line(&lines, Duration::from_secs(30), "callback delivery waits");
    assert!(hook.requests().is_empty());
    std::fs::remove_file(filler).expect("room again");
    let r = hook
        .next_request(Duration::from_secs(30))
        .expect("delivered without a restart");
    assert_eq!(r.header("idempotency-key"), Some(id.as_str()));
    wait_until(Duration::from_secs(30), "recorded as delivered", || {
        Outbox::open_in(disk.path())
            .and_then(|o| o.status(SystemClock.now()))
            .is_ok_and(|s| s.delivered == 1)
    });
}
