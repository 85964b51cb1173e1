//! Where the kiosk keeps what must survive a restart: `--state-dir`, else
//! `SAMEN_KIOSK_STATE_DIR`, else the platform data directory (`~/.local/share/
//! samen-kiosk` on Linux; `/var/lib/samen-kiosk` under systemd via StateDirectory=).

use anyhow::Context;
use std::path::{Path, PathBuf};

pub fn resolve(flag: Option<&Path>) -> PathBuf {
    if let Some(dir) = flag {
        return dir.to_path_buf();
    }
    if let Some(dir) = std::env::var_os("STATE_DIRECTORY").filter(|d| !d.is_empty()) {
        // systemd's StateDirectory= sets this (colon-separated if several).
        let first = dir
            .to_string_lossy()
            .split(':')
            .next()
            .unwrap_or_default()
            .to_string();
        return PathBuf::from(first);
    }
    dirs::data_dir()
        .map(|d| d.join("samen-kiosk"))
        .unwrap_or_else(|| PathBuf::from("/var/lib/samen-kiosk"))
}

/// Creates the state directory if needed and checks that it is writable.
pub fn ensure(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create state directory {}", dir.display()))?;
    let probe = dir.join(".write-test");
    std::fs::write(&probe, b"ok")
        .with_context(|| format!("state directory {} is not writable", dir.display()))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// Opens a SQLite database for state that must survive a power cut: WAL journal,
/// synchronous FULL (a commit is on disk when it returns), and a busy timeout because
/// `callback submit` and the running kiosk may write at the same time.
pub fn open_sqlite(path: &Path) -> anyhow::Result<rusqlite::Connection> {
    let conn = rusqlite::Connection::open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    Ok(conn)
}
