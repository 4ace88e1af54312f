//! All integration tests, in one test binary (one link step on a 2-core machine).

// Tests fail loudly on purpose; helpers outside #[test] functions may unwrap too.
#![allow(clippy::unwrap_used)]

mod access;
mod breach_rules;
mod capacity;
mod cli;
mod common;
mod concurrency;
mod config;
mod corpus;
mod domain;
mod duties;
mod editing;
mod event_loop;
mod form_specs;
mod forms;
mod handover;
mod hostile;
mod import_facts;
mod imports;
mod locks;
mod merge;
mod merge_conflicts;
mod merge_processes;
mod mouse;
mod overlays;
mod paths;
mod postgres;
mod postgres_migrate;
mod postgres_schema;
mod postgres_sql;
mod reassign_processes;
mod reengagement;
mod report;
mod report_view;
mod return_definitions;
mod roles;
mod roles_everyone;
mod sanitiser;
mod scope;
mod screenshots;
mod scroll;
mod search;
mod ssh;
mod store;
mod team;
mod team_os_users;
mod tmux;
mod transfer;
mod triage;
mod ui;
mod undo;
mod updates;
mod upgrade;
mod workers;
