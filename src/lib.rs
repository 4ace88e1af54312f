//! caseload: a terminal caseload-triage tool for criminal-justice drug and alcohol
//! teams. See README.md for what it does and `../shared/style.md` for the shape:
//! keys -> Action -> `App::update` -> Effect -> Store, and `ui` draws from `&App`.

pub mod action;
pub mod app;
pub mod cli;
pub mod config;
pub mod demo;
pub mod domain;
pub mod form;
pub mod identity;
pub mod keys;
pub mod layout;
pub mod loader;
pub mod report;
pub mod scroll;
pub mod signals;
pub mod state;
pub mod store;
pub mod transfer;
pub mod tui;
pub mod ui;
pub mod unix;
pub mod wallclock;
