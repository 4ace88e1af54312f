//! Allocator settings for a process that swaps large snapshots: each reload builds a
//! new one on the reader's thread and drops the old one on the loop's.

/// Keeps large allocations (a snapshot's vectors) out of glibc's heap: by default the
/// threshold for mapping them separately rises after the first one is freed, and every
/// later snapshot then fragments the heap instead of going back to the system.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes an allocator setting; no allocation is touched.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

/// Hands the pages of the snapshot just dropped back to the system. glibc keeps freed
/// memory in its arenas, and the snapshots are built on the reader's thread and freed
/// on this one, so without this the resident size crept up with every reload.
pub fn release_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free pages to the kernel; it touches no
    // allocation in use and has no preconditions.
    unsafe {
        libc::malloc_trim(0);
    }
}
