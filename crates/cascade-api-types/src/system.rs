//! Health and the company profile.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` when the process serves requests; `/readyz` also checks the database.
    pub status: String,
    pub version: String,
    /// `sqlite` or `postgres`.
    pub database: String,
}

/// The company Cascade plans for: the root of the org tree and its settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Company {
    /// Name of the root org unit; absent until the org tree has a root.
    pub name: Option<String>,
    pub root_unit_id: Option<i64>,
    /// ISO 4217 currency of every amount.
    pub currency: String,
    /// IANA time zone in which periods and business dates are counted.
    pub time_zone: String,
}
