//! The named place for what differs between SQLite and PostgreSQL in the SQL the store
//! writes. Everything else is written once, in the subset both engines share:
//!
//! - placeholders are written `?1`, `?2` ... (SQLite's); [`Dialect::translate`] turns
//!   them into PostgreSQL's `$1`, `$2` ...;
//! - a write transaction starts with [`Dialect::begin`]: `BEGIN IMMEDIATE` on SQLite
//!   (one writer at a time), `READ COMMITTED` on PostgreSQL, where each row a write
//!   depends on is locked with [`Dialect::for_update`] before its version is compared;
//! - a read snapshot starts with [`Dialect::begin_snapshot`] (repeatable read on
//!   PostgreSQL);
//! - a boolean expression (`x IS NOT NULL AS flag`) reads as 0 or 1 on both, since rows
//!   turn PostgreSQL's booleans into integers (see `row.rs`);
//! - text is ordered as SQLite orders it, not by the database's collation, through
//!   [`Dialect::nocase`] and [`Dialect::binary`];
//! - upserts are `INSERT ... ON CONFLICT ... DO NOTHING/UPDATE` and new ids come back
//!   with `RETURNING id` on both (SQLite 3.35 or later); case-blind comparisons are
//!   written `lower(a) = lower(b)`, which both index.
//!
//! Differences only the schema meets (date CHECKs, `COLLATE NOCASE`, `STRICT`, identity
//! columns, `json_valid`) live in the two schema files, not here.

use std::borrow::Cow;

/// Which SQL engine a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// SQLite (one file; rusqlite).
    Sqlite,
    /// PostgreSQL 15 or later (the `postgres` crate).
    Postgres,
}

impl Dialect {
    /// `sql` as this engine takes it: on PostgreSQL, every `?N` placeholder becomes `$N`
    /// (and a bare `?` the next number), outside quoted text, quoted names and comments.
    #[must_use]
    pub fn translate(self, sql: &str) -> Cow<'_, str> {
        if self == Self::Sqlite || !sql.contains('?') {
            return Cow::Borrowed(sql);
        }
        let mut out = String::with_capacity(sql.len() + 8);
        let mut chars = sql.chars().peekable();
        let mut highest = 0_u32;
        while let Some(c) = chars.next() {
            match c {
                '\'' | '"' => {
                    out.push(c);
                    for inner in chars.by_ref() {
                        out.push(inner);
                        if inner == c {
                            break;
                        }
                    }
                }
                '-' if chars.peek() == Some(&'-') => {
                    out.push(c);
                    for inner in chars.by_ref() {
                        out.push(inner);
                        if inner == '\n' {
                            break;
                        }
                    }
                }
                '/' if chars.peek() == Some(&'*') => {
                    out.push(c);
                    let mut previous = ' ';
                    for inner in chars.by_ref() {
                        out.push(inner);
                        if previous == '*' && inner == '/' {
                            break;
                        }
                        previous = inner;
                    }
                }
                '?' => {
                    let mut digits = String::new();
                    while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                        digits.push(*d);
                        chars.next();
                    }
                    let number = digits.parse().unwrap_or(highest + 1);
                    highest = highest.max(number);
                    out.push('$');
                    out.push_str(&number.to_string());
                }
                _ => out.push(c),
            }
        }
        Cow::Owned(out)
    }

    /// The statement that starts a write transaction.
    #[must_use]
    pub const fn begin(self) -> &'static str {
        match self {
            Self::Sqlite => "BEGIN IMMEDIATE",
            Self::Postgres => "BEGIN ISOLATION LEVEL READ COMMITTED",
        }
    }

    /// The statement that starts a read-only snapshot: every read in it sees the
    /// database as it was at its first read.
    #[must_use]
    pub const fn begin_snapshot(self) -> &'static str {
        match self {
            Self::Sqlite => "BEGIN DEFERRED",
            Self::Postgres => "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        }
    }

    /// A condition that the JSON object in the text column `json` has the key the
    /// parameter `key` (a placeholder such as `?3`) names.
    #[must_use]
    pub fn json_has_key(self, json: &str, key: &str) -> String {
        match self {
            Self::Sqlite => format!("json_type({json}, '$.' || {key}) IS NOT NULL"),
            // A function, not the `?` operator, which would read as a placeholder.
            Self::Postgres => format!("jsonb_exists({json}::jsonb, {key})"),
        }
    }

    /// `text` (a column or expression) as ordered and compared ignoring ASCII case,
    /// as SQLite's `NOCASE` does: on PostgreSQL it is lowered in the `"C"` collation,
    /// which folds ASCII letters only and compares bytes, whatever the database's
    /// collation.
    #[must_use]
    pub fn nocase(self, text: &str) -> String {
        match self {
            Self::Sqlite => format!("{text} COLLATE NOCASE"),
            Self::Postgres => format!("lower({text} COLLATE \"C\")"),
        }
    }

    /// `text` (a column or expression) as ordered byte for byte, as SQLite's default
    /// `BINARY` does: on PostgreSQL in the `"C"` collation, not the database's.
    #[must_use]
    pub fn binary(self, text: &str) -> String {
        match self {
            Self::Sqlite => format!("{text} COLLATE BINARY"),
            Self::Postgres => format!("{text} COLLATE \"C\""),
        }
    }

    /// A query of one column, `value`, of the integers in the JSON array that the
    /// parameter `list` (a placeholder such as `?4`, bound to text) holds: SQLite's
    /// `json_each`, PostgreSQL's `jsonb_array_elements_text`.
    #[must_use]
    pub fn json_integers(self, list: &str) -> String {
        match self {
            Self::Sqlite => format!("SELECT value FROM json_each({list})"),
            Self::Postgres => format!(
                "SELECT CAST(value AS BIGINT) AS value
                   FROM jsonb_array_elements_text(CAST(CAST({list} AS TEXT) AS JSONB)) AS j (value)"
            ),
        }
    }

    /// What follows `FROM table alias` to make SQLite read it by `index`, where its own
    /// plan would not (SQLite's `INDEXED BY`); nothing on PostgreSQL, which has no such
    /// hint and plans from its statistics.
    #[must_use]
    pub fn indexed_by(self, index: &str) -> String {
        match self {
            Self::Sqlite => format!(" INDEXED BY {index}"),
            Self::Postgres => String::new(),
        }
    }

    /// Whether this session may count the clients of the area whose id is `area_id`
    /// (an SQL expression): always on SQLite; on PostgreSQL as the policy
    /// `area_count_read` allows (`pg/area_count.sql`: an admin every area, a worker their
    /// own), or where row security does not apply (the tables' owner).
    #[must_use]
    pub fn counts_area(self, area_id: &str) -> String {
        match self {
            Self::Sqlite => "1".to_owned(),
            Self::Postgres => format!(
                "(NOT row_security_active('area_count') OR caseload_role() = 'admin' \
                  OR {area_id} = caseload_area())"
            ),
        }
    }

    /// The smaller of two values that are not NULL: SQLite's two-argument `min`,
    /// PostgreSQL's `least`.
    #[must_use]
    pub fn least(self, a: &str, b: &str) -> String {
        match self {
            Self::Sqlite => format!("min({a}, {b})"),
            Self::Postgres => format!("least({a}, {b})"),
        }
    }

    /// What ends a `SELECT` of rows a write is about to change, so that no one else
    /// changes them before it commits: nothing on SQLite, where `BEGIN IMMEDIATE`
    /// already holds the only write lock; ` FOR UPDATE` on PostgreSQL.
    #[must_use]
    pub const fn for_update(self) -> &'static str {
        match self {
            Self::Sqlite => "",
            Self::Postgres => " FOR UPDATE",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Dialect;

    #[test]
    fn numbered_placeholders_become_dollars_on_postgres_only() {
        let sql = "UPDATE client SET family_name = ?2 WHERE id = ?1 AND version = ?10";
        assert_eq!(Dialect::Sqlite.translate(sql), sql);
        assert_eq!(
            Dialect::Postgres.translate(sql),
            "UPDATE client SET family_name = $2 WHERE id = $1 AND version = $10"
        );
    }

    #[test]
    fn bare_placeholders_are_numbered_after_the_highest_so_far() {
        assert_eq!(
            Dialect::Postgres.translate("SELECT ?, ?3, ?"),
            "SELECT $1, $3, $4"
        );
    }

    #[test]
    fn question_marks_in_text_names_and_comments_stay() {
        let sql = "SELECT 'why?' AS \"what?\", ?1 -- really?\n/* or ?2 */ FROM t WHERE a = ?2";
        assert_eq!(
            Dialect::Postgres.translate(sql),
            "SELECT 'why?' AS \"what?\", $1 -- really?\n/* or ?2 */ FROM t WHERE a = $2"
        );
    }

    #[test]
    fn doubled_quotes_inside_text_do_not_end_it() {
        assert_eq!(
            Dialect::Postgres.translate("SELECT 'it''s ?' WHERE a = ?1"),
            "SELECT 'it''s ?' WHERE a = $1"
        );
    }
}
