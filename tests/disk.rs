//! The state disk and the outbox (issue 15): a full or broken disk never makes
//! delivery spin, never hides waiting requests from monitoring, and pictures never
//! take the room a callback request needs. Real small file systems (`support::tmpfs`),
//! real HTTP on 127.0.0.1, the binary as a child process where start-up matters.
//!
//! Index:
//! - a_delivery_that_cannot_be_recorded_backs_off_and_completes_once_there_is_room
//! - delivery_starts_without_a_restart_once_a_disk_full_at_start_up_has_room
//! - an_unreadable_outbox_is_an_error_in_status_and_heartbeat
//! - status_does_not_trust_a_runtime_file_whose_pid_is_another_process
//! - pictures_leave_the_reserve_free_so_a_request_can_always_be_saved
//! - a_request_is_saved_on_a_disk_that_something_else_filled
//! - the_picture_folder_stays_within_its_limit_while_downloading
//! - slow_pictures_download_in_parallel_beside_the_feeds_and_stop_at_shutdown
//! - sigterm_abandons_every_request_in_flight

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

/// `samen-kiosk [--config FILE] status --json` on `state`, with `reserve` as
/// `SAMEN_KIOSK_DISK_RESERVE`.
fn status_json(
    config: Option<&std::path::Path>,
    state: &std::path::Path,
    reserve: Option<u64>,
) -> serde_json::Value {
    let mut command = support::kiosk::command(state);
    if let Some(r) = reserve {
        command.env("SAMEN_KIOSK_DISK_RESERVE", r.to_string());
    }
    if let Some(c) = config {
        command.args(["--config", c.to_str().expect("path")]);
    }
    let out = command.args(["status", "--json"]).output().expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

#[test]
fn an_unreadable_outbox_is_an_error_in_status_and_heartbeat() {
    let state = tempfile::tempdir().expect("state");
    // Damaged: not "never used" (null), which would hide the requests in it.
    std::fs::write(state.path().join(FILE_NAME), vec![0x5a; 8192]).expect("written");
    let status = status_json(None, state.path(), None);
    let error = status["outbox"]["error"].as_str().unwrap_or_default();
    assert!(error.contains("not a database"), "{status}");

    let beats = TestServer::start(|_| Reply::status(204));
    let config = state.path().join("kiosk.toml");
    std::fs::write(
        &config,
        format!(
            "kiosk_id = \"disk\"\n[heartbeat]\nurl = \"{}\"\ninterval = \"10m\"\n",
            beats.url("/beat")
        ),
    )
    .expect("config written");
    let (child, _lines) = spawn_kiosk(&config, state.path());
    let _kiosk = Kill(child);
    let beat = beats
        .next_request(Duration::from_secs(60))
        .expect("a heartbeat");
    let body: serde_json::Value = serde_json::from_slice(&beat.body).expect("JSON");
    let error = body["outbox"]["error"].as_str().unwrap_or_default();
    assert!(error.contains("not a database"), "{body}");
}

#[test]
fn status_does_not_trust_a_runtime_file_whose_pid_is_another_process() {
    let state = tempfile::tempdir().expect("state");
    let runtime = |pid: u32| {
        let started = chrono::Utc::now() - chrono::Duration::hours(1);
        let json = serde_json::json!({
            "pid": pid, "started_at": started, "config_version": null, "config_error": null,
            "screen_on": true, "feeds": [], "headless": true
        });
        std::fs::write(state.path().join("runtime.json"), json.to_string()).expect("written");
    };
    struct Reap(Child);
    impl Drop for Reap {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    // The kiosk crashed an hour ago; its PID now belongs to a shell whose command line
    // happens to say samen-kiosk ...
    let other = Reap(
        std::process::Command::new("sh")
            .args(["-c", "read line", "samen-kiosk"])
            .stdin(Stdio::piped())
            .spawn()
            .expect("sh"),
    );
    runtime(other.0.id());
    let status = status_json(None, state.path(), None);
    assert_eq!(status["running"], false, "{status}");
    assert!(status["uptime_s"].is_null(), "{status}");
    // ... or to another samen-kiosk, started just now.
    let other = Reap(
        support::kiosk::command(state.path())
            .args(["admin", "hash-pin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("kiosk"),
    );
    runtime(other.0.id());
    let status = status_json(None, state.path(), None);
    assert_eq!(status["running"], false, "{status}");
}

/// A feed with `n` activities, each with a picture of its own (`p/<i>.jpg`).
fn picture_feed(n: usize) -> Vec<u8> {
    let events: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "id": format!("e{i}"), "name": format!("Activiteit {i}"),
                "start": "2026-12-01T10:00", "rrule": "FREQ=DAILY", "image": format!("p/{i}.jpg")
            })
        })
        .collect();
    serde_json::json!({"format": "samen-kiosk-feed", "version": 1, "name": "foto's", "events": events})
        .to_string()
        .into_bytes()
}

/// Serves `picture_feed(n)` at /feed.json and pictures of `size` bytes.
fn picture_server(n: usize, size: usize, on_picture: impl Fn() + Send + 'static) -> TestServer {
    let feed = picture_feed(n);
    TestServer::start(move |r| {
        if r.path == "/feed.json" {
            Reply::body(200, "application/json", feed.clone())
        } else if r.path.starts_with("/p/") {
            on_picture();
            Reply::body(200, "image/jpeg", vec![0xffu8; size])
        } else {
            Reply::status(404)
        }
    })
}

fn folder_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

#[test]
fn pictures_leave_the_reserve_free_so_a_request_can_always_be_saved() {
    // A 48 MB state disk, 16 MB kept free, 20 pictures of 4 MB: they do not all fit.
    // (Before: the disk filled up and `callback submit` failed with "database or
    // disk is full".)
    let Some(disk) = Tmpfs::mount(48 << 20) else {
        return;
    };
    let reserve: u64 = 16_000_000;
    let server = picture_server(20, 4_000_000, || {});
    let config = tempfile::NamedTempFile::new().expect("config");
    std::fs::write(
        config.path(),
        format!(
            "kiosk_id = \"disk\"\n[[feeds]]\nname = \"foto's\"\nurl = \"{}\"\n",
            server.url("/feed.json")
        ),
    )
    .expect("config written");
    let mut command = support::kiosk::command(disk.path());
    let child = command
        .args([
            "--config",
            config.path().to_str().expect("path"),
            "run",
            "--headless",
        ])
        .env("SAMEN_KIOSK_DISK_RESERVE", reserve.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("kiosk starts");
    let _kiosk = Kill(child);
    // The running kiosk says it stopped: in status (and so in the heartbeat).
    let mut status = serde_json::Value::Null;
    wait_until(Duration::from_secs(60), "downloads paused", || {
        status = status_json(Some(config.path()), disk.path(), Some(reserve));
        status["running"] == true
            && status["warnings"].as_array().is_some_and(|w| {
                w.iter()
                    .any(|w| w.as_str().is_some_and(|w| w.starts_with("low disk:")))
            })
    });
    assert_eq!(status["running"], true, "{status}");
    assert!(disk.free() >= reserve, "{} bytes free", disk.free());
    let out = support::kiosk::command(disk.path())
        .args(["--config", config.path().to_str().expect("path")])
        .args([
            "callback",
            "submit",
            "--name",
            "Anna",
            "--phone",
            "06 12345678",
            "--when",
            "morning",
        ])
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pictures = folder_size(&disk.path().join("images"));
    assert!(
        pictures > 0 && pictures <= (48 << 20) - reserve,
        "{pictures}"
    );
}

#[test]
fn the_picture_folder_stays_within_its_limit_while_downloading() {
    use samen_kiosk::feed_service::{FeedService, PictureLimits};
    let state = tempfile::tempdir().expect("state");
    let images = state.path().join("images");
    let peak = Arc::new(Mutex::new(0u64));
    // Measured by the server at every picture request: what the folder holds then.
    let (dir, p) = (images.clone(), peak.clone());
    let server = picture_server(12, 2_000_000, move || {
        let mut peak = p.lock().unwrap_or_else(|e| e.into_inner());
        *peak = (*peak).max(folder_size(&dir));
    });
    let config = samen_kiosk::config::Config::parse(
        &format!(
            "[[feeds]]\nname = \"foto's\"\nurl = \"{}\"\n",
            server.url("/feed.json")
        ),
        "t",
    )
    .expect("valid");
    let limits = PictureLimits {
        max_cache_bytes: 10_000_000,
        disk_reserve: 0,
        ..PictureLimits::default()
    };
    let mut service = FeedService::new(&config.feeds, Some(state.path()), Arc::new(SystemClock))
        .with_picture_limits(limits);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(service.refresh_one(0));
    assert!(rt.block_on(service.fetch_images()), "pictures arrived");
    let peak = (*peak.lock().unwrap()).max(folder_size(&images));
    assert!(peak <= 10_000_000, "the folder held {peak} bytes");
    let paused = service.status().pictures_paused.unwrap_or_default();
    assert!(paused.starts_with("picture cache full"), "{paused}");
}

#[test]
fn slow_pictures_download_in_parallel_beside_the_feeds_and_stop_at_shutdown() {
    use samen_kiosk::feed_service::FeedService;
    use std::io::Read;
    // Feed A's five pictures answer with headers, then never finish; feed B is fine.
    let a = TestServer::start(|r| {
        if r.path == "/feed.json" {
            Reply::body(200, "application/json", picture_feed(5))
        } else {
            Reply::raw(|stream| {
                use std::io::Write;
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nContent-Length: 100000\r\n\r\nxx",
                );
                let _ = stream.flush();
                // Until the kiosk hangs up.
                let mut buf = [0u8; 64];
                loop {
                    match stream.read(&mut buf) {
                        Ok(0) => break,
                        Ok(_) => {}
                        Err(e)
                            if matches!(
                                e.kind(),
                                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                            ) => {}
                        Err(_) => break,
                    }
                }
            })
        }
    });
    let b = TestServer::start(|_| Reply::body(200, "application/json", picture_feed(0)));
    let config = samen_kiosk::config::Config::parse(
        &format!(
            "[[feeds]]\nname = \"a\"\nurl = \"{}\"\n[[feeds]]\nname = \"b\"\nurl = \"{}\"\n",
            a.url("/feed.json"),
            b.url("/feed.json")
        ),
        "t",
    )
    .expect("valid");
    let state = tempfile::tempdir().expect("state");
    let service = FeedService::new(&config.feeds, Some(state.path()), Arc::new(SystemClock));
    let (updates, updated) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let (ended, has_ended) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(service.run(
            move |_, status| {
                let _ = updates.send(status);
            },
            stopped,
        ));
        let _ = ended.send(Instant::now());
    });
    // Feed B is refreshed while A's pictures hang (before: only after 5 x 30 s).
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let status = updated
            .recv_timeout(left)
            .expect("feed b refreshed in time");
        if status.sources.iter().all(|s| s.last_good.is_some()) {
            break;
        }
    }
    // Three at a time.
    let mut pictures = 0;
    while pictures < 3 {
        let r = a
            .next_request(Duration::from_secs(10))
            .expect("parallel picture requests");
        pictures += usize::from(r.path.starts_with("/p/"));
    }
    assert!(
        a.next_request(Duration::from_millis(300)).is_none(),
        "no fourth while three hang"
    );
    let asked = Instant::now();
    stop.send(true).expect("running");
    let at = has_ended
        .recv_timeout(Duration::from_secs(10))
        .expect("stops at once");
    assert!(at - asked < Duration::from_secs(5), "{:?}", at - asked);
    thread.join().expect("joined");
}

#[test]
fn a_request_is_saved_on_a_disk_that_something_else_filled() {
    let Some(disk) = Tmpfs::mount(8 << 20) else {
        return;
    };
    let submit = || {
        support::kiosk::command(disk.path())
            .args([
                "callback",
                "submit",
                "--name",
                "Anna",
                "--phone",
                "06 12345678",
            ])
            .args(["--when", "morning"])
            .output()
            .expect("runs")
    };
    assert!(submit().status.success());
    // Something else (a log, another program) takes every last block.
    disk.fill();
    // Before: "database or disk is full" (or "cannot open the outbox").
    for _ in 0..5 {
        let out = submit();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let status = Outbox::open_in(disk.path())
        .and_then(|o| o.status(SystemClock.now()))
        .expect("readable");
    assert_eq!(status.pending, 6);
}

/// An answer that never comes: the headers of a body that never follows, held until
/// the kiosk hangs up.
fn hang() -> Reply {
    Reply::raw(|stream| {
        use std::io::{Read, Write};
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n");
        let _ = stream.flush();
        let mut buf = [0u8; 64];
        loop {
            match stream.read(&mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) => {}
                Err(_) => break,
            }
        }
    })
}

#[test]
fn sigterm_abandons_every_request_in_flight() {
    // Fleet document, heartbeat, webhook, feed and its pictures: all hang. (Before: 5
    // slow pictures alone kept the kiosk from exiting for 147 s after SIGTERM.)
    let server = TestServer::start(|r| {
        if r.path == "/feed.json" {
            Reply::body(200, "application/json", picture_feed(5))
        } else {
            hang()
        }
    });
    let state = tempfile::tempdir().expect("state");
    submit(&Outbox::open_in(state.path()).expect("outbox"));
    let minisign::KeyPair { pk, .. } =
        minisign::KeyPair::generate_unencrypted_keypair().expect("key pair");
    let config = state.path().join("kiosk.toml");
    std::fs::write(
        &config,
        format!(
            "kiosk_id = \"disk\"\n[[feeds]]\nname = \"a\"\nurl = \"{feed}\"\n\
             [callback.webhook]\nurl = \"{hook}\"\nsecret = \"{SECRET}\"\n\
             [heartbeat]\nurl = \"{beat}\"\n\
             [remote]\nurl = \"{fleet}\"\npublic_key = \"{key}\"\n",
            feed = server.url("/feed.json"),
            hook = server.url("/hook"),
            beat = server.url("/beat"),
            fleet = server.url("/fleet.toml"),
            key = pk.to_base64(),
        ),
    )
    .expect("config written");
    let (child, _lines) = spawn_kiosk(&config, state.path());
    let mut kiosk = Kill(child);
    let mut waiting: std::collections::BTreeSet<&str> =
        ["/fleet.toml", "/beat", "/hook", "/p/"].into();
    while !waiting.is_empty() {
        let r = server
            .next_request(Duration::from_secs(30))
            .unwrap_or_else(|| panic!("no request to {waiting:?}"));
        waiting.retain(|p| !r.path.starts_with(p));
    }
    let asked = Instant::now();
    // SAFETY: a plain signal to our own child.
    assert_eq!(unsafe { libc::kill(kiosk.0.id() as i32, libc::SIGTERM) }, 0);
    let deadline = asked + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = kiosk.0.try_wait().expect("waits") {
            break status;
        }
        assert!(Instant::now() < deadline, "still running after 30 s");
        std::thread::sleep(Duration::from_millis(20));
    };
    let took = asked.elapsed();
    assert!(status.success(), "{status}");
    assert!(took < Duration::from_secs(10), "exit took {took:?}");
}
