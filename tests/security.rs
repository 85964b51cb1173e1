//! The security items of issue #15, each against the real thing: feeds from a real
//! HTTP server on 127.0.0.1:0 or from files, fleet documents signed with real minisign
//! keys, and the binary as a child process.
//!
//! Index:
//! - only_web_links_become_qr_codes
//! - pictures_come_only_from_the_feeds_folder_or_its_listed_hosts
//! - fleet_redirects_only_to_https_on_the_same_host
//! - heartbeats_never_follow_redirects
//! - the_version_floor_survives_a_lost_or_damaged_last_good_copy
//! - expired_documents_are_refused_even_on_a_fresh_state_directory
//! - absurd_versions_are_refused
//! - config_check_refuses_expired_and_warns_before_expiry
//! - a_fleet_document_over_the_limit_is_a_refusal_not_a_network_failure
//! - feed_errors_never_quote_the_files_bytes
//! - topics_from_feeds_stay_on_one_line
//! - state_files_are_private_whoever_starts_the_kiosk
//! - secret_files_pin_input_and_feed_paths_are_bounded_regular_files

use samen_kiosk::config::{Config, FleetDoc};
use samen_kiosk::feed::ImageRef;
use samen_kiosk::feed_service::FeedService;
use samen_kiosk::remote::{self, FleetPoller, LocalFile, PollOutcome, Refusal};
use samen_kiosk::time::FixedClock;
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::http::{Reply, TestServer};

mod support;

// ---------------------------------------------------------------- helpers

struct Signer {
    pk: minisign::PublicKey,
    sk: minisign::SecretKey,
}

impl Signer {
    fn new() -> Signer {
        let minisign::KeyPair { pk, sk } =
            minisign::KeyPair::generate_unencrypted_keypair().expect("key pair");
        Signer { pk, sk }
    }

    fn sign(&self, doc: &str) -> String {
        minisign::sign(Some(&self.pk), &self.sk, doc.as_bytes(), None, None)
            .expect("signs")
            .to_string()
    }
}

/// A server answering from a table of paths (anything else: 404).
struct Files {
    http: TestServer,
    files: Arc<Mutex<HashMap<String, Reply2>>>,
}

#[derive(Clone)]
enum Reply2 {
    Body(Vec<u8>),
    Redirect(u16, String),
}

impl Files {
    fn start() -> Files {
        let files: Arc<Mutex<HashMap<String, Reply2>>> = Arc::default();
        let served = files.clone();
        let http = TestServer::start(move |request| {
            match served.lock().unwrap().get(&request.path).cloned() {
                Some(Reply2::Body(bytes)) => Reply::status(200).with_body(bytes),
                Some(Reply2::Redirect(status, to)) => Reply::status(status).header("Location", &to),
                None if request.method == "POST" => Reply::status(200),
                None => Reply::status(404),
            }
        });
        Files { http, files }
    }

    fn put(&self, path: &str, bytes: impl Into<Vec<u8>>) {
        self.files
            .lock()
            .unwrap()
            .insert(path.into(), Reply2::Body(bytes.into()));
    }

    fn redirect(&self, path: &str, status: u16, to: &str) {
        self.files
            .lock()
            .unwrap()
            .insert(path.into(), Reply2::Redirect(status, to.into()));
    }

    fn publish(&self, signer: &Signer, doc: &str) {
        self.put("/fleet.toml", doc);
        self.put("/fleet.toml.minisig", signer.sign(doc));
    }
}

fn doc(version: i64, expires: &str) -> String {
    format!("version = {version}\nexpires = {expires}\n[signage]\nslide_seconds = 15\n")
}

const FAR: &str = "2099-01-01T00:00:00Z";

fn local_for(url: &str, signer: &Signer) -> LocalFile {
    LocalFile {
        text: format!(
            "kiosk_id = \"bieb\"\n[remote]\nurl = \"{url}\"\npublic_key = \"{}\"\n",
            signer.pk.to_base64()
        ),
        origin: "kiosk.toml".into(),
    }
}

fn poller(local: &LocalFile, state: Option<&Path>) -> FleetPoller {
    // As the kiosk starts: the last good copy (and the floor file) from the state.
    let (config, applied, _) = remote::startup(local, state).expect("starts");
    FleetPoller::new(
        config.remote.expect("[remote]"),
        local.clone(),
        state.map(Path::to_path_buf),
        applied,
    )
    .expect("poller")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn clock() -> Arc<FixedClock> {
    Arc::new(FixedClock::new(
        samen_kiosk::time::parse_instant("2026-03-04T09:00").expect("instant"),
    ))
}

fn kiosk(args: &[&str], state: &Path) -> std::process::Output {
    support::kiosk::run(args, state)
}

/// Runs `command` to the end, or fails the test when it takes longer than `limit`
/// (a hang is what some of these tests are about).
fn output_within(mut command: Command, limit: Duration) -> std::process::Output {
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    let id = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => out.expect("runs"),
        Err(_) => {
            // SAFETY: kill(2) on the child this test started.
            unsafe { libc::kill(id as i32, libc::SIGKILL) };
            panic!("{command:?} did not finish within {limit:?}");
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

// ---------------------------------------------------------------- links and pictures

#[test]
fn only_web_links_become_qr_codes() {
    let dir = tempfile::tempdir().unwrap();
    let links = [
        "https://example.org/ok",
        "http://example.org/plain",
        "javascript:alert(1)",
        "data:text/html,<script>x</script>",
        "file:///etc/passwd",
        "tel:09001234567",
        "sms:09001234567?body=STOP",
        "WIFI:T:WPA;S:Gratis;P:x;;",
    ];
    let events: Vec<String> = links
        .iter()
        .enumerate()
        .map(|(i, url)| {
            format!(
                r#"{{"id":"e{i}","name":"E{i}","start":"2026-03-04T10:00","duration":"PT1H","url":{}}}"#,
                serde_json::to_string(url).unwrap()
            )
        })
        .collect();
    let feed = dir.path().join("feed.json");
    std::fs::write(
        &feed,
        format!(
            r#"{{"format":"samen-kiosk-feed","version":1,"events":[{}]}}"#,
            events.join(",")
        ),
    )
    .unwrap();
    let urls = |extra: &str| -> Vec<String> {
        let config = Config::parse(
            &format!("[[feeds]]\nurl = \"{}\"\n{extra}", feed.display()),
            "t",
        )
        .expect("valid");
        let service = FeedService::new(&config.feeds, None, clock());
        let mut kept: Vec<(String, String)> = service
            .catalog()
            .activities()
            .iter()
            .map(|a| (a.id.clone(), a.url.clone()))
            .collect();
        kept.sort();
        kept.into_iter().map(|(_, u)| u).collect()
    };
    assert_eq!(
        urls(""),
        ["https://example.org/ok", "", "", "", "", "", "", ""],
        "only https by default"
    );
    assert_eq!(
        urls("http_links = true\n"),
        [
            "https://example.org/ok",
            "http://example.org/plain",
            "",
            "",
            "",
            "",
            "",
            ""
        ],
    );
    // The QR encoder itself makes codes for web links only.
    assert!(samen_kiosk::qr::encode("https://example.org/ok").is_some());
    for other in &links[2..] {
        assert!(samen_kiosk::qr::encode(other).is_none(), "{other}");
    }
}

#[test]
fn pictures_come_only_from_the_feeds_folder_or_its_listed_hosts() {
    let server = Files::start();
    let own = format!("http://{}", server.http.addr());
    let images = [
        "img/ok.png",
        "../secret.png",
        "img/../../secret.png",
        "/admin/x.png",
        "//evil.example/x.png",
        "img/%2e%2e/%2e%2e/x.png",
        &format!("{own}/other/x.png"),
        "http://evil.example/x.png",
        "https://cdn.example/pictures/ok.png",
    ];
    let events: Vec<String> = images
        .iter()
        .enumerate()
        .map(|(i, image)| {
            format!(
                r#"{{"id":"e{i}","name":"E{i}","start":"2026-03-04T10:00","duration":"PT1H","image":{}}}"#,
                serde_json::to_string(image).unwrap()
            )
        })
        .collect();
    server.put(
        "/feeds/week.json",
        format!(
            r#"{{"format":"samen-kiosk-feed","version":1,"events":[{}]}}"#,
            events.join(",")
        ),
    );
    let ics_event = |uid: &str, image: &str, attach: bool| {
        let property = if attach {
            format!("ATTACH;FMTTYPE=image/png:{image}")
        } else {
            format!("IMAGE;VALUE=URI:{image}")
        };
        format!(
            "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260301T000000Z\r\nDTSTART:20260304T100000Z\r\nDTEND:20260304T110000Z\r\nSUMMARY:{uid}\r\n{property}\r\nEND:VEVENT\r\n"
        )
    };
    server.put(
        "/feeds/agenda.ics",
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//NL\r\n{}{}{}{}END:VCALENDAR\r\n",
            ics_event("a-own", &format!("{own}/feeds/img/a.png"), false),
            ics_event("b-other-path", &format!("{own}/admin/b.png"), false),
            ics_event("c-other-host", "https://evil.example/c.png", true),
            ics_event("d-listed", "https://cdn.example/d.png", true),
        ),
    );
    let config = Config::parse(
        &format!(
            "[[feeds]]\nurl = \"{own}/feeds/week.json\"\nimage_hosts = [\"cdn.example\"]\n\
             [[feeds]]\nurl = \"{own}/feeds/agenda.ics\"\nimage_hosts = [\"CDN.example\"]\n"
        ),
        "t",
    )
    .expect("valid");
    let mut service = FeedService::new(&config.feeds, None, clock());
    let rt = runtime();
    for i in 0..2 {
        let outcome = rt.block_on(service.refresh_one(i));
        assert_eq!(
            outcome,
            samen_kiosk::feed_service::RefreshOutcome::Updated,
            "feed {i}"
        );
    }
    let mut kept: Vec<(String, Option<String>)> = service
        .catalog()
        .activities()
        .iter()
        .map(|a| {
            let image = match &a.image {
                Some(ImageRef::Url(u)) => Some(u.clone()),
                Some(other) => Some(format!("{other:?}")),
                None => None,
            };
            (a.id.clone(), image)
        })
        .collect();
    kept.sort();
    let expected: Vec<(String, Option<String>)> = vec![
        ("a-own".into(), Some(format!("{own}/feeds/img/a.png"))),
        ("b-other-path".into(), None),
        ("c-other-host".into(), None),
        ("d-listed".into(), Some("https://cdn.example/d.png".into())),
        ("e0".into(), Some(format!("{own}/feeds/img/ok.png"))),
        ("e1".into(), None),
        ("e2".into(), None),
        ("e3".into(), None),
        ("e4".into(), None),
        ("e5".into(), None),
        ("e6".into(), None),
        ("e7".into(), None),
        (
            "e8".into(),
            Some("https://cdn.example/pictures/ok.png".into()),
        ),
    ];
    assert_eq!(kept, expected);

    // A host name with a scheme or path is refused by the configuration.
    let err = Config::parse(
        "[[feeds]]\nurl = \"https://a.example/f.json\"\nimage_hosts = [\"https://cdn.example/x\"]\n",
        "t",
    )
    .unwrap_err();
    assert!(
        err.problems()[0].starts_with("feeds[0].image_hosts[0]: a host name only"),
        "{:?}",
        err.problems()
    );
}

// ---------------------------------------------------------------- redirects

#[test]
fn fleet_redirects_only_to_https_on_the_same_host() {
    let signer = Signer::new();
    // The other server holds a validly signed document: following would apply it.
    let other = Files::start();
    other.publish(&signer, &doc(5, FAR));
    let server = Files::start();
    let port = other.http.addr().port();
    let rt = runtime();
    for (status, to) in [
        // Plain http on another host (the probe's case).
        (302, format!("http://localhost:{port}/fleet.toml")),
        // Plain http on the same host: not https.
        (307, format!("http://127.0.0.1:{port}/fleet.toml")),
        // https on another host.
        (301, "https://localhost:1/fleet.toml".to_string()),
    ] {
        server.redirect("/fleet.toml", status, &to);
        server.redirect("/fleet.toml.minisig", status, &format!("{to}.minisig"));
        let local = local_for(&server.http.url("/fleet.toml"), &signer);
        let mut p = poller(&local, None);
        match rt.block_on(p.poll_once()) {
            PollOutcome::Failed(message) => assert!(
                message.contains("redirect not followed: only to https on the same host"),
                "{status} to {to}: {message}"
            ),
            other => panic!("{status} to {to}: expected a failure, got {other:?}"),
        }
        assert_eq!(p.applied_version(), None);
    }
    assert!(
        other.http.requests().is_empty(),
        "the other server was never asked: {:?}",
        other
            .http
            .requests()
            .iter()
            .map(|r| r.line())
            .collect::<Vec<_>>()
    );
}

#[test]
fn heartbeats_never_follow_redirects() {
    let elsewhere = Files::start();
    let server = Files::start();
    server.redirect("/beat", 307, &elsewhere.http.url("/collect"));
    let config = Config::parse(
        &format!(
            "[heartbeat]\nurl = \"{}\"\nsecret = \"0123456789abcdef0123\"\n",
            server.http.url("/beat")
        ),
        "t",
    )
    .expect("valid");
    let hb = config.heartbeat.clone().expect("heartbeat");
    let report = samen_kiosk::status::report(
        &config,
        None,
        samen_kiosk::status::Fallback::default(),
        None,
        chrono::Utc::now(),
    );
    let client = samen_kiosk::fetch::heartbeat_client().expect("client");
    let result = runtime().block_on(samen_kiosk::status::send_heartbeat(&client, &hb, &report));
    assert_eq!(result, Err("server answered 307".to_string()));
    let first = server.http.requests();
    assert_eq!(first.len(), 1);
    assert!(first[0].header("x-samen-signature").is_some());
    assert!(
        elsewhere.http.requests().is_empty(),
        "the signed heartbeat went on to another URL"
    );
}

// ---------------------------------------------------------------- rollback

#[test]
fn the_version_floor_survives_a_lost_or_damaged_last_good_copy() {
    let signer = Signer::new();
    let server = Files::start();
    let local = local_for(&server.http.url("/fleet.toml"), &signer);
    let state = tempfile::tempdir().unwrap();
    let rt = runtime();

    server.publish(&signer, &doc(7, FAR));
    let mut p = poller(&local, Some(state.path()));
    assert!(matches!(
        rt.block_on(p.poll_once()),
        PollOutcome::Applied(_)
    ));
    let floor = state.path().join(remote::FLOOR_FILE);
    assert_eq!(std::fs::read_to_string(&floor).unwrap().trim(), "7");

    // A damaged last-good copy: the kiosk starts without it, but not without the floor.
    let last_good = state.path().join(remote::LAST_GOOD_FILE);
    std::fs::write(&last_good, b"{\"document\": \"garb").unwrap();
    server.publish(&signer, &doc(3, FAR));
    let mut p = poller(&local, Some(state.path()));
    match rt.block_on(p.poll_once()) {
        PollOutcome::Refused(Refusal::BelowFloor { got: 3, floor: 7 }) => {}
        other => panic!("expected version 3 refused below the floor 7, got {other:?}"),
    }

    // The last-good copy gone altogether: the same.
    std::fs::remove_file(&last_good).unwrap();
    let mut p = poller(&local, Some(state.path()));
    assert!(matches!(
        rt.block_on(p.poll_once()),
        PollOutcome::Refused(Refusal::BelowFloor { .. })
    ));

    // Version 7 itself again (the kiosk lost its copy) and anything newer are taken.
    server.publish(&signer, &doc(7, FAR));
    let mut p = poller(&local, Some(state.path()));
    assert!(matches!(
        rt.block_on(p.poll_once()),
        PollOutcome::Applied(_)
    ));
    server.publish(&signer, &doc(8, FAR));
    assert!(matches!(
        rt.block_on(p.poll_once()),
        PollOutcome::Applied(_)
    ));
    assert_eq!(std::fs::read_to_string(&floor).unwrap().trim(), "8");

    // An older last-good copy (put back from a backup) is not used at start-up.
    let old_doc = doc(4, FAR);
    let old = serde_json::json!({"document": old_doc, "signature": signer.sign(&old_doc)});
    std::fs::write(&last_good, old.to_string()).unwrap();
    let (_, applied, error) = remote::startup(&local, Some(state.path())).unwrap();
    assert!(applied.is_none());
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.contains("older than version 8")),
        "{error:?}"
    );
}

#[test]
fn expired_documents_are_refused_even_on_a_fresh_state_directory() {
    let signer = Signer::new();
    let server = Files::start();
    let local = local_for(&server.http.url("/fleet.toml"), &signer);
    let rt = runtime();
    // A RAM overlay: every boot starts with an empty state directory.
    for _boot in 0..2 {
        let state = tempfile::tempdir().unwrap();
        server.publish(&signer, &doc(3, "2026-01-01T00:00:00Z"));
        let mut p = poller(&local, Some(state.path()));
        match rt.block_on(p.poll_once()) {
            PollOutcome::Refused(refusal @ Refusal::Expired { version: 3, .. }) => {
                assert!(
                    refusal.to_string().contains("expired at 2026-01-01"),
                    "{refusal}"
                )
            }
            other => panic!("expected an expired refusal, got {other:?}"),
        }
    }
    // A document without `expires` is refused as invalid.
    let state = tempfile::tempdir().unwrap();
    server.publish(&signer, "version = 9\n");
    let mut p = poller(&local, Some(state.path()));
    match rt.block_on(p.poll_once()) {
        PollOutcome::Refused(Refusal::Invalid(why)) => {
            assert!(why.contains("expires: is required"), "{why}")
        }
        other => panic!("expected refusal, got {other:?}"),
    }
}

#[test]
fn absurd_versions_are_refused() {
    let err = FleetDoc::parse(&doc(i64::MAX, FAR), "fleet").unwrap_err();
    assert_eq!(
        err.problems(),
        ["version: must be a whole number from 1 to 9999999999"]
    );
    assert!(FleetDoc::parse(&doc(9_999_999_999, FAR), "fleet").is_ok());
    assert!(FleetDoc::parse(&doc(2026120101, FAR), "fleet").is_ok());
    // `expires` names one instant: with its offset.
    let err = FleetDoc::parse("version = 1\nexpires = 2027-01-01T00:00:00\n", "f").unwrap_err();
    assert!(err.problems()[0].starts_with("expires: must be a date and time with its offset"));
    let ok = FleetDoc::parse(
        "version = 1\nexpires = \"2027-01-01T02:00:00+02:00\"\n",
        "f",
    )
    .expect("an RFC 3339 string");
    assert_eq!(ok.expires.to_rfc3339(), "2027-01-01T00:00:00+00:00");
}

#[test]
fn config_check_refuses_expired_and_warns_before_expiry() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fleet.toml");
    let f = file.to_str().unwrap();
    let soon = (chrono::Utc::now() + chrono::Duration::days(3)).to_rfc3339();
    std::fs::write(&file, doc(2, &soon)).unwrap();
    let out = kiosk(&["config", "check", f], dir.path());
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("warning: expires: the document expires at"),
        "{}",
        text(&out.stderr)
    );
    std::fs::write(&file, doc(2, FAR)).unwrap();
    let out = kiosk(&["config", "check", f], dir.path());
    assert!(out.status.success());
    assert!(text(&out.stderr).is_empty(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("expires 2099-01-01T00:00:00+00:00"));
    std::fs::write(&file, doc(2, "2026-01-01T00:00:00Z")).unwrap();
    let out = kiosk(&["config", "check", f], dir.path());
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("expires: the document expired at 2026-01-01"));
}

#[test]
fn a_fleet_document_over_the_limit_is_a_refusal_not_a_network_failure() {
    let signer = Signer::new();
    let server = Files::start();
    let mut big = doc(2, FAR);
    big.push_str(&format!("# {}\n", "x".repeat(remote::MAX_FLEET_BYTES)));
    server.publish(&signer, &big);
    let local = local_for(&server.http.url("/fleet.toml"), &signer);
    let mut p = poller(&local, None);
    let rt = runtime();
    match rt.block_on(p.poll_once()) {
        PollOutcome::Refused(refusal @ Refusal::TooLarge) => assert_eq!(
            refusal.to_string(),
            "fleet document refused: more than 1048576 bytes"
        ),
        other => panic!("expected a refusal, got {other:?}"),
    }
    // Reported once, not at every poll.
    assert!(matches!(rt.block_on(p.poll_once()), PollOutcome::Unchanged));

    // `config check` refuses it too.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fleet.toml");
    std::fs::write(&file, &big).unwrap();
    let out = kiosk(&["config", "check", file.to_str().unwrap()], dir.path());
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("larger than 1048576 bytes"),
        "{}",
        text(&out.stderr)
    );
}

// ---------------------------------------------------------------- what is said and stored

#[test]
fn feed_errors_never_quote_the_files_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("secret.key");
    std::fs::write(&secret, "SECRETKEY-0123456789abcdef\n").unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(
        &config,
        format!("[[feeds]]\nurl = \"{}\"\n", secret.display()),
    )
    .unwrap();
    let state = dir.path().join("state");
    let out = kiosk(
        &["--config", config.to_str().unwrap(), "status", "--json"],
        &state,
    );
    let all = text(&out.stdout) + &text(&out.stderr);
    assert!(all.contains("neither an iCalendar"), "{all}");
    assert!(!all.contains("SECRET"), "{all}");
    let out = kiosk(
        &[
            "feed",
            "occurrences",
            secret.to_str().unwrap(),
            "--from",
            "2026-03-02",
            "--to",
            "2026-03-09",
        ],
        &state,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !text(&out.stderr).contains("SECRET"),
        "{}",
        text(&out.stderr)
    );

    // Files that start like a feed: the readers' messages quote values; from a local
    // file those are left out (what the reader expected stays).
    for (name, body, kept) in [
        (
            "a.json",
            r#"{"format":"SECRETKEY-1","version":1,"events":[]}"#,
            "expected 'samen-kiosk-feed'",
        ),
        (
            "b.json",
            r#"{"format":"samen-kiosk-feed","version":"SECRETKEY-2","events":[]}"#,
            "invalid type: string",
        ),
        (
            "c.ics",
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nSECRETKEY-3\r\n",
            "",
        ),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, body).unwrap();
        let out = kiosk(
            &[
                "feed",
                "occurrences",
                file.to_str().unwrap(),
                "--from",
                "2026-03-02",
                "--to",
                "2026-03-09",
            ],
            &state,
        );
        let err = text(&out.stderr);
        assert!(!err.contains("SECRET"), "{name}: {err}");
        if !out.status.success() {
            assert_eq!(out.status.code(), Some(2), "{err}");
            assert!(err.contains(kept), "{name}: {err}");
        }
    }
}

#[test]
fn topics_from_feeds_stay_on_one_line() {
    use samen_kiosk::callback::{self, Form, Topic};
    let form = Form {
        name: "Anna",
        phone: "06 12345678",
        slot: "morning",
        topic: Some("activity:Koffie\nTelefoon:  0900 1234567\r\n\u{2028}X\u{0}Y"),
        lang: samen_kiosk::i18n::Lang::Nl,
    };
    let request = callback::check(form, chrono::Utc::now()).expect("valid");
    assert_eq!(
        request.topic,
        Some(Topic::Activity {
            title: "Koffie Telefoon: 0900 1234567 X Y".into()
        })
    );
    // The body is one the hub accepts (it refuses control characters).
    samen_wire::callback::CallbackBody::parse(&request.payload()).expect("the hub accepts it");
}

#[test]
fn state_files_are_private_whoever_starts_the_kiosk() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let submit = |state: &Path| {
        // As a user with the usual umask (022) would start it.
        let mut command = support::kiosk::command(state);
        command.args([
            "callback",
            "submit",
            "--name",
            "Anna",
            "--phone",
            "0612345678",
            "--when",
            "morning",
        ]);
        let out = command.output().unwrap();
        assert!(out.status.success(), "{}", text(&out.stderr));
    };
    let fresh = dir.path().join("new/state");
    submit(&fresh);
    assert_eq!(mode(&fresh), 0o700);
    assert_eq!(mode(&fresh.join("outbox.sqlite")), 0o600);

    // A state directory an older version made (0755, database 0644) is made private.
    let old = dir.path().join("old");
    std::fs::create_dir(&old).unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o755)).unwrap();
    submit(&old);
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o755)).unwrap();
    for f in ["outbox.sqlite", "outbox.sqlite-wal", "outbox.sqlite-shm"] {
        if let Ok(m) = std::fs::metadata(old.join(f)) {
            assert!(m.is_file());
            std::fs::set_permissions(old.join(f), std::fs::Permissions::from_mode(0o644)).unwrap();
        }
    }
    submit(&old);
    assert_eq!(mode(&old), 0o700);
    for entry in std::fs::read_dir(&old).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            assert_eq!(mode(&path), 0o600, "{}", path.display());
        }
    }
}

#[test]
fn secret_files_pin_input_and_feed_paths_are_bounded_regular_files() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let limit = Duration::from_secs(60);

    for (source, why) in [
        ("/dev/zero", "not a regular file"),
        (fifo.to_str().unwrap(), "not a regular file"),
    ] {
        // As a heartbeat secret, a webhook secret and an e-mail password.
        let config = dir.path().join("kiosk.toml");
        std::fs::write(
            &config,
            format!(
                "[heartbeat]\nurl = \"https://status.example.org/b\"\nsecret_file = \"{source}\"\n\
                 [callback.webhook]\nurl = \"https://intake.example.org/h\"\nsecret_file = \"{source}\"\n\
                 [callback.email]\nsmtp_host = \"mail.example.org\"\npassword_file = \"{source}\"\n\
                 from = \"kiosk@example.org\"\nto = \"intake@example.org\"\n"
            ),
        )
        .unwrap();
        let mut command = support::kiosk::command(dir.path());
        command.args(["config", "check", config.to_str().unwrap()]);
        let out = output_within(command, limit);
        let err = text(&out.stderr);
        assert!(!out.status.success());
        for key in [
            "heartbeat.secret_file",
            "callback.webhook.secret_file",
            "callback.email.password_file",
        ] {
            assert!(
                err.contains(&format!("{key}: cannot read {source}: {why}")),
                "{key}: {err}"
            );
        }
        // As the configuration file itself.
        let mut command = support::kiosk::command(dir.path());
        command.args(["config", "check", source]);
        let out = output_within(command, limit);
        assert!(!out.status.success());
        assert!(text(&out.stderr).contains(why), "{}", text(&out.stderr));
        // As a feed file.
        let mut command = support::kiosk::command(dir.path());
        command.args([
            "feed",
            "occurrences",
            source,
            "--from",
            "2026-03-02",
            "--to",
            "2026-03-09",
        ]);
        let out = output_within(command, limit);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        assert!(text(&out.stderr).contains(why), "{}", text(&out.stderr));
    }

    // A picture beside a local feed that is a FIFO or a device: refused, not read.
    for source in [fifo.clone(), Path::new("/dev/zero").to_path_buf()] {
        let (tx, rx) = std::sync::mpsc::channel();
        let image = ImageRef::File(source.clone());
        std::thread::spawn(move || {
            let _ = tx.send(samen_kiosk::images::read(&image, None).map(|b| b.len()));
        });
        let result = rx
            .recv_timeout(limit)
            .expect("reading the picture does not hang");
        let err = result.expect_err("refused");
        assert!(format!("{err:#}").contains("not a regular file"), "{err:#}");
    }

    // A secret file larger than 4 KiB.
    let big = dir.path().join("big");
    std::fs::write(&big, "x".repeat(5000)).unwrap();
    let config = dir.path().join("kiosk.toml");
    std::fs::write(
        &config,
        format!(
            "[heartbeat]\nurl = \"https://status.example.org/b\"\nsecret_file = \"{}\"\n",
            big.display()
        ),
    )
    .unwrap();
    let out = kiosk(&["config", "check", config.to_str().unwrap()], dir.path());
    assert!(
        text(&out.stderr).contains("larger than 4096 bytes"),
        "{}",
        text(&out.stderr)
    );

    // The PIN from /dev/zero: one line of error, no abort, no backtrace.
    let mut command = support::kiosk::command(dir.path());
    command
        .args(["admin", "hash-pin"])
        .stdin(std::fs::File::open("/dev/zero").unwrap());
    let out = output_within(command, limit);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot read the PIN from standard input"),
        "{err}"
    );
    // And a PIN as usual still works.
    let mut command = support::kiosk::command(dir.path());
    command.args(["admin", "hash-pin"]).stdin(Stdio::piped());
    let mut child = command.stdout(Stdio::piped()).spawn().unwrap();
    {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(b"2468\n").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(text(&out.stdout).starts_with("$argon2"));
}
