//! A small file system of its own for a test (a tmpfs of a given size, mounted on a
//! temporary directory), so that a full disk is real: SQLite, the picture cache and
//! `statvfs` see exactly what a kiosk with a small state disk sees. Mounting needs
//! root (as on the test machine and in CI); where it is refused the test says so on
//! stderr and is skipped.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Tmpfs {
    dir: Option<tempfile::TempDir>,
}

impl Tmpfs {
    /// A tmpfs of `bytes`, or `None` (after saying why) where mounting is impossible.
    pub fn mount(bytes: u64) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().expect("temporary directory");
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(dir.path())
            .output();
        match out {
            Ok(o) if o.status.success() => Some(Tmpfs { dir: Some(dir) }),
            Ok(o) => skip(&format!(
                "cannot mount a tmpfs (needs root): {}",
                String::from_utf8_lossy(&o.stderr).trim()
            )),
            Err(err) => skip(&format!("cannot run mount: {err}")),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.as_ref().map(|d| d.path()).expect("mounted")
    }

    /// Fills the file system to the last block with one file, which it returns.
    pub fn fill(&self) -> PathBuf {
        let path = self.path().join("filler");
        let mut file = std::fs::File::create(&path).expect("filler");
        for size in [1 << 16, 4096, 512, 1] {
            let chunk = vec![0u8; size];
            while file.write_all(&chunk).is_ok() {}
        }
        let _ = file.sync_all();
        path
    }

    /// Bytes free, as the kiosk sees them.
    pub fn free(&self) -> u64 {
        samen_kiosk::status::free_disk_bytes(self.path()).expect("statvfs")
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        if let Some(dir) = self.dir.take() {
            // Lazily: a child process may still be on its way out.
            let _ = Command::new("umount").arg("-l").arg(dir.path()).status();
        }
    }
}

/// Says why a disk test cannot run and skips it; under `scripts/test.sh`
/// (`SAMEN_KIOSK_REQUIRE_TOOLS=1`, as in CI, which runs as root) that is a failure.
fn skip(why: &str) -> Option<Tmpfs> {
    if std::env::var_os("SAMEN_KIOSK_REQUIRE_TOOLS").is_some() {
        panic!("{why} (SAMEN_KIOSK_REQUIRE_TOOLS is set: run the tests as root)");
    }
    eprintln!("SKIPPED: {why}");
    None
}
