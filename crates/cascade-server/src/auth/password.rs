//! Password hashing with argon2id. Unknown users are checked against a dummy
//! hash so that "no such user" and "wrong password" take the same time.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::rngs::OsRng;

/// Shortest password accepted when one is set.
pub const MIN_LENGTH: usize = 10;
/// Longer inputs are refused before hashing, so nobody can make the server
/// hash megabytes.
pub const MAX_LENGTH: usize = 128;

/// argon2id with the crate's defaults (19 MiB, 2 passes: OWASP's minimum).
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| anyhow::anyhow!("argon2: {e}"))
}

/// Checks `password` against a stored hash; with no hash (an unknown user or
/// one without a password) it spends the same effort and answers no.
pub fn verify(stored: Option<&str>, password: &str) -> bool {
    let (hash, real) = match stored {
        Some(h) => (h, true),
        None => (dummy_hash(), false),
    };
    let ok = PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok());
    ok && real
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash("not a password anybody has").unwrap_or_default())
}

/// Why a new password is refused, if it is.
pub fn check_new(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < MIN_LENGTH {
        return Err(format!("must be at least {MIN_LENGTH} characters"));
    }
    if n > MAX_LENGTH {
        return Err(format!("must be at most {MAX_LENGTH} characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash("correct horse battery").unwrap();
        let b = hash("correct horse battery").unwrap();
        assert_ne!(a, b, "salted");
        assert!(a.starts_with("$argon2id$"));
        assert!(verify(Some(&a), "correct horse battery"));
        assert!(!verify(Some(&a), "correct horse batterz"));
        assert!(!verify(None, "not a password anybody has"), "the dummy never signs anybody in");
    }

    #[test]
    fn new_passwords_have_limits() {
        assert!(check_new("short").is_err());
        assert!(check_new("long enough!").is_ok());
        assert!(check_new(&"x".repeat(300)).is_err());
    }
}
