//! Reading files the configuration names (secret files, feed files, the configuration
//! itself, state files) safely: only regular files, never more than a limit. A FIFO is
//! opened without blocking and refused, a device such as `/dev/zero` is refused before
//! a byte is read, and a file that grows past the limit while it is read is refused
//! too, so a wrong path can neither hang the kiosk nor fill its memory.

use std::io::Read;
use std::path::Path;

/// Secret and password files, and the admin PIN on standard input.
pub const MAX_SECRET_BYTES: usize = 4096;

/// The kiosk's own configuration file.
pub const MAX_CONFIG_BYTES: usize = 1024 * 1024;

/// The whole of `path` if it is a regular file of at most `max_bytes`; else an error
/// that says which rule it broke (and never quotes the file).
pub fn read_regular(path: &Path, max_bytes: usize) -> std::io::Result<Vec<u8>> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        // Opening a FIFO for reading would wait for a writer.
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    if meta.len() > max_bytes as u64 {
        return Err(too_large(max_bytes));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(max_bytes as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > max_bytes {
        return Err(too_large(max_bytes));
    }
    Ok(bytes)
}

/// As [`read_regular`], as UTF-8 text.
pub fn read_regular_text(path: &Path, max_bytes: usize) -> std::io::Result<String> {
    String::from_utf8(read_regular(path, max_bytes)?)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))
}

fn too_large(max_bytes: usize) -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        format!("larger than {max_bytes} bytes"),
    )
}

/// The first line of `input`, read with a limit: for the PIN on standard input, which
/// may be anything (`< /dev/zero`).
pub fn read_first_line(input: impl Read, max_bytes: usize) -> std::io::Result<String> {
    let mut bytes = Vec::new();
    input.take(max_bytes as u64 + 1).read_to_end(&mut bytes)?;
    let line_end = bytes.iter().position(|b| *b == b'\n');
    if line_end.is_none() && bytes.len() > max_bytes {
        return Err(too_large(max_bytes));
    }
    bytes.truncate(line_end.unwrap_or(bytes.len()));
    String::from_utf8(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secret");
        std::fs::write(&file, "0123456789").unwrap();
        assert_eq!(read_regular(&file, 10).unwrap(), b"0123456789");
        assert!(read_regular(&file, 9).is_err());
        assert!(read_regular(dir.path(), 100).is_err(), "a directory");
        assert!(read_regular(Path::new("/dev/zero"), 100).is_err());
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = read_regular(&fifo, 100).unwrap_err();
        assert_eq!(err.to_string(), "not a regular file");
    }

    #[test]
    fn first_line_with_a_limit() {
        assert_eq!(read_first_line(&b"2468\nrest"[..], 10).unwrap(), "2468");
        assert!(read_first_line(std::io::repeat(0).take(1 << 20), 4096).is_err());
    }
}
