//! Pictures fetched over HTTP, kept on disk in the state directory (`images/`) so each
//! is downloaded once. The folder has a size limit, kept before every write (the least
//! recently used files not in use go first), and the disk keeps a reserve: a picture
//! is not written when less than `disk_reserve()` would stay free, so a callback
//! request always finds room in the outbox. File names are a hash of the URL, never
//! the URL itself.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

pub const MAX_TOTAL_BYTES: u64 = 200 * 1024 * 1024;

/// Free space pictures never take by default: 200 MB.
pub const DEFAULT_DISK_RESERVE: u64 = 200_000_000;

/// The room kept free on the state disk for the outbox (and everything else the
/// kiosk must be able to write): `SAMEN_KIOSK_DISK_RESERVE` (bytes, or with `K`, `M`,
/// `G`: decimal units), else 200 MB.
pub fn disk_reserve() -> u64 {
    std::env::var("SAMEN_KIOSK_DISK_RESERVE")
        .ok()
        .and_then(|v| parse_bytes(&v))
        .unwrap_or(DEFAULT_DISK_RESERVE)
}

/// `1500`, `500K`, `200M`, `200MB`, `1G` (decimal units).
pub fn parse_bytes(text: &str) -> Option<u64> {
    let t = text.trim().to_ascii_uppercase();
    let t = t.strip_suffix('B').unwrap_or(&t).trim_end();
    let (digits, unit) = match t.char_indices().last()? {
        (i, 'K') => (&t[..i], 1_000),
        (i, 'M') => (&t[..i], 1_000_000),
        (i, 'G') => (&t[..i], 1_000_000_000),
        _ => (t, 1),
    };
    digits.trim().parse::<u64>().ok()?.checked_mul(unit)
}

/// What a folder of pictures may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// The folder's limit.
    pub max_total: u64,
    /// Free space on the disk that must stay free.
    pub reserve: u64,
}

/// Why a picture was not written.
#[derive(Debug, thiserror::Error)]
pub enum NoRoom {
    #[error(
        "low disk: {} MB free, {} MB kept free for callback requests; picture downloads paused",
        .free / 1_000_000,
        .reserve / 1_000_000
    )]
    Disk { free: u64, reserve: u64 },
    #[error("picture cache full: the current pictures take {} of its {} MB", .used / 1_000_000, .max / 1_000_000)]
    Folder { used: u64, max: u64 },
    #[error("picture not stored: {0}")]
    Io(#[from] std::io::Error),
}

/// Whether a pause of the picture downloads (`NoRoom`'s words) is for a low disk.
pub fn is_low_disk(why: &str) -> bool {
    why.starts_with("low disk:")
}

/// Free bytes on the file system holding `dir` (or the nearest folder that exists).
pub fn free_near(dir: &Path) -> Option<u64> {
    dir.ancestors()
        .find(|d| d.exists())
        .and_then(crate::status::free_disk_bytes)
}

/// Whether `len` more bytes may go to disk next to `dir` with `reserve` left free;
/// `free` says how much is free (`free_near`, or a stand-in in tests). Unknown free
/// space does not stop anything.
pub fn check_disk(
    dir: &Path,
    len: u64,
    reserve: u64,
    free: &dyn Fn(&Path) -> Option<u64>,
) -> Result<(), NoRoom> {
    match free(dir) {
        Some(free) if free < reserve.saturating_add(len) => Err(NoRoom::Disk { free, reserve }),
        _ => Ok(()),
    }
}

/// Writes a picture only if it fits: first the least recently used files not in `keep`
/// are removed until the folder plus this picture is within `budget.max_total`, then
/// the disk must keep `budget.reserve` free after it. So the folder is never over its
/// limit, not even for a moment (the temporary file counts too).
pub fn store_within(
    dir: &Path,
    url: &str,
    bytes: &[u8],
    budget: Budget,
    keep: &HashSet<PathBuf>,
    free: &dyn Fn(&Path) -> Option<u64>,
) -> Result<(), NoRoom> {
    let len = bytes.len() as u64;
    std::fs::create_dir_all(dir)?;
    let path = path_for(dir, url);
    let used = evict(dir, budget.max_total.saturating_sub(len), keep, &path)?;
    if used.saturating_add(len) > budget.max_total {
        return Err(NoRoom::Folder {
            used,
            max: budget.max_total,
        });
    }
    check_disk(dir, len, budget.reserve, free)?;
    write_atomic(&path, bytes)?;
    Ok(())
}

/// Removes the least recently used files (not those in `keep`, nor `replacing`, which
/// is about to be written again) until the folder holds at most `target` bytes.
/// Returns what it holds then (without `replacing`).
fn evict(
    dir: &Path,
    target: u64,
    keep: &HashSet<PathBuf>,
    replacing: &Path,
) -> std::io::Result<u64> {
    lru_trim(dir, target, Some(replacing), keep).map(|(total, _)| total)
}

/// The least recently used files of `dir` (last access, else last change) go first
/// until it holds at most `target` bytes. `ignore` is neither counted nor removed;
/// files in `keep` are counted (they take room all the same) but stay. Returns the
/// total then and how many files were removed.
fn lru_trim(
    dir: &Path,
    target: u64,
    ignore: Option<&Path>,
    keep: &HashSet<PathBuf>,
) -> std::io::Result<(u64, usize)> {
    let mut files: Vec<(std::time::SystemTime, u64, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        if meta.is_file() && Some(entry.path().as_path()) != ignore {
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
        if total <= target {
            break;
        }
        if keep.contains(&path) {
            continue;
        }
        std::fs::remove_file(&path)?;
        total = total.saturating_sub(size);
        removed += 1;
    }
    Ok((total, removed))
}

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
    lru_trim(dir, max_total, None, &HashSet::new()).map(|(_, removed)| removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_folder_stays_within_its_limit_at_every_write_and_keeps_what_is_in_use() {
        let dir = tempfile::tempdir().unwrap();
        let budget = Budget {
            max_total: 10_000,
            reserve: 0,
        };
        let plenty = |_: &Path| Some(u64::MAX);
        let size = |d: &Path| -> u64 {
            std::fs::read_dir(d)
                .unwrap()
                .map(|e| e.unwrap().metadata().unwrap().len())
                .sum()
        };
        let keep: HashSet<PathBuf> = [path_for(dir.path(), "in-use")].into();
        store_within(dir.path(), "in-use", &[1; 3000], budget, &keep, &plenty).unwrap();
        for i in 0..10 {
            store_within(
                dir.path(),
                &format!("u{i}"),
                &[0; 3000],
                budget,
                &keep,
                &plenty,
            )
            .unwrap();
            assert!(
                size(dir.path()) <= 10_000,
                "over the limit after picture {i}"
            );
            assert!(
                keep.iter().all(|p| p.exists()),
                "a picture in use was removed"
            );
        }
        // Pictures in use that fill the folder: the next one is refused, nothing removed.
        let keep: HashSet<PathBuf> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        let refused = store_within(dir.path(), "big", &[0; 5000], budget, &keep, &plenty);
        assert!(matches!(refused, Err(NoRoom::Folder { .. })), "{refused:?}");
        assert!(keep.iter().all(|p| p.exists()));
    }

    #[test]
    fn pictures_never_take_the_reserve() {
        let dir = tempfile::tempdir().unwrap();
        let budget = Budget {
            max_total: u64::MAX,
            reserve: 1_000_000,
        };
        let keep = HashSet::new();
        let free = |_: &Path| Some(1_002_000);
        store_within(dir.path(), "a", &[0; 2000], budget, &keep, &free).unwrap();
        let refused = store_within(dir.path(), "b", &[0; 2001], budget, &keep, &free);
        match refused {
            Err(e @ NoRoom::Disk { .. }) => {
                assert!(e.to_string().starts_with("low disk: 1 MB free"), "{e}")
            }
            other => panic!("{other:?}"),
        }
        assert!(!path_for(dir.path(), "b").exists());
        assert_eq!(parse_bytes("200M"), Some(200_000_000));
        assert_eq!(parse_bytes("16 MB"), Some(16_000_000));
        assert_eq!(parse_bytes("4096"), Some(4096));
        assert_eq!(parse_bytes("lots"), None);
    }

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
