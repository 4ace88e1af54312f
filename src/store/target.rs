//! What opens a store's database again, for another connection of the same session
//! (the background reader's): the SQLite file, or the PostgreSQL URL as it was given,
//! its password included. The store's `path()` is the URL as shown to people, without
//! the password, so a connection opened from it would be refused a password login.

use std::fmt;
use std::path::PathBuf;

use super::error_pg::shown_url;
use super::{Access, Store, StoreResult, postgres_url};

/// The database a store was opened on, as given. Shown (`Debug`) without a password.
#[derive(Clone)]
pub struct Target(pub(super) PathBuf);

impl Target {
    /// Opens another connection to the same database, with `access`.
    ///
    /// # Errors
    /// As [`Store::open`].
    pub fn open(&self, access: Access) -> StoreResult<Store> {
        Store::open(&self.0, access)
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match postgres_url(&self.0) {
            Some(url) => write!(f, "Target({})", shown_url(url)),
            None => write!(f, "Target({})", self.0.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Target;

    #[test]
    fn a_targets_password_is_never_shown() {
        let target = Target("postgres://ann:s3cret@db.example:5432/team".into());
        let shown = format!("{target:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("ann@db.example:5432/team"), "{shown}");
    }
}
