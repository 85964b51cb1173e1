//! The systemd service protocol, without a library: `READY=1` when the kiosk is up
//! and `WATCHDOG=1` pings, sent as datagrams to `$NOTIFY_SOCKET`. The UI thread sends
//! the pings from its own event loop (a Slint timer in `cli`), so a frozen UI stops
//! pinging and systemd restarts the kiosk (`WatchdogSec=` in deploy/samen-kiosk.service).
//! Outside systemd (no `NOTIFY_SOCKET`) everything here does nothing.

use std::time::Duration;

/// Sends one state line; errors are ignored (there is nobody else to tell).
pub fn notify(state: &str) {
    let Some(path) = std::env::var_os("NOTIFY_SOCKET") else {
        return;
    };
    let Ok(socket) = std::os::unix::net::UnixDatagram::unbound() else {
        return;
    };
    let path = path.to_string_lossy().to_string();
    let sent = if let Some(name) = path.strip_prefix('@') {
        // An abstract socket name (Linux).
        use std::os::linux::net::SocketAddrExt;
        std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())
            .and_then(|addr| socket.send_to_addr(state.as_bytes(), &addr))
    } else {
        socket.send_to(state.as_bytes(), &path)
    };
    if let Err(err) = sent {
        tracing::debug!("systemd notify failed: {err}");
    }
}

/// How often to ping: half the watchdog time systemd gave us, if any.
pub fn watchdog_interval() -> Option<Duration> {
    let usec: u64 = std::env::var("WATCHDOG_USEC").ok()?.parse().ok()?;
    if let Some(pid) = std::env::var("WATCHDOG_PID")
        .ok()
        .and_then(|p| p.parse::<u32>().ok())
    {
        if pid != std::process::id() {
            return None;
        }
    }
    (usec > 0).then(|| Duration::from_micros(usec / 2))
}

#[cfg(test)]
mod tests {
    #[test]
    fn notify_reaches_the_socket() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify");
        let listener = std::os::unix::net::UnixDatagram::bind(&path).unwrap();
        // Set for this process only; no other test reads these variables.
        std::env::set_var("NOTIFY_SOCKET", &path);
        super::notify("READY=1");
        let mut buf = [0u8; 64];
        let n = listener.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"READY=1");
        std::env::remove_var("NOTIFY_SOCKET");
    }
}
