//! The write step of the daily duties' rows (issue 15): a custody with its
//! hand-over, a re-engagement attempt, a court review. Each is created, left
//! unchanged, completed (counted as updated), or refused with the column to correct.

use crate::store::{Imported, ImportedCustody, ImportedReengagement, ImportedReview, StoreResult};

use super::parse::Problem;
use super::write::{Writer, recorded_differs};

impl Writer<'_, '_> {
    /// A custody: created, its hand-over completed, or the stored values it
    /// contradicts named.
    pub(super) fn custody(
        &mut self,
        line: u64,
        c: &ImportedCustody,
        audit: &str,
    ) -> StoreResult<()> {
        match self.tx.import_custody(c, audit)? {
            Ok(imported) => self.count(imported),
            Err(differs) => self.outcome.problems.push(recorded_differs(
                line,
                "this custody",
                &differs,
                "an import never changes a recorded value: correct the row, leave those cells \
                 blank, or change it on the custody's forms (hand-over, release dates, released)",
            )),
        }
        Ok(())
    }

    /// A re-engagement attempt, against its breach as stored now.
    pub(super) fn reengagement(
        &mut self,
        line: u64,
        r: &ImportedReengagement,
        audit: &str,
    ) -> StoreResult<()> {
        let imported = self.tx.import_reengagement(r, audit)?;
        self.count_or_refuse(line, imported);
        Ok(())
    }

    /// A court review, against its order as stored now.
    pub(super) fn court_review(
        &mut self,
        line: u64,
        r: &ImportedReview,
        audit: &str,
    ) -> StoreResult<()> {
        let imported = self.tx.import_review(r, audit)?;
        self.count_or_refuse(line, imported);
        Ok(())
    }

    fn count(&mut self, imported: Imported) {
        match imported {
            Imported::Created => self.outcome.created += 1,
            Imported::Updated => self.outcome.updated += 1,
            Imported::Unchanged => self.outcome.unchanged += 1,
        }
    }

    fn count_or_refuse(&mut self, line: u64, imported: Result<Imported, (&'static str, String)>) {
        match imported {
            Ok(imported) => self.count(imported),
            Err((column, message)) => self.outcome.problems.push(Problem {
                line,
                column: Some(column.to_owned()),
                message,
            }),
        }
    }
}
