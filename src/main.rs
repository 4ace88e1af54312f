//! Entry point: parse the command line, run, and turn any error into one sentence on
//! stderr with a non-zero exit (75, "try again later", when a colleague's write
//! outlasted `--wait`).

use std::process::ExitCode;

use caseload::store::StoreError;
use clap::Parser;

fn main() -> ExitCode {
    // Rust ignores SIGPIPE, so `caseload report | head` would panic on the first write
    // after `head` exits. Restore the default: end quietly, as other Unix tools do.
    // SAFETY: called first, before any thread exists; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = caseload::cli::Cli::parse();
    match caseload::cli::run(&cli) {
        Ok(code) => code,
        Err(error) => {
            let (message, code) = match error.downcast_ref::<StoreError>() {
                Some(busy @ StoreError::Busy { .. }) => (
                    format!("{busy}, or wait longer with --wait SECONDS"),
                    ExitCode::from(caseload::cli::EXIT_BUSY),
                ),
                _ => (error.to_string(), ExitCode::FAILURE),
            };
            // Messages may quote the data (an area's name, a cell): one sanitiser.
            eprintln!(
                "caseload: {}",
                caseload::domain::safe_text::visible(&message)
            );
            code
        }
    }
}
