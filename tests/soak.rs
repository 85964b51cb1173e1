//! A simulated week of signage on Slint's testing backend with mock time (issue 8):
//! the wall clock (`FixedClock`) and Slint's timers move together, 10 s at a time.
//!
//! - opening hours 07:00-23:00 every day (dark at night: rotation and clock stop);
//! - every 15 minutes a real `FeedService::refresh_one` against a local HTTP server
//!   whose feed changes each time (titles, links, one new 640x480 picture of about
//!   0.9 MB), the picture download (`fetch_images`, which trims the picture folder
//!   to its limit) and `App::set_feeds`; the UI decodes new pictures on its
//!   worker thread;
//! - 500 callback requests through `callback::submit` into the outbox in a temporary
//!   state directory, delivered by `Deliverer::try_deliver_one` to a local webhook
//!   that answers 503 to one delivery in eight (retried later with backoff);
//! - every hour of opening time a visitor: a tap, a language switch, a detail page,
//!   then walking away (the warning, the countdown, back to signage in Dutch); every
//!   other hour a passer-by who only switches the language on signage.
//!
//! At the end of day 1 and of day 7 (local midnight, screen dark, nothing pending)
//! it compares the heap in use (a counting global allocator), open file descriptors,
//! threads, the SQLite files, the picture folders and the decoded pictures in memory. Heap must be within 5 %, file
//! descriptors and threads equal, the feed cache the same size, the outbox grown by
//! no more than its delivered receipts, the picture folder within its limit.
//! Own harness (harness = false): the testing backend is set up once per process.

use i_slint_backend_testing::{mock_elapsed_time, ElementHandle};
use samen_kiosk::callback::delivery::{Channel, Deliverer, Outcome, Webhook};
use samen_kiosk::callback::outbox::Outbox;
use samen_kiosk::config::Config;
use samen_kiosk::feed::Catalog;
use samen_kiosk::feed_service::{FeedService, RefreshOutcome};
use samen_kiosk::i18n::Lang;
use samen_kiosk::signing::Secret;
use samen_kiosk::time::{parse_instant, Clock, FixedClock};
use samen_kiosk::ui::generated::{Detail, Kiosk, Nav, Screen};
use samen_kiosk::ui::{App, AppWindow, KioskOptions};
use slint::ComponentHandle;
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::rc::Rc;
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

// ---- heap in use -------------------------------------------------------------------

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            LIVE.fetch_add(
                new_size as isize - layout.size() as isize,
                Ordering::Relaxed,
            );
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

// ---- the local server: feed, pictures, webhook -------------------------------------

#[derive(Default)]
struct Shared {
    /// The feed body and its ETag.
    feed: (String, String),
    posts: usize,
    /// Deliveries answered 200 (a count, not a list: the test's own bookkeeping must
    /// not grow the heap it measures).
    delivered: usize,
}

struct Server {
    base: String,
    shared: Arc<Mutex<Shared>>,
}

/// The request line, the headers (names in lower case) and the body.
type Request = (String, Vec<(String, String)>, Vec<u8>);

fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return None,
            Ok(n) => data.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).to_string();
    let mut lines = head.lines();
    let first = lines.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = data[head_end..].to_vec();
    while body.len() < length {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => body.extend_from_slice(&buf[..n]),
        }
    }
    Some((first, headers, body))
}

fn respond(stream: &mut TcpStream, status: &str, headers: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

/// A 640x480 PNG of noise (it does not compress: about 0.9 MB), different per number.
fn picture(n: u64) -> Vec<u8> {
    let (w, h) = (640u32, 480u32);
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let pixels: Vec<u8> = (0..w * h * 3)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&pixels).unwrap();
    writer.finish().unwrap();
    out
}

fn handle(mut stream: TcpStream, shared: &Mutex<Shared>) {
    let Some((first, headers, body)) = read_request(&mut stream) else {
        return;
    };
    let path = first.split(' ').nth(1).unwrap_or("/").to_string();
    if first.starts_with("POST") {
        assert!(
            headers.iter().any(|(k, _)| k == "idempotency-key"),
            "a webhook delivery has an Idempotency-Key"
        );
        let mut s = shared.lock().unwrap();
        s.posts += 1;
        if s.posts % 8 == 0 {
            drop(s);
            respond(&mut stream, "503 Busy", "", b"busy");
        } else {
            assert!(!body.is_empty(), "a webhook delivery has a body");
            s.delivered += 1;
            drop(s);
            respond(&mut stream, "200 OK", "", b"{}");
        }
    } else if path == "/feed.json" {
        let (body, etag) = shared.lock().unwrap().feed.clone();
        let known = headers
            .iter()
            .any(|(k, v)| k == "if-none-match" && *v == etag);
        if known {
            let _ = stream.write_all(b"HTTP/1.1 304 Not Modified\r\nConnection: close\r\n\r\n");
        } else {
            let h = format!("ETag: {etag}\r\nContent-Type: application/json\r\n");
            respond(&mut stream, "200 OK", &h, body.as_bytes());
        }
    } else if let Some(n) = path
        .strip_prefix("/img/p")
        .and_then(|p| p.strip_suffix(".png"))
        .and_then(|n| n.parse().ok())
    {
        respond(
            &mut stream,
            "200 OK",
            "Content-Type: image/png\r\n",
            &picture(n),
        );
    } else {
        respond(&mut stream, "404 Not Found", "", b"");
    }
}

fn start_server() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().unwrap());
    let shared = Arc::new(Mutex::new(Shared::default()));
    let s = shared.clone();
    std::thread::Builder::new()
        .name("soak-server".into())
        .spawn(move || {
            for stream in listener.incoming().flatten() {
                handle(stream, &s);
            }
        })
        .unwrap();
    Server { base, shared }
}

/// Feed number `r`: 60 activities in the coming week, titles and links that change
/// every time, five pictures of which one is new each time.
fn feed(r: u64, today: chrono::NaiveDate) -> String {
    let events: Vec<String> = (0..60u64)
        .map(|i| {
            let day = today + chrono::Duration::days((i % 7) as i64);
            let hour = 8 + (i * 5 + r) % 13;
            let image = if i < 5 {
                format!(r#","image":"img/p{}.png""#, r + i)
            } else {
                String::new()
            };
            let rule = if i % 6 == 0 {
                r#","rrule":"FREQ=WEEKLY""#
            } else {
                ""
            };
            format!(
                r#"{{"id":"a{i}","name":"Activiteit {i} versie {r}","description":"Een gezellige bijeenkomst in de buurt, versie {r}. Iedereen is welkom.","start":"{day}T{hour:02}:00","duration":"PT1H30M"{rule},"location":{{"name":"Buurthuis {i}","address":"Straat {i}, Hilversum"}},"url":"https://example.org/a/{r}/{i}","categories":["ontmoeten"],"translations":{{"en":{{"name":"Activity {i} version {r}"}}}}{image}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"format":"samen-kiosk-feed","version":1,"events":[{}]}}"#,
        events.join(",")
    )
}

// ---- what is measured --------------------------------------------------------------

#[derive(Debug, Clone, Copy)]
struct Snapshot {
    heap: isize,
    malloc_in_use: usize,
    fds: usize,
    threads: usize,
    feeds_sqlite: u64,
    feeds_wal: u64,
    outbox_sqlite: u64,
    receipts: u64,
    pictures_bytes: u64,
    pictures_files: usize,
    scaled_bytes: u64,
}

fn files_size(dir: &Path, prefix: &str) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

fn threads() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap()
}

fn snapshot(state: &Path, outbox: &Outbox, now: chrono::DateTime<chrono::Utc>) -> Snapshot {
    let images = state.join("images");
    // SAFETY: mallinfo2 only reads the allocator's statistics.
    let malloc_in_use = unsafe { libc::mallinfo2() }.uordblks;
    Snapshot {
        heap: LIVE.load(Ordering::Relaxed),
        malloc_in_use,
        fds: std::fs::read_dir("/proc/self/fd").unwrap().count(),
        threads: threads(),
        feeds_sqlite: files_size(state, "feeds.sqlite") - files_size(state, "feeds.sqlite-"),
        feeds_wal: files_size(state, "feeds.sqlite-"),
        outbox_sqlite: files_size(state, "outbox.sqlite"),
        receipts: outbox.status(now).unwrap().delivered,
        pictures_bytes: files_size(&images, ""),
        pictures_files: std::fs::read_dir(&images).map(|d| d.count()).unwrap_or(0),
        scaled_bytes: files_size(&state.join("scaled-images"), ""),
    }
}

// ---- the week ----------------------------------------------------------------------

const STEP: Duration = Duration::from_secs(10);
const NIGHT_STEP: Duration = Duration::from_secs(60);
const REQUESTS: usize = 500;

struct Kiosk7 {
    controller: Rc<App>,
    clock: Arc<FixedClock>,
    service: FeedService,
    deliverer: Deliverer,
    /// The delivery side's connection (the services thread's, in the kiosk).
    outbox: Outbox,
    /// The screen side's connection, where requests are submitted.
    screen_box: Outbox,
    runtime: tokio::runtime::Runtime,
    server: Server,
    state: std::path::PathBuf,
    refreshes: u64,
    submitted: usize,
    visits: usize,
    worker_baseline: usize,
    /// The most decoded pictures seen in memory at once.
    pictures_max: usize,
}

impl Kiosk7 {
    /// Wall clock and Slint's mock time one step on; timers fire.
    fn step(&self, by: Duration) {
        self.clock
            .advance(chrono::Duration::from_std(by).expect("short step"));
        mock_elapsed_time(by);
    }

    /// Runs what worker threads handed to the UI thread (`invoke_from_event_loop`):
    /// waits until the picture workers have finished, then runs the queued events.
    fn drain(&self) {
        let started = Instant::now();
        while threads() > self.worker_baseline && started.elapsed() < Duration::from_secs(30) {
            std::thread::sleep(Duration::from_millis(2));
        }
        slint::quit_event_loop().unwrap();
        slint::run_event_loop().unwrap();
    }

    fn refresh_feed(&mut self) {
        let today = self.clock.today();
        let body = feed(self.refreshes, today);
        self.server.shared.lock().unwrap().feed = (body, format!("\"v{}\"", self.refreshes));
        self.refreshes += 1;
        let outcome = self.runtime.block_on(self.service.refresh_one(0));
        assert_eq!(outcome, RefreshOutcome::Updated, "the feed changed");
        self.runtime.block_on(self.service.fetch_images());
        let catalog: Catalog = self.service.catalog();
        self.controller.set_feeds(catalog, self.service.status());
        self.drain();
        self.pictures_max = self.pictures_max.max(self.controller.pictures_in_memory());
    }

    fn submit_and_deliver(&mut self) {
        let names = [
            "Anna", "Jan", "Fatima", "Kees", "Mieke", "Özlem", "Piet", "Sanne",
        ];
        let name = names[self.submitted % names.len()];
        let phone = format!("06{:08}", 12_345_678 + self.submitted);
        let form = samen_kiosk::callback::Form {
            name,
            phone: &phone,
            slot: ["morning", "afternoon", "evening", "any"][self.submitted % 4],
            topic: Some("chat"),
            lang: if self.submitted % 3 == 0 {
                Lang::En
            } else {
                Lang::Nl
            },
        };
        samen_kiosk::callback::submit(&self.screen_box, "soak-kiosk", form, self.clock.now())
            .expect("the request is saved");
        self.submitted += 1;
        self.deliver_due();
    }

    fn deliver_due(&self) {
        loop {
            match self
                .runtime
                .block_on(self.deliverer.try_deliver_one(&self.outbox))
                .expect("outbox works")
            {
                Outcome::Idle => break,
                Outcome::Delivered(_) => {}
                // Busy: tried again when it is due.
                Outcome::Retry(..) => break,
                Outcome::Attention(id, _) => panic!("request {id} refused"),
            }
        }
    }

    fn tap(&self, label: &str) {
        let found: Vec<_> =
            ElementHandle::find_by_accessible_label(self.controller.window(), label).collect();
        found
            .first()
            .unwrap_or_else(|| {
                let w = self.controller.window();
                panic!(
                    "no element labelled '{label}' on screen {:?} (screen on: {}, warning: {}) at {}",
                    w.global::<Nav>().get_screen(),
                    w.global::<Kiosk>().get_screen_on(),
                    w.global::<Nav>().get_warning(),
                    self.clock.local_now()
                )
            })
            .invoke_accessible_default_action();
    }

    /// A visitor: a tap, English, a detail page, then walking away.
    fn visit(&mut self) {
        self.visits += 1;
        let nav = self.controller.window().global::<Nav>();
        let kiosk = self.controller.window().global::<Kiosk>();
        if self.visits % 2 == 0 {
            // Only the language, on signage; it goes back to Dutch after a minute.
            self.tap("English");
            assert_eq!(kiosk.get_language(), "en");
            for _ in 0..7 {
                self.step(STEP);
            }
            assert_eq!(kiosk.get_language(), "nl", "signage is back in Dutch");
            return;
        }
        self.tap("Tik op het scherm");
        assert_eq!(nav.get_screen(), Screen::Home);
        // On interactive screens the languages are in a panel.
        self.tap("Taal / Language");
        self.tap("English");
        // A weekly activity: it always has a next date.
        self.controller
            .open_detail(&format!("a{}", (self.visits % 10) * 6));
        assert_eq!(nav.get_screen(), Screen::Detail);
        let shown = self.controller.window().global::<Detail>().get_activity();
        assert!(
            shown.title.starts_with("Activity"),
            "the detail page is in English"
        );
        // 60 s without a touch, then the countdown in 1 s steps (a repeated timer fires
        // at most once per step).
        for _ in 0..6 {
            self.step(STEP);
        }
        assert!(nav.get_warning(), "Bent u er nog?");
        for _ in 0..40 {
            self.step(Duration::from_secs(1));
        }
        assert_eq!(nav.get_screen(), Screen::Signage, "the visit ended");
        assert_eq!(kiosk.get_language(), "nl");
    }

    /// One simulated day from local midnight: a refresh every 15 minutes, requests
    /// spread over the day, a visitor every hour of opening time.
    fn day(&mut self, day: usize) {
        let per_day = REQUESTS / 7 + usize::from(day < REQUESTS % 7);
        for quarter in 0..96usize {
            let quarter_end = self.clock.now() + chrono::Duration::minutes(15);
            self.refresh_feed();
            // Requests in opening hours (quarters 28..92), spread evenly.
            let open = 28..92usize;
            if open.contains(&quarter) {
                let k = quarter - open.start;
                let due = (k + 1) * per_day / open.len() - k * per_day / open.len();
                for _ in 0..due {
                    self.submit_and_deliver();
                }
                if quarter % 4 == 0 {
                    self.visit();
                }
            }
            // The rest of the quarter hour, 10 s at a time; retries when due.
            // While dark no repeating timer runs (rotation and clock stop): a minute
            // at a time is as exact and quicker.
            loop {
                let on = self.controller.window().global::<Kiosk>().get_screen_on();
                let step = if on { STEP } else { NIGHT_STEP };
                if self.clock.now() + chrono::Duration::from_std(step).unwrap() > quarter_end {
                    break;
                }
                self.step(step);
            }
            let rest = (quarter_end - self.clock.now()).to_std().unwrap();
            if !rest.is_zero() {
                self.step(rest);
            }
            self.deliver_due();
        }
    }
}

fn main() {
    let wall = Instant::now();
    i_slint_backend_testing::init_integration_test_with_mock_time();
    let server = start_server();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().to_path_buf();
    let config = Config::parse(
        &format!(
            r#"
kiosk_id = "soak-kiosk"
[[feeds]]
name = "soak"
url = "{}/feed.json"
refresh = "15m"
[schedule]
monday = "07:00-23:00"
tuesday = "07:00-23:00"
wednesday = "07:00-23:00"
thursday = "07:00-23:00"
friday = "07:00-23:00"
saturday = "07:00-23:00"
sunday = "07:00-23:00"
"#,
            server.base
        ),
        "soak.toml",
    )
    .expect("configuration is valid");
    // Monday 30 November 2026, local midnight.
    let clock = Arc::new(FixedClock::new(
        parse_instant("2026-11-30T00:00:00+01:00").unwrap(),
    ));
    let service = FeedService::new(&config.feeds, Some(&state), clock.clone());
    let image_dir = service.image_dir().map(Path::to_path_buf);
    let window = AppWindow::new().expect("window");
    window.window().set_size(slint::PhysicalSize::new(800, 480));
    let controller = App::new(
        window,
        KioskOptions {
            config: Arc::new(config),
            clock: clock.clone(),
            catalog: service.catalog(),
            image_dir,
            state_dir: Some(state.clone()),
            delivery: None,
            runtime: None,
            refresh: None,
            speaker: None,
        },
    );
    controller.window().show().expect("show");
    let deliverer = Deliverer::new(
        Channel::Webhook(Webhook {
            url: format!("{}/intake", server.base),
            secret: Secret::new("soak-secret"),
        }),
        Duration::from_secs(5),
        clock.clone(),
    )
    .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut kiosk = Kiosk7 {
        controller,
        clock,
        service,
        deliverer,
        outbox: Outbox::open_in(&state).unwrap(),
        screen_box: Outbox::open_in(&state).unwrap(),
        runtime,
        server,
        state,
        refreshes: 0,
        submitted: 0,
        visits: 0,
        worker_baseline: threads(),
        pictures_max: 0,
    };

    // `SOAK_DAYS=n`: stop after n days without freeing anything, so that a heap
    // profiler (heaptrack) reports what is in use at that midnight as "leaked".
    let profile_days: Option<usize> = std::env::var("SOAK_DAYS").ok().and_then(|d| d.parse().ok());
    let mut days = Vec::new();
    for day in 0..7 {
        let started = Instant::now();
        kiosk.day(day);
        kiosk.deliver_due();
        kiosk.drain();
        let s = snapshot(&kiosk.state, &kiosk.outbox, kiosk.clock.now());
        println!(
            "day {}: heap {:.2} MiB (malloc in use {:.2} MiB), fds {}, threads {}, feeds.sqlite {} B (+ WAL/shm {} B), outbox.sqlite {} B ({} receipts), pictures {} files {:.1} MiB (scaled {:.1} MiB), decoded in memory {} now / {} at most, {:.1} s",
            day + 1,
            s.heap as f64 / 1048576.0,
            s.malloc_in_use as f64 / 1048576.0,
            s.fds,
            s.threads,
            s.feeds_sqlite,
            s.feeds_wal,
            s.outbox_sqlite,
            s.receipts,
            s.pictures_files,
            s.pictures_bytes as f64 / 1048576.0,
            s.scaled_bytes as f64 / 1048576.0,
            kiosk.controller.pictures_in_memory(),
            kiosk.pictures_max,
            started.elapsed().as_secs_f64()
        );
        days.push(s);
        if profile_days == Some(day + 1) {
            std::process::exit(0);
        }
    }

    let (first, last) = (days[0], days[6]);
    let delivered = kiosk.server.shared.lock().unwrap().delivered;
    println!(
        "{} refreshes, {} requests submitted, {} delivered, {} visits, {:.1} s of real time",
        kiosk.refreshes,
        kiosk.submitted,
        delivered,
        kiosk.visits,
        wall.elapsed().as_secs_f64()
    );
    assert_eq!(kiosk.submitted, REQUESTS);
    assert_eq!(
        delivered, REQUESTS,
        "every request reached the intake, once"
    );
    assert_eq!(last.receipts, REQUESTS as u64);
    let growth = (last.heap - first.heap) as f64 / first.heap as f64;
    assert!(
        growth.abs() <= 0.05,
        "heap in use at the end of day 7 is {:+.1} % of day 1 ({} -> {} bytes)",
        growth * 100.0,
        first.heap,
        last.heap
    );
    assert_eq!(first.fds, last.fds, "open file descriptors");
    assert_eq!(first.threads, last.threads, "threads");
    // The feed cache keeps one row a feed. Its file takes the pages from the log at
    // the first automatic checkpoint (during day 2) and stays that size.
    assert_eq!(
        days[1].feeds_sqlite, last.feeds_sqlite,
        "the feed cache keeps one row a feed"
    );
    // The write-ahead log is reused after SQLite's automatic checkpoint (1,000 pages):
    // it levels off at about 4 MB and does not grow with time.
    assert!(
        last.feeds_wal <= 1_100 * 4096 + 32_768,
        "feed cache WAL {} bytes",
        last.feeds_wal
    );
    // A receipt is an id, a few timestamps and a state: well under 512 bytes in a page.
    let receipts = last.receipts - first.receipts;
    assert!(
        last.outbox_sqlite <= first.outbox_sqlite + 512 * receipts + 8192,
        "outbox grew {} bytes for {receipts} receipts",
        last.outbox_sqlite - first.outbox_sqlite
    );
    assert!(
        last.pictures_bytes <= samen_kiosk::image_cache::MAX_TOTAL_BYTES,
        "the picture folder stays within its limit"
    );
    assert!(
        last.scaled_bytes > 0 && last.scaled_bytes <= samen_kiosk::image_cache::MAX_SCALED_BYTES,
        "the scaled pictures are kept, within their limit ({} bytes)",
        last.scaled_bytes
    );
    assert!(
        kiosk.pictures_max <= samen_kiosk::ui::adapters::MAX_PICTURES,
        "at most {} decoded pictures in memory, saw {}",
        samen_kiosk::ui::adapters::MAX_PICTURES,
        kiosk.pictures_max
    );
    assert_eq!(
        kiosk.controller.pictures_in_memory(),
        0,
        "no decoded picture is kept while the screen is dark"
    );
    println!(
        "heap day 1 -> day 7: {:+.2} %; soak test passed",
        growth * 100.0
    );
}
