//! `caseload doctor`: checks a team set-up (the directory, the database and its
//! `-wal`/`-shm`, the group's members and the workers) and prints the fix for each
//! problem. Also the directory check `init --group` makes before creating anything.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::ExitCode;

use clap::Args;

use super::{CliResult, chosen_database};
use crate::store::share::{COMPANIONS, directory_of, with_suffix};
use crate::store::{Access, Store};
use crate::unix::{self, Group};

/// Options of `caseload doctor`.
#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The team's group [default: the database's group].
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,
}

/// Makes `dir` the team's directory for `init --group`: creates it setgid 2770 with
/// the group if it is missing, or checks that it already is.
///
/// # Errors
/// A sentence with the command that fixes the directory.
pub fn prepare_team_directory(dir: &Path, group: &Group) -> Result<(), String> {
    let name = &group.name;
    match std::fs::metadata(dir) {
        Ok(m) => {
            let problems = directory_problems(dir, &m, group);
            if problems.is_empty() {
                Ok(())
            } else {
                Err(format!(
                    "{} is not ready for the group {name} ({}): run `{}` first, or name a new directory for init to create",
                    dir.display(),
                    problems.join("; "),
                    directory_fix(dir, name)
                ))
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir(dir).map_err(|e| {
                format!(
                    "cannot create {}: {e} (its parent must exist and be writable by you)",
                    dir.display()
                )
            })?;
            // The group first: changing it may clear the setgid bit set before.
            unix::set_group(dir, group.gid)
                .and_then(|()| {
                    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o2770))
                })
                .map_err(|e| {
                    let _ = std::fs::remove_dir(dir);
                    format!(
                        "cannot give {} to the group {name}: {e} (run init as root, or as a member of {name})",
                        dir.display()
                    )
                })
        }
        Err(e) => Err(format!("cannot check {}: {e}", dir.display())),
    }
}

/// The command that makes `dir` the team's directory.
fn directory_fix(dir: &Path, group: &str) -> String {
    format!("chgrp {group} {0} && chmod 2770 {0}", dir.display())
}

/// What is wrong with the team directory `dir` (`m` its metadata), in words.
fn directory_problems(dir: &Path, m: &std::fs::Metadata, group: &Group) -> Vec<String> {
    let mut problems = Vec::new();
    let mode = m.mode() & 0o7777;
    if mode & 0o002 != 0 {
        problems.push(format!(
            "it is writable by every user (mode {mode:04o}), so anyone could plant a -wal file beside the database"
        ));
    }
    if m.gid() != group.gid {
        problems.push(format!(
            "its group is {}, not {}",
            unix::group_name(m.gid()),
            group.name
        ));
    }
    if mode & 0o2000 == 0 {
        problems.push(format!(
            "it is not setgid (mode {mode:04o}), so new files would get their creator's group"
        ));
    }
    if mode & 0o070 != 0o070 {
        problems.push(format!(
            "the group may not read, write and enter it (mode {mode:04o})"
        ));
    }
    if !dir.is_dir() {
        problems.push("it is not a directory".to_owned());
    }
    problems
}

/// Collects the report's lines and counts the problems.
#[derive(Default)]
struct Report {
    problems: usize,
}

/// Prints a check that passed.
fn ok(text: &str) {
    println!("  ok       {text}");
}

/// Prints a fact that is not a problem but worth knowing.
fn note(text: &str) {
    println!("  note     {text}");
}

impl Report {
    fn problem(&mut self, text: &str, fix: &str) {
        self.problems += 1;
        println!("  PROBLEM  {text}");
        println!("           fix: {fix}");
    }
}

/// `caseload doctor`.
///
/// # Errors
/// A config file that cannot be read; every finding about the set-up is printed instead.
pub fn run(db: Option<&Path>, args: &DoctorArgs) -> CliResult {
    let (path, source) = chosen_database(db, "caseload.db")?;
    if crate::store::postgres_url(&path).is_some() {
        return Err(crate::store::StoreError::SqliteOnly {
            what: "caseload doctor",
            instead: "on PostgreSQL the server checks its own files and logins; `caseload info` says whether you can sign in",
        }
        .into());
    }
    let dir = directory_of(&path);
    let db_meta = std::fs::metadata(&path).ok();
    let group = match &args.group {
        Some(name) => unix::group_by_name(name),
        None => db_meta
            .clone()
            .or_else(|| std::fs::metadata(&dir).ok())
            .and_then(|m| unix::group_by_gid(m.gid())),
    };
    println!("Checking {} (chosen by {source})", path.display());
    let mut report = Report::default();
    let Some(group) = group else {
        let name = args.group.as_deref().unwrap_or("TEAM");
        report.problem(
            &format!("there is no group {name} on this machine"),
            &format!("groupadd {name}"),
        );
        return Ok(finish(&report));
    };
    println!("for the group {}:", group.name);
    check_directory(&mut report, &dir, &group);
    let Some(db_meta) = db_meta else {
        report.problem(
            &format!("there is no database at {}", path.display()),
            &format!(
                "caseload init --db {} --group {}",
                path.display(),
                group.name
            ),
        );
        return Ok(finish(&report));
    };
    check_file(&mut report, &path, &db_meta, &group);
    for suffix in COMPANIONS {
        let companion = with_suffix(&path, suffix);
        match std::fs::symlink_metadata(&companion) {
            Ok(m) => check_file(&mut report, &companion, &m, &group),
            Err(_) => note(&format!(
                "{} is not there yet: the next session creates it",
                companion.display()
            )),
        }
    }
    match Store::open(&path, Access::ReadOnly) {
        Ok(store) => check_people(&mut report, &store, &group)?,
        Err(e) => report.problem(
            &format!("you cannot open the database: {e}"),
            "fix the problems above, or run doctor as root or a member of the group",
        ),
    }
    check_system_config(&mut report, &path);
    Ok(finish(&report))
}

fn finish(report: &Report) -> ExitCode {
    if report.problems == 0 {
        println!("No problems found.");
        ExitCode::SUCCESS
    } else {
        println!(
            "{} problem(s): run each fix (as root, or as the file's owner), then `caseload doctor` again.",
            report.problems
        );
        ExitCode::FAILURE
    }
}

fn check_directory(report: &mut Report, dir: &Path, group: &Group) {
    let Ok(m) = std::fs::metadata(dir) else {
        report.problem(
            &format!("the directory {} is missing", dir.display()),
            &format!(
                "caseload init --db {}/DATABASE --group {} (creates it)",
                dir.display(),
                group.name
            ),
        );
        return;
    };
    let problems = directory_problems(dir, &m, group);
    if problems.is_empty() {
        ok(&format!(
            "directory {}: group {}, mode {:04o}",
            dir.display(),
            group.name,
            m.mode() & 0o7777
        ));
    }
    for problem in problems {
        report.problem(
            &format!("directory {}: {problem}", dir.display()),
            &directory_fix(dir, &group.name),
        );
    }
    match unix::network_file_system(dir) {
        Some(kind) => report.problem(
            &format!(
                "{} is on a network file system ({kind}), where SQLite's locks are not reliable and the database can be damaged",
                dir.display()
            ),
            "move the database to a disk of the server itself, and let people log in to it",
        ),
        None => ok(&format!("{} is on a local disk", dir.display())),
    }
}

fn check_file(report: &mut Report, path: &Path, m: &std::fs::Metadata, group: &Group) {
    let fix = format!("chgrp {} {1} && chmod 660 {1}", group.name, path.display());
    if !m.is_file() {
        report.problem(
            &format!("{} is not a plain file (a link?)", path.display()),
            &format!(
                "remove it (rm {}) and open the database again",
                path.display()
            ),
        );
        return;
    }
    let mode = m.mode() & 0o777;
    let mut wrong = Vec::new();
    if m.gid() != group.gid {
        wrong.push(format!(
            "its group is {}, not {}",
            unix::group_name(m.gid()),
            group.name
        ));
    }
    if mode & 0o060 != 0o060 {
        wrong.push(format!(
            "the group may not read and write it (mode {mode:04o})"
        ));
    }
    if mode & 0o007 != 0 {
        wrong.push(format!("other users may use it (mode {mode:04o})"));
    }
    if wrong.is_empty() {
        ok(&format!(
            "{}: group {}, mode {mode:04o}",
            path.display(),
            group.name
        ));
    }
    for problem in wrong {
        report.problem(&format!("{}: {problem}", path.display()), &fix);
    }
}

/// Members of the group without an active worker record; active workers whose login
/// is missing here or not in the group.
fn check_people(
    report: &mut Report,
    store: &Store,
    group: &Group,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut fine = true;
    for member in unix::members(group) {
        if store.worker_by_login(&member)?.is_none() {
            fine = false;
            report.problem(
                &format!(
                    "{member} is in the group {} but has no active worker record, so can only read",
                    group.name
                ),
                &format!(
                    "caseload worker add --name \"FULL NAME\" --login {member} --role ROLE --area AREA"
                ),
            );
        }
    }
    for worker in store.workers()? {
        let Some(login) = worker.login.as_deref() else {
            continue;
        };
        if store.worker_by_login(login)?.map(|w| w.id) != Some(worker.id) {
            continue; // no longer active: a leaver's login may rightly be gone
        }
        if unix::primary_gid(login).is_none() {
            fine = false;
            report.problem(
                &format!(
                    "worker {} has the login {login}, which does not exist on this machine",
                    worker.name
                ),
                &format!(
                    "useradd -m -G {} {login} (or correct the worker's login)",
                    group.name
                ),
            );
        } else if login != "root" && !unix::listed_in_group(login, group.gid) {
            fine = false;
            report.problem(
                &format!(
                    "worker {} ({login}) is not in the group {}, so cannot open the database",
                    worker.name, group.name
                ),
                &format!(
                    "usermod -aG {} {login} (then they log out and in again)",
                    group.name
                ),
            );
        }
    }
    if fine {
        ok(&format!(
            "every member of {} has an active worker record, and every active worker's login is in it",
            group.name
        ));
    }
    Ok(())
}

/// Whether members get this database without `--db`.
fn check_system_config(report: &mut Report, path: &Path) {
    let system = crate::config::system_config_path();
    if let Ok(m) = std::fs::metadata(&system) {
        let dir = directory_of(&system);
        let dir_mode = std::fs::metadata(&dir).map_or(0o755, |d| d.mode() & 0o7777);
        if dir_mode & 0o005 != 0o005 {
            report.problem(
                &format!(
                    "the directory {} cannot be entered by the members (mode {dir_mode:04o}), so caseload refuses to start for them",
                    dir.display()
                ),
                &format!("chmod 755 {}", dir.display()),
            );
            return;
        }
        if m.mode() & 0o004 == 0 {
            report.problem(
                &format!(
                    "{} cannot be read by the members (mode {:04o}), so caseload refuses to start for them",
                    system.display(),
                    m.mode() & 0o7777
                ),
                &format!("chmod 644 {}", system.display()),
            );
            return;
        }
    }
    let configured = crate::config::load(&system).ok().and_then(|s| s.db);
    if configured.as_deref() == Some(path) {
        ok(&format!(
            "{} names this database, so members need no --db",
            system.display()
        ));
    } else {
        note(&format!(
            "members need --db or {} unless {} says db = \"{}\"",
            crate::config::DB_VARIABLE,
            system.display(),
            path.display()
        ));
    }
}
