//! The part of the organisation a caller may see.

/// An org subtree, carried as the materialised path of its root unit
/// (`/1/7/`), optionally narrowed to one rep's own records. Every unit's path
/// starts with its ancestors' paths, so "inside the scope" is one indexed
/// `LIKE 'prefix%'` in SQL, plus an owner test for a rep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    prefix: String,
    rep_id: Option<i64>,
}

impl Scope {
    /// The whole company.
    pub fn all() -> Self {
        Scope { prefix: "/".to_owned(), rep_id: None }
    }

    /// A unit's subtree, given the unit's materialised path. The root's
    /// subtree (a one-segment path: there is one root) is the whole company,
    /// so rules that need a company-wide caller hold for HQ's users.
    pub fn subtree(path: &str) -> Self {
        Scope { prefix: Self::normalise(path), rep_id: None }
    }

    /// One rep's own records inside a subtree: the customers they own, their
    /// opportunities, visits and sales, their own rep and user records.
    pub fn own(path: &str, rep_id: i64) -> Self {
        Scope { prefix: Self::normalise(path), rep_id: Some(rep_id) }
    }

    fn normalise(path: &str) -> String {
        if path.trim_matches('/').contains('/') {
            path.to_owned()
        } else {
            "/".to_owned()
        }
    }

    /// The `LIKE` pattern matching the paths of every unit in the scope.
    pub(crate) fn like_pattern(&self) -> String {
        format!("{}%", self.prefix)
    }

    /// The materialised path of the scope's root unit.
    pub fn path(&self) -> &str {
        &self.prefix
    }

    /// The rep whose own records this scope is limited to.
    pub fn rep_id(&self) -> Option<i64> {
        self.rep_id
    }

    /// The whole company, unnarrowed.
    pub fn is_all(&self) -> bool {
        self.prefix == "/" && self.rep_id.is_none()
    }

    /// Whether `other` lies entirely inside this scope.
    pub fn contains(&self, other: &Scope) -> bool {
        other.prefix.starts_with(&self.prefix) && (self.rep_id.is_none() || self.rep_id == other.rep_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert_eq!(Scope::all().like_pattern(), "/%");
        assert_eq!(Scope::subtree("/1/7/").like_pattern(), "/1/7/%");
        assert!(Scope::all().is_all());
        assert!(!Scope::own("/", 3).is_all());
        assert!(Scope::subtree("/1/").is_all(), "the root's subtree is the company");
        assert_eq!(Scope::subtree("/1/7/").path(), "/1/7/");
    }

    #[test]
    fn containment() {
        let region = Scope::subtree("/1/7/");
        assert!(Scope::all().contains(&region));
        assert!(region.contains(&Scope::subtree("/1/7/9/")));
        assert!(!region.contains(&Scope::subtree("/1/8/")));
        assert!(region.contains(&Scope::own("/1/7/9/", 4)));
        assert!(!Scope::own("/1/7/9/", 4).contains(&Scope::subtree("/1/7/9/")));
        assert!(Scope::own("/1/7/9/", 4).contains(&Scope::own("/1/7/9/", 4)));
    }
}
