//! The README's "What the return counts" tables state every headline figure of the
//! return and every KPI, each with its definition and its source.

use caseload::domain::kpi::{self, Inputs, KPIS, Rules};
use caseload::domain::period::Period;
use caseload::report::{self, ReportOptions};

use crate::common::date;

/// The rows of the README's "What the return counts" tables, as trimmed cells.
fn readme_rows() -> Vec<Vec<String>> {
    let readme = include_str!("../../README.md");
    let section = readme
        .split("### What the return counts")
        .nth(1)
        .expect("the README has the section")
        .split("\n### ")
        .next()
        .unwrap_or_default();
    section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| ---"))
        .map(|l| {
            l.trim_matches('|')
                .split(" | ")
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn every_headline_figure_and_kpi_of_the_return_has_a_readme_row_with_its_source() {
    let rows = readme_rows();
    for row in &rows {
        assert!(
            row.last().is_some_and(|source| !source.is_empty()),
            "no source: {row:?}"
        );
    }
    // The figures table: figure, counted as, source. A row names a figure by its
    // label, up to any words in brackets ("Closures retained (retention bands)").
    let figures: Vec<String> = rows
        .iter()
        .filter(|r| r.len() == 3 && r[0] != "figure")
        .map(|r| r[0].split(" (").next().unwrap_or_default().to_lowercase())
        .collect();
    let period = Period::parse("2014-15:Q3").unwrap();
    let options = ReportOptions {
        period: period.clone(),
        area: None,
        suppress_small: false,
        rules: Rules::default(),
    };
    let f = kpi::compute(&Inputs::default(), &period, Rules::default());
    let r = report::assemble(&f, &options, "all areas".into(), date("2015-01-05"));
    let headlines: Vec<&str> = r
        .sections
        .iter()
        .flat_map(|s| &s.lines)
        .filter(|l| l.depth == 0)
        .map(|l| l.label.as_str())
        .collect();
    assert!(headlines.len() > 20, "{headlines:?}");
    for label in headlines {
        assert!(
            figures
                .iter()
                .any(|f| label.to_lowercase().starts_with(f.as_str())),
            "'{label}' has no row in the README's \"What the return counts\" table"
        );
    }
    // The KPI table: number, target, counted as, source.
    for k in KPIS {
        assert!(
            rows.iter().any(|r| r.len() == 4
                && r[0] == k.number.to_string()
                && r[1] == format!("{}%", k.target)),
            "KPI {} with its target {}% has no row",
            k.number,
            k.target
        );
    }
}
