//! The few ways storage can fail, as the API needs to tell them apart.

/// What went wrong in the store. `Invalid` and `Conflict` carry the field and
/// a reason a user can act on; `Other` is an internal fault whose cause is
/// logged, never shown.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such row, or not inside the caller's scope (the two are not told apart).
    #[error("{entity} not found")]
    NotFound { entity: &'static str },
    /// A uniqueness or state rule: duplicate key, unit still has children, …
    #[error("{field}: {reason}")]
    Conflict { field: String, reason: String },
    /// A value that only the database can judge: an unknown parent, a move
    /// under one's own descendant, …
    #[error("{field}: {reason}")]
    Invalid { field: String, reason: String },
    /// The row changed since the caller read it (optimistic concurrency);
    /// nothing was written.
    #[error("{entity} changed since it was read")]
    Stale { entity: &'static str },
    #[error(transparent)]
    Other(#[from] sqlx::Error),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl StoreError {
    pub fn not_found(entity: &'static str) -> Self {
        StoreError::NotFound { entity }
    }

    pub fn conflict(field: impl Into<String>, reason: impl Into<String>) -> Self {
        StoreError::Conflict { field: field.into(), reason: reason.into() }
    }

    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        StoreError::Invalid { field: field.into(), reason: reason.into() }
    }
}

impl StoreError {
    /// Replaces the reason of a conflict on `field` with one that says more.
    pub(crate) fn with_reason(self, field: &str, reason: &str) -> Self {
        match self {
            StoreError::Conflict { field: f, .. } if f == field => StoreError::conflict(field, reason),
            e => e,
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Maps a failed write: a unique violation becomes a `Conflict` on `field`, a
/// foreign-key violation an `Invalid` on `fk_field`; anything else stays internal.
/// Maps a failed delete: a foreign-key violation means other rows still
/// refer to this one, a `Conflict` saying `why`; anything else stays internal.
pub(crate) fn on_delete(err: sqlx::Error, why: &str) -> StoreError {
    if let sqlx::Error::Database(db) = &err {
        if db.is_foreign_key_violation() {
            return StoreError::conflict("id", why);
        }
    }
    StoreError::Other(err)
}

pub(crate) fn on_write(err: sqlx::Error, field: &str, fk_field: &str) -> StoreError {
    if let sqlx::Error::Database(db) = &err {
        if db.is_unique_violation() {
            return StoreError::conflict(field, "is already taken");
        }
        if db.is_foreign_key_violation() {
            return StoreError::invalid(fk_field, "refers to a row that does not exist");
        }
    }
    StoreError::Other(err)
}
