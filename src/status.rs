//! How a kiosk is doing, for `status --json`, the heartbeat and the admin screen: one
//! JSON object without personal data (docs/status.md).
//!
//! The running kiosk keeps what only it knows (uptime, the screen, the last refusal of
//! a fleet document, the feeds' last results) in a [`Runtime`] and writes it to
//! `runtime.json` in the state directory when it changes; `status --json` reads that
//! file when the kiosk runs and works it out from the state directory when it does not.

use crate::callback::outbox::Outbox;
use crate::config::Config;
use crate::feed_service::FeedStatus;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub const RUNTIME_FILE: &str = "runtime.json";

/// The status object and its parts are the wire contract's (`samen_wire::status`),
/// which samen-hub reads.
pub use samen_wire::status::{FeedReport, MessagesReport, OutboxReport, StatusReport as Report};

/// The messages in force, as status and the heartbeat list them.
pub fn messages_report(active: &crate::messages::Active) -> MessagesReport {
    MessagesReport {
        active: active.keys(),
        urgent: !active.urgent.is_empty(),
    }
}

pub fn feed_reports(status: &FeedStatus) -> Vec<FeedReport> {
    status
        .sources
        .iter()
        .map(|s| FeedReport {
            name: s.name.clone(),
            items: s.activities,
            last_success: s.last_good,
            last_error: s.last_error.clone(),
        })
        .collect()
}

/// What only the running kiosk knows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Runtime {
    pub pid: u32,
    pub started_at: DateTime<Utc>,
    pub config_version: Option<i64>,
    pub config_error: Option<String>,
    pub screen_on: bool,
    pub feeds: Vec<FeedReport>,
    /// `run --headless`: no screen of its own; `screen` then follows the schedule.
    #[serde(default)]
    pub headless: bool,
    /// Why picture downloads are paused (low disk, full picture folder), if they are.
    #[serde(default)]
    pub pictures_paused: Option<String>,
    /// The messages on signage now (the UI keeps it up to date).
    #[serde(default)]
    pub messages: Option<MessagesReport>,
}

/// The running kiosk's [`Runtime`], shared between the UI thread and the services,
/// and mirrored to `runtime.json`.
#[derive(Clone)]
pub struct Shared {
    inner: Arc<Mutex<Runtime>>,
    file: Option<PathBuf>,
}

impl Shared {
    pub fn new(runtime: Runtime, state_dir: Option<&Path>) -> Shared {
        let shared = Shared {
            inner: Arc::new(Mutex::new(runtime)),
            file: state_dir.map(|d| d.join(RUNTIME_FILE)),
        };
        shared.update(|_| {});
        shared
    }

    pub fn get(&self) -> Runtime {
        self.inner.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Changes the runtime and, if it changed, writes the file (small; atomic rename).
    pub fn update(&self, change: impl FnOnce(&mut Runtime)) {
        let snapshot = {
            let mut guard = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            let before = guard.clone();
            change(&mut guard);
            if *guard == before && self.file.as_ref().is_some_and(|f| f.exists()) {
                return;
            }
            guard.clone()
        };
        if let Some(file) = &self.file {
            let tmp = file.with_extension("json.tmp");
            let written = serde_json::to_vec(&snapshot)
                .map_err(std::io::Error::other)
                .and_then(|bytes| std::fs::write(&tmp, bytes))
                .and_then(|()| std::fs::rename(&tmp, file));
            if let Err(err) = written {
                tracing::debug!("cannot write {}: {err}", file.display());
            }
        }
    }
}

impl Shared {
    /// Removes `runtime.json` (the kiosk stops).
    pub fn forget(&self) {
        if let Some(file) = &self.file {
            let _ = std::fs::remove_file(file);
        }
    }
}

/// The runtime of a kiosk that runs now, from its file; `None` if none runs. A file
/// left behind (a crash, a power cut) names a PID that may belong to another process
/// by now: it counts only if that process is a samen-kiosk started when the file says.
pub fn read_running(state_dir: &Path) -> Option<Runtime> {
    let bytes = std::fs::read(state_dir.join(RUNTIME_FILE)).ok()?;
    let runtime: Runtime = serde_json::from_slice(&bytes).ok()?;
    is_kiosk_started_at(runtime.pid, runtime.started_at).then_some(runtime)
}

/// Whether process `pid` runs samen-kiosk (its executable, or where that may not be
/// read its command line) and started at most 5 s after `started_at` and at most
/// 5 minutes before it (the runtime is written once start-up is done).
fn is_kiosk_started_at(pid: u32, started_at: DateTime<Utc>) -> bool {
    let proc = PathBuf::from(format!("/proc/{pid}"));
    let kiosk = |path: &Path| {
        path.file_name()
            .map(|n| {
                n.to_string_lossy()
                    .trim_end_matches(" (deleted)")
                    .to_string()
            })
            .is_some_and(|n| n == "samen-kiosk")
    };
    let program = match std::fs::read_link(proc.join("exe")) {
        Ok(exe) => kiosk(&exe) || std::env::current_exe().is_ok_and(|ours| ours == exe),
        Err(_) => std::fs::read(proc.join("cmdline")).is_ok_and(|c| {
            let argv0 = c.split(|b| *b == 0).next().unwrap_or_default();
            kiosk(Path::new(&*String::from_utf8_lossy(argv0)))
        }),
    };
    let Some(process_start) = process_start(&proc) else {
        return false;
    };
    let lag = started_at - process_start;
    program && lag >= chrono::Duration::seconds(-5) && lag <= chrono::Duration::minutes(5)
}

/// When the process of `/proc/PID` started: boot time plus its start in clock ticks.
fn process_start(proc: &Path) -> Option<DateTime<Utc>> {
    let stat = std::fs::read_to_string(proc.join("stat")).ok()?;
    // "pid (name) state ppid ...": the name may hold spaces and brackets.
    let after_name = &stat[stat.rfind(')')? + 1..];
    let ticks: i64 = after_name.split_whitespace().nth(19)?.parse().ok()?;
    let boot: i64 = std::fs::read_to_string("/proc/stat")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("btime "))?
        .trim()
        .parse()
        .ok()?;
    // SAFETY: sysconf only reads a constant.
    let per_second = i64::from(unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as i32).max(1);
    DateTime::from_timestamp(boot, 0)
        .map(|b| b + chrono::Duration::milliseconds(ticks.saturating_mul(1000) / per_second))
}

/// Free bytes for an unprivileged user on the file system holding `path`.
pub fn free_disk_bytes(path: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).ok()?;
    let mut stat: libc::statvfs = unsafe { std::mem::zeroed() };
    // SAFETY: c_path is a valid NUL-terminated string and stat a valid out-pointer.
    let rc = unsafe { libc::statvfs(c_path.as_ptr(), &mut stat) };
    // The field types differ between platforms (u32 on some 32-bit ones).
    #[allow(clippy::useless_conversion)]
    (rc == 0).then(|| u64::from(stat.f_bavail).saturating_mul(u64::from(stat.f_frsize)))
}

/// Builds the report. `runtime` is the running kiosk's (or `None`, then `fallback`
/// gives what can be worked out without it).
pub fn report(
    config: &Config,
    runtime: Option<&Runtime>,
    fallback: Fallback,
    state_dir: Option<&Path>,
    now: DateTime<Utc>,
) -> Report {
    let outbox = state_dir.and_then(|dir| outbox_report(dir, now));
    let free_disk = state_dir.and_then(free_disk_bytes);
    // The running kiosk's word on its picture downloads, else the test they make.
    let warnings: Vec<String> = runtime
        .and_then(|r| r.pictures_paused.clone())
        .or_else(|| disk_warning(state_dir?, free_disk))
        .into_iter()
        .collect();
    let (config_error, feeds, screen_on, uptime) = match runtime {
        Some(r) => (
            r.config_error.clone(),
            r.feeds.clone(),
            if r.headless {
                config.schedule.is_open(now)
            } else {
                r.screen_on
            },
            Some((now - r.started_at).num_seconds().max(0)),
        ),
        None => (
            fallback.config_error,
            fallback.feeds,
            config.schedule.is_open(now),
            None,
        ),
    };
    Report {
        kiosk_id: config.kiosk_id.clone(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        running: runtime.is_some(),
        config_version: runtime
            .map(|r| r.config_version)
            .unwrap_or(config.config_version),
        config_error,
        feeds,
        outbox,
        delivery: config.callback.channel.as_ref().map(|c| {
            match c {
                crate::callback::delivery::Channel::Webhook(_) => "webhook",
                crate::callback::delivery::Channel::Email(_) => "email",
            }
            .to_string()
        }),
        screen: if screen_on { "on" } else { "off" }.to_string(),
        uptime_s: uptime,
        free_disk_bytes: free_disk,
        warnings,
        messages: Some(
            runtime
                .and_then(|r| r.messages.clone())
                .or(fallback.messages)
                .unwrap_or_else(|| {
                    // Headless: no screen keeps it; the configuration's messages.
                    let mut board = crate::messages::Board::new(config.signage.messages.clone());
                    messages_report(&board.active(now))
                }),
        ),
        figures: state_dir.and_then(|dir| {
            crate::figures::recent(dir, now.with_timezone(&crate::time::ZONE).date_naive())
        }),
        at: now,
    }
}

/// "low disk: ..." when less than the reserve (`image_cache::disk_reserve`) is free.
pub fn disk_warning(state_dir: &Path, free: Option<u64>) -> Option<String> {
    let reserve = crate::image_cache::disk_reserve();
    crate::image_cache::check_disk(state_dir, 0, reserve, &|_| free)
        .err()
        .map(|e| e.to_string())
}

/// The outbox's figures; `None` when there is none (no request was ever made here),
/// and an `error` with the reason when it exists but cannot be read.
pub fn outbox_report(state_dir: &Path, now: DateTime<Utc>) -> Option<OutboxReport> {
    let path = state_dir.join(crate::callback::outbox::FILE_NAME);
    match path.try_exists() {
        Ok(false) => return None,
        Ok(true) => {}
        Err(err) => return Some(outbox_error(format!("cannot open the outbox: {err}"))),
    }
    Some(match Outbox::open(&path).and_then(|o| o.status(now)) {
        Ok(s) => OutboxReport {
            pending: s.pending,
            oldest_pending_age_s: s.oldest_pending_age_s,
            delivered: s.delivered,
            failed_attention: s.failed_attention,
            expired: s.expired,
            expired_recently: s.expired_recently,
            error: None,
        },
        Err(err) => outbox_error(format!("{err:#}")),
    })
}

fn outbox_error(error: String) -> OutboxReport {
    OutboxReport {
        error: Some(error),
        ..OutboxReport::default()
    }
}

/// What `status` works out itself when no kiosk runs.
#[derive(Debug, Default)]
pub struct Fallback {
    pub config_error: Option<String>,
    pub feeds: Vec<FeedReport>,
    /// The messages in force by the configuration and the cached feeds.
    pub messages: Option<MessagesReport>,
}

/// POSTs the report alone (no health) to `[heartbeat] url` in its style, signed like
/// callback webhooks when a secret is configured (`crate::heartbeat` sends the
/// running kiosk's heartbeats, with their health).
pub async fn send_heartbeat(
    client: &reqwest::Client,
    heartbeat: &crate::config::HeartbeatConfig,
    report: &Report,
) -> Result<(), String> {
    let mut beat = samen_wire::health::Heartbeat::from_status(report.clone());
    // The figures go with the running kiosk's heartbeats (which know what the hub
    // acknowledged), not with this one.
    beat.status.figures = None;
    crate::heartbeat::send(client, heartbeat, &beat)
        .await
        .map(|_| ())
}
