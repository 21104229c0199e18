//! Cascade's pure domain model.
//!
//! Everything here is synchronous and free of I/O, HTTP, SQL and server time
//! zones: values are parsed once at the edge (`parse(..) -> Result`) and are
//! valid from then on. The store and the server build on these types.

pub mod access;
pub mod allocation;
pub mod band;
pub mod calendar;
pub mod calibration;
pub mod cascade;
pub mod explain;
pub mod jobs;
pub mod money;
pub mod period;
pub mod scores;
pub mod stage;
pub mod text;
pub mod tracking;

pub use access::{Permission, Role};
pub use money::{Money, MoneyError, MONEY_PATTERN};
pub use period::{Period, PeriodError, PeriodKind, PERIOD_PATTERN};
pub use stage::{CapabilityRating, FunnelStage, ProcurementStage, RepStatus, StageError};
pub use text::{parse_name, parse_note, says_why, Code, TextError, MIN_REASON, NOTE_MAX};
