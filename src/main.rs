//! Entry point: parse the command line, run, and turn any error into one sentence on
//! stderr with a non-zero exit.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = caseload::cli::Cli::parse();
    match caseload::cli::run(&cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("caseload: {error}");
            ExitCode::FAILURE
        }
    }
}
