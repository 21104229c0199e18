//! Cascade's server: configuration, the actix application, the REST API and
//! the `cascade` command line (see `main.rs`).

pub mod auth;
pub mod config;
pub mod custom;
pub mod demo;
pub mod error;
pub mod extract;
pub mod imports;
pub mod lang;
pub mod openapi;
pub mod planning;
pub mod routes;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod validate;
