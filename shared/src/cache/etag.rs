//! Entity tags for cacheable responses, and `If-None-Match` matching.
//!
//! The tag is a hash of the exact body bytes, stored with the cache entry, so a `HIT` and the
//! `MISS` that produced the same body carry the same tag, and a 304 saves the phone the body.

use std::hash::{DefaultHasher, Hasher};

/// A strong validator for `body`: any change to the bytes changes it.
pub fn etag(body: &[u8]) -> String {
    let mut hasher = DefaultHasher::new();
    hasher.write(body);
    let len = u64::try_from(body.len()).unwrap_or(u64::MAX);
    format!("\"{:016x}{:x}\"", hasher.finish(), len)
}

/// Whether an `If-None-Match` header value matches `etag` (weak comparison, as RFC 9110 asks
/// for this header): `*`, or any listed tag equal once `W/` is ignored.
pub fn if_none_match(header: &str, etag: &str) -> bool {
    let wanted = etag.trim_start_matches("W/");
    header
        .split(',')
        .map(str::trim)
        .any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_bytes_same_tag_and_different_bytes_different_tag() {
        assert_eq!(etag(b"{\"id\":1}"), etag(b"{\"id\":1}"));
        assert_ne!(etag(b"{\"id\":1}"), etag(b"{\"id\":2}"));
        assert!(etag(b"").starts_with('"') && etag(b"").ends_with('"'));
    }

    #[test]
    fn matches_lists_weak_tags_and_star() {
        let tag = etag(b"body");
        assert!(if_none_match(&tag, &tag));
        assert!(if_none_match(&format!("\"other\", W/{tag}"), &tag));
        assert!(if_none_match("*", &tag));
        assert!(!if_none_match("\"other\"", &tag));
        assert!(!if_none_match("", &tag));
    }
}
