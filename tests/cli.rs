//! The command line as other tools and the IT team use it: the real binary, run as a
//! child process.
//!
//! Index:
//! - screenshots: every scene at 800x480 and 1920x1080 is a non-blank PNG of that size
//! - screenshot determinism and error messages
//! - config check: ok, and every problem with its key path
//! - feed occurrences on the bundled example
//! - translations: every @tr() string has an English translation
//! - `screenshot --message`: the hub's preview of one message (issue 20)

use std::path::Path;
use std::process::Output;
use support::http::{Reply, TestServer};

mod support;

const NOW: &str = "2026-11-28T10:42:00+01:00";

fn kiosk(args: &[&str], state: &Path) -> Output {
    support::kiosk::run(args, state)
}

fn read_png(path: &Path) -> (u32, u32, Vec<u8>) {
    let decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(path).expect("png exists"),
    ));
    let mut reader = decoder.read_info().expect("png header");
    let mut buf = vec![0; reader.output_buffer_size().expect("size")];
    let info = reader.next_frame(&mut buf).expect("png frame");
    buf.truncate(info.buffer_size());
    (info.width, info.height, buf)
}

/// Distinct colours in a picture: a blank or single-colour frame has one or two.
fn colours(rgb: &[u8]) -> usize {
    let mut set = std::collections::HashSet::new();
    for px in rgb.chunks(3) {
        set.insert((px[0], px[1], px[2]));
    }
    set.len()
}

#[test]
fn every_scene_renders_at_small_and_large_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let scenes = [
        "signage",
        "signage-today",
        "signage-spotlight",
        "signage-week",
        "signage-cta",
        "signage-help",
        "today",
        "tomorrow",
        "week",
        "categories",
        "detail",
        "help",
        "callback",
        "warning",
        "admin-pin",
        "admin",
    ];
    for size in ["800x480", "1920x1080"] {
        let (w, h) = size
            .split_once('x')
            .map(|(a, b)| (a.parse::<u32>().unwrap(), b.parse::<u32>().unwrap()))
            .unwrap();
        for scene in scenes {
            let out = dir.path().join(format!("{scene}-{size}.png"));
            let o = kiosk(
                &[
                    "screenshot",
                    "--scene",
                    scene,
                    "--size",
                    size,
                    "--now",
                    NOW,
                    "--out",
                    out.to_str().unwrap(),
                ],
                dir.path(),
            );
            assert!(
                o.status.success(),
                "{scene} {size}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            let (pw, ph, rgb) = read_png(&out);
            assert_eq!((pw, ph), (w, h), "{scene} at {size}");
            assert!(colours(&rgb) > 20, "{scene} at {size} looks blank");
        }
    }
}

#[test]
fn screenshots_are_deterministic_and_follow_the_language() {
    let dir = tempfile::tempdir().unwrap();
    let shot = |name: &str, lang: &str| {
        let out = dir.path().join(name);
        let o = kiosk(
            &[
                "screenshot",
                "--scene",
                "today",
                "--size",
                "800x480",
                "--now",
                NOW,
                "--lang",
                lang,
                "--out",
                out.to_str().unwrap(),
            ],
            dir.path(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        std::fs::read(out).unwrap()
    };
    let a = shot("a.png", "nl");
    let b = shot("b.png", "nl");
    let en = shot("en.png", "en");
    assert_eq!(a, b, "same arguments, same picture");
    assert_ne!(a, en, "English looks different");
}

#[test]
fn bad_arguments_give_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.png");
    let out = out.to_str().unwrap();
    for (args, expected) in [
        (
            vec!["screenshot", "--scene", "nope", "--out", out],
            "invalid value 'nope' for '--scene <SCENE>'",
        ),
        (vec!["--bogus"], "unexpected argument '--bogus'"),
        (
            vec!["--config", "/does/not/exist.toml", "status"],
            "cannot read /does/not/exist.toml: No such file or directory",
        ),
        (
            vec!["config", "check"],
            "the following required arguments were not provided: <FILE>",
        ),
        (
            vec![
                "screenshot",
                "--scene",
                "today",
                "--size",
                "big",
                "--out",
                out,
            ],
            "not WIDTHxHEIGHT",
        ),
        (
            vec![
                "screenshot",
                "--scene",
                "today",
                "--now",
                "gisteren",
                "--out",
                out,
            ],
            "is not a time",
        ),
        (
            vec![
                "screenshot",
                "--scene",
                "today",
                "--lang",
                "fy",
                "--out",
                out,
            ],
            "language 'fy'",
        ),
        (
            vec![
                "feed",
                "occurrences",
                "/does/not/exist.json",
                "--from",
                "2026-01-01",
                "--to",
                "2026-01-02",
            ],
            "cannot read",
        ),
    ] {
        let o = kiosk(&args, dir.path());
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{args:?} should fail");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("samen-kiosk: "), "{args:?}: {stderr}");
        assert!(
            stderr.matches("No such file or directory").count() <= 1,
            "said twice: {stderr}"
        );
    }
    // Every scene is listed by --help.
    let o = kiosk(&["screenshot", "--help"], dir.path());
    let help = String::from_utf8_lossy(&o.stdout);
    for (name, _) in samen_kiosk::ui::Scene::ALL {
        assert!(
            help.contains(name),
            "{name} missing from screenshot --help: {help}"
        );
    }
}

#[test]
fn config_check_names_each_problem() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.toml");
    std::fs::write(
        &good,
        "kiosk_id = \"bieb-centrum\"\n[signage]\nslide_seconds = 8\n",
    )
    .unwrap();
    let o = kiosk(&["config", "check", good.to_str().unwrap()], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("ok"));

    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "kiosk_id = \"bieb centrum!\"\n[signage]\nfade_ms = -1\n[session]\nwarning_seconds = 5\n",
    )
    .unwrap();
    let o = kiosk(&["config", "check", bad.to_str().unwrap()], dir.path());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    for key in ["kiosk_id:", "signage.fade_ms:", "session.warning_seconds:"] {
        assert!(stderr.contains(key), "missing {key} in {stderr}");
    }

    let broken = dir.path().join("broken.toml");
    std::fs::write(&broken, "[signage\n").unwrap();
    let o = kiosk(&["config", "check", broken.to_str().unwrap()], dir.path());
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("not valid TOML"));
}

/// `feed occurrences` of the bundled example as JSON values, the example moved to the
/// week of `now` (None: the real clock).
fn example_occurrences(
    now: Option<&str>,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    let (from, to) = (from.to_string(), to.to_string());
    let mut args = vec![
        "feed",
        "occurrences",
        "assets/example-feed.json",
        "--from",
        &from,
        "--to",
        &to,
    ];
    if let Some(now) = now {
        args.extend(["--now", now]);
    }
    let o = kiosk(&args, dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

/// The local (Europe/Amsterdam) start of an occurrence line, checking its form: RFC 3339
/// with an offset, or a date for an all-day activity; the end not before the start.
fn local_start(line: &serde_json::Value) -> chrono::NaiveDateTime {
    use chrono_tz::Europe::Amsterdam;
    let when = |key: &str| {
        let text = line[key].as_str().expect("start and end are strings");
        if line["all_day"] == true {
            chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .unwrap_or_else(|e| panic!("all-day {key} is a date: {text}: {e}"))
                .and_hms_opt(0, 0, 0)
                .unwrap()
        } else {
            chrono::DateTime::parse_from_rfc3339(text)
                .unwrap_or_else(|e| panic!("{key} is RFC 3339: {text}: {e}"))
                .with_timezone(&Amsterdam)
                .naive_local()
        }
    };
    assert!(line["all_day"].is_boolean(), "{line}");
    assert!(
        !line["id"].as_str().unwrap_or_default().is_empty()
            && !line["title"].as_str().unwrap_or_default().is_empty(),
        "every line has an id and a title: {line}"
    );
    assert!(
        ["CONFIRMED", "TENTATIVE", "CANCELLED"].contains(&line["status"].as_str().unwrap_or("")),
        "{line}"
    );
    let (start, end) = (when("start"), when("end"));
    assert!(end >= start, "ends after it starts: {line}");
    start
}

/// What the example promises whatever the date: the seven days signage shows from
/// today are never empty (every day has something that goes ahead), the weekly coffee
/// morning is there once, on Tuesday at 10:00, and the lines are well-formed and sorted.
fn check_example_week(today: chrono::NaiveDate, lines: &[serde_json::Value], label: &str) {
    use chrono::Datelike;
    let starts: Vec<chrono::NaiveDateTime> = lines.iter().map(local_start).collect();
    assert!(
        starts.windows(2).all(|w| w[0] <= w[1]),
        "{label}: sorted by start"
    );
    for d in 0..7 {
        let day = today + chrono::Days::new(d);
        assert!(
            lines
                .iter()
                .zip(&starts)
                .any(|(l, s)| s.date() == day && l["status"] != "CANCELLED"),
            "{label}: {day} ({}) has an activity that goes ahead",
            day.weekday()
        );
    }
    let koffie: Vec<_> = lines
        .iter()
        .zip(&starts)
        .filter(|(l, _)| l["id"] == "voorbeeld-koffieochtend-bibliotheek")
        .collect();
    assert_eq!(
        koffie.len(),
        1,
        "{label}: the weekly coffee morning, once a week"
    );
    let (line, start) = koffie[0];
    assert_eq!(start.weekday(), chrono::Weekday::Tue, "{label}: {line}");
    assert_eq!(start.time().to_string(), "10:00:00", "{label}: {line}");
    assert_eq!(line["all_day"], false);
    // Twice a week (Monday and Thursday): twice in any seven days.
    let walks = lines
        .iter()
        .filter(|l| l["id"] == "voorbeeld-wandelen-annas-hoeve")
        .count();
    assert_eq!(walks, 2, "{label}: the Monday and Thursday walk");
}

#[test]
fn feed_occurrences_of_the_example_are_sorted_json_lines() {
    // The example moves to the week of "now", so what it promises must hold on every
    // day of the week, around midnight, at both DST changes and at the turn of the year.
    let mut moments = Vec::new();
    for day in 0..7 {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap() + chrono::Days::new(day);
        moments.push(format!("{date}T00:30"));
        moments.push(format!("{date}T23:30"));
    }
    moments.extend(
        [
            "2027-03-28T01:30",
            "2027-03-28T03:30",
            "2026-10-25T02:30",
            "2026-10-25T23:30",
            "2026-12-31T23:30",
            "2027-01-01T00:30",
        ]
        .map(String::from),
    );
    for now in &moments {
        let today = chrono::NaiveDate::parse_from_str(&now[..10], "%Y-%m-%d").unwrap();
        let lines = example_occurrences(Some(now), today, today + chrono::Days::new(7));
        check_example_week(today, &lines, now);
    }
    // And on the real clock (today read before and after, so a run across midnight
    // asks again rather than mixing two days).
    use samen_kiosk::time::{Clock, SystemClock};
    loop {
        let today = SystemClock.today();
        let lines = example_occurrences(None, today, today + chrono::Days::new(7));
        if SystemClock.today() == today {
            check_example_week(today, &lines, "now");
            break;
        }
    }
}

#[test]
fn every_ui_string_is_translated() {
    // Every shipped language: each folder under translations/.
    let mut languages = Vec::new();
    for entry in std::fs::read_dir("translations").unwrap() {
        let path = entry.unwrap().path();
        let po = std::fs::read_to_string(path.join("LC_MESSAGES/samen-kiosk.po")).unwrap();
        languages.push((path.file_name().unwrap().to_string_lossy().to_string(), po));
    }
    languages.sort();
    assert_eq!(
        languages
            .iter()
            .map(|(l, _)| l.as_str())
            .collect::<Vec<_>>(),
        ["en", "pl", "tr"]
    );
    let mut missing = Vec::new();
    for entry in std::fs::read_dir("ui").unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        for part in text.split("@tr(\"").skip(1) {
            let msgid = part.split('"').next().unwrap();
            let needle = format!("msgid \"{msgid}\"\n");
            for (lang, po) in &languages {
                // Every msgstr line of the entry (all plural forms) must be filled in.
                let translated = po.split(&needle).nth(1).is_some_and(|rest| {
                    let entry = rest.split("\n\n").next().unwrap_or("");
                    let forms: Vec<&str> =
                        entry.lines().filter(|l| l.starts_with("msgstr")).collect();
                    !forms.is_empty() && forms.iter().all(|l| !l.ends_with("\"\""))
                });
                if !translated {
                    missing.push(format!("{lang}: {}: {msgid}", path.display()));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "run scripts/update-translations.py and translate:\n{}",
        missing.join("\n")
    );
}

#[test]
fn the_deployed_example_configuration_is_valid() {
    let dir = tempfile::tempdir().unwrap();
    let o = kiosk(
        &["config", "check", "deploy/kiosk.example.toml"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// Personal data never reaches the log, even at trace level: not when a request is
/// submitted, not when it is delivered.
#[test]
fn no_personal_data_in_logs() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let intake = TestServer::start(|_| Reply::status(200));
    let url = intake.url("/intake");
    let config = dir.path().join("kiosk.toml");
    std::fs::write(
        &config,
        format!("[callback.webhook]\nurl = \"{url}\"\nsecret = \"0123456789abcdef0123\"\n"),
    )
    .unwrap();
    let state = dir.path().join("state");
    let args = |extra: &[&str]| -> Vec<String> {
        let mut a = vec![
            "--config".to_string(),
            config.display().to_string(),
            "--state-dir".into(),
            state.display().to_string(),
        ];
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let submit = support::kiosk::command(&state)
        .args(args(&[
            "callback",
            "submit",
            "--name",
            "Zoë",
            "--phone",
            "06 1234 5678",
            "--when",
            "evening",
            "--topic",
            "chat",
        ]))
        .env("SAMEN_KIOSK_LOG", "trace")
        .output()
        .unwrap();
    assert!(
        submit.status.success(),
        "{}",
        String::from_utf8_lossy(&submit.stderr)
    );
    let mut kiosk = support::kiosk::command(&state)
        .args(args(&["run", "--headless"]))
        .env("SAMEN_KIOSK_LOG", "trace")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The log is read as it is written, until the delivery is in it (or 60 s pass).
    let stderr = kiosk.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut lines = Vec::new();
    while let Ok(line) =
        rx.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
    {
        let done = line.contains("delivered");
        lines.push(line);
        if done {
            break;
        }
    }
    kiosk.kill().unwrap();
    let _ = kiosk.wait();
    lines.extend(rx.try_iter());
    assert_eq!(intake.requests().len(), 1, "one POST to the intake");
    let output_stderr = lines.join("\n");
    let logs = format!(
        "{}{}",
        String::from_utf8_lossy(&submit.stderr),
        output_stderr
    );
    assert!(
        logs.contains("delivered"),
        "the delivery was logged: {logs}"
    );
    for secret in ["Zoë", "Zo\\u{eb}", "12345678", "1234 5678", "+316"] {
        assert!(
            !logs.contains(secret),
            "'{secret}' appears in the log:\n{logs}"
        );
    }
}

#[test]
fn status_reports_the_outbox_without_personal_data() {
    let dir = tempfile::tempdir().unwrap();
    let o = kiosk(
        &[
            "callback",
            "submit",
            "--name",
            "Bram",
            "--phone",
            "035 123 4567",
            "--when",
            "morning",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let id = String::from_utf8_lossy(&o.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    assert_eq!(id.len(), 36, "a UUID as the last line: {id}");
    let o = kiosk(&["status", "--json"], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let status: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(status["outbox"]["pending"], 1);
    assert_eq!(status["kiosk_id"], "kiosk");
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        !text.contains("Bram") && !text.contains("1234567"),
        "{text}"
    );
    let o = kiosk(&["outbox", "status", "--json"], dir.path());
    let outbox: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    for key in [
        "pending",
        "oldest_pending_age_s",
        "delivered",
        "failed_attention",
    ] {
        assert!(outbox.get(key).is_some(), "{key} in {outbox}");
    }
    // Bad input is refused with one line and nothing stored.
    let o = kiosk(
        &[
            "callback", "submit", "--name", "Bram", "--phone", "112", "--when", "morning",
        ],
        dir.path(),
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("phone number: a short number"));
    let o = kiosk(&["outbox", "status", "--json"], dir.path());
    let outbox: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(outbox["pending"], 1);
}

/// What `speak` wrote: (sample rate, samples).
fn read_wav(path: &Path) -> (u32, Vec<i16>) {
    let bytes = std::fs::read(path).expect("the WAV file exists");
    assert_eq!(&bytes[0..4], b"RIFF", "a RIFF file");
    assert_eq!(&bytes[8..12], b"WAVE", "a WAVE file");
    let rate = u32::from_le_bytes([bytes[24], bytes[25], bytes[26], bytes[27]]);
    // Find the data chunk.
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let id = &bytes[at..at + 4];
        let len = u32::from_le_bytes([bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]])
            as usize;
        if id == b"data" {
            let end = (at + 8 + len).min(bytes.len());
            let samples = bytes[at + 8..end]
                .chunks_exact(2)
                .map(|b| i16::from_le_bytes([b[0], b[1]]))
                .collect();
            return (rate, samples);
        }
        at += 8 + len;
    }
    panic!("no data chunk");
}

#[test]
fn speak_writes_what_a_screen_says_without_personal_data() {
    if std::process::Command::new("espeak-ng")
        .arg("--version")
        .output()
        .is_err()
    {
        assert!(
            std::env::var_os("SAMEN_KIOSK_REQUIRE_TOOLS").is_none(),
            "espeak-ng is not installed (scripts/test.sh installs it)"
        );
        eprintln!("espeak-ng not installed: speech test skipped");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (scene, lang, expected) in [
        (
            "help",
            "nl",
            &["Hulp nodig?", "De Luisterlijn", "088 0767 000", "Bel 112"][..],
        ),
        ("help", "en", &["Need help?", "De Luisterlijn", "112"][..]),
        (
            "today",
            "nl",
            &["Activiteiten.", "U kunt kiezen: Vandaag, Morgen, Deze week"][..],
        ),
        ("callback-done", "nl", &["Dank u wel.", "op uw nummer"][..]),
        (
            "warning",
            "pl",
            &["Czy jest Pan/Pani jeszcze tutaj?", "sekund"][..],
        ),
    ] {
        let out = dir.path().join(format!("{scene}-{lang}.wav"));
        let o = kiosk(
            &[
                "speak",
                "--scene",
                scene,
                "--lang",
                lang,
                "--now",
                NOW,
                "--out",
                out.to_str().unwrap(),
            ],
            dir.path(),
        );
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        // The text handed to the engine is printed: it is what the screen says.
        let text = String::from_utf8_lossy(&o.stdout).to_string();
        for part in expected {
            assert!(
                text.contains(part),
                "{scene} {lang}: '{part}' missing in {text}"
            );
        }
        // The thank-you screen shows "Anna" and "06 •••••• 78"; neither is said.
        assert!(!text.contains("Anna") && !text.contains("78"), "{text}");
        let (rate, samples) = read_wav(&out);
        assert!(rate >= 8000, "{rate} Hz");
        let seconds = samples.len() as f64 / f64::from(rate);
        let loud = samples.iter().filter(|s| s.unsigned_abs() > 1000).count();
        assert!(seconds > 1.0, "{scene}: only {seconds:.2} s");
        assert!(
            loud > samples.len() / 20,
            "{scene}: the WAV is (nearly) silent"
        );
    }
}

/// Issue 17: `config check` names each problem of a message; `signage plan` prints one
/// JSON line per slide with the urgent notice in it; `status --json` lists the messages
/// in force; `screenshot --scene signage` shows the notice when it is in force.
#[test]
fn messages_are_checked_planned_reported_and_shown() {
    let dir = tempfile::tempdir().unwrap();
    let o = kiosk(
        &["config", "check", "deploy/fleet.example.toml"],
        dir.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[signage.messages]]\ntitle = \"x\"\nfrom = \"2026-10-02\"\nuntil = \"2026-09-24\"\n\
         [[signage.messages]]\ntitle = \"y\"\ndays = [\"maandag\"]\n\
         [[signage.messages]]\ntitle = \"z\"\npriority = \"urgent\"\n",
    )
    .unwrap();
    let o = kiosk(&["config", "check", bad.to_str().unwrap()], dir.path());
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success());
    for key in [
        "signage.messages[0].until:",
        "signage.messages[1].days:",
        "signage.messages[2].until:",
    ] {
        assert!(stderr.contains(key), "missing {key} in {stderr}");
    }

    let config = dir.path().join("kiosk.toml");
    std::fs::write(
        &config,
        "kiosk_id = \"bieb\"\n\
         [[signage.messages]]\nid = \"welkom\"\ntitle = \"Welkom\"\n\
         [[signage.messages]]\nid = \"storm\"\ntitle = \"Vandaag gesloten wegens storm\"\n\
         body = \"Morgen zijn we er weer.\"\npriority = \"urgent\"\n\
         from = \"2026-11-28T10:00\"\nuntil = \"2026-11-28T12:00\"\n",
    )
    .unwrap();
    let c = config.to_str().unwrap();
    let o = kiosk(
        &[
            "signage",
            "plan",
            "--config",
            c,
            "--from",
            "2026-11-28T11:58",
            "--hours",
            "1",
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(lines.len(), 360, "a slide every 10 s for an hour");
    assert_eq!(lines[0]["at"], "2026-11-28T11:58:00+01:00");
    assert_eq!(lines[0]["kind"], "urgent");
    assert_eq!(lines[0]["id"], "storm");
    assert_eq!(
        lines[1]["kind"], "message",
        "then the rotation: {:?}",
        lines[1]
    );
    assert_eq!(lines[2]["kind"], "urgent");
    assert!(
        lines[12..].iter().all(|l| l["kind"] != "urgent"),
        "ended at 12:00"
    );

    let o = kiosk(&["status", "--json", "--config", c], dir.path());
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let status: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(status["messages"]["active"][0], "welkom", "{status}");
    assert_eq!(
        status["messages"]["urgent"], false,
        "not now: 2026-11-28 is past"
    );

    let out = dir.path().join("urgent.png");
    let o = kiosk(
        &[
            "screenshot",
            "--scene",
            "signage",
            "--size",
            "800x480",
            "--config",
            c,
            "--now",
            "2026-11-28T10:42",
            "--out",
            out.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (_, _, rgb) = read_png(&out);
    // The help colour (#7A1F3D) fills the urgent slide.
    let berry = rgb
        .chunks(3)
        .filter(|p| p[0] == 0x7A && p[1] == 0x1F && p[2] == 0x3D)
        .count();
    assert!(
        berry > 800 * 480 / 4,
        "the urgent slide is on: {berry} berry pixels"
    );
}

/// `screenshot --message FILE` (issue 20, the hub's preview): one message in the feed
/// format, drawn on its own slide (a campaign slide, or the urgent slide), without
/// reading or writing state; a message the kiosk would skip is an error.
#[test]
fn a_message_file_is_drawn_on_its_slide_without_state() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("no-state");
    let draw = |message: serde_json::Value, name: &str| {
        let file = dir.path().join(format!("{name}.json"));
        std::fs::write(&file, message.to_string()).unwrap();
        let out = dir.path().join(format!("{name}.png"));
        let o = kiosk(
            &[
                "screenshot",
                "--scene",
                "signage-message",
                "--message",
                file.to_str().unwrap(),
                "--size",
                "800x480",
                "--now",
                NOW,
                "--out",
                out.to_str().unwrap(),
            ],
            &state,
        );
        (o, out)
    };
    let normal = serde_json::json!({
        "id": "hub-1", "title": {"nl": "Kerstdiner voor iedereen"},
        "body": "Eet mee op 24 december.", "until": "2020-01-01",
        "url": "https://example.org/kerst", "kiosks": ["elders"]
    });
    let (o, plain) = draw(normal.clone(), "normal");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (w, h, rgb) = read_png(&plain);
    assert_eq!((w, h), (800, 480));
    assert!(colours(&rgb) > 20);
    let mut urgent = normal.clone();
    urgent["priority"] = "urgent".into();
    let (o, alarm) = draw(urgent, "urgent");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (_, _, urgent_rgb) = read_png(&alarm);
    // The urgent slide is mostly the help colour: far more dark-red pixels.
    let reddish = |rgb: &[u8]| {
        rgb.chunks(3)
            .filter(|p| p[0] > 90 && p[1] < 60 && p[2] < 90)
            .count()
    };
    assert!(
        reddish(&urgent_rgb) > 10 * reddish(&rgb).max(1000),
        "{} vs {}",
        reddish(&urgent_rgb),
        reddish(&rgb)
    );
    assert!(!state.exists(), "no state written");
    let mut bad = normal;
    bad["from"] = "2026-12-10".into();
    bad["until"] = "2026-12-01".into();
    let (o, _) = draw(bad, "bad");
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("until: must be after `from`"), "{err}");
}
