//! Pieces every screen shares. A screen composes these and the catalogue's
//! words; it never styles a figure or an error state on its own.

pub mod band;
pub mod dialog;
pub mod facts;
pub mod file_drop;
pub mod form;
pub mod line_diffs;
pub mod money;
pub mod paged;
pub mod plan_table;
pub mod reason;
pub mod shell;
pub mod state;
pub mod table;
pub mod target_card;
pub mod toast;
