//! The part of the organisation a caller may see.

/// An org subtree, carried as the materialised path of its root unit
/// (`/1/7/`). Every unit's path starts with its ancestors' paths, so
/// "inside the scope" is one indexed `LIKE 'prefix%'` in SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    prefix: String,
}

impl Scope {
    /// The whole company.
    pub fn all() -> Self {
        Scope { prefix: "/".to_owned() }
    }

    pub(crate) fn from_path(path: &str) -> Self {
        Scope { prefix: path.to_owned() }
    }

    /// The `LIKE` pattern matching the paths of every unit in the scope.
    pub(crate) fn like_pattern(&self) -> String {
        format!("{}%", self.prefix)
    }

    pub fn is_all(&self) -> bool {
        self.prefix == "/"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert_eq!(Scope::all().like_pattern(), "/%");
        assert_eq!(Scope::from_path("/1/7/").like_pattern(), "/1/7/%");
        assert!(Scope::all().is_all());
    }
}
