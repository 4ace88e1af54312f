//! Entry point: parse the command line, run, and turn any error into one sentence on
//! stderr with a non-zero exit.

use std::process::ExitCode;

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
            // Messages may quote the data (an area's name, a cell): one sanitiser.
            let message = error.to_string();
            eprintln!(
                "caseload: {}",
                caseload::domain::safe_text::visible(&message)
            );
            ExitCode::FAILURE
        }
    }
}
