//! The machine's accounts and file systems, as a team set-up needs them: groups and
//! their members, whether a login exists, which groups this process is in, and
//! whether a directory is on a network file system.

use std::ffi::{CStr, CString};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

/// A group from the group database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Its name.
    pub name: String,
    /// Its id.
    pub gid: u32,
    /// Logins listed as (supplementary) members.
    pub members: Vec<String>,
}

/// Size of the buffer the `*_r` look-ups fill; grown on `ERANGE`.
const FIRST_BUFFER: usize = 4096;

/// Copies a group entry filled by `getgr*_r`.
///
/// # Safety
/// `entry` must have been filled by a successful `getgrnam_r`/`getgrgid_r` whose buffer
/// is still alive.
unsafe fn group_from(entry: &libc::group) -> Group {
    let mut members = Vec::new();
    let mut cursor = entry.gr_mem;
    // SAFETY: gr_mem is a NULL-terminated array of NUL-terminated strings (caller).
    unsafe {
        while !cursor.is_null() && !(*cursor).is_null() {
            members.push(CStr::from_ptr(*cursor).to_string_lossy().into_owned());
            cursor = cursor.add(1);
        }
    }
    Group {
        // SAFETY: gr_name is a NUL-terminated string in the caller's buffer.
        name: unsafe { CStr::from_ptr(entry.gr_name) }
            .to_string_lossy()
            .into_owned(),
        gid: entry.gr_gid,
        members,
    }
}

/// Runs a `getgr*_r` look-up with a growing buffer.
fn group_lookup(
    call: impl Fn(*mut libc::group, *mut libc::c_char, usize, *mut *mut libc::group) -> i32,
) -> Option<Group> {
    let mut size = FIRST_BUFFER;
    loop {
        // SAFETY: a zeroed `group` is a valid value for the call to fill.
        let mut entry: libc::group = unsafe { std::mem::zeroed() };
        let mut buffer = vec![0_u8; size];
        let mut result: *mut libc::group = std::ptr::null_mut();
        let status = call(
            &raw mut entry,
            buffer.as_mut_ptr().cast(),
            size,
            &raw mut result,
        );
        if status == libc::ERANGE && size < 1 << 20 {
            size *= 4;
            continue;
        }
        if status != 0 || result.is_null() {
            return None;
        }
        // SAFETY: the look-up succeeded and `buffer` is still alive.
        return Some(unsafe { group_from(&entry) });
    }
}

/// The group called `name`, if the machine has one.
#[must_use]
pub fn group_by_name(name: &str) -> Option<Group> {
    let c_name = CString::new(name).ok()?;
    group_lookup(|entry, buffer, size, result| {
        // SAFETY: every pointer is valid for the call; `c_name` is NUL-terminated.
        unsafe { libc::getgrnam_r(c_name.as_ptr(), entry, buffer, size, result) }
    })
}

/// The group with id `gid`, if the machine has one.
#[must_use]
pub fn group_by_gid(gid: u32) -> Option<Group> {
    group_lookup(|entry, buffer, size, result| {
        // SAFETY: every pointer is valid for the call.
        unsafe { libc::getgrgid_r(gid, entry, buffer, size, result) }
    })
}

/// The name of group `gid`, or its number if it has none.
#[must_use]
pub fn group_name(gid: u32) -> String {
    group_by_gid(gid).map_or_else(|| gid.to_string(), |g| g.name)
}

/// The primary group of `login`, or `None` if the machine has no such login.
#[must_use]
pub fn primary_gid(login: &str) -> Option<u32> {
    let c_login = CString::new(login).ok()?;
    let mut size = FIRST_BUFFER;
    loop {
        // SAFETY: a zeroed `passwd` is a valid value for the call to fill.
        let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
        let mut buffer = vec![0_u8; size];
        let mut result: *mut libc::passwd = std::ptr::null_mut();
        // SAFETY: every pointer is valid for the call; the buffer outlives `entry`'s use.
        let status = unsafe {
            libc::getpwnam_r(
                c_login.as_ptr(),
                &raw mut entry,
                buffer.as_mut_ptr().cast(),
                size,
                &raw mut result,
            )
        };
        if status == libc::ERANGE && size < 1 << 20 {
            size *= 4;
            continue;
        }
        return (status == 0 && !result.is_null()).then_some(entry.pw_gid);
    }
}

/// The login of user id `uid`, or its number if it has none.
#[must_use]
pub fn user_name(uid: u32) -> String {
    login_of(uid).unwrap_or_else(|| uid.to_string())
}

/// The login of user id `uid`, or `None` if the password database has no entry.
#[must_use]
pub fn login_of(uid: u32) -> Option<String> {
    // SAFETY: a zeroed `passwd` is a valid value for the call to fill.
    let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
    let mut buffer = vec![0_u8; FIRST_BUFFER * 4];
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
        return None;
    }
    // SAFETY: the look-up succeeded, so pw_name is a NUL-terminated string in `buffer`.
    Some(
        unsafe { CStr::from_ptr(entry.pw_name) }
            .to_string_lossy()
            .into_owned(),
    )
}

/// Every login in the group: its listed members and the logins whose primary group
/// it is, sorted and without repeats.
#[must_use]
pub fn members(group: &Group) -> Vec<String> {
    let mut logins = group.members.clone();
    // SAFETY: setpwent/getpwent/endpwent are used from one thread (the CLI's), and each
    // entry is copied before the next call.
    unsafe {
        libc::setpwent();
        loop {
            let entry = libc::getpwent();
            if entry.is_null() {
                break;
            }
            if (*entry).pw_gid == group.gid && !(*entry).pw_name.is_null() {
                logins.push(
                    CStr::from_ptr((*entry).pw_name)
                        .to_string_lossy()
                        .into_owned(),
                );
            }
        }
        libc::endpwent();
    }
    logins.sort();
    logins.dedup();
    logins
}

/// Whether this process is in group `gid` now (effective or supplementary), which is
/// what the kernel checks; a login added to a group gets it only at its next log-in.
#[must_use]
pub fn process_in_group(gid: u32) -> bool {
    // SAFETY: getegid cannot fail.
    if unsafe { libc::getegid() } == gid {
        return true;
    }
    // SAFETY: a zero-sized call only returns the count.
    let count = unsafe { libc::getgroups(0, std::ptr::null_mut()) };
    let Ok(len) = usize::try_from(count) else {
        return false;
    };
    let mut groups = vec![0; len];
    // SAFETY: `groups` has room for `count` entries.
    let filled = unsafe { libc::getgroups(count, groups.as_mut_ptr()) };
    let filled = usize::try_from(filled).unwrap_or(0);
    groups[..filled.min(len)].contains(&gid)
}

/// Whether the group database lists `login` in group `gid` (as a member or by its
/// primary group), whether or not this process has the group yet.
#[must_use]
pub fn listed_in_group(login: &str, gid: u32) -> bool {
    primary_gid(login) == Some(gid)
        || group_by_gid(gid).is_some_and(|g| g.members.iter().any(|m| m == login))
}

/// Whether the process may access `path` in `mode` (`libc::R_OK`, `W_OK`, `X_OK`).
#[must_use]
pub fn may(path: &Path, mode: i32) -> bool {
    let Ok(c_path) = CString::new(path.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `c_path` is a valid NUL-terminated string for the duration of the call.
    unsafe { libc::access(c_path.as_ptr(), mode) == 0 }
}

/// Sets the group of `path` (the owner stays); a user may give a file they own to any
/// group they are in.
///
/// # Errors
/// The OS error, e.g. not permitted.
pub fn set_group(path: &Path, gid: u32) -> std::io::Result<()> {
    std::os::unix::fs::chown(path, None, Some(gid))
}

/// The network file system `path` is on, by name, or `None` for a local one (or a path
/// that cannot be checked). SQLite's locks are not reliable on network file systems.
#[must_use]
pub fn network_file_system(path: &Path) -> Option<&'static str> {
    let c_path = CString::new(path.as_os_str().as_bytes()).ok()?;
    // SAFETY: a zeroed `statfs` is a valid value for the call to fill.
    let mut info: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: `c_path` is NUL-terminated and `info` is valid for writes.
    if unsafe { libc::statfs(c_path.as_ptr(), &raw mut info) } != 0 {
        return None;
    }
    #[allow(clippy::useless_conversion, clippy::unnecessary_cast)]
    network_kind(i64::from(info.f_type as i64))
}

/// The network file system whose `statfs` magic number (`f_type`, as in
/// `linux/magic.h`) is `magic`, by name, or `None` for a local one. A magic number
/// with its top bit set may come sign-extended (`f_type` is signed on some targets).
#[must_use]
pub fn network_kind(magic: i64) -> Option<&'static str> {
    const KINDS: &[(i64, &str)] = &[
        (0x6969, "NFS"),
        (0x517B, "SMB"),
        (0xFE53_4D42, "SMB2"),
        (0xFF53_4D42, "CIFS"),
        (0x6573_5546, "FUSE (sshfs or similar)"),
        (0x5346_414F, "AFS"),
        (0x6B41_4653, "AFS"),
        (0x00C3_6400, "Ceph"),
        (0x0102_1997, "9p"),
        (0x0BD0_0BD0, "Lustre"),
        (0x4750_4653, "GPFS"),
    ];
    let magic = magic & 0xFFFF_FFFF;
    KINDS
        .iter()
        .find(|(kind, _)| *kind == magic)
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::network_kind;

    /// Magic numbers from `linux/magic.h` (and `statfs(2)`), by file system.
    #[test]
    fn network_file_systems_are_told_from_local_ones_by_their_statfs_magic() {
        let cases: &[(i64, Option<&str>)] = &[
            (0x6969, Some("NFS")),
            (0x517B, Some("SMB")),
            (0xFE53_4D42, Some("SMB2")),
            (0xFF53_4D42, Some("CIFS")),
            // CIFS's magic as a signed 32-bit f_type, sign-extended.
            (-0x00AC_B2BE, Some("CIFS")),
            (0x6573_5546, Some("FUSE (sshfs or similar)")),
            (0x5346_414F, Some("AFS")),
            (0x6B41_4653, Some("AFS")),
            (0x00C3_6400, Some("Ceph")),
            (0x0102_1997, Some("9p")),
            (0x0BD0_0BD0, Some("Lustre")),
            (0x4750_4653, Some("GPFS")),
            (0xEF53, None),      // ext2/3/4
            (0x5846_5342, None), // XFS
            (0x9123_683E, None), // Btrfs
            (0x0102_1994, None), // tmpfs
            (0x794C_7630, None), // overlayfs (containers)
            (0x2FC1_2FC1, None), // ZFS
        ];
        for (magic, kind) in cases {
            assert_eq!(network_kind(*magic), *kind, "magic {magic:#x}");
        }
    }
}
