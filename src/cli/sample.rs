//! `caseload sample`: the quarter's re-offending sample, drawn once and then filled in
//! with offence counts.

use std::path::Path;
use std::process::ExitCode;

use clap::Subcommand;

use super::CliResult;
use super::exchange::{log_access, open, writer};
use crate::domain::period::Period;
use crate::domain::safe_text::visible;
use crate::domain::sample::seed_for;
use crate::store::{Access, Draw, Looked, Offences};
use crate::wallclock::WallClock;

/// `caseload sample` actions.
#[derive(Debug, Subcommand)]
pub enum SampleCommand {
    /// Draw the quarter's 20 closed clients (once: a recorded draw is never redrawn).
    Draw {
        /// The quarter, e.g. 2014-15:Q3.
        #[arg(long)]
        quarter: String,
        /// Seed [default: derived from the quarter's label].
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Show the quarter's sample and the offence counts recorded so far.
    Show {
        /// The quarter.
        #[arg(long)]
        quarter: String,
    },
    /// Record offence counts for one sampled client (counts not given stay as they are).
    Set {
        /// The quarter.
        #[arg(long)]
        quarter: String,
        /// Client reference.
        #[arg(long)]
        client: String,
        /// Offences before the episode.
        #[arg(long)]
        before: Option<u32>,
        /// Offences during the episode.
        #[arg(long)]
        during: Option<u32>,
        /// Offences in the first 3 months after.
        #[arg(long = "after-3m")]
        after_3m: Option<u32>,
        /// Offences in the first 12 months after.
        #[arg(long = "after-12m")]
        after_12m: Option<u32>,
    },
}

/// `caseload sample ...`.
pub fn run_sample(db: Option<&Path>, clock: WallClock, command: &SampleCommand) -> CliResult {
    match command {
        SampleCommand::Draw { quarter, seed } => {
            let period = quarter_only(quarter)?;
            let mut store = open(db, Access::ReadWrite)?;
            let actor = writer(&store, clock)?;
            let seed = seed.unwrap_or_else(|| seed_for(&period.label));
            let (draw, created) = store.draw_sample(&actor, &period, seed)?;
            log_access(&mut store, clock, sample_listed(&draw))?;
            if !created {
                println!(
                    "The {} sample was drawn before; it is never redrawn.",
                    draw.period
                );
            }
            print_draw(&draw);
        }
        SampleCommand::Show { quarter } => {
            let period = quarter_only(quarter)?;
            let mut store = open(db, Access::ReadOnly)?;
            let draw = store.sample_draw(&period.label)?.ok_or_else(|| {
                format!(
                    "no sample for {0}: draw it with `caseload sample draw --quarter {0}`",
                    period.label
                )
            })?;
            log_access(&mut store, clock, sample_listed(&draw))?;
            print_draw(&draw);
        }
        SampleCommand::Set {
            quarter,
            client,
            before,
            during,
            after_3m,
            after_12m,
        } => {
            let period = quarter_only(quarter)?;
            let mut store = open(db, Access::ReadWrite)?;
            let actor = writer(&store, clock)?;
            let counts = Offences {
                before: *before,
                during: *during,
                after_3m: *after_3m,
                after_12m: *after_12m,
            };
            store.set_offences(&actor, &period.label, client, counts)?;
            println!(
                "Recorded offences for {} in the {} sample.",
                visible(client),
                period.label
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn quarter_only(text: &str) -> Result<Period, Box<dyn std::error::Error>> {
    if !text.contains(':') {
        return Err(
            format!("'{text}' is a year: samples are drawn per quarter, e.g. {text}:Q1").into(),
        );
    }
    Ok(Period::parse(text)?)
}

/// The access log's words for a listed sample.
fn sample_listed(draw: &Draw) -> Looked {
    Looked::Report {
        detail: format!("re-offending sample {}", draw.period),
        rows: draw.members.len(),
    }
}

fn print_draw(draw: &Draw) {
    println!(
        "{}: {} of {} closed episodes drawn by {} at {} (seed {})",
        draw.period,
        draw.members.len(),
        draw.eligible,
        visible(&draw.drawn_by),
        draw.drawn_at,
        draw.seed
    );
    println!(
        "  {:<10} {:<10} {:>6} {:>6} {:>6} {:>6}",
        "client", "closed", "before", "during", "3m+", "12m+"
    );
    let show = |n: Option<u32>| n.map_or_else(|| "-".to_owned(), |n| n.to_string());
    for m in &draw.members {
        let o = m.offences;
        println!(
            "  {:<10} {:<10} {:>6} {:>6} {:>6} {:>6}",
            visible(&m.reference),
            crate::domain::dates::uk(m.closure_date),
            show(o.before),
            show(o.during),
            show(o.after_3m),
            show(o.after_12m)
        );
    }
}
