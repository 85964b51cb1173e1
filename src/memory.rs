//! The C allocator's settings for a long-running process on a small board (glibc).
//!
//! Pictures are decoded in buffers of a few megabytes on worker threads. By default
//! glibc raises its mmap threshold after the first large buffer is freed (up to
//! 32 MB), so later picture buffers come from the heap arenas, and a heap arena only
//! gives memory back from its top: after a day of slides the process holds tens of
//! megabytes it no longer uses. A fixed threshold keeps every buffer of 256 KiB and
//! more in its own mapping, returned to the system when freed; two arenas are
//! enough for the UI thread, the services thread and a picture worker.

/// Sets the allocator up; call first thing in `main`.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes glibc's allocation parameters; called before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 256 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Gives free memory at the end of the allocator's arenas back to the system (after
/// a burst of work on a worker thread).
pub fn give_back() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Hands the program's own code and constant data back to the kernel, once start-up
/// is over (issue 24, docs/performance.md "Resident pages"). Start-up runs code that
/// signage never runs again (arguments, configuration, fonts, building the screens),
/// and the kernel maps the pages around every page touched (64 KiB at a time), so
/// about three quarters of the binary's code stays mapped and counted in the
/// kiosk's memory. `MADV_PAGEOUT` unmaps the clean pages of the executable's
/// read-only mappings; what signage uses comes back at its next touch (from the
/// page cache, or read again from the disk). Pages the loader has written (the
/// relocated constants) are left alone. Returns the bytes advised; 0 elsewhere.
pub fn drop_start_up_pages() -> usize {
    page_out_own_code()
}

#[cfg(target_os = "linux")]
fn page_out_own_code() -> usize {
    let Ok(exe) = std::fs::read_link("/proc/self/exe") else {
        return 0;
    };
    let Ok(smaps) = std::fs::read_to_string("/proc/self/smaps") else {
        return 0;
    };
    let mut advised = 0;
    for (start, end) in clean_read_only_mappings(&smaps, &exe.to_string_lossy()) {
        // SAFETY: the range is a whole mapping of this process's own executable
        // without writable or anonymous pages; MADV_PAGEOUT only drops clean pages,
        // which the kernel reads back on the next access.
        let done =
            unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_PAGEOUT) };
        if done == 0 {
            advised += end - start;
        }
    }
    advised
}

#[cfg(not(target_os = "linux"))]
fn page_out_own_code() -> usize {
    0
}

/// The mappings of `path` in `/proc/self/smaps` text that are read-only and have no
/// anonymous (copied-on-write) pages: (start, end).
fn clean_read_only_mappings(smaps: &str, path: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut current: Option<(usize, usize)> = None;
    for line in smaps.lines() {
        let mut fields = line.split_whitespace();
        let first = fields.next().unwrap_or("");
        if let Some((start, end)) = first.split_once('-') {
            if let (Ok(start), Ok(end)) = (
                usize::from_str_radix(start, 16),
                usize::from_str_radix(end, 16),
            ) {
                let perms = fields.next().unwrap_or("");
                let name = fields.nth(3).unwrap_or("");
                current = (name == path && !perms.contains('w') && !perms.is_empty())
                    .then_some((start, end));
                continue;
            }
        }
        if first == "Anonymous:" {
            let anonymous = fields.next().and_then(|v| v.parse::<u64>().ok());
            if let Some(range) = current.take() {
                if anonymous == Some(0) {
                    found.push(range);
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_clean_read_only_mappings_of_the_program() {
        let smaps = "\
55d0a0000000-55d0a0500000 r--p 00000000 fe:01 123 /usr/bin/samen-kiosk
Rss:                1200 kB
Anonymous:             0 kB
55d0a0500000-55d0a1600000 r-xp 00500000 fe:01 123 /usr/bin/samen-kiosk
Anonymous:             0 kB
55d0a1600000-55d0a1800000 r--p 01600000 fe:01 123 /usr/bin/samen-kiosk
Anonymous:          1740 kB
55d0a1800000-55d0a1801000 rw-p 01800000 fe:01 123 /usr/bin/samen-kiosk
Anonymous:             4 kB
7f0000000000-7f0000100000 r-xp 00000000 fe:01 456 /usr/lib/libc.so.6
Anonymous:             0 kB
";
        assert_eq!(
            clean_read_only_mappings(smaps, "/usr/bin/samen-kiosk"),
            vec![
                (0x55d0a0000000, 0x55d0a0500000),
                (0x55d0a0500000, 0x55d0a1600000)
            ]
        );
    }

    #[test]
    fn the_test_binary_gives_its_code_pages_back() {
        let advised = drop_start_up_pages();
        if cfg!(target_os = "linux") {
            assert!(advised > 0, "nothing advised");
        }
    }
}
