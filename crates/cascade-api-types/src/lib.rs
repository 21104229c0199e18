//! Request and response bodies of the REST API under `/api/v1`.
//!
//! Shared by the server and the SPA (this crate compiles for wasm32). Request
//! bodies refuse unknown fields so that a typo is an error, not a silently
//! ignored value. With the `openapi` feature every type derives its utoipa
//! schema.

pub mod auth;
pub mod common;
pub mod custom;
pub mod customers;
pub mod imports;
pub mod jobs;
pub mod org;
pub mod people;
pub mod pipeline;
pub mod planning;
pub mod sales;
pub mod strict;
pub mod system;

pub use auth::*;
pub use common::*;
pub use custom::*;
pub use customers::*;
pub use imports::*;
pub use jobs::*;
pub use org::*;
pub use people::*;
pub use pipeline::*;
pub use planning::*;
pub use sales::*;
pub use system::*;
