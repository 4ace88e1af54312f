//! The `:` command line: parsing and Tab completion.

use super::{Scope, View};

/// A parsed command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Switch to a view.
    Show(View),
    /// Show the caseload of the area whose name starts with this text.
    Area(String),
    /// Show the caseload of the worker whose name contains this text.
    Worker(String),
    /// Open the client with this reference.
    Client(String),
    /// Change the scope.
    Scope(Scope),
    /// Record offence counts for a sampled client in the Report view's quarter:
    /// before, during, 3+ and 12+ months after (`None` leaves a count as it is).
    Offences(String, [Option<u32>; 4]),
    /// Reload the data now.
    Reload,
    /// Leave.
    Quit,
}

/// Every command word, for completion and help.
pub const WORDS: &[&str] = &[
    "today", "areas", "caseload", "releases", "breaches", "review", "offences", "report", "area",
    "worker", "client", "scope", "reload", "quit",
];

/// Parses a command line (without the leading `:`).
///
/// # Errors
/// A sentence saying what was not understood and what is accepted.
pub fn parse(line: &str) -> Result<Command, String> {
    let line = line.trim();
    let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let rest = rest.trim();
    let need = |what: &str| {
        if rest.is_empty() {
            Err(format!(":{word} needs {what}"))
        } else {
            Ok(rest.to_owned())
        }
    };
    match word.to_ascii_lowercase().as_str() {
        "today" | "t" => Ok(Command::Show(View::Today)),
        "areas" => Ok(Command::Show(View::Areas)),
        "caseload" | "c" => Ok(Command::Show(View::Caseload)),
        "releases" => Ok(Command::Show(View::Releases)),
        "breaches" => Ok(Command::Show(View::Breaches)),
        "review" => Ok(Command::Show(View::Review)),
        "report" => Ok(Command::Show(View::Report)),
        "area" => need("an area name, e.g. :area newport").map(Command::Area),
        "worker" => need("a worker's name, e.g. :worker emlyn").map(Command::Worker),
        "client" => need("a client reference, e.g. :client C-1042").map(Command::Client),
        "scope" => match rest.to_ascii_lowercase().as_str() {
            "mine" | "me" => Ok(Command::Scope(Scope::Mine)),
            "area" => Ok(Command::Scope(Scope::MyArea)),
            "all" | "everything" => Ok(Command::Scope(Scope::Everything)),
            _ => Err("use :scope mine, :scope area or :scope all".to_owned()),
        },
        "offences" => offences(rest),
        "reload" => Ok(Command::Reload),
        "q" | "quit" => Ok(Command::Quit),
        "" => Err("type a command, e.g. :releases (Tab completes)".to_owned()),
        other => Err(format!(
            "unknown command :{other}; Tab completes ({})",
            WORDS.join(", ")
        )),
    }
}

/// `:offences C-1042 2 0 1 -`: a reference and four counts, `-` for "leave as is".
fn offences(rest: &str) -> Result<Command, String> {
    let usage = "use :offences REF BEFORE DURING AFTER-3M AFTER-12M, e.g. :offences C-1042 4 1 0 - (- leaves a count as it is)";
    let parts: Vec<&str> = rest.split_whitespace().collect();
    let [reference, counts @ ..] = parts.as_slice() else {
        return Err(usage.to_owned());
    };
    if counts.len() != 4 {
        return Err(usage.to_owned());
    }
    let mut parsed = [None; 4];
    for (slot, text) in parsed.iter_mut().zip(counts) {
        if *text != "-" {
            *slot = Some(
                text.parse::<u32>()
                    .map_err(|_| format!("'{text}' is not a count: {usage}"))?,
            );
        }
    }
    Ok(Command::Offences((*reference).to_owned(), parsed))
}

/// Completes the line: a command word, or an argument from `arguments(word)`.
/// Returns the line unchanged when nothing (or more than one thing) fits, after
/// extending it to the longest common prefix.
pub fn complete(line: &str, arguments: impl Fn(&str) -> Vec<String>) -> String {
    match line.split_once(' ') {
        None => extend(line, WORDS.iter().map(|w| (*w).to_owned()).collect(), "")
            .unwrap_or_else(|| line.to_owned()),
        Some((word, rest)) => {
            let prefix = format!("{word} ");
            extend(rest, arguments(word), &prefix).unwrap_or_else(|| line.to_owned())
        }
    }
}

/// The candidates starting with `typed` (ignoring case), reduced to their longest
/// common prefix; a single match gets a trailing space.
fn extend(typed: &str, candidates: Vec<String>, prefix: &str) -> Option<String> {
    let lower = typed.to_lowercase();
    let matches: Vec<String> = candidates
        .into_iter()
        .filter(|c| c.to_lowercase().starts_with(&lower))
        .collect();
    let first = matches.first()?;
    if matches.len() == 1 {
        return Some(format!("{prefix}{first} "));
    }
    let common = first
        .char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .take_while(|&end| {
            matches.iter().all(|m| {
                m.get(..end)
                    .is_some_and(|p| p.eq_ignore_ascii_case(&first[..end]))
            })
        })
        .last()
        .unwrap_or(0);
    Some(format!(
        "{prefix}{}",
        if common >= typed.len() {
            &first[..common]
        } else {
            typed
        }
    ))
}
