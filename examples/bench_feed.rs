//! Feed parsing benchmark (issue 3): parses a generated iCalendar feed of 2,000
//! events (a quarter recurring weekly, with EXDATEs and RECURRENCE-ID overrides) and
//! expands it for a 14-day window. Target: under 100 ms and under 50 MB peak.
//!
//! ```text
//! cargo run --release --example bench_feed [-- ROUNDS]
//! cargo run --release --example bench_feed -- --hostile
//! ```
//!
//! `--hostile` instead times the worst feeds of issue 15 (tests/budget.rs checks what
//! the kiosk keeps of them; this prints how long reading them takes): parse, the
//! catalog's agenda, and a week's query.
//!
//! Prints min / median / max of parse + catalog + expansion, the occurrence count,
//! the peak heap (a counting global allocator: bytes live at the worst moment of one
//! round, above what was live before it) and the process's peak resident set
//! (VmHWM, which includes the binary, the generated text and the allocator's slack).

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Utc};
use samen_kiosk::feed::{parse_any, Catalog};
use std::alloc::{GlobalAlloc, Layout, System};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// The system allocator, counting live bytes and their high-water mark.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize) {
    let now = LIVE.fetch_add(by, Ordering::Relaxed) + by;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; only counters are updated.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const EVENTS: usize = 2_000;
/// Monday 24 March 2025, local midnight; the window holds the switch to summer time.
const WINDOW_START: (i32, u32, u32) = (2025, 3, 24);
const WINDOW_DAYS: i64 = 14;

const TITLES: [&str; 12] = [
    "Koffieochtend in de bibliotheek",
    "Samen wandelen door het Corversbos",
    "Spelletjesmiddag: rummikub en klaverjassen",
    "Zingen met het buurtkoor",
    "Digitaal spreekuur: hulp met uw telefoon",
    "Samen eten in de Vaartsche Rijn",
    "Stoelyoga voor beginners",
    "Repair café: kapotte spullen maken",
    "Schilderen en tekenen, materiaal aanwezig",
    "Breicafé — handwerken en bijpraten",
    "Bingo met mooie prijzen",
    "Geheugentraining en een kopje thee",
];
const PLACES: [(&str, &str); 8] = [
    (
        "Bibliotheek Hilversum",
        "'s-Gravelandseweg 55\\, 1217 EP Hilversum",
    ),
    (
        "Wijkcentrum De Koepel",
        "Kleine Drift 5\\, 1211 ME Hilversum",
    ),
    ("Buurthuis Oost", "Oosterengweg 20\\, 1212 CN Hilversum"),
    (
        "Dorpshuis Kerkelanden",
        "Kerkelandenlaan 3\\, 1216 VB Hilversum",
    ),
    (
        "Parkeerplaats Corversbos",
        "Bussumergrintweg\\, 1217 BR Hilversum",
    ),
    ("Gemeenschapshuis Zuid", "Zuiderweg 40\\, 1214 GK Hilversum"),
    (
        "Seniorencentrum Riebeeck",
        "Van Riebeeckweg 29\\, 1212 AE Hilversum",
    ),
    ("Kerkzaal De Regenboog", "Neuweg 66\\, 1213 RR Hilversum"),
];
const WEEKDAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

const VTIMEZONE: &str = "BEGIN:VTIMEZONE\r\nTZID:Europe/Amsterdam\r\nX-LIC-LOCATION:Europe/Amsterdam\r\n\
BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\n\
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\n\
TZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n\
END:STANDARD\r\nEND:VTIMEZONE\r\n";

fn stamp(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

/// A small deterministic generator (xorshift), so every run sees the same feed.
struct Rng(u64);

impl Rng {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

/// Appends one content line, folded at 75 octets (on a character boundary) as
/// RFC 5545 asks, so the parser's unfolding is part of what is measured.
fn line(out: &mut String, text: &str) {
    let mut width = 0;
    for c in text.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

struct Generated {
    text: String,
    vevents: usize,
    recurring: usize,
    exdates: usize,
    overrides: usize,
}

fn generate() -> Generated {
    let mut rng = Rng(0x5a3e_4b1d_9c7f_2e61);
    let window = NaiveDate::from_ymd_opt(WINDOW_START.0, WINDOW_START.1, WINDOW_START.2)
        .expect("valid date")
        .and_hms_opt(0, 0, 0)
        .expect("valid time");
    let mut out = String::with_capacity(EVENTS * 900);
    out.push_str("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//samen-kiosk//bench_feed//NL\r\n");
    out.push_str("CALSCALE:GREGORIAN\r\nX-WR-CALNAME:Activiteiten Hilversum\r\n");
    out.push_str("X-WR-TIMEZONE:Europe/Amsterdam\r\n");
    out.push_str(VTIMEZONE);
    let (mut vevents, mut recurring, mut exdates, mut overrides) = (0, 0, 0, 0);
    for i in 0..EVENTS {
        let title = TITLES[i % TITLES.len()];
        let (place, address) = PLACES[rng.next(PLACES.len() as u64) as usize];
        let hour = 9 + rng.next(10) as u32;
        let minute = [0, 15, 30, 45][rng.next(4) as usize];
        let length = Duration::minutes(45 + 15 * rng.next(8) as i64);
        let weekly = i % 4 == 0;
        // Recurring series started up to a year before the window; single events
        // lie anywhere from half a year before to half a year after it.
        let day = if weekly {
            -(rng.next(365) as i64)
        } else {
            rng.next(365) as i64 - 182
        };
        let start = (window.date() + Duration::days(day))
            .and_hms_opt(hour, minute, 0)
            .expect("valid time");
        let uid = format!("{i:05}-activiteit@samen-kiosk.example.org");
        vevents += 1;
        out.push_str("BEGIN:VEVENT\r\n");
        line(&mut out, &format!("UID:{uid}"));
        out.push_str("DTSTAMP:20250301T090000Z\r\n");
        line(
            &mut out,
            &format!("DTSTART;TZID=Europe/Amsterdam:{}", stamp(start)),
        );
        line(
            &mut out,
            &format!("DTEND;TZID=Europe/Amsterdam:{}", stamp(start + length)),
        );
        line(&mut out, &format!("SUMMARY:{title} ({})", i + 1));
        line(
            &mut out,
            &format!(
                "DESCRIPTION:Iedereen is welkom\\, ook als u alleen komt. {title} wordt \
                 begeleid door vrijwilligers van Versa Welzijn.\\nAanmelden is niet nodig; \
                 koffie en thee staan klaar. Vragen? Bel 035 123 4500 of mail \
                 info@example.org. Toegankelijk met rolstoel en rollator."
            ),
        );
        line(&mut out, &format!("LOCATION:{place}\\, {address}"));
        line(&mut out, "CATEGORIES:ontmoeten,Hilversum");
        line(
            &mut out,
            &format!("URL:https://example.org/activiteiten/{i:05}"),
        );
        if i % 50 == 7 {
            out.push_str("STATUS:CANCELLED\r\n");
        } else {
            out.push_str("STATUS:CONFIRMED\r\n");
        }
        let mut moved = Vec::new();
        if weekly {
            recurring += 1;
            let weekday = WEEKDAYS[start.weekday().num_days_from_monday() as usize];
            let end = match i % 3 {
                0 => String::new(),
                1 => format!(";COUNT={}", 40 + rng.next(60)),
                _ => format!(
                    ";UNTIL={}Z",
                    stamp(window + Duration::days(30 + rng.next(200) as i64))
                ),
            };
            line(&mut out, &format!("RRULE:FREQ=WEEKLY;BYDAY={weekday}{end}"));
            // Two to four weeks off, some of them in the window.
            let weeks = (day.unsigned_abs() / 7) as i64 + 2;
            let skip: Vec<String> = (0..2 + rng.next(3))
                .map(|_| stamp(start + Duration::weeks(rng.next(weeks as u64) as i64)))
                .collect();
            exdates += skip.len();
            line(
                &mut out,
                &format!("EXDATE;TZID=Europe/Amsterdam:{}", skip.join(",")),
            );
            // One series in five has an instance moved or changed.
            if i % 20 == 0 {
                let week = (day.unsigned_abs() / 7) as i64 + rng.next(2) as i64;
                moved.push(start + Duration::weeks(week));
            }
        }
        out.push_str("END:VEVENT\r\n");
        for original in moved {
            vevents += 1;
            overrides += 1;
            let new_start = original + Duration::hours(1 + rng.next(3) as i64);
            out.push_str("BEGIN:VEVENT\r\n");
            line(&mut out, &format!("UID:{uid}"));
            out.push_str("DTSTAMP:20250310T090000Z\r\n");
            line(
                &mut out,
                &format!("RECURRENCE-ID;TZID=Europe/Amsterdam:{}", stamp(original)),
            );
            line(
                &mut out,
                &format!("DTSTART;TZID=Europe/Amsterdam:{}", stamp(new_start)),
            );
            line(
                &mut out,
                &format!("DTEND;TZID=Europe/Amsterdam:{}", stamp(new_start + length)),
            );
            line(&mut out, &format!("SUMMARY:{title} (verplaatst)"));
            line(&mut out, "LOCATION:Wijkcentrum De Koepel\\, Kleine Drift 5");
            if rng.next(4) == 0 {
                out.push_str("STATUS:CANCELLED\r\n");
            }
            out.push_str("END:VEVENT\r\n");
        }
    }
    out.push_str("END:VCALENDAR\r\n");
    Generated {
        text: out,
        vevents,
        recurring,
        exdates,
        overrides,
    }
}

fn vm_hwm_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The worst feeds of issue 15, generated (none is committed).
fn hostile() {
    let today = NaiveDate::from_ymd_opt(2026, 12, 2).expect("valid date");
    let vcal =
        |events: String| format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{events}END:VCALENDAR\r\n");
    let hours = |n: i64| -> String {
        let base = NaiveDate::from_ymd_opt(2026, 11, 1)
            .expect("valid date")
            .and_hms_opt(0, 0, 0)
            .expect("valid time");
        (0..n)
            .map(|i| format!("{}Z", stamp(base + Duration::hours(i))))
            .collect::<Vec<_>>()
            .join(",")
    };
    let feeds: Vec<(&str, String)> = vec![
        (
            "200 hourly events since 1900",
            vcal((0..200).map(|i| format!("BEGIN:VEVENT\r\nUID:h{i}\r\nDTSTART:19000101T000000Z\r\nRRULE:FREQ=HOURLY\r\nSUMMARY:H{i}\r\nEND:VEVENT\r\n")).collect()),
        ),
        (
            "60,000 hourly JSON events",
            format!(
                r#"{{"version":1,"events":[{}]}}"#,
                (0..60_000)
                    .map(|i| format!(r#"{{"id":"h{i}","name":"H{i}","start":"2026-11-01T00:00","duration":"PT1H","rrule":"FREQ=HOURLY"}}"#))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        ),
        (
            "200,000 RDATEs and 350,000 EXDATEs",
            vcal(format!(
                "BEGIN:VEVENT\r\nUID:r\r\nDTSTART:20261031T000000Z\r\nSUMMARY:R\r\nRDATE:{}\r\nEND:VEVENT\r\n\
                 BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20261101T100000Z\r\nRRULE:FREQ=DAILY\r\nSUMMARY:X\r\nEXDATE:{}\r\nEND:VEVENT\r\n",
                hours(200_000),
                hours(350_000)
            )),
        ),
        (
            "5 million bad EXDATE values",
            vcal(format!(
                "BEGIN:VEVENT\r\nUID:g\r\nDTSTART:20261202T100000Z\r\nSUMMARY:G\r\nEXDATE:{}\r\nEND:VEVENT\r\n",
                vec!["x"; 5 * 1024 * 1024 - 200].join(",")
            )),
        ),
    ];
    let from = samen_kiosk::time::start_of_day(today).with_timezone(&Utc);
    let to = samen_kiosk::time::start_of_day(today + Duration::days(7)).with_timezone(&Utc);
    for (name, text) in feeds {
        let started = Instant::now();
        let parsed = parse_any(text.as_bytes(), today, &|_| None).expect("feed parses");
        let parse = started.elapsed();
        let started = Instant::now();
        let catalog = Catalog::new(parsed.activities, false).prepared(today);
        let agenda = started.elapsed();
        let started = Instant::now();
        let week = catalog.occurrences(from, to).len();
        let query = started.elapsed();
        println!(
            "{name} ({:.1} MB): parse {:.0} ms, agenda {:.0} ms, week query {:.1} ms ({week} shown), {} warnings",
            text.len() as f64 / 1e6,
            parse.as_secs_f64() * 1e3,
            agenda.as_secs_f64() * 1e3,
            query.as_secs_f64() * 1e3,
            parsed.warnings.len()
        );
    }
    if let Some(kib) = vm_hwm_kib() {
        println!(
            "process peak RSS (VmHWM): {:.1} MB",
            kib as f64 * 1024.0 / 1e6
        );
    }
}

fn main() {
    if std::env::args().any(|a| a == "--hostile") {
        hostile();
        return;
    }
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10)
        .max(1);
    let feed = generate();
    let today = NaiveDate::from_ymd_opt(WINDOW_START.0, WINDOW_START.1, WINDOW_START.2)
        .expect("valid date");
    let from = samen_kiosk::time::start_of_day(today).with_timezone(&Utc);
    let to =
        samen_kiosk::time::start_of_day(today + Duration::days(WINDOW_DAYS)).with_timezone(&Utc);
    let mut report = String::new();
    let _ = writeln!(
        report,
        "feed: {} bytes, {} VEVENTs ({} events, {} weekly with {} EXDATEs, {} RECURRENCE-ID overrides)",
        feed.text.len(),
        feed.vevents,
        EVENTS,
        feed.recurring,
        feed.exdates,
        feed.overrides
    );
    let _ = writeln!(
        report,
        "window: {} .. {} ({WINDOW_DAYS} days), {rounds} rounds",
        from.to_rfc3339(),
        to.to_rfc3339()
    );
    print!("{report}");

    let mut times = Vec::with_capacity(rounds);
    let mut peak_heap = 0;
    let mut occurrences = 0;
    let mut activities = 0;
    for _ in 0..rounds {
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let started = Instant::now();
        let parsed = parse_any(feed.text.as_bytes(), today, &|_| None).expect("feed parses");
        let catalog = Catalog::new(parsed.activities, false);
        let found = catalog.occurrences(from, to);
        let elapsed = started.elapsed();
        occurrences = found.len();
        activities = catalog.activities().len();
        drop(found);
        drop(catalog);
        times.push(elapsed.as_secs_f64() * 1000.0);
        peak_heap = peak_heap.max(PEAK.load(Ordering::Relaxed) - before);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!("activities: {activities}, occurrences in window: {occurrences}");
    println!(
        "parse + expand: min {:.1} ms, median {median:.1} ms, max {:.1} ms",
        times[0],
        times[times.len() - 1]
    );
    println!(
        "peak heap during one round: {:.1} MB (above the {:.1} MB live before it)",
        peak_heap as f64 / 1e6,
        LIVE.load(Ordering::Relaxed) as f64 / 1e6
    );
    match vm_hwm_kib() {
        Some(kib) => println!(
            "process peak RSS (VmHWM): {:.1} MB",
            kib as f64 * 1024.0 / 1e6
        ),
        None => println!("process peak RSS (VmHWM): unavailable"),
    }
    let ok = median < 100.0 && peak_heap < 50_000_000;
    println!(
        "target (< 100 ms, < 50 MB): {}",
        if ok { "met" } else { "MISSED" }
    );
}
