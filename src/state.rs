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

/// Makes every file and directory the process creates private to its user (0600 and
/// 0700), whoever starts the kiosk and whatever the umask was: the state holds callback
/// requests (names, phone numbers) until they are delivered. Called first in `main`.
pub fn private_umask() {
    // SAFETY: umask only sets the process's file mode creation mask.
    unsafe {
        libc::umask(0o077);
    }
}

/// Makes an existing state directory (perhaps made by an older version, 0755) private.
fn make_private(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = std::fs::metadata(path) else {
        return;
    };
    if meta.permissions().mode() & 0o777 == mode {
        return;
    }
    if let Err(err) = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)) {
        tracing::warn!("cannot make {} private: {err}", path.display());
    }
}

/// Creates the state directory if needed (0700), makes it private and checks that it
/// is writable.
pub fn ensure(dir: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .with_context(|| format!("cannot create state directory {}", dir.display()))?;
    make_private(dir, 0o700);
    let probe = dir.join(".write-test");
    std::fs::write(&probe, b"ok")
        .with_context(|| format!("state directory {} is not writable", dir.display()))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// How long a write waits for another connection's write to finish.
pub const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Opens a SQLite database for state that must survive a power cut: WAL journal,
/// synchronous FULL (a commit is on disk when it returns), and a busy timeout because
/// `callback submit` and the running kiosk may write at the same time.
pub fn open_sqlite(path: &Path) -> anyhow::Result<rusqlite::Connection> {
    // Private whoever made them: the folder 0700, the database 0600 (SQLite gives its
    // -wal and -shm files the database's mode).
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        make_private(dir, 0o700);
    }
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        make_private(Path::new(&name), 0o600);
    }
    let conn = rusqlite::Connection::open(path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    make_private(path, 0o600);
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}
