//! Query parameters of the public API, validated and normalized: a bad one is a 400 that says
//! what is wrong, and two spellings of the same request normalize to the same values (and so to
//! one cache entry).

use crate::error::BffError;

/// Longest accepted text query, in characters.
pub const MAX_QUERY_CHARS: usize = 100;

/// The first value of each parameter of a URL query string, decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query(Vec<(String, String)>);

impl Query {
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Self(pairs.into_iter().collect())
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A page size: `default` when absent, else 1..=`max`.
pub fn limit(raw: Option<&str>, default: u32, max: u32) -> Result<u32, BffError> {
    match raw {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| {
                BffError::bad_request(
                    "invalid_limit",
                    format!("limit is a whole number from 1 to {max}."),
                )
            }),
    }
}

/// A 1-based page number; 1 when absent.
pub fn page(raw: Option<&str>) -> Result<u32, BffError> {
    match raw {
        None => Ok(1),
        Some(raw) => raw
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| *n >= 1)
            .ok_or_else(|| BffError::bad_request("invalid_page", "page is a whole number from 1.")),
    }
}

/// A category slug, lower-cased; `None` when absent or empty.
pub fn category(raw: Option<&str>) -> Result<Option<String>, BffError> {
    let Some(raw) = raw.map(str::trim).filter(|raw| !raw.is_empty()) else {
        return Ok(None);
    };
    let slug = raw.to_ascii_lowercase();
    let valid = slug.len() <= 64 && slug.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if valid {
        Ok(Some(slug))
    } else {
        Err(BffError::bad_request(
            "invalid_category",
            "category is a slug of letters, digits and hyphens, e.g. running-shoes.",
        ))
    }
}

/// A free-text query: trimmed, inner whitespace collapsed, lower-cased; empty when absent.
pub fn text(raw: Option<&str>) -> Result<String, BffError> {
    let normalized = raw
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    if normalized.chars().count() > MAX_QUERY_CHARS {
        return Err(BffError::bad_request(
            "query_too_long",
            format!("q may be at most {MAX_QUERY_CHARS} characters."),
        ));
    }
    if normalized.chars().any(char::is_control) {
        return Err(BffError::bad_request(
            "invalid_query",
            "q may not contain control characters.",
        ));
    }
    Ok(normalized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_default_and_stay_in_range() {
        assert_eq!(limit(None, 24, 60).unwrap(), 24);
        assert_eq!(limit(Some("60"), 24, 60).unwrap(), 60);
        for bad in ["0", "61", "-1", "ten", "", "1e2"] {
            assert_eq!(
                limit(Some(bad), 24, 60).unwrap_err().code(),
                "invalid_limit",
                "{bad}"
            );
        }
    }

    #[test]
    fn pages_start_at_one() {
        assert_eq!(page(None).unwrap(), 1);
        assert_eq!(page(Some("3")).unwrap(), 3);
        assert!(page(Some("0")).is_err());
        assert!(page(Some("x")).is_err());
    }

    #[test]
    fn categories_are_normalized_slugs() {
        assert_eq!(
            category(Some(" Headphones ")).unwrap().as_deref(),
            Some("headphones")
        );
        assert_eq!(category(Some("")).unwrap(), None);
        assert_eq!(category(None).unwrap(), None);
        for bad in ["head phones", "x/../y", "ü", &"a".repeat(65)] {
            assert_eq!(
                category(Some(bad)).unwrap_err().code(),
                "invalid_category",
                "{bad}"
            );
        }
    }

    #[test]
    fn text_queries_normalize_to_one_form() {
        assert_eq!(
            text(Some("  Wireless   HEADphones ")).unwrap(),
            "wireless headphones"
        );
        assert_eq!(text(None).unwrap(), "");
        assert_eq!(
            text(Some(&"x".repeat(101))).unwrap_err().code(),
            "query_too_long"
        );
        assert_eq!(text(Some("a\u{0}b")).unwrap_err().code(), "invalid_query");
    }

    #[test]
    fn query_keeps_the_first_value() {
        let query = Query::new([("a".into(), "1".into()), ("a".into(), "2".into())]);
        assert_eq!(query.get("a"), Some("1"));
        assert_eq!(query.get("b"), None);
    }

    proptest::proptest! {
        /// Any raw parameter: a value inside its rules or a 400, never a panic, and the text
        /// query is idempotent under its own normalization (one cache entry per meaning).
        #[test]
        fn parameters_are_a_value_in_range_or_a_400(raw in ".{0,200}", max in 1u32..100) {
            match limit(Some(&raw), 10, max) {
                Ok(n) => proptest::prop_assert!((1..=max).contains(&n)),
                Err(error) => proptest::prop_assert_eq!(error.status(), 400),
            }
            match page(Some(&raw)) {
                Ok(n) => proptest::prop_assert!(n >= 1),
                Err(error) => proptest::prop_assert_eq!(error.status(), 400),
            }
            match category(Some(&raw)) {
                Ok(Some(slug)) => proptest::prop_assert!(slug.len() <= 64),
                Ok(None) => proptest::prop_assert!(raw.trim().is_empty()),
                Err(error) => proptest::prop_assert_eq!(error.status(), 400),
            }
            match text(Some(&raw)) {
                Ok(q) => {
                    proptest::prop_assert!(q.chars().count() <= MAX_QUERY_CHARS);
                    proptest::prop_assert_eq!(text(Some(&q)).ok(), Some(q.clone()));
                }
                Err(error) => proptest::prop_assert_eq!(error.status(), 400),
            }
        }
    }
}
