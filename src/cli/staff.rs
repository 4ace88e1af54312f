//! `caseload worker ...` and `caseload area ...`: thin commands over the store's
//! admin-only staff changes. The store refuses anyone but an admin; every command asks
//! the same role rule first, since the staff list names everyone's login.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::{AreaCommand, CliResult, WorkerCommand};
use crate::domain::roles::Operation;
use crate::domain::safe_text::visible;
use crate::store::{Access, Actor, NewArea, NewWorker, StaffChange, Store};
use crate::wallclock::WallClock;

/// Opens the store for `caseload worker/area` as the OS login, refusing non-admins.
fn open_as_admin(
    path: &Path,
    clock: WallClock,
) -> Result<(Store, Actor), Box<dyn std::error::Error>> {
    let store = Store::open(path, Access::ReadWrite)?;
    let login = crate::identity::os_login();
    store.authorise(&login, Operation::ManageStaff, None)?;
    Ok((
        store,
        Actor {
            login,
            now: clock.now(),
        },
    ))
}

/// Runs a `caseload worker` command.
///
/// # Errors
/// A sentence naming the problem: not an admin, unknown area or login, a conflict.
pub fn run_worker(path: &Path, command: &WorkerCommand, clock: WallClock) -> CliResult {
    let (mut store, actor) = open_as_admin(path, clock)?;
    match command {
        WorkerCommand::Add {
            name,
            login,
            role,
            area,
        } => {
            let area_id = match area {
                Some(name) => Some(area_id(&store, name)?),
                None => None,
            };
            let change = StaffChange::AddWorker(NewWorker {
                name: name.clone(),
                login: Some(login.clone()),
                role: *role,
                area_id,
            });
            store.manage_staff(&actor, &change)?;
            println!("Added {} ({}) as {role}.", visible(name), visible(login));
            enrol(&store, login);
        }
        WorkerCommand::List => {
            let areas = store.areas()?;
            for w in store.workers()? {
                let area = areas
                    .iter()
                    .find(|a| Some(a.id) == w.area_id)
                    .map_or("-", |a| a.name.as_str());
                println!(
                    "{:<16} {:<28} {:<18} {}",
                    visible(w.login.as_deref().unwrap_or("-")),
                    visible(&w.name),
                    w.role.code(),
                    visible(area)
                );
            }
        }
        WorkerCommand::SetRole { login, role } => {
            let worker = store.worker_version(login)?;
            store.manage_staff(
                &actor,
                &StaffChange::SetRole {
                    worker,
                    role: *role,
                },
            )?;
            println!("{} is now {role}.", visible(login));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs a `caseload area` command.
///
/// # Errors
/// A sentence naming the problem: not an admin, a name already taken.
pub fn run_area(path: &Path, command: &AreaCommand, clock: WallClock) -> CliResult {
    let (mut store, actor) = open_as_admin(path, clock)?;
    match command {
        AreaCommand::Add { name, intensive } => {
            let change = StaffChange::AddArea(NewArea {
                name: name.clone(),
                intensive: *intensive,
            });
            store.manage_staff(&actor, &change)?;
            println!("Added area {}.", visible(name));
        }
        AreaCommand::List => {
            for area in store.areas()? {
                let kind = if area.intensive {
                    "intensive"
                } else {
                    "non-intensive"
                };
                println!("{:<28} {kind}", visible(&area.name));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// On PostgreSQL, makes `login` a role its worker connects as, or says who can.
pub fn enrol(store: &Store, login: &str) {
    if store.location().file().is_some() {
        return;
    }
    match store.enrol(login) {
        Ok(_) => println!(
            "{} may connect as the PostgreSQL role of that name (peer or certificate authentication).",
            visible(login)
        ),
        Err(e) => println!(
            "{} is not a PostgreSQL role yet ({e}): the database's owner makes it one with \
             psql -c \"SELECT caseload_enrol('{}')\"",
            visible(login),
            visible(login)
        ),
    }
}

fn area_id(store: &Store, name: &str) -> Result<i64, Box<dyn std::error::Error>> {
    let areas = store.areas()?;
    areas
        .iter()
        .find(|a| a.name.eq_ignore_ascii_case(name.trim()))
        .map(|a| a.id)
        .ok_or_else(|| {
            let names: Vec<&str> = areas.iter().map(|a| a.name.as_str()).collect();
            format!(
                "no area called '{name}': use one of {} (or add it with `caseload area add`)",
                names.join(", ")
            )
            .into()
        })
}
