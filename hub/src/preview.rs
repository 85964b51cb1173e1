//! The announcements' preview, drawn by the kiosk itself: the hub runs
//! `samen-kiosk screenshot --scene signage-message --message FILE` (no network, no
//! state: an empty temporary directory) at 800x480 and 1920x1080, with a time-out.
//! The kiosk binary is `[preview] kiosk` in hub.toml, else `samen-kiosk` beside the
//! hub's own binary, else on PATH.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// The sizes the preview page shows.
pub const SIZES: [&str; 2] = ["800x480", "1920x1080"];

/// Why there is no preview (the page says so in words; the log has the detail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// No kiosk binary found.
    Missing,
    /// It ran longer than the time-out (it was stopped).
    TimedOut,
    /// It ran and failed (its last line of stderr).
    Failed(String),
}

/// The kiosk binary to run.
pub fn kiosk_binary(configured: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = configured {
        return path.is_file().then(|| path.to_path_buf());
    }
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("samen-kiosk")))
        .filter(|p| p.is_file());
    beside.or_else(|| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|d| d.join("samen-kiosk"))
                .find(|p| p.is_file())
        })
    })
}

/// The languages a preview can be drawn in (the kiosk's).
pub const LANGS: [(&str, &str); 4] = [
    ("nl", "Nederlands"),
    ("en", "English"),
    ("tr", "Türkçe"),
    ("pl", "Polski"),
];

/// Renders `message` (a feed-format message, its `image` a name in `picture`) at
/// `size` in `lang` at the instant `now`; the PNG's bytes.
pub async fn render(
    kiosk: Option<&Path>,
    timeout: Duration,
    message: &serde_json::Value,
    picture: Option<(&str, &[u8])>,
    (size, lang): (&str, &str),
    now: i64,
) -> Result<Vec<u8>, Failure> {
    let Some(binary) = kiosk_binary(kiosk) else {
        return Err(Failure::Missing);
    };
    let dir = tempdir().map_err(|e| Failure::Failed(format!("temporary directory: {e}")))?;
    let result = run(
        &binary,
        &dir.0,
        timeout,
        message,
        picture,
        (size, lang),
        now,
    )
    .await;
    drop(dir);
    result
}

async fn run(
    binary: &Path,
    dir: &Path,
    timeout: Duration,
    message: &serde_json::Value,
    picture: Option<(&str, &[u8])>,
    (size, lang): (&str, &str),
    now: i64,
) -> Result<Vec<u8>, Failure> {
    let fail = |e: std::io::Error| Failure::Failed(e.to_string());
    let file = dir.join("message.json");
    std::fs::write(&file, serde_json::to_vec(message).unwrap_or_default()).map_err(fail)?;
    if let Some((name, bytes)) = picture {
        std::fs::write(dir.join(name), bytes).map_err(fail)?;
    }
    let out = dir.join("preview.png");
    let at = chrono::DateTime::from_timestamp(now, 0)
        .unwrap_or_default()
        .to_rfc3339();
    let mut command = tokio::process::Command::new(binary);
    command
        .arg("--state-dir")
        .arg(dir.join("state"))
        .args(["screenshot", "--scene", "signage-message", "--size", size])
        .arg("--message")
        .arg(&file)
        .arg("--out")
        .arg(&out)
        .args(["--now", &at, "--lang", lang])
        // Its own settings never apply: no configuration file, no state.
        .env_remove("SAMEN_KIOSK_STATE_DIR")
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    let child = command.spawn().map_err(fail)?;
    let output = match tokio::time::timeout(timeout, child.wait_with_output()).await {
        Err(_) => return Err(Failure::TimedOut),
        Ok(result) => result.map_err(fail)?,
    };
    if !output.status.success() {
        let text = String::from_utf8_lossy(&output.stderr);
        let last = text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        return Err(Failure::Failed(format!("{}: {last}", output.status)));
    }
    std::fs::read(&out).map_err(fail)
}

struct TempDir(PathBuf);

fn tempdir() -> std::io::Result<TempDir> {
    let bytes = crate::random::bytes::<8>().map_err(std::io::Error::other)?;
    let name: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let dir = std::env::temp_dir().join(format!("samen-hub-preview-{name}"));
    std::fs::create_dir(&dir)?;
    Ok(TempDir(dir))
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
