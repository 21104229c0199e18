//! In-quarter tracking (domain spec §3.1 and §4): facts in, verdicts with
//! their reasons out, no I/O. The store gathers the facts in the caller's
//! scope; the server answers with the verdicts.

pub mod alerts;
pub mod funnel;
pub mod heat;
pub mod history;
