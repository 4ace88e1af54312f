//! A row read from either engine, its values read by column name.

use std::sync::Arc;

use super::value::{FromValue, Value};
use super::{Error, Result};

/// One result row: the statement's column names (shared by all its rows) and the
/// row's values. Read it by name with [`Row::get`]; a read of many rows may look the
/// positions up once with [`Row::index`] and read with [`Row::get_at`].
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    names: Arc<[String]>,
    values: Vec<Value>,
}

impl Row {
    pub(super) fn new(names: Arc<[String]>, values: Vec<Value>) -> Self {
        Self { names, values }
    }

    /// The values, to be written over by the next row of the same statement.
    pub(super) fn values_mut(&mut self) -> &mut [Value] {
        &mut self.values
    }

    /// The position of `column` among the statement's result columns.
    ///
    /// # Errors
    /// [`Error::NoColumn`] if the statement has no such column.
    pub fn index(&self, column: &str) -> Result<usize> {
        self.names
            .iter()
            .position(|name| name == column)
            .ok_or_else(|| Error::NoColumn(column.to_owned()))
    }

    /// The value of `column`, as `T`.
    ///
    /// # Errors
    /// [`Error::NoColumn`], or [`Error::Conversion`] if the value is not a `T`.
    pub fn get<T: FromValue>(&self, column: &str) -> Result<T> {
        self.get_at(self.index(column)?)
    }

    /// The value at position `index`, as `T`.
    ///
    /// # Errors
    /// [`Error::NoColumn`] past the last column, or [`Error::Conversion`].
    pub fn get_at<T: FromValue>(&self, index: usize) -> Result<T> {
        let value = self
            .values
            .get(index)
            .ok_or_else(|| Error::NoColumn(format!("#{index}")))?;
        T::from_value(value).map_err(|found| Error::Conversion {
            column: self.names[index].clone(),
            wanted: std::any::type_name::<T>(),
            found,
        })
    }

    /// The text at position `index`, borrowed (`None` for NULL): a read of many rows
    /// parses dates and codes without copying them first.
    ///
    /// # Errors
    /// [`Error::NoColumn`] past the last column, or [`Error::Conversion`] for a value
    /// that is not text.
    pub fn text_at(&self, index: usize) -> Result<Option<&str>> {
        match self.values.get(index) {
            None => Err(Error::NoColumn(format!("#{index}"))),
            Some(Value::Null) => Ok(None),
            Some(Value::Text(text)) => Ok(Some(text)),
            Some(other) => Err(Error::Conversion {
                column: self.names[index].clone(),
                wanted: "text",
                found: other.kind().to_owned(),
            }),
        }
    }

    /// The statement's column names, in order.
    #[must_use]
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The row's values, in column order.
    #[must_use]
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    /// The row's values, taken.
    #[must_use]
    pub fn into_values(self) -> Vec<Value> {
        self.values
    }
}
