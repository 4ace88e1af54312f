//! Command-line interface: parse, then call the same store/domain code the TUI uses.

mod doctor;
mod exchange;
mod migrate;
mod sample;
mod staff;
mod waiting;

pub use waiting::EXIT_BUSY;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::app::Session;
use crate::config::DbSource;
use crate::demo::{self, DemoOptions};
use crate::domain::dates::parse_date;
use crate::domain::model::Role;
use crate::store::{Access, Actor, Store};
use crate::wallclock::WallClock;

/// Caseload triage for criminal-justice drug and alcohol teams.
#[derive(Debug, Parser)]
#[command(name = "caseload", version, about, long_about = None)]
pub struct Cli {
    /// Database file, or a PostgreSQL database's postgres:// URL [default: `CASELOAD_DB`,
    /// else `db` in your config, else in /etc/caseload/config.toml, else caseload.db in
    /// the XDG data directory; for `demo`, demo.db there].
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Treat this day as today (dd/mm/yyyy or yyyy-mm-dd): for demos, training and tests.
    #[arg(long, global = true, value_name = "DATE")]
    pub today: Option<String>,
    /// Open the database without any possibility of changing records (what you open
    /// and export is still written to the access log).
    #[arg(long, global = true)]
    pub readonly: bool,
    /// Show initials and references instead of names (for screen sharing); R toggles.
    #[arg(long, global = true)]
    pub redact: bool,
    /// How long a change waits for a colleague's (an import, say) before giving up
    /// with exit status 75 [default: `wait_seconds` in the config files, else 120].
    #[arg(long, global = true, value_name = "SECONDS")]
    pub wait: Option<u64>,
    /// Open the TUI on your own clients, your area or all areas [default: the scope you
    /// left last time, else mine for a care co-ordinator, area for others].
    #[arg(long, global = true, value_enum)]
    pub scope: Option<crate::app::Scope>,
    /// What to do; without one, the TUI opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create (if absent) a synthetic demo database and open the TUI on it.
    Demo(DemoArgs),
    /// Create a new, empty database and make your OS login its first admin.
    Init(InitArgs),
    /// Check the database's integrity and foreign keys; exits 1 on any problem.
    Check,
    /// Show the database in use and why, the config files, your OS login and its role.
    Info,
    /// Check a team set-up (directory, files, group, workers) and print the fix for
    /// each problem; exits 1 on any problem.
    Doctor(doctor::DoctorArgs),
    /// The quarterly return: figures, KPIs and definitions for a period.
    Report(exchange::ReportArgs),
    /// The quarterly re-offending sample: draw it, show it, record offences.
    #[command(subcommand)]
    Sample(sample::SampleCommand),
    /// Record a custody suite's day: adults charged with a trigger offence, and tested.
    Tally(exchange::TallyArgs),
    /// Import a CSV file (a dry run unless --apply).
    #[command(after_help = crate::transfer::parse::columns_help())]
    Import(exchange::ImportArgs),
    /// Export the caseload, breaches, releases or audit log as CSV or JSON.
    Export(exchange::ExportArgs),
    /// Copy the database while others work, verified before success.
    Backup {
        /// The new file to create.
        file: PathBuf,
    },
    /// Copy a team's SQLite database into a new, empty PostgreSQL database, verified
    /// by counting every table; then point `--db`, `CASELOAD_DB` or `db =` at it.
    Migrate(migrate::MigrateArgs),
    /// Manage workers (admins only).
    #[command(subcommand)]
    Worker(WorkerCommand),
    /// Manage areas (admins only).
    #[command(subcommand)]
    Area(AreaCommand),
}

/// `caseload worker ...`.
#[derive(Debug, Subcommand)]
pub enum WorkerCommand {
    /// Add a worker, matched to an OS login.
    Add {
        /// Full name.
        #[arg(long)]
        name: String,
        /// OS login they sign in as.
        #[arg(long)]
        login: String,
        /// Role: `care_coordinator`, `team_leader`, `support` or `admin`.
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Home area, by name (admins may have none).
        #[arg(long)]
        area: Option<String>,
    },
    /// List workers.
    List,
    /// Change a worker's role.
    SetRole {
        /// The worker's OS login.
        #[arg(long)]
        login: String,
        /// Role: `care_coordinator`, `team_leader`, `support` or `admin`.
        #[arg(long, value_parser = parse_role)]
        role: Role,
    },
}

/// `caseload area ...`.
#[derive(Debug, Subcommand)]
pub enum AreaCommand {
    /// Add an area.
    Add {
        /// Name, unique ignoring case.
        name: String,
        /// The area tests in custody (KPIs 1 and 2 apply).
        #[arg(long)]
        intensive: bool,
    },
    /// List areas.
    List,
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::from_code(text).ok_or_else(|| {
        let codes: Vec<&str> = Role::ALL.iter().map(|r| r.code()).collect();
        format!("unknown role '{text}': use one of {}", codes.join(", "))
    })
}

/// Options of `caseload init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Share the database with this OS group: the files get mode 0660 and the group,
    /// and a missing directory is created setgid (2770) for it.
    #[arg(long, value_name = "GROUP")]
    pub group: Option<String>,
}

/// Options of `caseload demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Seed of the generator: the same seed and --today give the same data.
    #[arg(long, default_value_t = 2014)]
    pub seed: u64,
    /// Number of clients to generate.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub clients: u64,
    /// Create the database and exit without opening the TUI (for scripts and benchmarks).
    #[arg(long)]
    pub no_tui: bool,
}

/// An error for the user: printed as one sentence after `caseload:`.
pub(crate) type CliResult = Result<ExitCode, Box<dyn std::error::Error>>;

/// Runs the parsed command line.
///
/// # Errors
/// Any failure, with a message that names the problem and the fix.
pub fn run(cli: &Cli) -> CliResult {
    let mut clock = WallClock::default();
    if let Some(text) = &cli.today {
        let day = parse_date(text, clock.today()).map_err(|e| format!("--today: {e}"))?;
        clock.today_override = Some(day);
    }
    waiting::configure(cli.wait, cli.command.as_ref());
    let access = if cli.readonly {
        Access::ReadOnly
    } else {
        Access::ReadWrite
    };
    match &cli.command {
        None => {
            let path = database_path(cli.db.as_deref(), "caseload.db")?;
            let mut store = Store::open(&path, access)?;
            open_tui(&mut store, clock, cli)
        }
        Some(Command::Demo(args)) => run_demo(cli, args, clock),
        Some(Command::Init(args)) => run_init(cli.db.as_deref(), args, clock),
        Some(Command::Check) => run_check(cli.db.as_deref()),
        Some(Command::Doctor(args)) => doctor::run(cli.db.as_deref(), args),
        Some(Command::Info) => run_info(cli.db.as_deref()),
        Some(Command::Report(args)) => exchange::run_report(cli.db.as_deref(), clock, args),
        Some(Command::Sample(command)) => sample::run_sample(cli.db.as_deref(), clock, command),
        Some(Command::Tally(args)) => exchange::run_tally(cli.db.as_deref(), clock, args),
        Some(Command::Import(args)) => exchange::run_import(cli.db.as_deref(), clock, args),
        Some(Command::Export(args)) => exchange::run_export(cli.db.as_deref(), clock, args),
        Some(Command::Backup { file }) => exchange::run_backup(cli.db.as_deref(), file),
        Some(Command::Migrate(args)) => migrate::run(args, clock),
        Some(Command::Worker(command)) => staff::run_worker(
            &database_path(cli.db.as_deref(), "caseload.db")?,
            command,
            clock,
        ),
        Some(Command::Area(command)) => staff::run_area(
            &database_path(cli.db.as_deref(), "caseload.db")?,
            command,
            clock,
        ),
    }
}

fn open_tui(store: &mut Store, clock: WallClock, cli: &Cli) -> CliResult {
    let readonly = cli.readonly;
    let login = crate::identity::os_login();
    let worker = store.worker_by_login(&login)?;
    let session = Session {
        read_only: readonly || worker.is_none(),
        redact: cli.redact,
        worker,
        login,
        database: store
            .path()
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
    };
    let settings = crate::config::load_all()?;
    crate::tui::run(store, session, settings, clock, cli.scope)?;
    Ok(ExitCode::SUCCESS)
}

/// The database path: `--db`, `CASELOAD_DB`, `db` in the user's or the system's
/// config file, else `file_name` in the data directory.
fn database_path(
    db: Option<&Path>,
    file_name: &str,
) -> Result<PathBuf, Box<dyn std::error::Error>> {
    Ok(chosen_database(db, file_name)?.0)
}

/// [`database_path`] and where it came from.
fn chosen_database(
    db: Option<&Path>,
    file_name: &str,
) -> Result<(PathBuf, DbSource), Box<dyn std::error::Error>> {
    match crate::config::chosen_database(db)? {
        Some(choice) => Ok(choice),
        None => Ok((default_path(None, file_name)?, DbSource::Default)),
    }
}

/// `db` if given, else `file_name` in the data directory (created with owner-only
/// permissions if missing).
fn default_path(db: Option<&Path>, file_name: &str) -> Result<PathBuf, Box<dyn std::error::Error>> {
    if let Some(path) = db {
        return Ok(path.to_path_buf());
    }
    let dirs = directories::ProjectDirs::from("", "", "caseload")
        .ok_or("cannot find your home directory: pass --db PATH")?;
    let dir = dirs.data_dir();
    if !dir.is_dir() {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| format!("cannot create {}: {e}; pass --db PATH", dir.display()))?;
    }
    Ok(dir.join(file_name))
}

fn run_demo(cli: &Cli, args: &DemoArgs, clock: WallClock) -> CliResult {
    // Never the team's database: only --db or the demo file in the data directory.
    let path = default_path(cli.db.as_deref(), "demo.db")?;
    let actor = Actor {
        login: crate::identity::os_login(),
        now: clock.now(),
    };
    let mut store = if path.exists() {
        eprintln!(
            "Using the existing demo database {} (delete it to generate a fresh one).",
            path.display()
        );
        Store::open(&path, Access::ReadWrite)?
    } else {
        let options = DemoOptions {
            seed: args.seed,
            today: clock.today(),
            clients: usize::try_from(args.clients).unwrap_or(usize::MAX),
        };
        // Built aside and renamed when complete: an interrupted demo leaves nothing
        // that the next one would take for a finished database.
        let (store, summary) =
            Store::create_with(&path, None, |store| demo::generate(store, &actor, &options))?;
        eprintln!(
            "Created demo database {}: {} clients, {} episodes, {} contacts, {} workers (synthetic people only).",
            store.path().display(),
            summary.clients,
            summary.episodes,
            summary.contacts,
            summary.workers
        );
        store
    };
    demo::claim_demo_lead(&mut store, &actor)?;
    if args.no_tui {
        return Ok(ExitCode::SUCCESS);
    }
    open_tui(&mut store, clock, cli)
}

fn run_init(db: Option<&Path>, args: &InitArgs, clock: WallClock) -> CliResult {
    let (path, source) = chosen_database(db, "caseload.db")?;
    if let Some(url) = crate::store::postgres_url(&path) {
        // Before anything looks for a directory or group by that name.
        return init_postgres(url, args, clock);
    }
    let gid = match &args.group {
        Some(name) => {
            let group = crate::unix::group_by_name(name).ok_or_else(|| {
                format!(
                    "there is no group {name} on this machine: create it first (groupadd {name})"
                )
            })?;
            // SAFETY: geteuid cannot fail.
            let root = unsafe { libc::geteuid() } == 0;
            if !root && !crate::unix::process_in_group(group.gid) {
                return Err(format!(
                    "you are not in the group {name}, so cannot give it the database: run init as root (sudo), or join the group and log in again first"
                )
                .into());
            }
            doctor::prepare_team_directory(&crate::store::share::directory_of(&path), &group)?;
            Some(group.gid)
        }
        None => None,
    };
    let login = crate::identity::os_login();
    let actor = Actor {
        login: login.clone(),
        now: clock.now(),
    };
    Store::create_with(&path, gid, |store| store.add_first_admin(&actor))?;
    println!("Created {}; {login} is its first admin.", path.display());
    if let Some(group) = &args.group {
        println!(
            "Shared with the group {group} (mode 0660). Next: `caseload worker add` for each member{}.",
            if source == DbSource::Flag {
                format!(
                    ", and `db = \"{}\"` in {} so that members need no --db",
                    path.display(),
                    crate::config::system_config_path().display()
                )
            } else {
                String::new()
            }
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `caseload init` on a PostgreSQL URL: the schema, and this login its first admin.
fn init_postgres(url: &str, args: &InitArgs, clock: WallClock) -> CliResult {
    if args.group.is_some() {
        return Err(
            "--group shares an SQLite file with a Unix group; on PostgreSQL each worker \
             connects as their own role instead: leave out --group"
                .into(),
        );
    }
    let actor = Actor {
        login: crate::identity::os_login(),
        now: clock.now(),
    };
    let (store, _) =
        Store::create_with(Path::new(url), None, |store| store.add_first_admin(&actor))?;
    println!(
        "Created caseload's tables in {}; {} is its first admin.",
        store.path().display(),
        actor.login
    );
    staff::enrol(&store, &actor.login);
    Ok(ExitCode::SUCCESS)
}

fn run_info(db: Option<&Path>) -> CliResult {
    let (path, source) = chosen_database(db, "caseload.db")?;
    let login = crate::identity::os_login();
    let postgres = crate::store::postgres_url(&path);
    if let Some(url) = postgres {
        println!("database:  {} (PostgreSQL)", crate::store::shown_url(url));
    } else {
        let state = match path.try_exists() {
            Ok(true) => "",
            Ok(false) => " (does not exist)",
            Err(_) => " (you may not reach it)",
        };
        println!("database:  {}{state}", path.display());
    }
    println!("chosen by: {source}");
    match crate::config::config_path() {
        Some(config) => {
            let state = if config.exists() {
                ""
            } else {
                " (not present: defaults in use)"
            };
            println!("config:    {}{state}", config.display());
        }
        None => println!("config:    none (no home directory)"),
    }
    let system = crate::config::system_config_path();
    println!(
        "system:    {}{}",
        system.display(),
        if system.exists() {
            ""
        } else {
            " (not present)"
        }
    );
    if let Some(dir) = path.parent().filter(|_| postgres.is_none()) {
        println!("data dir:  {}", dir.display());
    }
    let role = match Store::open(&path, Access::ReadOnly) {
        Ok(store) => match store.worker_by_login(&login)? {
            Some(w) => format!(
                "{} ({})",
                w.role.label(),
                crate::domain::safe_text::visible(&w.name)
            ),
            None => "none: read-only (an admin adds you with `caseload worker add`)".to_owned(),
        },
        Err(e) => format!("unknown: {e}"),
    };
    println!("OS login:  {login}");
    println!("role:      {role}");
    Ok(ExitCode::SUCCESS)
}

fn run_check(db: Option<&Path>) -> CliResult {
    let path = database_path(db, "caseload.db")?;
    let store = Store::open(&path, Access::ReadOnly)?;
    let problems = store.check()?;
    if problems.is_empty() {
        println!("{}: ok ({})", store.path().display(), store.check_covers());
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "{}: {} problem(s) found",
            store.path().display(),
            problems.len()
        );
        for problem in &problems {
            println!("  {problem}");
        }
        Ok(ExitCode::FAILURE)
    }
}
