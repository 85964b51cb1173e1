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
