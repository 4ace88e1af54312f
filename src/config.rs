//! Settings from `$XDG_CONFIG_HOME/caseload/config.toml`, with a default for every
//! value. An invalid file is refused with the line and what was wrong.
//!
//! ```toml
//! release_window_days = 28
//! colour = true            # false = no colour, as with NO_COLOR
//! palette = "ansi16"       # or "ansi256", "truecolor": finer shades, same meanings
//! mouse = false            # true: wheel moves, click selects (but the terminal's own
//!                          # text selection then needs Shift, in most terminals)
//!
//! [triage]                 # coefficients and thresholds of the Today ranking
//! red_breach = 100.0
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
pub struct Settings {
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
    /// Whether alcohol may be the primary substance (the Gwent scheme says no).
    pub alcohol_may_be_primary: bool,
    /// The Today ranking.
    pub triage: TriageConfig,
    /// Key overrides: action name -> keys, e.g. `quit = ["q", "ctrl-q"]`.
    pub keys: BTreeMap<String, Vec<String>>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            release_window_days: 28,
            colour: true,
            palette: Palette::Ansi16,
            mouse: false,
            alcohol_may_be_primary: false,
            triage: TriageConfig::default(),
            keys: BTreeMap::new(),
        }
    }
}

/// The config file's path, whether or not it exists.
#[must_use]
pub fn config_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "caseload").map(|d| d.config_dir().join("config.toml"))
}

/// Reads settings from `path`; a missing file gives the defaults.
///
/// # Errors
/// A message naming the file, the line and the problem.
pub fn load(path: &Path) -> Result<Settings, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
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
    if settings.release_window_days < 0 {
        return Err("release_window_days must be 0 or more".to_owned());
    }
    crate::keys::KeyBindings::default()
        .with_overrides(&settings.keys)
        .map_err(|e| format!("[keys] {e}"))?;
    Ok(settings)
}
