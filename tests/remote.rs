//! The fleet document end to end: documents signed with real minisign (the reference
//! `minisign` crate, and the `minisign` command-line tool), served by a real HTTP
//! server on 127.0.0.1:0 with ETags, fetched and checked by the kiosk's poller or by
//! the running binary.
//!
//! Index:
//! - signed_document_applies_and_survives_a_restart_without_the_server
//! - a_new_version_replaces_the_old_one_and_unchanged_means_304
//! - tampered_or_unsigned_documents_are_refused_once
//! - older_versions_are_refused_identical_bytes_are_not
//! - per_kiosk_values_win_and_the_local_file_wins_over_both
//! - invalid_documents_are_refused_with_their_key_path
//! - documents_signed_by_the_minisign_tool_verify
//! - config_verify_and_check_on_the_command_line
//! - running_kiosk_applies_live_and_sends_signed_heartbeats

use samen_kiosk::config::Config;
use samen_kiosk::i18n::Lang;
use samen_kiosk::remote::{self, FleetPoller, LocalFile, PollOutcome, Refusal};
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::http::{Reply, Request, TestServer};

mod support;

// ---------------------------------------------------------------- signing

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

    fn public_key(&self) -> String {
        self.pk.to_base64()
    }

    fn sign(&self, doc: &str) -> String {
        minisign::sign(
            Some(&self.pk),
            &self.sk,
            doc.as_bytes(),
            Some("fleet"),
            None,
        )
        .expect("signs")
        .to_string()
    }
}

// ---------------------------------------------------------------- server

/// A static file server with ETags (POSTs get 200); it records every request.
struct Server {
    http: TestServer,
    files: Arc<Mutex<HashMap<String, Vec<u8>>>>,
}

impl Server {
    fn start() -> Server {
        let files: Arc<Mutex<HashMap<String, Vec<u8>>>> = Arc::default();
        let served = files.clone();
        let http = TestServer::start(move |request| {
            if request.method == "POST" {
                return Reply::status(200);
            }
            let file = served.lock().unwrap().get(&request.path).cloned();
            match file {
                Some(bytes) => {
                    let tag = etag(&bytes);
                    if request.header("if-none-match") == Some(tag.as_str()) {
                        Reply::status(304)
                    } else {
                        Reply::status(200).header("ETag", &tag).with_body(bytes)
                    }
                }
                None => Reply::status(404),
            }
        });
        Server { http, files }
    }

    fn put(&self, path: &str, bytes: impl Into<Vec<u8>>) {
        self.files
            .lock()
            .unwrap()
            .insert(path.to_string(), bytes.into());
    }

    fn remove(&self, path: &str) {
        self.files.lock().unwrap().remove(path);
    }

    /// Serves `doc` at /fleet.toml with a signature by `signer`.
    fn publish(&self, signer: &Signer, doc: &str) {
        self.put("/fleet.toml", doc);
        self.put("/fleet.toml.minisig", signer.sign(doc));
    }

    fn url(&self) -> String {
        self.http.url("/fleet.toml")
    }

    fn base(&self) -> String {
        self.http.url("")
    }

    /// Stops answering: the listening socket closes.
    fn shut_down(self) {
        self.http.shut_down();
    }

    /// The requests since the last look.
    fn drain(&self) -> Vec<Request> {
        self.http.drain()
    }
}

fn etag(bytes: &[u8]) -> String {
    let sum: u64 = bytes.iter().fold(1469598103934665603u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(1099511628211)
    });
    format!("\"{sum:x}\"")
}

// ---------------------------------------------------------------- helpers

fn local(server: &Server, signer: &Signer, extra: &str) -> LocalFile {
    LocalFile {
        text: format!(
            "kiosk_id = \"bieb-centrum\"\n{extra}\n[remote]\nurl = \"{}\"\npublic_key = \"{}\"\npoll_interval = \"2s\"\n",
            server.url(),
            signer.public_key()
        ),
        origin: "kiosk.toml".into(),
    }
}

fn poller(local: &LocalFile, state: Option<&Path>) -> FleetPoller {
    let config = local.config().expect("local file is valid");
    FleetPoller::new(
        config.remote.expect("has [remote]"),
        local.clone(),
        state.map(Path::to_path_buf),
        None,
    )
    .expect("poller")
}

fn doc(version: i64, title: &str) -> String {
    format!(
        "version = {version}\nexpires = 2099-01-01T00:00:00Z\n[signage]\nslide_seconds = 15\n[[signage.messages]]\ntitle = {{ nl = \"{title}\", en = \"{title} (en)\" }}\n"
    )
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn applied(outcome: PollOutcome) -> Config {
    match outcome {
        PollOutcome::Applied(config) => *config,
        other => panic!("expected a new configuration, got {other:?}"),
    }
}

fn first_title(config: &Config) -> &str {
    config.signage.messages[0].title.get(Lang::Nl)
}

// ---------------------------------------------------------------- tests

#[test]
fn signed_document_applies_and_survives_a_restart_without_the_server() {
    let rt = runtime();
    let signer = Signer::new();
    let server = Server::start();
    server.publish(&signer, &doc(1, "Koffie in de bieb"));
    let state = tempfile::tempdir().unwrap();
    let local = local(&server, &signer, "");

    let mut p = poller(&local, Some(state.path()));
    let config = applied(rt.block_on(p.poll_once()));
    assert_eq!(config.config_version, Some(1));
    assert_eq!(first_title(&config), "Koffie in de bieb");
    assert_eq!(config.signage.slide_seconds, 15);
    assert_eq!(config.kiosk_id, "bieb-centrum");
    assert!(state.path().join(remote::LAST_GOOD_FILE).exists());

    // The network is gone; a restart uses the last good document, verified again.
    server.shut_down();
    let (config, kept, error) = remote::startup(&local, Some(state.path())).expect("starts");
    assert_eq!(config.config_version, Some(1));
    assert_eq!(first_title(&config), "Koffie in de bieb");
    assert_eq!(kept.map(|k| k.version), Some(1));
    assert_eq!(error, None);
    // And a poll now fails without touching it.
    let mut p = poller(&local, Some(state.path()));
    assert!(matches!(rt.block_on(p.poll_once()), PollOutcome::Failed(_)));
    let (config, _, _) = remote::startup(&local, Some(state.path())).expect("starts");
    assert_eq!(config.config_version, Some(1));

    // The same through the binary, as the IT team would look at it.
    let config_file = state.path().join("kiosk.toml");
    std::fs::write(&config_file, &local.text).unwrap();
    let status = status_json(&config_file, state.path());
    assert_eq!(status["config_version"], 1);
    assert_eq!(status["config_error"], serde_json::Value::Null);
    assert_eq!(status["kiosk_id"], "bieb-centrum");
    assert_eq!(status["running"], false);
    assert!(
        status["free_disk_bytes"].as_u64().unwrap_or(0) > 0,
        "{status}"
    );

    // A last-known-good that no longer verifies (another key) is not used.
    let other = Signer::new();
    let other_local = LocalFile {
        text: local
            .text
            .replace(&signer.public_key(), &other.public_key()),
        origin: "kiosk.toml".into(),
    };
    let (config, kept, error) = remote::startup(&other_local, Some(state.path())).expect("starts");
    assert_eq!(config.config_version, None);
    assert!(kept.is_none());
    assert!(error.unwrap_or_default().contains("signature"));
}

#[test]
fn a_new_version_replaces_the_old_one_and_unchanged_means_304() {
    let rt = runtime();
    let signer = Signer::new();
    let server = Server::start();
    server.publish(&signer, &doc(1, "Eerste"));
    let local = local(&server, &signer, "");
    let mut p = poller(&local, None);
    assert_eq!(first_title(&applied(rt.block_on(p.poll_once()))), "Eerste");

    // Nothing changed: conditional requests, 304s, nothing to apply.
    server.drain();
    assert!(matches!(rt.block_on(p.poll_once()), PollOutcome::Unchanged));
    let requests = server.drain();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(
        requests.iter().all(|r| r.header("if-none-match").is_some()),
        "{requests:?}"
    );

    server.publish(&signer, &doc(2, "Tweede"));
    let config = applied(rt.block_on(p.poll_once()));
    assert_eq!(first_title(&config), "Tweede");
    assert_eq!(config.config_version, Some(2));
    assert_eq!(p.applied_version(), Some(2));
}

#[test]
fn tampered_or_unsigned_documents_are_refused_once() {
    let rt = runtime();
    let signer = Signer::new();
    let server = Server::start();
    server.publish(&signer, &doc(1, "Echt"));
    let local = local(&server, &signer, "");
    let mut p = poller(&local, None);
    applied(rt.block_on(p.poll_once()));

    // Someone on the network changes the document but cannot sign it.
    let good = doc(2, "Echt");
    server.put("/fleet.toml.minisig", signer.sign(&good));
    server.put("/fleet.toml", good.replace("Echt", "Nep"));
    match rt.block_on(p.poll_once()) {
        PollOutcome::Refused(Refusal::Signature(why)) => {
            assert!(why.contains("signature"), "{why}")
        }
        other => panic!("tampered document not refused: {other:?}"),
    }
    // Reported once, not at every poll.
    assert!(matches!(rt.block_on(p.poll_once()), PollOutcome::Unchanged));
    assert_eq!(p.applied_version(), Some(1));

    // Signed by another key.
    let stranger = Signer::new();
    server.publish(&stranger, &doc(3, "Vreemd"));
    assert!(matches!(
        rt.block_on(p.poll_once()),
        PollOutcome::Refused(Refusal::Signature(_))
    ));
    // No signature at all.
    server.put("/fleet.toml", doc(4, "Ongetekend"));
    server.remove("/fleet.toml.minisig");
    match rt.block_on(p.poll_once()) {
        PollOutcome::Failed(why) => {
            assert!(why.contains("signature") && why.contains("404"), "{why}")
        }
        other => panic!("unsigned document not refused: {other:?}"),
    }
    assert_eq!(p.applied_version(), Some(1));

    // Plain http to another machine is refused in the local file already.
    let err = Config::parse(
        &format!(
            "[remote]\nurl = \"http://fleet.example.org/fleet.toml\"\npublic_key = \"{}\"\n",
            signer.public_key()
        ),
        "kiosk.toml",
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("remote.url: must be https://"),
        "{err}"
    );
}

#[test]
fn older_versions_are_refused_identical_bytes_are_not() {
    let rt = runtime();
    let signer = Signer::new();
    let server = Server::start();
    let v3 = doc(3, "Drie");
    server.publish(&signer, &v3);
    let local = local(&server, &signer, "");
    let mut p = poller(&local, None);
    applied(rt.block_on(p.poll_once()));

    // An old document, properly signed (a replay): refused.
    server.publish(&signer, &doc(2, "Twee"));
    match rt.block_on(p.poll_once()) {
        PollOutcome::Refused(Refusal::OldVersion { got, applied }) => {
            assert_eq!((got, applied), (2, 3))
        }
        other => panic!("older version not refused: {other:?}"),
    }
    // The same version with other content: refused too.
    server.publish(&signer, &doc(3, "Drie, anders"));
    assert!(matches!(
        rt.block_on(p.poll_once()),
        PollOutcome::Refused(Refusal::OldVersion { .. })
    ));
    // The very same bytes, signed again: fine, nothing to do.
    server.publish(&signer, &v3);
    assert!(matches!(rt.block_on(p.poll_once()), PollOutcome::Unchanged));
    assert_eq!(p.applied_version(), Some(3));
}

#[test]
fn per_kiosk_values_win_and_the_local_file_wins_over_both() {
    let rt = runtime();
    let signer = Signer::new();
    let server = Server::start();
    server.publish(
        &signer,
        r#"
version = 7
expires = 2099-01-01T00:00:00Z
[signage]
slide_seconds = 12
help_every = 5
[session]
inactivity_seconds = 90
[kiosks.bieb-centrum.signage]
slide_seconds = 20
[kiosks.bieb-centrum.schedule]
saturday = "10:00-16:00"
[kiosks.dorpshuis.signage]
slide_seconds = 30
"#,
    );
    let local = local(&server, &signer, "[session]\ninactivity_seconds = 45\n");
    let mut p = poller(&local, None);
    let config = applied(rt.block_on(p.poll_once()));
    // Per kiosk beats the fleet; the rest of the fleet's table stays.
    assert_eq!(config.signage.slide_seconds, 20);
    assert_eq!(config.signage.help_every, 5);
    // The local file beats both.
    assert_eq!(config.session.inactivity_seconds, 45);
    // This kiosk's schedule: Saturday 28 November 2026 at 17:00 is after closing.
    let at = samen_kiosk::time::parse_instant("2026-11-28T17:00:00+01:00").unwrap();
    assert!(!config.schedule.is_open(at));
}

#[test]
fn invalid_documents_are_refused_with_their_key_path() {
    let rt = runtime();
    let signer = Signer::new();
    let server = Server::start();
    server.publish(&signer, &doc(1, "Goed"));
    let local = local(&server, &signer, "");
    let mut p = poller(&local, None);
    applied(rt.block_on(p.poll_once()));

    for (bad, path) in [
        (
            "version = 2\nexpires = 2099-01-01T00:00:00Z\n[[feeds]]\nurl = \"https://a.example/x.ics\"\n[[feeds]]\nurl = \"ftp://b\"\n",
            "feeds[1].url: not a URL",
        ),
        (
            "version = 3\nexpires = 2099-01-01T00:00:00Z\n[kiosks.bieb-centrum.signage]\nslide_seconds = 0\n",
            "kiosks.bieb-centrum.signage.slide_seconds",
        ),
        ("version = 4\nexpires = 2099-01-01T00:00:00Z\n[signage]\nslide_secs = 5\n", "slide_secs"),
        ("version = 5\nexpires = 2099-01-01T00:00:00Z\n[remote]\nurl = \"https://x\"\npublic_key = \"x\"\n", "remote: only the kiosk's own file"),
        ("[signage]\nslide_seconds = 5\n", "version: is required"),
        ("version = 6\nexpires = 2099-01-01T00:00:00Z\n[schedule]\nmonday = \"9-5\"\n", "schedule.monday"),
        ("version = 7\nexpires = 2099-01-01T00:00:00Z\nthis is not toml\n", "line 3"),
    ] {
        server.publish(&signer, bad);
        match rt.block_on(p.poll_once()) {
            PollOutcome::Refused(Refusal::Invalid(why)) => {
                assert!(why.contains(path), "{bad:?}: expected {path:?} in {why:?}")
            }
            other => panic!("{bad:?} not refused: {other:?}"),
        }
        assert_eq!(p.applied_version(), Some(1), "{bad:?}");
    }
}

#[test]
fn documents_signed_by_the_minisign_tool_verify() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/minisign-cli");
    let doc = std::fs::read(dir.join("fleet.toml")).unwrap();
    let sig = std::fs::read_to_string(dir.join("fleet.toml.minisig")).unwrap();
    let key = std::fs::read_to_string(dir.join("minisign.pub")).unwrap();
    let key = key.lines().last().unwrap();
    remote::verify(&doc, &sig, key).expect("a signature by the minisign tool verifies");
    let mut tampered = doc.clone();
    tampered.extend_from_slice(b"\n# more\n");
    assert!(remote::verify(&tampered, &sig, key).is_err());

    // With the tool installed (CI installs Debian's minisign), sign a fresh one too.
    let Ok(version) = Command::new("minisign").arg("-v").output() else {
        assert!(
            std::env::var_os("SAMEN_KIOSK_REQUIRE_TOOLS").is_none(),
            "minisign is not installed (scripts/test.sh installs it)"
        );
        eprintln!("minisign not installed: only the stored signature was checked");
        return;
    };
    assert!(version.status.success());
    let tmp = tempfile::tempdir().unwrap();
    let (pk, sk, file) = (
        tmp.path().join("minisign.pub"),
        tmp.path().join("minisign.key"),
        tmp.path().join("fleet.toml"),
    );
    let run = |args: &[&str]| {
        let out = Command::new("minisign")
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("minisign runs");
        assert!(
            out.status.success(),
            "minisign {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "-G",
        "-W",
        "-p",
        pk.to_str().unwrap(),
        "-s",
        sk.to_str().unwrap(),
    ]);
    std::fs::write(&file, doc).unwrap();
    run(&[
        "-S",
        "-s",
        sk.to_str().unwrap(),
        "-m",
        file.to_str().unwrap(),
    ]);
    // The kiosk's own command checks it, given the key file.
    let out = Command::new(support::kiosk::bin())
        .args([
            "config",
            "verify",
            file.to_str().unwrap(),
            "--pubkey",
            pk.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn config_verify_and_check_on_the_command_line() {
    let signer = Signer::new();
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("fleet.toml");
    let text = doc(5, "Hallo");
    std::fs::write(&file, &text).unwrap();
    std::fs::write(tmp.path().join("fleet.toml.minisig"), signer.sign(&text)).unwrap();
    let kiosk = |args: &[&str]| {
        Command::new(support::kiosk::bin())
            .args(args)
            .output()
            .unwrap()
    };
    let f = file.to_str().unwrap();
    let out = kiosk(&["config", "verify", f, "--pubkey", &signer.public_key()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = kiosk(&[
        "config",
        "verify",
        f,
        "--pubkey",
        &Signer::new().public_key(),
    ]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("signature"));

    let out = kiosk(&["config", "check", f]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("fleet document version 5"));
    std::fs::write(
        &file,
        "version = 6\nexpires = 2099-01-01T00:00:00Z\n[[feeds]]\nurl = \"ftp://x\"\n",
    )
    .unwrap();
    let out = kiosk(&["config", "check", f]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("feeds[0].url: not a URL"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // The ids with their own values are listed, so that a mistyped one shows; an id
    // that no kiosk can have is refused.
    std::fs::write(
        &file,
        "version = 7\nexpires = 2099-01-01T00:00:00Z\n[kiosks.bieb-centrum.signage]\nslide_seconds = 5\n[kiosks.dorpshuis]\n",
    )
    .unwrap();
    let out = kiosk(&["config", "check", f]);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("own values for bieb-centrum, dorpshuis"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    std::fs::write(
        &file,
        "version = 8\nexpires = 2099-01-01T00:00:00Z\n[kiosks.\"Bieb Centrum\"]\n",
    )
    .unwrap();
    let out = kiosk(&["config", "check", f]);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("kiosks.Bieb Centrum: no kiosk can have this id"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Reads requests until one matches, or panics after `limit` (the server answers on
/// its own thread; this waits for events, it does not sleep).
fn wait_for(
    server: &Server,
    limit: Duration,
    what: &str,
    ok: impl Fn(&Request) -> bool,
) -> Request {
    let deadline = std::time::Instant::now() + limit;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match server.http.next_request(left) {
            Some(r) if ok(&r) => return r,
            Some(_) => {}
            None => panic!("no {what} within {limit:?}"),
        }
    }
}

/// `samen-kiosk --config FILE status --json` with the given state directory.
fn status_json(config_file: &Path, state: &Path) -> serde_json::Value {
    let out = Command::new(support::kiosk::bin())
        .args([
            "--config",
            config_file.to_str().unwrap(),
            "status",
            "--json",
        ])
        .env("SAMEN_KIOSK_STATE_DIR", state)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

fn heartbeat_of(r: &Request) -> Option<serde_json::Value> {
    r.line()
        .starts_with("POST /beat")
        .then(|| serde_json::from_slice(&r.body).ok())
        .flatten()
}

#[test]
fn running_kiosk_applies_live_and_sends_signed_heartbeats() {
    let signer = Signer::new();
    let server = Server::start();
    server.publish(&signer, &doc(1, "Een"));
    let state = tempfile::tempdir().unwrap();
    let secret = "heartbeat-secret-0123456789";
    let local = local(
        &server,
        &signer,
        &format!(
            "[heartbeat]\nurl = \"{}/beat\"\ninterval = \"10m\"\nsecret = \"{secret}\"\n",
            server.base()
        ),
    );
    let config_file = state.path().join("kiosk.toml");
    std::fs::write(&config_file, &local.text).unwrap();
    // A visitor's request waits in the outbox: its details must never be in a heartbeat.
    let submit = Command::new(support::kiosk::bin())
        .args([
            "--config",
            config_file.to_str().unwrap(),
            "callback",
            "submit",
        ])
        .args([
            "--name",
            "Annabel",
            "--phone",
            "06 12345678",
            "--when",
            "morning",
        ])
        .env("SAMEN_KIOSK_STATE_DIR", state.path())
        .output()
        .unwrap();
    assert!(
        submit.status.success(),
        "{}",
        String::from_utf8_lossy(&submit.stderr)
    );

    let child = Command::new(support::kiosk::bin())
        .args([
            "--config",
            config_file.to_str().unwrap(),
            "run",
            "--headless",
        ])
        .env("SAMEN_KIOSK_STATE_DIR", state.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("kiosk starts");
    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _guard = Kill(child);

    // The fleet document is applied, and the heartbeat that follows says so.
    let beat = wait_for(
        &server,
        Duration::from_secs(60),
        "heartbeat with version 1",
        |r| heartbeat_of(r).is_some_and(|b| b["config_version"] == 1),
    );
    let body = heartbeat_of(&beat).unwrap();
    assert_eq!(body["kiosk_id"], "bieb-centrum");
    assert_eq!(body["outbox"]["pending"], 1);
    assert_eq!(body["running"], true);
    let text = String::from_utf8_lossy(&beat.body);
    assert!(
        !text.contains("Annabel") && !text.contains("12345678"),
        "{text}"
    );
    // Signed like callback webhooks: t=<unix time>,v1=<hex HMAC-SHA256 of "t.body">.
    let sig = beat
        .header("x-samen-signature")
        .map(str::to_string)
        .expect("signature header");
    let t: i64 = sig
        .split(',')
        .next()
        .and_then(|p| p.strip_prefix("t="))
        .and_then(|t| t.parse().ok())
        .expect("t=");
    let expected =
        samen_kiosk::signing::signature(&samen_kiosk::signing::Secret::new(secret), t, &beat.body);
    assert_eq!(sig, expected);

    // While it runs, status reads the running kiosk's figures.
    let status = status_json(&config_file, state.path());
    assert_eq!(status["running"], true, "{status}");
    assert_eq!(status["config_version"], 1, "{status}");
    assert!(status["uptime_s"].is_i64(), "{status}");

    // A new document is picked up at the next poll (2 s) without a restart.
    server.publish(&signer, &doc(2, "Twee"));
    wait_for(
        &server,
        Duration::from_secs(60),
        "heartbeat with version 2",
        |r| heartbeat_of(r).is_some_and(|b| b["config_version"] == 2),
    );
    // A tampered one is refused, and the refusal is in the status.
    let v3 = doc(3, "Drie");
    server.put("/fleet.toml.minisig", signer.sign(&v3));
    server.put("/fleet.toml", v3.replace("Drie", "Nep"));
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        let status = status_json(&config_file, state.path());
        if status["config_error"].is_string() {
            assert_eq!(status["config_version"], 2, "{status}");
            assert!(
                status["config_error"]
                    .as_str()
                    .unwrap()
                    .contains("signature"),
                "{status}"
            );
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "refusal never reported: {status}"
        );
        // Wait for the kiosk's next poll of the signature, an event on the server.
        wait_for(&server, Duration::from_secs(30), "a poll", |r| {
            r.line().contains("minisig")
        });
    }
}
