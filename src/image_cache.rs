//! Pictures fetched over HTTP, kept on disk in the state directory (`images/`) so each
//! is downloaded once. The folder has a size limit: the least recently used files go
//! first. File names are a hash of the URL, never the URL itself.

use std::path::{Path, PathBuf};

pub const MAX_TOTAL_BYTES: u64 = 200 * 1024 * 1024;

/// Limit of the folder of scaled pictures (`scaled-images/`, next to `images/`): a
/// 960x720 picture is about 0.2 MB there, so this holds some hundreds.
pub const MAX_SCALED_BYTES: u64 = 100 * 1024 * 1024;

/// FNV-1a, 64 bit: stable across Rust versions (unlike `DefaultHasher`).
fn fnv1a(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.as_bytes() {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

pub fn path_for(dir: &Path, url: &str) -> PathBuf {
    dir.join(format!("{:016x}.img", fnv1a(url)))
}

/// Where pictures are kept once decoded and scaled to fit `max_w` x `max_h` (see
/// `images::load`): a folder next to `image_dir`, a name made of a hash of `key`
/// (which says what the picture is, never shown) and the size.
pub fn scaled_path_for(image_dir: &Path, key: &str, max_w: u32, max_h: u32) -> PathBuf {
    image_dir
        .with_file_name("scaled-images")
        .join(format!("{:016x}-{max_w}x{max_h}.img", fnv1a(key)))
}

/// Writes a picture atomically (temporary file, then rename).
pub fn store(dir: &Path, url: &str, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic(&path_for(dir, url), bytes)
}

/// Writes a file whole or not at all: a temporary file (unique to this thread, since
/// two workers may write the same picture), then a rename.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension(format!("tmp{}", std::process::id() ^ thread_tag()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

fn thread_tag() -> u32 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::thread::current().id().hash(&mut h);
    h.finish() as u32
}

/// Removes the oldest pictures until the folder is under `max_total` bytes.
pub fn trim(dir: &Path, max_total: u64) -> std::io::Result<usize> {
    let mut files: Vec<(std::time::SystemTime, u64, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        if meta.is_file() {
            let used = meta
                .accessed()
                .or_else(|_| meta.modified())
                .unwrap_or(std::time::UNIX_EPOCH);
            files.push((used, meta.len(), entry.path()));
        }
    }
    let mut total: u64 = files.iter().map(|f| f.1).sum();
    files.sort();
    let mut removed = 0;
    for (_, size, path) in files {
        if total <= max_total {
            break;
        }
        std::fs::remove_file(&path)?;
        total = total.saturating_sub(size);
        removed += 1;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_are_stable_and_the_folder_is_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let a = super::path_for(dir.path(), "https://example.org/a.jpg");
        assert_eq!(a, super::path_for(dir.path(), "https://example.org/a.jpg"));
        assert_ne!(a, super::path_for(dir.path(), "https://example.org/b.jpg"));
        for i in 0..5 {
            super::store(dir.path(), &format!("u{i}"), &[0u8; 1000]).unwrap();
        }
        super::trim(dir.path(), 2500).unwrap();
        let left = std::fs::read_dir(dir.path()).unwrap().count();
        assert_eq!(left, 2);
    }
}
