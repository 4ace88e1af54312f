//! Admin-only changes: areas and workers. Audited like every other write.

use super::{Actor, Store, StoreError, StoreResult, Tx};
use crate::domain::roles::Operation;
use crate::domain::write::{StaffChange, Versioned};

impl Store {
    /// Saves a staff change as `actor`, who must be an admin; returns the row id.
    ///
    /// # Errors
    /// [`StoreError::NotAllowed`] for anyone but an admin, [`StoreError::Conflict`],
    /// [`StoreError::Invalid`] (e.g. a name or login already taken), or SQLite.
    pub fn manage_staff(&mut self, actor: &Actor, change: &StaffChange) -> StoreResult<i64> {
        self.write(actor, |tx| tx.manage_staff(change))
    }

    /// The worker who signs in as `login` (active or not) and the version read.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] or an SQLite error.
    pub fn worker_version(&self, login: &str) -> StoreResult<Versioned> {
        let id = self
            .workers()?
            .into_iter()
            .find(|w| w.login.as_deref() == Some(login))
            .map(|w| w.id)
            .ok_or_else(|| StoreError::NotFound {
                entity: "worker",
                key: format!("with login {login}"),
            })?;
        self.version_of("worker", id)
    }
}

impl Tx<'_> {
    fn manage_staff(&self, change: &StaffChange) -> StoreResult<i64> {
        self.authorise(Operation::ManageStaff, None)?;
        let written = match change {
            StaffChange::AddArea(area) => self.inserted("area", self.insert_area(area))?,
            StaffChange::AddWorker(worker) => {
                self.inserted("worker", self.insert_worker(worker))?
            }
            StaffChange::SetRole { worker, role } => self.update_row(
                "worker",
                *worker,
                &[("role", super::fields::text(role.code()))],
                "update",
            )?,
        };
        Ok(written.row_id)
    }
}
