//! Key spaces and roles: the names that partition a deployment.
//!
//! A *space* holds keys (every key belongs to exactly one; existing stores
//! move into [`DEFAULT_SPACE`]); a *role* is a named set of permissions
//! inside one space, which a key of that space can be given.

use crate::names::name_type;

/// The space every key belongs to unless it is created in another, and
/// the one an upgraded store's keys move into.
pub const DEFAULT_SPACE: &str = "default";

/// Whether `s` is a slug: 1 to `max` of `a-z`, `0-9` and `-`, starting with
/// a letter or digit and not ending with `-`. No `_` and no `%`: a space id
/// can stand in a SQL `LIKE` pattern without escaping.
fn is_slug(s: &str, max: usize) -> bool {
    let b = s.as_bytes();
    !b.is_empty()
        && b.len() <= max
        && b[0].is_ascii_alphanumeric()
        && b[b.len() - 1] != b'-'
        && b.iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
}

name_type!(
    /// A space's id: a slug of 1 to 48 of `a-z0-9-` (`payments`, `search-eu`).
    SpaceId,
    "space",
    |s| is_slug(s, 48),
    "expected 1 to 48 lowercase letters, digits or -, starting with a letter or digit"
);

impl SpaceId {
    /// Whether it is [`DEFAULT_SPACE`].
    pub fn is_default(&self) -> bool {
        self.0 == DEFAULT_SPACE
    }
}

impl Default for SpaceId {
    fn default() -> Self {
        Self(DEFAULT_SPACE.to_owned())
    }
}

name_type!(
    /// A role's name within its space: a slug of 1 to 64 of `a-z0-9-`
    /// (`editor`, `billing-admin`).
    RoleName,
    "role",
    |s| is_slug(s, 64),
    "expected 1 to 64 lowercase letters, digits or -, starting with a letter or digit"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        for good in ["default", "payments", "search-eu", "a", "0x1"] {
            assert!(good.parse::<SpaceId>().is_ok(), "{good}");
            assert!(good.parse::<RoleName>().is_ok(), "{good}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "A",
            "a_b",
            "a%b",
            "a.b",
            "a b",
            "é",
            &"a".repeat(49),
        ] {
            assert!(bad.parse::<SpaceId>().is_err(), "{bad}");
        }
        assert!("a".repeat(64).parse::<RoleName>().is_ok());
        assert!("a".repeat(65).parse::<RoleName>().is_err());
        assert!(SpaceId::default().is_default());
    }
}
