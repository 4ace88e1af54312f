//! `caseload migrate --from FILE --to postgres://...`: copies a team's SQLite database
//! into a new PostgreSQL database and prints each table's verified count.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::cli::CliResult;
use crate::store::pg::{ReturnCheck, copy_from_sqlite};
use crate::wallclock::WallClock;

/// Options of `caseload migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The team's SQLite database file (at this caseload's schema: open it once first).
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    /// The new, empty PostgreSQL database, as a URL: postgres://USER@HOST:PORT/DBNAME
    /// (USER needs CREATEROLE: each worker's login becomes a role).
    #[arg(long, value_name = "URL")]
    pub to: String,
}

/// Runs `caseload migrate`.
///
/// # Errors
/// A sentence naming the problem and what to do: the file cannot be opened, the
/// PostgreSQL database cannot be reached or already holds rows, or the counts differ
/// or the return computed from both (then nothing is committed).
pub fn run(args: &MigrateArgs, clock: WallClock) -> CliResult {
    let check = ReturnCheck {
        today: clock.today(),
        rules: crate::config::load_all()?.return_rules(),
    };
    let copied = copy_from_sqlite(&args.from, &args.to, check)?;
    println!(
        "Copied {} into PostgreSQL ({}), in one transaction:",
        args.from.display(),
        without_password(&args.to)
    );
    let width = copied
        .tables
        .iter()
        .map(|(table, _)| table.len())
        .max()
        .unwrap_or(0);
    for (table, rows) in &copied.tables {
        println!("  {table:<width$}  {rows:>9}");
    }
    let total: i64 = copied.tables.iter().map(|(_, rows)| rows).sum();
    println!(
        "Every table has the same number of rows in both ({total} rows in {} tables).",
        copied.tables.len()
    );
    let periods: Vec<&str> = copied
        .same_returns
        .iter()
        .map(|p| p.label.as_str())
        .collect();
    println!(
        "The return is the same from both, for every area and each one: {}.",
        periods.join("; ")
    );
    if !copied.logins.is_empty() {
        let new = if copied.new_roles.is_empty() {
            String::new()
        } else {
            format!(" (new: {})", copied.new_roles.join(", "))
        };
        println!(
            "Worker logins are PostgreSQL roles in the group caseload_worker{new}: {}.",
            copied.logins.join(", ")
        );
    }
    println!(
        "Next: point caseload at it: --db {url} for one command, CASELOAD_DB={url} for a \
         shell, or db = \"{url}\" in the config file (the system one, /etc/caseload/config.toml, \
         for the whole team).",
        url = without_password(&args.to)
    );
    println!(
        "From then on work only in PostgreSQL: {} is no longer written to (keep it as a \
         backup); what is added to it now would not reach PostgreSQL.",
        args.from.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `url` with any password replaced by `***`, for printing.
fn without_password(url: &str) -> String {
    if url.contains("password=") {
        return crate::store::shown_url(url);
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{path}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::without_password;

    #[test]
    fn a_password_is_never_printed() {
        assert_eq!(
            without_password("postgres://ann:s3cret@db.example:5432/team"),
            "postgres://ann:***@db.example:5432/team"
        );
        assert_eq!(
            without_password("postgres://ann@db.example/team"),
            "postgres://ann@db.example/team"
        );
        assert_eq!(
            without_password("postgres://ann@db.example/team?password=s3cret&sslmode=require"),
            "postgres://ann@db.example/team?sslmode=require"
        );
    }
}
