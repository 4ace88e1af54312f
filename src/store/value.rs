//! The domain's [`Value`] read from SQLite by rusqlite directly (store code not yet on
//! the SQL layer); it goes into SQLite as `store::sql` gives it (`sql/value.rs`).

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ValueRef};

use crate::domain::write::Value;

impl FromSql for Value {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        Ok(match value {
            ValueRef::Null => Self::Null,
            ValueRef::Integer(i) => Self::Integer(i),
            ValueRef::Real(r) => Self::Real(r),
            ValueRef::Text(t) => Self::Text(String::from_utf8_lossy(t).into_owned()),
            // No column of caseload's holds bytes.
            ValueRef::Blob(_) => return Err(FromSqlError::InvalidType),
        })
    }
}
