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
