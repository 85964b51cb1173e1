//! The binary: command line, a real server process, and its log at trace level.

use crate::support::*;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};

const BIN: &str = env!("CARGO_BIN_EXE_samen-hub");

fn hub(data: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .arg("--data")
        .arg(data)
        .env("RUST_LOG", "trace")
        .output()
        .unwrap()
}

#[test]
fn command_line_errors_are_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = hub(dir.path(), &["kiosk", "rotate-secret", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    let last = err.lines().last().unwrap();
    assert!(last.starts_with("samen-hub: no kiosk nope"), "{err}");
    // --data before the subcommand works as well as after it.
    let out = Command::new(BIN)
        .arg("--data")
        .arg(dir.path())
        .args(["kiosk", "add", "k1"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = hub(dir.path(), &["kiosk", "add", "k1"]);
    assert_eq!(out.status.code(), Some(1));
    let out = Command::new(BIN)
        .args(["user", "add", "ans", "--role", "king"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "usage error from clap");
}

#[tokio::test]
async fn a_real_hub_process_keeps_personal_data_out_of_its_log_and_obeys_user_commands() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();

    // kiosk add: the secret is the last line.
    let out = hub(data, &["kiosk", "add", "bibliotheek"]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let secret_line = stdout.lines().last().unwrap();
    assert!(secret_line.starts_with("whsec_"), "{stdout}");
    let secret = samen_wire::standard::WebhookSecret::parse(secret_line).unwrap();
    assert!(secret.key().len() >= 24);

    // user add: the password on stdin.
    let mut child = Command::new(BIN)
        .args(["user", "add", "ans", "--role", "coordinator", "--data"])
        .arg(data)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    assert!(child.wait().unwrap().success());

    // serve, at trace level.
    let server = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .env("RUST_LOG", "trace")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Killed when the test ends, also when an assertion fails first.
    let mut server = KillOnDrop(server);
    let log = Arc::new(Mutex::new(String::new()));
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let stderr = server.0.stderr.take().unwrap();
    let sink = log.clone();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(at) = line.find("listening on http://") {
                let rest = &line[at + "listening on http://".len()..];
                let addr = rest.split_whitespace().next().unwrap_or("").to_string();
                let _ = addr_tx.send(addr);
            }
            sink.lock().unwrap().push_str(&line);
            sink.lock().unwrap().push('\n');
        }
    });
    let addr = addr_rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the hub says where it listens");
    let url = format!("http://{addr}");

    let name = "Geertruida";
    let now = chrono::Utc::now().timestamp();
    let b = body("req-proc-1", "bibliotheek", name, "+31612340000");
    assert_eq!(
        deliver_at(&url, &secret, "req-proc-1", now, &b).await.0,
        200
    );
    assert_eq!(
        deliver_at(&url, &secret, "req-proc-1", now, &b).await.0,
        200
    );
    let other = body("req-proc-1", "bibliotheek", "Hendrika", "+31612340001");
    assert_eq!(
        deliver_at(&url, &secret, "req-proc-1", now, &other).await.0,
        409
    );
    let bad = b.replace("+31612340000", "06 1234 0000 bel me");
    assert_eq!(
        deliver_at(&url, &secret, "req-proc-1", now, &bad).await.0,
        422
    );

    // A coordinator logs in, enrols TOTP, opens the list and shows the number.
    let mut ans = Browser::new(&url);
    assert_eq!(
        ans.log_in("ans", PASSWORD, "").await.location.as_deref(),
        Some("/enrol")
    );
    let enrol = ans.get("/enrol").await;
    let start = enrol.body.find("<code>").unwrap() + 6;
    let end = enrol.body[start..].find("</code>").unwrap();
    let key = base32_decode(&enrol.body[start..start + end]);
    let code =
        samen_hub::accounts::current_code(&key, "ans", chrono::Utc::now().timestamp()).unwrap();
    assert_eq!(
        ans.submit("/enrol", "/enrol", &[("code", &code)])
            .await
            .location
            .as_deref(),
        Some("/")
    );
    assert!(ans.get("/worklist").await.body.contains(name));
    let shown = ans
        .submit("/requests/req-proc-1", "/requests/req-proc-1/number", &[])
        .await;
    assert!(shown.body.contains("tel:+31612340000"));

    // callbacks list: personal fields only when asked for.
    let out = hub(data, &["callbacks", "list", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["id"], "req-proc-1");
    assert_eq!(json[0]["kiosk"], "bibliotheek");
    assert_eq!(json[0]["state"], "open");
    assert_eq!(json[0]["overdue"], false);
    assert!(json[0].get("first_name").is_none() && json[0].get("phone").is_none());
    let out = hub(
        data,
        &["callbacks", "list", "--json", "--with-personal-data"],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["first_name"], name);
    assert_eq!(json[0]["phone"], "+31612340000");

    // user reset-totp, while the server runs: the session ends, the password alone
    // leads to enrolment again, the old authenticator's code no longer opens anything.
    let out = hub(data, &["user", "reset-totp", "ans"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        ans.get("/worklist").await.location.as_deref(),
        Some("/login"),
        "reset-totp ends the user's sessions"
    );
    let mut again = Browser::new(&url);
    assert_eq!(
        again.log_in("ans", PASSWORD, "").await.location.as_deref(),
        Some("/enrol")
    );
    assert_eq!(
        again.get("/worklist").await.location.as_deref(),
        Some("/enrol"),
        "nothing but enrolment before a new TOTP secret is set up"
    );

    // user disable: the session ends and the password no longer logs in.
    let out = hub(data, &["user", "disable", "ans"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        again.get("/enrol").await.location.as_deref(),
        Some("/login"),
        "disable ends the user's sessions"
    );
    let mut later = Browser::new(&url);
    let refused = later.log_in("ans", PASSWORD, "").await;
    assert_ne!(
        refused.location.as_deref(),
        Some("/enrol"),
        "{}",
        refused.body
    );
    assert_ne!(refused.location.as_deref(), Some("/"), "{}", refused.body);
    assert_eq!(
        later.get("/worklist").await.location.as_deref(),
        Some("/login")
    );
    // An unknown user is a one-line error.
    let out = hub(data, &["user", "disable", "nobody"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.lines()
            .last()
            .unwrap()
            .starts_with("samen-hub: no user nobody"),
        "{err}"
    );

    drop(server);
    reader.join().unwrap();
    let log = log.lock().unwrap().clone();
    assert!(
        log.contains("TRACE") || log.contains("DEBUG"),
        "trace level was on"
    );
    assert!(log.contains("callback request stored"));
    for personal in [name, "Hendrika", "12340000", "1234 0000", "12340001"] {
        assert!(!log.contains(personal), "{personal} in the log:\n{log}");
    }
}

struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
