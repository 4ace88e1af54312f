//! The values that cross into and out of SQL on either engine: [`Value`], with
//! conversions from and to Rust types, and its encodings for SQLite and PostgreSQL.
//! Dates and date-times are the same text on both (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM`),
//! so a copy from one engine to the other is byte for byte.

use chrono::{NaiveDate, NaiveDateTime};
use postgres::types::{IsNull, Type, to_sql_checked};

/// One SQL value: the four kinds both engines store for caseload (the domain's own
/// value type, so that a store function hands the domain what it read).
pub use crate::domain::write::Value;

impl Value {
    /// The kind's name, for a message about a value of the wrong kind.
    #[must_use]
    pub const fn kind(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Integer(_) => "an integer",
            Self::Real(_) => "a real number",
            Self::Text(_) => "text",
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Integer(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Self::Integer(i64::from(v))
    }
}

impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Self::Real(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::Text(v.to_owned())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}

impl From<NaiveDate> for Value {
    fn from(v: NaiveDate) -> Self {
        Self::Text(v.format("%Y-%m-%d").to_string())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Self::Null, Into::into)
    }
}

/// A Rust type a [`Value`] can be read as. The error is what the value was instead.
pub trait FromValue: Sized {
    /// `value` as this type, or the name of what it was instead.
    ///
    /// # Errors
    /// A description of the value when it is of another kind.
    fn from_value(value: &Value) -> Result<Self, String>;
}

impl FromValue for Value {
    fn from_value(value: &Value) -> Result<Self, String> {
        Ok(value.clone())
    }
}

impl FromValue for i64 {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Integer(i) => Ok(*i),
            other => Err(other.kind().to_owned()),
        }
    }
}

impl FromValue for u32 {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Integer(i) => u32::try_from(*i).map_err(|_| format!("the integer {i}")),
            other => Err(other.kind().to_owned()),
        }
    }
}

impl FromValue for u8 {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Integer(i) => u8::try_from(*i).map_err(|_| format!("the integer {i}")),
            other => Err(other.kind().to_owned()),
        }
    }
}

impl FromValue for bool {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Integer(0) => Ok(false),
            Value::Integer(1) => Ok(true),
            Value::Integer(i) => Err(format!("the integer {i}")),
            other => Err(other.kind().to_owned()),
        }
    }
}

impl FromValue for f64 {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Real(r) => Ok(*r),
            other => Err(other.kind().to_owned()),
        }
    }
}

impl FromValue for String {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Text(t) => Ok(t.clone()),
            other => Err(other.kind().to_owned()),
        }
    }
}

impl FromValue for NaiveDate {
    fn from_value(value: &Value) -> Result<Self, String> {
        let text = String::from_value(value)?;
        NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| format!("the text {text:?}"))
    }
}

impl FromValue for NaiveDateTime {
    fn from_value(value: &Value) -> Result<Self, String> {
        let text = String::from_value(value)?;
        NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M")
            .map_err(|_| format!("the text {text:?}"))
    }
}

impl<T: FromValue> FromValue for Option<T> {
    fn from_value(value: &Value) -> Result<Self, String> {
        match value {
            Value::Null => Ok(None),
            other => T::from_value(other).map(Some),
        }
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Self::Null => ValueRef::Null,
            Self::Integer(i) => ValueRef::Integer(*i),
            Self::Real(r) => ValueRef::Real(*r),
            Self::Text(t) => ValueRef::Text(t.as_bytes()),
        }))
    }
}

/// A SQLite value as a [`Value`]; `None` for a blob, which caseload never stores.
pub(super) fn from_sqlite(value: rusqlite::types::ValueRef<'_>) -> Option<Value> {
    use rusqlite::types::ValueRef;
    match value {
        ValueRef::Null => Some(Value::Null),
        ValueRef::Integer(i) => Some(Value::Integer(i)),
        ValueRef::Real(r) => Some(Value::Real(r)),
        ValueRef::Text(t) => Some(Value::Text(String::from_utf8_lossy(t).into_owned())),
        ValueRef::Blob(_) => None,
    }
}

/// `value` written over `into`, reusing text buffers: the one `into` holds, or one
/// from `spare`, where a text written over by a number or NULL leaves its buffer. A
/// read of many rows then allocates nothing per row. `false` for a blob (which
/// caseload never stores).
pub(super) fn refill_from_sqlite(
    into: &mut Value,
    value: rusqlite::types::ValueRef<'_>,
    spare: &mut Vec<String>,
) -> bool {
    use rusqlite::types::ValueRef;
    let new = match value {
        ValueRef::Text(t) => {
            let text = std::str::from_utf8(t)
                .map_or_else(|_| String::from_utf8_lossy(t), std::borrow::Cow::Borrowed);
            if let Value::Text(buffer) = into {
                buffer.clear();
                buffer.push_str(&text);
                return true;
            }
            let mut buffer = spare.pop().unwrap_or_default();
            buffer.clear();
            buffer.push_str(&text);
            Value::Text(buffer)
        }
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Integer(i),
        ValueRef::Real(r) => Value::Real(r),
        ValueRef::Blob(_) => return false,
    };
    if let Value::Text(old) = std::mem::replace(into, new) {
        spare.push(old);
    }
    true
}

/// Whether PostgreSQL's type `ty` holds text.
fn is_text(ty: &Type) -> bool {
    [
        Type::TEXT,
        Type::VARCHAR,
        Type::BPCHAR,
        Type::NAME,
        Type::UNKNOWN,
    ]
    .contains(ty)
}

/// Column `index` of a PostgreSQL row as a [`Value`]: booleans as 0 or 1 (as SQLite
/// gives them), smaller integers widened. `Err` names a type caseload never stores.
pub(super) fn from_postgres(row: &postgres::Row, index: usize) -> Result<Value, PgRead> {
    let ty = row.columns()[index].type_().clone();
    let value = match ty {
        Type::BOOL => row
            .try_get::<_, Option<bool>>(index)?
            .map(|b| Value::Integer(i64::from(b))),
        Type::INT2 => row
            .try_get::<_, Option<i16>>(index)?
            .map(|i| Value::Integer(i64::from(i))),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(index)?
            .map(|i| Value::Integer(i64::from(i))),
        Type::INT8 => row.try_get::<_, Option<i64>>(index)?.map(Value::Integer),
        Type::FLOAT4 => row
            .try_get::<_, Option<f32>>(index)?
            .map(|r| Value::Real(f64::from(r))),
        Type::FLOAT8 => row.try_get::<_, Option<f64>>(index)?.map(Value::Real),
        ref text if is_text(text) => row.try_get::<_, Option<String>>(index)?.map(Value::Text),
        other => return Err(PgRead::Type(other)),
    };
    Ok(value.unwrap_or(Value::Null))
}

/// Why a PostgreSQL column could not be read as a [`Value`].
pub(super) enum PgRead {
    /// The driver's error.
    Driver(postgres::Error),
    /// A type caseload never stores (a `numeric` sum, say: cast it to `bigint`).
    Type(Type),
}

impl From<postgres::Error> for PgRead {
    fn from(e: postgres::Error) -> Self {
        Self::Driver(e)
    }
}

type BoxError = Box<dyn std::error::Error + Sync + Send>;

impl postgres::types::ToSql for Value {
    fn to_sql(&self, ty: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
        match (self, ty) {
            (Self::Null, _) => Ok(IsNull::Yes),
            (Self::Integer(i), &Type::INT8) => i.to_sql(ty, out),
            (Self::Integer(i), &Type::INT4) => i32::try_from(*i)?.to_sql(ty, out),
            (Self::Integer(i), &Type::INT2) => i16::try_from(*i)?.to_sql(ty, out),
            (Self::Integer(i @ (0 | 1)), &Type::BOOL) => (*i == 1).to_sql(ty, out),
            (Self::Real(r), &Type::FLOAT8) => r.to_sql(ty, out),
            (Self::Text(t), text) if is_text(text) => t.as_str().to_sql(ty, out),
            (value, ty) => Err(format!("{} cannot be stored as {ty}", value.kind()).into()),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}
