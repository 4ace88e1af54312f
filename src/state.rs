//! What a user's sessions remember between runs, in the XDG state directory
//! (`$XDG_STATE_HOME/caseload`, else `~/.local/state/caseload`): the scope left last
//! time on each database (a training database keeps its own). The file is the user's
//! alone (mode 0600 in a 0700 directory): it says nothing about clients, but nobody
//! else needs it either.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::app::Scope;

/// Databases remembered at most; the oldest is forgotten first.
const KEEP: usize = 32;

/// One user's remembered state for one database.
#[derive(Debug, Clone)]
pub struct Remembered {
    dir: PathBuf,
    database: String,
}

impl Remembered {
    /// The state of the user running caseload for `database`, if there is a home
    /// directory and the path can be written on one line.
    #[must_use]
    pub fn for_user(database: &Path) -> Option<Self> {
        let dirs = directories::ProjectDirs::from("", "", "caseload")?;
        let dir = dirs
            .state_dir()
            .map_or_else(|| dirs.data_local_dir().join("state"), ToOwned::to_owned);
        Self::at(dir, database)
    }

    /// State kept in `dir` for `database` (`None` for a path with a line break or tab).
    #[must_use]
    pub fn at(dir: PathBuf, database: &Path) -> Option<Self> {
        let database = std::fs::canonicalize(database)
            .unwrap_or_else(|_| database.to_owned())
            .to_string_lossy()
            .into_owned();
        (!database.contains(['\n', '\r', '\t'])).then_some(Self { dir, database })
    }

    /// Lines of the file other than this database's.
    fn others(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.join("scopes"))
            .unwrap_or_default()
            .lines()
            .filter(|line| {
                line.split_once('\t')
                    .is_some_and(|(_, db)| db != self.database)
            })
            .map(ToOwned::to_owned)
            .collect()
    }

    /// The scope left last time on this database, if one was kept and still reads as
    /// one.
    #[must_use]
    pub fn scope(&self) -> Option<Scope> {
        let text = std::fs::read_to_string(self.dir.join("scopes")).ok()?;
        let word = text.lines().find_map(|line| {
            line.split_once('\t')
                .filter(|(_, db)| *db == self.database)
                .map(|(word, _)| word)
        })?;
        clap::ValueEnum::from_str(word, true).ok()
    }

    /// Keeps `scope` for next time: written whole beside the old file, then renamed
    /// over it, so a crash leaves the old file or the new one, never half of one.
    ///
    /// # Errors
    /// The OS error.
    pub fn keep(&self, scope: Scope) -> std::io::Result<()> {
        let mut lines = self.others();
        lines.push(format!("{}\t{}", scope.word(), self.database));
        let lines = &lines[lines.len().saturating_sub(KEEP)..];
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)?;
        let partial = self
            .dir
            .join(format!("scopes.{}.partial", std::process::id()));
        let written = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&partial)
            .and_then(|mut file| file.write_all((lines.join("\n") + "\n").as_bytes()))
            .and_then(|()| std::fs::rename(&partial, self.dir.join("scopes")));
        if written.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        written
    }
}
