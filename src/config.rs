//! Settings from the system-wide `/etc/caseload/config.toml` (another file with
//! `CASELOAD_SYSTEM_CONFIG`), overridden key by key by the user's
//! `$XDG_CONFIG_HOME/caseload/config.toml`, with a default for every value. An invalid
//! file is refused with the line and what was wrong.
//!
//! ```toml
//! db = "/srv/caseload/team.db"   # the database used without --db (an absolute path,
//!                                # or a postgres://ROLE@HOST/DATABASE URL)
//! release_window_days = 28
//! colour = true            # false = no colour, as with NO_COLOR
//! palette = "ansi16"       # or "ansi256", "truecolor": finer shades, same meanings
//! mouse = false            # true: wheel moves, click selects (but the terminal's own
//!                          # text selection then needs Shift, in most terminals)
//! scroll_regions = true   # false: never move rows with the terminal's scroll region
//! wait_seconds = 120       # how long a command-line change waits for a colleague's
//!
//! [triage]                 # coefficients and thresholds of the Today ranking
//! red_breach = 100.0
//! clock_starts = "care-plan" # or "assessment": day 0 of the 13-week clock
//! no_contact_days = 14
//!
//! [keys]                   # each action: a list of keys
//! quit = ["q", "ctrl-q"]
//! search = ["/", "f"]
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::domain::triage::TriageConfig;

/// Which colours the semantic roles (RAG, flags, borders, selection) are drawn in.
/// The 16 ANSI colours are the default because the terminal's own palette then
/// decides the shades; the richer palettes are opt-in for terminals known to have them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum Palette {
    /// The 16 ANSI colours, as the terminal draws them.
    #[default]
    #[serde(rename = "ansi16")]
    Ansi16,
    /// Fixed shades from the 256-colour table (amber as a real orange).
    #[serde(rename = "ansi256")]
    Ansi256,
    /// 24-bit colour, for terminals that support it.
    #[serde(rename = "truecolor")]
    Truecolor,
}

/// Everything the config file can set.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
// Independent on/off switches of a config file: `true`/`false` is what people write.
#[allow(clippy::struct_excessive_bools)]
pub struct Settings {
    /// The database used when `--db` and `CASELOAD_DB` are absent.
    pub db: Option<PathBuf>,
    /// How many days ahead the Releases view looks.
    pub release_window_days: i64,
    /// Whether to use colour (the `NO_COLOR` variable turns it off regardless).
    pub colour: bool,
    /// The colours used when colour is on.
    pub palette: Palette,
    /// Whether to capture the mouse (wheel and click). Off by default: capture takes
    /// the terminal's own text selection, which people copying over SSH rely on, and
    /// every action has a key anyway.
    pub mouse: bool,
    /// Whether a list that moved by a few rows is moved by the terminal's scroll region
    /// (far fewer bytes over SSH). On by default where `TERM` names a terminal known to
    /// support it; `false` draws every frame by rewriting the cells that changed.
    pub scroll_regions: bool,
    /// Whether alcohol may be the primary substance (the Gwent scheme says no).
    pub alcohol_may_be_primary: bool,
    /// KPI 2 in the return: days after a positive test within which the contact must
    /// follow. Unset (the default) = no window, as in 003. A team setting: put it in the
    /// system-wide file so everyone's return counts the same.
    pub kpi2_window_days: Option<i64>,
    /// KPI 3 in the return: a police referral counts as custody tested when tested in
    /// this many days before it (003 says not how recent). A team setting, as above.
    pub kpi3_tested_within_days: i64,
    /// The Today ranking.
    pub triage: TriageConfig,
    /// Key overrides: action name -> keys, e.g. `quit = ["q", "ctrl-q"]`.
    pub keys: BTreeMap<String, Vec<String>>,
    /// How long a command-line change waits for a colleague's before giving up
    /// (`--wait` overrides it).
    pub wait_seconds: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            db: None,
            release_window_days: 28,
            colour: true,
            palette: Palette::Ansi16,
            mouse: false,
            scroll_regions: true,
            alcohol_may_be_primary: false,
            kpi2_window_days: None,
            kpi3_tested_within_days: crate::domain::kpi::TESTED_BEFORE_DAYS,
            triage: TriageConfig::default(),
            keys: BTreeMap::new(),
            wait_seconds: crate::store::DEFAULT_WAIT.as_secs(),
        }
    }
}

impl Settings {
    /// The team's choices the return states and counts by.
    #[must_use]
    pub const fn return_rules(&self) -> crate::domain::kpi::Rules {
        crate::domain::kpi::Rules {
            kpi2_window_days: self.kpi2_window_days,
            kpi3_tested_within_days: self.kpi3_tested_within_days,
            clock_starts: self.triage.clock_starts,
        }
    }
}

/// The environment variable that names the database, for every command but `demo`.
pub const DB_VARIABLE: &str = "CASELOAD_DB";

/// The environment variable that names the system-wide config file instead of
/// [`SYSTEM_CONFIG`] (for tests, and installs that keep it elsewhere).
pub const SYSTEM_CONFIG_VARIABLE: &str = "CASELOAD_SYSTEM_CONFIG";

/// Where the system-wide config file is, unless [`SYSTEM_CONFIG_VARIABLE`] says.
pub const SYSTEM_CONFIG: &str = "/etc/caseload/config.toml";

/// The user's config file's path, whether or not it exists.
#[must_use]
pub fn config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "caseload").map(|d| d.config_dir().join("config.toml"))
}

/// The system-wide config file's path, whether or not it exists.
#[must_use]
pub fn system_config_path() -> PathBuf {
    std::env::var_os(SYSTEM_CONFIG_VARIABLE)
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from(SYSTEM_CONFIG), PathBuf::from)
}

/// The settings in force: the system-wide file's, then the user's file's over them,
/// key by key (a `[triage]` or `[keys]` value in one file leaves the other's alone).
///
/// # Errors
/// A message naming the file, the line and the problem.
pub fn load_all() -> Result<Settings, String> {
    let mut merged = toml::Table::new();
    let files = [Some(system_config_path()), config_path()];
    for path in files.iter().flatten() {
        if let Some(text) = read(path)? {
            parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
            let table: toml::Table = toml::from_str(&text).map_err(|e| e.to_string())?;
            merge(&mut merged, table);
        }
    }
    let settings: Settings = toml::Value::Table(merged)
        .try_into()
        .map_err(|e: toml::de::Error| e.message().to_owned())?;
    check(settings)
}

/// Adds `over`'s keys to `base`, replacing values but merging tables.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(inner)), toml::Value::Table(value)) => merge(inner, value),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Where the database path in use came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbSource {
    /// The `--db` option.
    Flag,
    /// The `CASELOAD_DB` environment variable.
    Environment,
    /// `db` in the user's config file.
    UserConfig(PathBuf),
    /// `db` in the system-wide config file.
    SystemConfig(PathBuf),
    /// None of those: the file in the user's own data directory.
    Default,
}

impl std::fmt::Display for DbSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Flag => f.write_str("the --db option"),
            Self::Environment => write!(f, "the {DB_VARIABLE} environment variable"),
            Self::UserConfig(p) => write!(f, "`db` in your config file {}", p.display()),
            Self::SystemConfig(p) => write!(f, "`db` in the system config file {}", p.display()),
            Self::Default => write!(
                f,
                "the default: your own database, as no --db, {DB_VARIABLE} or config file names one"
            ),
        }
    }
}

/// The database to use and why, in order: `flag`, `CASELOAD_DB`, the user's config,
/// the system-wide config; `None` when none names one (the caller's default).
///
/// # Errors
/// A config file that cannot be read or is invalid: a team database configured there
/// must not be silently replaced by a private one.
pub fn chosen_database(flag: Option<&Path>) -> Result<Option<(PathBuf, DbSource)>, String> {
    if let Some(path) = flag {
        return Ok(Some((path.to_path_buf(), DbSource::Flag)));
    }
    if let Some(path) = std::env::var_os(DB_VARIABLE).filter(|v| !v.is_empty()) {
        return Ok(Some((PathBuf::from(path), DbSource::Environment)));
    }
    if let Some(user) = config_path() {
        if let Some(db) = load(&user)?.db {
            return Ok(Some((db, DbSource::UserConfig(user))));
        }
    }
    let system = system_config_path();
    Ok(load(&system)?
        .db
        .map(|db| (db, DbSource::SystemConfig(system))))
}

/// The text of `path`, or `None` if there is no such file.
fn read(path: &Path) -> Result<Option<String>, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => Err(format!(
            "you may not read {}: ask an admin to make it readable (chmod 644 {0})",
            path.display()
        )),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

/// Reads settings from `path`; a missing file gives the defaults.
///
/// # Errors
/// A message naming the file, the line and the problem.
pub fn load(path: &Path) -> Result<Settings, String> {
    match read(path)? {
        Some(text) => parse(&text).map_err(|e| format!("{}: {e}", path.display())),
        None => Ok(Settings::default()),
    }
}

/// Parses settings from TOML text.
///
/// # Errors
/// The line and the problem, e.g. "line 3: unknown field `colur`".
pub fn parse(text: &str) -> Result<Settings, String> {
    let settings: Settings = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        let message = e.message().to_owned();
        match line {
            Some(line) => format!("line {line}: {message}"),
            None => message,
        }
    })?;
    check(settings)
}

/// The rules serde cannot express.
fn check(settings: Settings) -> Result<Settings, String> {
    if settings
        .db
        .as_ref()
        .is_some_and(|db| !db.is_absolute() && crate::store::postgres_url(db).is_none())
    {
        return Err(
            "db must be an absolute path, e.g. db = \"/srv/caseload/team.db\", or a PostgreSQL URL, e.g. db = \"postgres://caseload-db/team\"".to_owned(),
        );
    }
    if settings.release_window_days < 0 {
        return Err("release_window_days must be 0 or more".to_owned());
    }
    if !(0..=120).contains(&settings.triage.cooling_off_hours) {
        return Err(
            "[triage] cooling_off_hours must be 0 (none) to 120 (5 days, the longest in 002)"
                .to_owned(),
        );
    }
    if settings.triage.order_end_lead_days < 0 || settings.triage.court_review_lead_days < 0 {
        return Err(
            "[triage] order_end_lead_days and court_review_lead_days must be 0 or more".to_owned(),
        );
    }
    if settings.kpi2_window_days.is_some_and(|d| d < 0) {
        return Err("kpi2_window_days must be 0 or more, or left out for no window".to_owned());
    }
    if !(0..=366).contains(&settings.kpi3_tested_within_days) {
        return Err(
            "kpi3_tested_within_days must be 0 to 366 (days before the referral)".to_owned(),
        );
    }
    crate::keys::KeyBindings::default()
        .with_overrides(&settings.keys)
        .map_err(|e| format!("[keys] {e}"))?;
    Ok(settings)
}
