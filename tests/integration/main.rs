//! All integration tests, in one test binary (one link step on a 2-core machine).

mod common;
mod domain;
mod store;
