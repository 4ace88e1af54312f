//! The reporting and data-exchange subcommands: report, tally, import, export,
//! backup (and the helpers `sample` shares). Each parses its options and calls `report`, `transfer` or `store`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::{CliResult, database_path};
use crate::domain::dates::parse_date;
use crate::domain::period::Period;
use crate::domain::safe_text::{visible, visible_json, visible_lines};
use crate::domain::substances::AlcoholRule;
use crate::report::{self, ReportOptions, render::Format};
use crate::store::{Access, AccessEntry, Actor, ExportKind, Looked, NewTally, Store};
use crate::transfer::export::{self, ExportFormat};
use crate::transfer::{import, parse::Kind};
use crate::wallclock::WallClock;

/// Which period: a quarter, a financial year, or dates.
#[derive(Debug, Args)]
pub struct PeriodArgs {
    /// A financial-year quarter, e.g. 2014-15:Q3 (Q1 = April-June).
    #[arg(long, conflicts_with_all = ["year", "from"])]
    pub quarter: Option<String>,
    /// A financial year, e.g. 2014-15 (April to March).
    #[arg(long, conflicts_with = "from")]
    pub year: Option<String>,
    /// First day (dd/mm/yyyy or yyyy-mm-dd); needs --to.
    #[arg(long, requires = "to")]
    pub from: Option<String>,
    /// Last day, inclusive; needs --from.
    #[arg(long, requires = "from")]
    pub to: Option<String>,
}

impl PeriodArgs {
    /// The period asked for; without one, the last complete quarter before `today`.
    fn period(&self, today: chrono::NaiveDate) -> Result<Period, Box<dyn std::error::Error>> {
        Ok(match (&self.quarter, &self.year, &self.from, &self.to) {
            (Some(q), ..) => Period::parse(q)?,
            (_, Some(y), ..) => Period::parse(y)?,
            (_, _, Some(from), Some(to)) => Period::between(
                parse_date(from, today).map_err(|e| format!("--from: {e}"))?,
                parse_date(to, today).map_err(|e| format!("--to: {e}"))?,
            )?,
            _ => Period::last_complete_quarter(today),
        })
    }
}

/// Options of `caseload report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    /// The period [default: the last complete quarter].
    #[command(flatten)]
    pub period: PeriodArgs,
    /// One area only (by name); all areas if absent.
    #[arg(long)]
    pub area: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Show counts of 1-4 as "<5" (and hide their percentages) for publication.
    #[arg(long)]
    pub suppress_small: bool,
}

/// Options of `caseload tally`.
#[derive(Debug, Args)]
pub struct TallyArgs {
    /// Area name.
    #[arg(long)]
    pub area: String,
    /// Day (dd/mm/yyyy or yyyy-mm-dd).
    #[arg(long)]
    pub date: String,
    /// Adults charged with a trigger offence that day.
    #[arg(long)]
    pub charged: u32,
    /// Of those, how many were drug tested.
    #[arg(long)]
    pub tested: u32,
    /// Of those tested, how many were positive (opiates, cocaine or both); KPI 2 counts
    /// them, clients or not.
    #[arg(long, default_value_t = 0)]
    pub positive: u32,
    /// Replace the day's tally if the area already has one (the audit log keeps both).
    #[arg(long)]
    pub replace: bool,
}

/// Options of `caseload import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What the file holds.
    #[arg(value_enum)]
    pub kind: Kind,
    /// CSV file (UTF-8, header row first).
    pub file: PathBuf,
    /// Write the rows (all or none); without it, only report what would happen.
    #[arg(long)]
    pub apply: bool,
}

/// Options of `caseload export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// What to export.
    #[arg(value_enum)]
    pub kind: ExportKind,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExportFormat::Csv)]
    pub format: ExportFormat,
    /// Reduce names to initials and blank dates of birth and NHS numbers.
    #[arg(long)]
    pub redact: bool,
    /// Write to this new file (shared as the database is: its group, no one else) instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

pub(super) fn open(db: Option<&Path>, access: Access) -> Result<Store, Box<dyn std::error::Error>> {
    Ok(Store::open(&database_path(db, "caseload.db")?, access)?)
}

/// The actor for a write: the OS login, which must belong to an active worker.
pub(super) fn writer(store: &Store, clock: WallClock) -> Result<Actor, Box<dyn std::error::Error>> {
    let login = crate::identity::os_login();
    if store.worker_by_login(&login)?.is_none() {
        return Err(format!(
            "your login '{login}' is not an active worker in this database: nothing was written (ask an admin to add you)"
        )
        .into());
    }
    Ok(Actor {
        login,
        now: clock.now(),
    })
}

/// Appends what is about to be shown to the access log, before it is shown: client
/// data nobody can account for is not shown at all.
pub(super) fn log_access(
    store: &mut Store,
    clock: WallClock,
    looked: Looked,
) -> Result<(), Box<dyn std::error::Error>> {
    let entry = AccessEntry {
        at: clock.now(),
        looked,
    };
    let wait = store.lock_wait();
    store
        .log_access(&crate::identity::os_login(), &[entry], wait)
        .map_err(|e| {
            format!("nothing was shown, because every look at client data is logged and the access log could not be written: {e}").into()
        })
}

/// Writes `text` as it is to a new file shared as the database is, or to standard
/// output (a terminal, or a pager that passes escapes on) through the one sanitiser:
/// nothing from the data is emitted as a control, bidirectional or invisible
/// character. `json` text keeps JSON's own escapes, so it parses to the same data.
fn emit(
    store: &Store,
    text: &str,
    json: bool,
    output: Option<&Path>,
) -> Result<(), Box<dyn std::error::Error>> {
    match output {
        None => {
            let shown = if json {
                visible_json(text)
            } else {
                visible_lines(text)
            };
            std::io::stdout().write_all(shown.as_bytes())?;
        }
        Some(path) => {
            let mut file = store
                .create_file(path)
                .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
            // A half-written export is worse than none: remove it, and say why.
            if let Err(e) = file
                .write_all(text.as_bytes())
                .and_then(|()| file.sync_all())
            {
                drop(file);
                let _ = std::fs::remove_file(path);
                return Err(unwritten(path, &e));
            }
        }
    }
    Ok(())
}

/// `caseload report`.
pub fn run_report(db: Option<&Path>, clock: WallClock, args: &ReportArgs) -> CliResult {
    let store = open(db, Access::ReadOnly)?;
    let options = ReportOptions {
        period: args.period.period(clock.today())?,
        area: args.area.clone(),
        suppress_small: args.suppress_small,
        rules: crate::config::load_all()?.return_rules(),
    };
    let report = report::build(&store, &options, clock.today())?;
    let json = args.format == Format::Json;
    emit(
        &store,
        &report::render::render(&report, args.format)?,
        json,
        None,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `caseload tally`.
pub fn run_tally(db: Option<&Path>, clock: WallClock, args: &TallyArgs) -> CliResult {
    let mut store = open(db, Access::ReadWrite)?;
    let actor = writer(&store, clock)?;
    let area = store
        .areas()?
        .into_iter()
        .find(|a| a.name.eq_ignore_ascii_case(args.area.trim()))
        .ok_or_else(|| format!("no area '{}'", args.area))?;
    if args.tested > args.charged {
        return Err("--tested cannot be more than --charged".into());
    }
    if args.positive > args.tested {
        return Err("--positive cannot be more than --tested".into());
    }
    let recorded_on = crate::domain::dates::parse_past_date(&args.date, clock.today())
        .map_err(|e| format!("--date: {e}"))?;
    let tally = NewTally {
        area_id: area.id,
        recorded_on,
        charged: args.charged,
        tested: args.tested,
        positive: args.positive,
    };
    let replaced = store.record_tally(&actor, &tally, args.replace)?;
    let day = crate::domain::dates::uk(recorded_on);
    let area = visible(&area.name);
    match replaced {
        None => println!(
            "Recorded {} charged, {} tested, {} positive in {area} on {day}.",
            args.charged, args.tested, args.positive
        ),
        Some(before) => println!(
            "Replaced {} charged, {} tested, {} positive in {area} on {day} with {} charged, \
             {} tested, {} positive.",
            before.charged,
            before.tested,
            before.positive,
            args.charged,
            args.tested,
            args.positive
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// `caseload import`: a dry run unless `--apply`; exits 1 if the file has problems.
/// Both run every row through the same write; the dry run rolls it back (on SQLite it
/// makes it on a private copy of the database, so it takes no write lock).
pub fn run_import(db: Option<&Path>, clock: WallClock, args: &ImportArgs) -> CliResult {
    let bytes = std::fs::read(&args.file)
        .map_err(|e| format!("cannot read {}: {e}", args.file.display()))?;
    let settings = crate::config::load_all()?;
    let rules = import::Rules {
        today: clock.today(),
        alcohol: if settings.alcohol_may_be_primary {
            AlcoholRule::MayBePrimary
        } else {
            AlcoholRule::NotPrimary
        },
    };
    let mut store = open(db, Access::ReadWrite)?;
    let actor = Actor {
        login: crate::identity::os_login(),
        now: clock.now(),
    };
    let plan = import::plan_file(&store, args.kind, &bytes, &actor.login, rules)?;
    let outcome = import::run(&mut store, &actor, &plan, args.apply)?;
    print!("{}", visible_lines(&outcome.summary()));
    Ok(if outcome.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `caseload export`: rows are written as they are read. A file that cannot be
/// finished is removed, so no half export is left behind.
pub fn run_export(db: Option<&Path>, clock: WallClock, args: &ExportArgs) -> CliResult {
    let mut store = open(db, Access::ReadOnly)?;
    let name = clap::ValueEnum::to_possible_value(&args.kind)
        .map_or_else(String::new, |v| v.get_name().to_owned());
    if args.kind == ExportKind::Access {
        let login = crate::identity::os_login();
        let worker = store.worker_by_login(&login)?;
        if !crate::domain::roles::may_review_access(worker.as_ref()) {
            return Err(format!(
                "only team leaders and admins may export the access log, and {login} is neither: ask your team leader"
            )
            .into());
        }
    }
    let format = clap::ValueEnum::to_possible_value(&args.format)
        .map_or_else(String::new, |v| v.get_name().to_owned());
    let detail = format!(
        "{name} as {format}{} to {}",
        if args.redact { ", redacted," } else { "" },
        args.output
            .as_deref()
            .map_or_else(|| "standard output".to_owned(), |p| p.display().to_string())
    );
    // Logged before a row is written, with the rows there are to write.
    let rows = store.export_count(args.kind, clock.today())?;
    log_access(&mut store, clock, Looked::Export { detail, rows })?;
    let json = args.format == ExportFormat::Json;
    let today = clock.today();
    match args.output.as_deref() {
        None => {
            let out = Visible::new(std::io::stdout().lock(), json);
            export::write(&store, args.kind, today, args.format, args.redact, out)?;
        }
        Some(path) => {
            let file = store
                .create_file(path)
                .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
            let out = std::io::BufWriter::new(file);
            let written = export::write(&store, args.kind, today, args.format, args.redact, out)
                .and_then(|out| {
                    Ok(out
                        .into_inner()
                        .map_err(std::io::IntoInnerError::into_error)?
                        .sync_all()?)
                });
            // A half-written export is worse than none: remove it, and say why.
            if let Err(e) = written {
                let _ = std::fs::remove_file(path);
                return Err(unwritten(path, e.as_ref()));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Why an export to `path` failed, once the file is removed: a full disk or a disk
/// error in words, anything else as it is.
fn unwritten(path: &Path, error: &(dyn std::error::Error + 'static)) -> Box<dyn std::error::Error> {
    let io = error.downcast_ref::<std::io::Error>().or_else(|| {
        error
            .downcast_ref::<csv::Error>()
            .and_then(|e| match e.kind() {
                csv::ErrorKind::Io(e) => Some(e),
                _ => None,
            })
    });
    let Some(e) = io else {
        return format!(
            "{error}: {} was not written (nothing of it is left)",
            path.display()
        )
        .into();
    };
    let why = if e.kind() == std::io::ErrorKind::StorageFull {
        "the disk is full".to_owned()
    } else {
        format!("the disk reported an error ({e})")
    };
    format!(
        "{why}: {} was not written (nothing of it is left) and the database is unchanged; free some space and try again",
        path.display()
    )
    .into()
}

/// Standard output (a terminal, or a pager that passes escapes on) through the one
/// sanitiser, as [`emit`] writes it, in pieces of about 64 KiB: nothing from the data is
/// emitted as a control, bidirectional or invisible character.
struct Visible<W: Write> {
    out: W,
    pending: Vec<u8>,
    json: bool,
}

impl<W: Write> Visible<W> {
    const PIECE: usize = 64 * 1024;

    fn new(out: W, json: bool) -> Self {
        Self {
            out,
            pending: Vec::with_capacity(Self::PIECE + 1024),
            json,
        }
    }

    /// Writes what is pending up to the last whole character.
    fn drain(&mut self) -> std::io::Result<()> {
        let whole = match std::str::from_utf8(&self.pending) {
            Err(e) if e.error_len().is_none() => e.valid_up_to(),
            _ => self.pending.len(),
        };
        let text = String::from_utf8_lossy(&self.pending[..whole]);
        let shown = if self.json {
            visible_json(&text)
        } else {
            visible_lines(&text)
        };
        self.out.write_all(shown.as_bytes())?;
        self.pending.drain(..whole);
        Ok(())
    }
}

impl<W: Write> Write for Visible<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        if self.pending.len() >= Self::PIECE {
            self.drain()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.drain()?;
        self.out.flush()
    }
}

/// `caseload backup FILE`.
pub fn run_backup(db: Option<&Path>, file: &Path) -> CliResult {
    let store = open(db, Access::ReadOnly)?;
    // Ctrl-C, a hang-up or a terminate request stops the copy and removes it.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    for signal in [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGTERM,
    ] {
        signal_hook::flag::register(signal, std::sync::Arc::clone(&stop))?;
    }
    store.backup_until(file, &stop)?;
    println!(
        "Backed up {} to {} (integrity check: ok).",
        store.path().display(),
        file.display()
    );
    Ok(ExitCode::SUCCESS)
}
