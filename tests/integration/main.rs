//! All integration tests, in one test binary (one link step on a 2-core machine).

// Tests fail loudly on purpose; helpers outside #[test] functions may unwrap too.
#![allow(clippy::unwrap_used)]

mod common;
mod concurrency;
mod domain;
mod forms;
mod roles;
mod store;
mod updates;
