//! Logging: the level from `SAMEN_KIOSK_LOG` or `RUST_LOG`; to the journal under
//! systemd, else to stderr. The HTTP and TLS crates are held at `info` whatever is
//! asked, so no request bytes (personal data) ever reach a log.

/// The level from `SAMEN_KIOSK_LOG`, else `RUST_LOG`, else `info`, with the HTTP and
/// TLS libraries held at `info` whatever is asked: at trace level they would print
/// request bytes, and callback requests carry personal data.
fn log_filter() -> tracing_subscriber::EnvFilter {
    let wanted = std::env::var("SAMEN_KIOSK_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .ok()
        .filter(|w| !w.trim().is_empty())
        .unwrap_or_else(|| "info".into());
    let quiet =
        ",hyper=info,hyper_util=info,reqwest=info,h2=info,rustls=info,winit=warn,calloop=warn";
    tracing_subscriber::EnvFilter::try_new(format!("{wanted}{quiet}"))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("info{quiet}")))
}

/// True when stderr is connected to the journal: systemd sets `JOURNAL_STREAM` to the
/// `device:inode` of that stream, and it must still be our stderr (not inherited by a
/// child whose stderr was redirected).
fn stderr_is_journal() -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::MetadataExt;
    let Some(stream) = std::env::var_os("JOURNAL_STREAM") else {
        return false;
    };
    let stream = stream.to_string_lossy();
    let Some((dev, ino)) = stream.split_once(':') else {
        return false;
    };
    let (Ok(dev), Ok(ino)) = (dev.parse::<u64>(), ino.parse::<u64>()) else {
        return false;
    };
    let Ok(fd) = std::io::stderr().as_fd().try_clone_to_owned() else {
        return false;
    };
    match std::fs::File::from(fd).metadata() {
        Ok(meta) => meta.dev() == dev && meta.ino() == ino,
        Err(_) => false,
    }
}

/// Under systemd the log goes to the journal as structured entries (with priority,
/// so `journalctl -p warning` works); otherwise, or when the journal cannot be
/// reached, to stderr.
pub(super) fn init() {
    use std::io::IsTerminal;
    use tracing_journald::{Priority, PriorityMappings};
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    if stderr_is_journal() {
        match tracing_journald::layer() {
            Ok(journal) => {
                let _ = tracing_subscriber::registry()
                    .with(log_filter())
                    .with(
                        journal
                            .with_syslog_identifier("samen-kiosk".into())
                            // syslog's meaning: info is 6, debug 7 (the crate's
                            // default shifts both one up).
                            .with_priority_mappings(PriorityMappings {
                                info: Priority::Informational,
                                debug: Priority::Debug,
                                ..PriorityMappings::new()
                            }),
                    )
                    .try_init();
                return;
            }
            Err(err) => eprintln!("samen-kiosk: journal not reachable, logging to stderr: {err}"),
        }
    }
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(log_filter())
        .try_init();
}
