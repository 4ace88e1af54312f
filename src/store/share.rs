//! Sharing a database with a team: the mode and group of every file made for it, and
//! a sentence for each reason someone cannot open it.
//!
//! The rule: every file caseload (or SQLite, for it) creates beside or from a database
//! gets that database's group and its owner and group permission bits, whatever the
//! creator's umask. A new database is 0660 when it is shared (created with a group, or
//! in a setgid directory), 0600 otherwise. SQLite gives the `-wal` and `-shm` files
//! the database's mode itself; their group is the creator's unless the directory is
//! setgid, so [`adopt_companions`] hands them to the database's group.

use std::fs::{File, Metadata, OpenOptions, Permissions};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::error::{StoreError, StoreResult};
use crate::unix;

/// The files SQLite keeps beside a database in WAL mode.
pub const COMPANIONS: [&str; 2] = ["-wal", "-shm"];

/// The mode and group a new file for a database gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sharing {
    /// Permission bits (owner and group only).
    pub mode: u32,
    /// The group to give the file, if not the one it gets by itself.
    pub gid: Option<u32>,
}

impl Sharing {
    /// How files made from the existing database `metadata` are shared: its group and
    /// its owner and group bits.
    #[must_use]
    pub fn of(metadata: &Metadata) -> Self {
        Self {
            mode: metadata.mode() & 0o660,
            gid: Some(metadata.gid()),
        }
    }

    /// How a new database in `dir` is shared: with `gid` if given, with the
    /// directory's group if it is setgid, else by its owner only.
    #[must_use]
    pub fn for_new_database(dir: &Path, gid: Option<u32>) -> Self {
        match gid {
            Some(gid) => Self {
                mode: 0o660,
                gid: Some(gid),
            },
            None => match std::fs::metadata(dir) {
                Ok(m) if m.mode() & 0o2000 != 0 => Self {
                    mode: 0o660,
                    gid: Some(m.gid()),
                },
                _ => Self {
                    mode: 0o600,
                    gid: None,
                },
            },
        }
    }

    /// Creates `path`, which must not exist, with this mode and group whatever the
    /// umask.
    ///
    /// # Errors
    /// [`StoreError::AlreadyExists`] if something is there, or the OS error.
    pub fn create(self, path: &Path) -> StoreResult<File> {
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(self.mode)
            .open(path)
            .map_err(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => StoreError::AlreadyExists(path.to_path_buf()),
                _ => StoreError::Io(e),
            })?;
        let applied = self
            .gid
            .map_or(Ok(()), |gid| {
                std::os::unix::fs::fchown(&file, None, Some(gid))
            })
            .and_then(|()| file.set_permissions(Permissions::from_mode(self.mode)));
        if let Err(e) = applied {
            drop(file);
            let _ = std::fs::remove_file(path);
            return Err(StoreError::Io(e));
        }
        Ok(file)
    }
}

/// `path` with `suffix` appended to its file name (`team.db` + `-wal`).
#[must_use]
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A hidden name beside `path` for a file being built, unique to this process.
#[must_use]
pub fn partial_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    path.with_file_name(format!(".{name}.partial-{}", std::process::id()))
}

/// Removes the hidden partial files beside `path` (see [`partial_name`]) that this
/// user's processes left when killed outright (`kill -9`, a power cut): their process
/// has gone. Best effort.
pub fn remove_stale_partials(path: &Path) {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return;
    };
    let prefix = format!(".{name}.partial-");
    let Ok(entries) = std::fs::read_dir(directory_of(path)) else {
        return;
    };
    // SAFETY: geteuid cannot fail.
    let me = unsafe { libc::geteuid() };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let Ok(pid) = digits.parse::<libc::pid_t>() else {
            continue;
        };
        let mine = entry.metadata().is_ok_and(|m| m.uid() == me);
        // SAFETY: signal 0 only asks whether the process exists.
        let gone = unsafe { libc::kill(pid, 0) } != 0
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if mine && gone {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Gives the `-wal` and `-shm` files this process created the database's group and
/// mode, so the next colleague can open them. Best effort: a file someone else owns
/// is theirs to fix (and `caseload doctor` names it).
pub fn adopt_companions(db: &Path, metadata: &Metadata) {
    // SAFETY: geteuid cannot fail.
    let me = unsafe { libc::geteuid() };
    let wanted = Sharing::of(metadata);
    for suffix in COMPANIONS {
        let path = with_suffix(db, suffix);
        let Ok(m) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if m.uid() != me || !m.is_file() {
            continue;
        }
        if m.gid() != metadata.gid() {
            let _ = unix::set_group(&path, metadata.gid());
        }
        if m.mode() & 0o777 != wanted.mode {
            let _ = std::fs::set_permissions(&path, Permissions::from_mode(wanted.mode));
        }
    }
}

/// The directory a database file is in.
#[must_use]
pub fn directory_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Why the current user cannot reach `path` (a file or directory) whose metadata says
/// the group `gid` may: not in that group, or in it only since this log-in began.
fn group_refusal(path: &Path, gid: u32) -> Option<StoreError> {
    if unix::process_in_group(gid) {
        return None;
    }
    let login = crate::identity::os_login();
    Some(StoreError::NotInGroup {
        path: path.to_path_buf(),
        group: unix::group_name(gid),
        pending: unix::listed_in_group(&login, gid),
        login,
    })
}

/// The error for a database whose directory cannot be searched.
#[must_use]
pub fn unreachable(path: &Path) -> StoreError {
    let dir = directory_of(path);
    if let Ok(m) = std::fs::metadata(&dir) {
        if m.mode() & 0o010 != 0 {
            if let Some(refusal) = group_refusal(&dir, m.gid()) {
                return refusal;
            }
        }
    }
    StoreError::NoAccess {
        path: dir,
        need: "open",
    }
}

/// Checks, before SQLite tries, that the current user can open the database at `path`
/// (`metadata` is its own) for reading, and writing if `write`: the directory, the file
/// and its `-wal`/`-shm`. Each refusal is a sentence that says what to do.
///
/// # Errors
/// [`StoreError::NotInGroup`], [`StoreError::NoAccess`], [`StoreError::ReadOnlyFile`],
/// [`StoreError::ReadOnlyDirectory`], [`StoreError::CompanionNotShared`] or
/// [`StoreError::WorldWritableDirectory`].
pub fn check_access(path: &Path, metadata: &Metadata, write: bool) -> StoreResult<()> {
    let dir = directory_of(path);
    let dir_meta = std::fs::metadata(&dir)?;
    if dir_meta.mode() & 0o002 != 0 {
        return Err(StoreError::WorldWritableDirectory(dir));
    }
    if !unix::may(path, libc::R_OK) {
        if metadata.mode() & 0o040 != 0 {
            if let Some(refusal) = group_refusal(path, metadata.gid()) {
                return Err(refusal);
            }
        }
        return Err(StoreError::NoAccess {
            path: path.to_path_buf(),
            need: "read",
        });
    }
    if write && (metadata.permissions().readonly() || !unix::may(path, libc::W_OK)) {
        if metadata.mode() & 0o020 != 0 {
            if let Some(refusal) = group_refusal(path, metadata.gid()) {
                return Err(refusal);
            }
        }
        return Err(StoreError::ReadOnlyFile(path.to_path_buf()));
    }
    let mut missing = false;
    for suffix in COMPANIONS {
        let companion = with_suffix(path, suffix);
        match std::fs::metadata(&companion) {
            Ok(m) => {
                // Every connection writes its locks into the -shm; readers only read
                // the -wal.
                let need = if write || suffix == "-shm" {
                    libc::R_OK | libc::W_OK
                } else {
                    libc::R_OK
                };
                if !unix::may(&companion, need) {
                    if m.gid() == metadata.gid() && m.mode() & 0o060 == 0o060 {
                        if let Some(refusal) = group_refusal(&companion, m.gid()) {
                            return Err(refusal);
                        }
                    }
                    return Err(StoreError::CompanionNotShared {
                        path: companion,
                        owner: unix::user_name(m.uid()),
                        group: unix::group_name(metadata.gid()),
                    });
                }
            }
            Err(_) => missing = true,
        }
    }
    // A read-only session opens such a file as it is (see [`frozen`]).
    if write && missing && !unix::may(&dir, libc::W_OK | libc::X_OK) {
        return Err(StoreError::ReadOnlyDirectory {
            dir,
            db: path.to_path_buf(),
        });
    }
    Ok(())
}

/// Whether the database at `path` has no `-wal` or `-shm` beside it and this user may
/// not create them (a read-only directory, an archive copy). Nobody can be writing to
/// it then, so a read-only session reads the file as it is (SQLite's `immutable`),
/// where SQLite would otherwise refuse to open a WAL database at all.
#[must_use]
pub fn frozen(path: &Path) -> bool {
    let dir = directory_of(path);
    COMPANIONS
        .iter()
        .any(|suffix| std::fs::symlink_metadata(with_suffix(path, suffix)).is_err())
        && !unix::may(&dir, libc::W_OK | libc::X_OK)
}
