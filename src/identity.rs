//! Who is at the keyboard: the OS login of the process's real uid.
//!
//! `$USER` is not trusted: anyone can set it, and audit rows must name the person.

/// The login name of the real uid, or `uid:N` if the password database has no entry.
#[must_use]
pub fn os_login() -> String {
    // SAFETY: getuid cannot fail.
    let uid = unsafe { libc::getuid() };
    crate::unix::login_of(uid).unwrap_or_else(|| format!("uid:{uid}"))
}
