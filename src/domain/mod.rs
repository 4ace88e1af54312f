//! The rules of the work, as plain functions over plain types.
//!
//! Depends on chrono and serde only. `today` (or `now`) is always a parameter: nothing
//! here reads the wall clock, so every rule can be tested at its edges.

pub mod breach;
pub mod capacity;
pub mod checklist;
pub mod clock;
pub mod dates;
pub mod handover;
pub mod kpi;
pub mod model;
pub mod nhs;
pub mod orders;
pub mod period;
pub mod record;
pub mod reengage;
pub mod release;
pub mod roles;
pub mod safe_text;
pub mod sample;
pub mod status;
pub mod substances;
pub mod triage;
pub mod twin;
pub mod write;
