//! The overdue e-mail, sent to a real SMTP server: `tests/peers/smtp_peer.py` runs
//! aiosmtpd on a free port and prints each message it accepts. `scripts/test.sh`
//! installs aiosmtpd in a virtual environment and names its python in
//! `SAMEN_HUB_TEST_PYTHON`; without it the test says so and skips, unless
//! `SAMEN_KIOSK_REQUIRE_TOOLS=1` (as in the test script), where that is a failure.

use crate::support::*;
use samen_hub::config::{Config, Mail};
use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub(crate) struct SmtpPeer {
    pub(crate) port: u16,
    messages: mpsc::Receiver<serde_json::Value>,
    child: Child,
    _stdin: ChildStdin,
}

impl SmtpPeer {
    pub(crate) fn start() -> Option<SmtpPeer> {
        let python = std::env::var("SAMEN_HUB_TEST_PYTHON").unwrap_or_else(|_| "python3".into());
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/peers/smtp_peer.py");
        let available = Command::new(&python)
            .args(["-c", "import aiosmtpd"])
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !available {
            let why = format!("{python} has no aiosmtpd (scripts/test.sh installs it)");
            if std::env::var_os("SAMEN_KIOSK_REQUIRE_TOOLS").is_some() {
                panic!("{why}");
            }
            eprintln!("skipped: {why}");
            return None;
        }
        let mut child = Command::new(&python)
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the SMTP peer");
        let stdin = child.stdin.take().expect("stdin");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let first = lines.next().expect("the peer's port").expect("a line");
        let port = first
            .strip_prefix("port ")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line from the peer: {first}"));
        let (tx, messages) = mpsc::channel();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let Ok(v) = serde_json::from_str(&line) else {
                    continue;
                };
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Some(SmtpPeer {
            port,
            messages,
            child,
            _stdin: stdin,
        })
    }

    /// The next message the server accepted. `jobs::tick` returns only after the SMTP
    /// exchange has finished, so a message is already on its way when this is called;
    /// the deadline only turns a missing message into a failure instead of a hang.
    pub(crate) fn next(&self) -> serde_json::Value {
        self.messages
            .recv_timeout(Duration::from_secs(10))
            .expect("the SMTP server received an e-mail")
    }

    /// Nothing further arrived. Called after a `tick` that would have sent one: the
    /// SMTP exchange is synchronous, so whatever was sent has been printed by then,
    /// except for the peer's own pipe: a short grace period covers that.
    pub(crate) fn nothing_more(&self) {
        if let Ok(m) = self.messages.recv_timeout(Duration::from_millis(500)) {
            panic!("an unexpected second e-mail: {m}");
        }
    }
}

impl Drop for SmtpPeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn coordinators_get_one_overdue_email_a_day_with_counts_only() {
    let Some(peer) = SmtpPeer::start() else {
        return;
    };
    let config = Config {
        public_url: "https://hub.example.org".into(),
        mail: Some(Mail {
            smtp_url: format!("smtp://127.0.0.1:{}", peer.port),
            from: "samen-hub <hub@example.org>".into(),
            to: vec!["coordinatoren@example.org".into(), "ans@example.org".into()],
        }),
        ..Config::default()
    };
    let t = TestHub::start_with(config).await;
    let secret = t.add_kiosk("bibliotheek");
    // Tuesday 1 December 2026: three requests, none overdue yet.
    for (id, name, phone) in [
        ("req-1", "Anna", "+31612345678"),
        ("req-2", "Bram", "+31687654321"),
        ("req-3", "Cor", "+31611112222"),
    ] {
        let (status, _) = t
            .deliver(&secret, &body(id, "bibliotheek", name, phone))
            .await;
        assert_eq!(status, 200);
    }
    samen_hub::jobs::tick(&t.hub).await.unwrap();
    // Nothing is late: no e-mail at all.
    peer.nothing_more();

    // Friday 4 December, 10:00: two working days have passed; all three are late.
    t.advance_minutes(3 * 24 * 60);
    samen_hub::jobs::tick(&t.hub).await.unwrap();
    let m = peer.next();
    assert_eq!(m["from"], "hub@example.org");
    assert_eq!(
        m["to"],
        serde_json::json!(["coordinatoren@example.org", "ans@example.org"])
    );
    let data = m["data"].as_str().unwrap();
    assert!(
        data.contains("Subject: samen-hub: 3 terugbelverzoeken zijn te laat"),
        "{data}"
    );
    assert!(data.contains("https://hub.example.org/worklist"), "{data}");
    for personal in [
        "Anna",
        "Bram",
        "Cor",
        "612345678",
        "687654321",
        "611112222",
        "Koffieochtend",
    ] {
        assert!(!data.contains(personal), "{personal} in the e-mail: {data}");
    }

    // Later the same day: not again.
    t.advance_minutes(5 * 60);
    samen_hub::jobs::tick(&t.hub).await.unwrap();
    peer.nothing_more();

    // Saturday and Sunday: still late, but no e-mail at the weekend.
    t.advance_minutes(19 * 60);
    samen_hub::jobs::tick(&t.hub).await.unwrap();
    t.advance_minutes(24 * 60);
    samen_hub::jobs::tick(&t.hub).await.unwrap();
    peer.nothing_more();
    // Monday 7 December: not at the first pass after midnight (00:30), nor at 07:30...
    t.advance_minutes(14 * 60 + 30);
    samen_hub::jobs::tick(&t.hub).await.unwrap();
    t.advance_minutes(7 * 60);
    samen_hub::jobs::tick(&t.hub).await.unwrap();
    peer.nothing_more();
    // ...but at 08:30, when the coordinators start.
    t.advance_minutes(60);
    samen_hub::jobs::tick(&t.hub).await.unwrap();
    let m = peer.next();
    assert!(m["data"]
        .as_str()
        .unwrap()
        .contains("3 terugbelverzoeken zijn te laat"));
    peer.nothing_more();
}
