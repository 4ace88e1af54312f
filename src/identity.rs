//! Who is at the keyboard: the OS login of the process's real uid.
//!
//! `$USER` is not trusted: anyone can set it, and audit rows must name the person.

use std::ffi::CStr;

/// The login name of the real uid, or `uid:N` if the password database has no entry.
#[must_use]
pub fn os_login() -> String {
    // SAFETY: getuid cannot fail.
    let uid = unsafe { libc::getuid() };
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut buffer = vec![0_u8; 4096];
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call; the buffer outlives `entry`'s use.
    let status = unsafe {
        libc::getpwuid_r(
            uid,
            &raw mut entry,
            buffer.as_mut_ptr().cast(),
            buffer.len(),
            &raw mut result,
        )
    };
    if status != 0 || result.is_null() || entry.pw_name.is_null() {
        return format!("uid:{uid}");
    }
    // SAFETY: getpwuid_r succeeded, so pw_name points to a NUL-terminated string in `buffer`.
    unsafe { CStr::from_ptr(entry.pw_name) }
        .to_string_lossy()
        .into_owned()
}
