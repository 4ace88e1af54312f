//! Changes to the staff and areas: admins' changes, and the two set-up steps that
//! come before anyone can be an admin (the first admin, the demo's lead). Audited
//! like every other write.

use super::{Actor, Audited, Store, StoreError, StoreResult, Tx};
use crate::domain::model::Role;
use crate::domain::roles::Operation;
use crate::domain::write::{NewWorker, StaffChange, Versioned};

impl Store {
    /// Saves a staff change as `actor`, who must be an admin; returns the row id.
    ///
    /// # Errors
    /// [`StoreError::NotAllowed`] for anyone but an admin, [`StoreError::Conflict`],
    /// [`StoreError::Invalid`] (e.g. a name or login already taken), or SQLite.
    pub fn manage_staff(&mut self, actor: &Actor, change: &StaffChange) -> StoreResult<i64> {
        self.write(actor, |tx| tx.manage_staff(change))
    }

    /// Records `actor`'s login as the first admin of a database that has no workers
    /// yet (no role check: there is nobody to check against); returns the worker's id.
    ///
    /// # Errors
    /// [`StoreError::NotAllowed`] if the database has workers already, or SQLite.
    pub fn add_first_admin(&mut self, actor: &Actor) -> StoreResult<i64> {
        self.write(actor, |tx| {
            let workers: i64 = tx
                .tx
                .query_row("SELECT count(*) AS n FROM worker", &[])?
                .get("n")?;
            if workers > 0 {
                return Err(StoreError::NotAllowed(
                    "this database has workers already: ask one of its admins to add you \
                     (caseload worker add)"
                        .to_owned(),
                ));
            }
            let id = tx.insert_worker(&NewWorker {
                name: actor.login.clone(),
                login: Some(actor.login.clone()),
                role: Role::Admin,
                area_id: None,
            })?;
            tx.audit(
                "worker",
                Some(id),
                Audited::Insert,
                None,
                Some(&serde_json::json!({ "login": actor.login, "role": "admin" })),
            )?;
            Ok(id)
        })
    }

    /// Gives `login` to the worker `worker_id`, taking it from anyone who had it, with
    /// no role check: the demo hands its team leader to whoever runs it this way.
    ///
    /// # Errors
    /// [`StoreError::ReadOnlySession`], or an SQLite error.
    pub fn assign_login(&mut self, actor: &Actor, worker_id: i64, login: &str) -> StoreResult<()> {
        self.write(actor, |tx| tx.assign_login(worker_id, login))
    }

    /// Gives `actor`'s login to the worker named `name` (the first of that name), in one
    /// transaction with no role check, unless it is theirs already: whoever runs the
    /// demo becomes its team leader this way.
    ///
    /// # Errors
    /// [`StoreError::NotFound`] if no worker has that name, or the engine's error.
    pub fn claim_worker_named(&mut self, actor: &Actor, name: &str) -> StoreResult<()> {
        self.write(actor, |tx| {
            let worker = tx
                .tx
                .query_opt(
                    "SELECT id, login FROM worker WHERE name = ?1 ORDER BY id LIMIT 1",
                    &[name.into()],
                )?
                .ok_or_else(|| StoreError::NotFound {
                    entity: "worker",
                    key: name.to_owned(),
                })?;
            if worker.get::<Option<String>>("login")?.as_deref() == Some(actor.login.as_str()) {
                return Ok(());
            }
            tx.assign_login(worker.get("id")?, &actor.login)
        })
    }

    /// On PostgreSQL, makes `login` a role that may log in, in the group
    /// `caseload_worker` (`caseload_enrol`), so that its worker connects as themselves;
    /// true if the role was created now. On SQLite there are no roles: `false`.
    ///
    /// # Errors
    /// [`StoreError::NotAllowed`] if this connection's role may not enrol (only the
    /// tables' owner may, with CREATEROLE), or the engine's error.
    pub fn enrol(&self, login: &str) -> StoreResult<bool> {
        if self.conn.dialect() == super::sql::Dialect::Sqlite {
            return Ok(false);
        }
        Ok(self
            .conn
            .query_row("SELECT caseload_enrol(?1) AS created", &[login.into()])?
            .get("created")?)
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
                Audited::Update,
            )?,
        };
        Ok(written.row_id)
    }
}
