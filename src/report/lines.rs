//! One figure of the return as printed, and the builder that hides small counts when
//! the return is published.

use serde::Serialize;

use crate::domain::kpi::Ratio;

/// Counts from 1 to this are hidden when publishing (small numbers identify people).
pub const SMALL_COUNT: u64 = 4;

/// A figure's value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    /// A count, printed as it is.
    Count(u64),
    /// An average (e.g. the daily caseload over the period).
    Average(f64),
    /// A count of 1-4 hidden for publication.
    Suppressed,
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Count(n) => write!(f, "{n}"),
            Self::Average(a) => write!(f, "{a:.1}"),
            Self::Suppressed => f.write_str("<5"),
        }
    }
}

/// One figure of the return.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    /// What is counted, as printed.
    pub label: String,
    /// Indent level (0 = headline, 1 = a breakdown of the line above).
    pub depth: u8,
    /// The figure.
    pub value: Value,
    /// Its percentage, if it has one; `None` inside when suppressed.
    pub share: Option<Option<Ratio>>,
    /// What the percentage is "of".
    pub denominator: &'static str,
    /// Definition of the figure.
    pub definition: &'static str,
}

impl Line {
    /// The percentage as printed: `57.3%`, `n/a` (zero denominator) or `suppressed`.
    #[must_use]
    pub fn share_text(&self) -> String {
        match self.share {
            None => String::new(),
            Some(None) => "suppressed".to_owned(),
            Some(Some(ratio)) => ratio.display(),
        }
    }
}

/// Collects the lines of a section, hiding counts of 1 to [`SMALL_COUNT`] if asked.
pub(super) struct Builder {
    pub(super) suppress: bool,
    pub(super) lines: Vec<Line>,
}

impl Builder {
    pub(super) fn line(
        &mut self,
        depth: u8,
        label: &str,
        count: u64,
        of: Option<u64>,
        denominator: &'static str,
        definition: &'static str,
    ) {
        let hidden = self.suppress && (1..=SMALL_COUNT).contains(&count);
        self.lines.push(Line {
            label: label.to_owned(),
            depth,
            value: if hidden {
                Value::Suppressed
            } else {
                Value::Count(count)
            },
            share: of.map(|d| (!hidden).then(|| Ratio::new(count, d))),
            denominator,
            definition,
        });
    }

    pub(super) fn average(
        &mut self,
        depth: u8,
        label: &str,
        average: f64,
        definition: &'static str,
    ) {
        self.lines.push(Line {
            label: label.to_owned(),
            depth,
            value: Value::Average(average),
            share: None,
            denominator: "",
            definition,
        });
    }

    pub(super) fn take(&mut self) -> Vec<Line> {
        std::mem::take(&mut self.lines)
    }
}
