//! `caseload doctor` on a database reached through a network-style file system: a real
//! FUSE mount (`bindfs`, which mirrors a local directory). It needs root, `/dev/fuse`
//! and bindfs (`.ci/run` installs it), and says so when skipped.

use std::path::Path;
use std::process::Command;

use crate::team::{isolate, run, stderr, stdout};

/// A bindfs mount of `source` on `target`, unmounted on drop (even by a panic).
struct Mount<'a> {
    target: &'a Path,
}

impl<'a> Mount<'a> {
    /// Mounts, or says why the test is skipped.
    fn bindfs(source: &Path, target: &'a Path) -> Option<Self> {
        // SAFETY: geteuid cannot fail.
        if unsafe { libc::geteuid() } != 0 || !Path::new("/dev/fuse").exists() {
            eprintln!("skipped the FUSE doctor test: mounting needs root and /dev/fuse");
            return None;
        }
        match Command::new("bindfs").arg(source).arg(target).status() {
            Ok(status) if status.success() => Some(Self { target }),
            other => {
                eprintln!(
                    "skipped the FUSE doctor test: bindfs did not mount ({other:?}); \
                     apt-get install bindfs"
                );
                None
            }
        }
    }
}

impl Drop for Mount<'_> {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.target).status();
    }
}

#[test]
fn doctor_refuses_a_database_on_a_fuse_mount_and_accepts_it_on_the_local_disk() {
    let home = tempfile::tempdir().unwrap();
    let local = home.path().join("disk");
    let mounted = home.path().join("net");
    std::fs::create_dir(&mounted).unwrap();
    let group = caseload::unix::group_name(
        // SAFETY: getegid cannot fail.
        unsafe { libc::getegid() },
    );
    let caseload = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_caseload"));
        isolate(&mut command, home.path());
        command
    };
    let init = run(caseload()
        .args(["init", "--db"])
        .arg(local.join("team.db"))
        .args(["--group", &group]));
    assert!(init.status.success(), "{}", stderr(&init));
    let Some(_mount) = Mount::bindfs(&local, &mounted) else {
        return;
    };
    let doctor = |dir: &Path| {
        run(caseload()
            .arg("doctor")
            .arg("--db")
            .arg(dir.join("team.db")))
    };
    let on_disk = doctor(&local);
    assert!(on_disk.status.success(), "{}", stdout(&on_disk));
    assert!(
        stdout(&on_disk).contains(&format!("ok       {} is on a local disk", local.display())),
        "{}",
        stdout(&on_disk)
    );
    let over_fuse = doctor(&mounted);
    let text = stdout(&over_fuse);
    assert_eq!(over_fuse.status.code(), Some(1), "{text}");
    for expected in [
        format!(
            "PROBLEM  {} is on a network file system (FUSE (sshfs or similar)), where SQLite's \
             locks are not reliable and the database can be damaged",
            mounted.display()
        ),
        "fix: move the database to a disk of the server itself, and let people log in to it"
            .to_owned(),
    ] {
        assert!(text.contains(&expected), "missing {expected:?} in\n{text}");
    }
}
