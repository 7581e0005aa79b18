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

/// The entity tag of a document built into the Worker (its API description), computed when the
/// Worker is compiled: serving the document hashes nothing, not even once per isolate.
pub struct BuiltTag([u8; 18]);

impl BuiltTag {
    /// FNV-1a (64 bits) of `document`, as a quoted hex tag; simple enough for a const context.
    pub const fn of(document: &str) -> Self {
        let bytes = document.as_bytes();
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut at = 0;
        while at < bytes.len() {
            hash ^= bytes[at] as u64;
            hash = hash.wrapping_mul(0x0100_0000_01b3);
            at += 1;
        }
        let mut tag = [b'"'; 18];
        let mut digit = 0;
        while digit < 16 {
            let nibble = ((hash >> (60 - 4 * digit)) & 0xf) as u8;
            tag[1 + digit] = if nibble < 10 {
                b'0' + nibble
            } else {
                b'a' + nibble - 10
            };
            digit += 1;
        }
        Self(tag)
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("\"\"")
    }
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
    fn a_built_tag_is_quoted_hex_and_follows_the_bytes() {
        const TAG: BuiltTag = BuiltTag::of("{\"openapi\":\"3.1.0\"}");
        let tag = TAG.as_str();
        assert_eq!(tag.len(), 18);
        assert!(tag.starts_with('"') && tag.ends_with('"'));
        assert!(tag[1..17].bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(tag, BuiltTag::of("{\"openapi\":\"3.1.0\"}").as_str());
        assert_ne!(tag, BuiltTag::of("{\"openapi\":\"3.1.1\"}").as_str());
        // FNV-1a's published value for the empty input.
        assert_eq!(BuiltTag::of("").as_str(), "\"cbf29ce484222325\"");
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

    proptest::proptest! {
        /// Any `If-None-Match` a client sends is answered without a panic; a list that names the
        /// tag (weak or strong) among anything else matches it, and `*` matches every tag.
        #[test]
        fn a_listed_tag_matches_and_nothing_panics(
            header in "\\PC{0,200}",
            body in proptest::collection::vec(proptest::num::u8::ANY, 0..64),
            weak in proptest::bool::ANY,
        ) {
            let tag = etag(&body);
            let _ = if_none_match(&header, &tag);
            let listed = format!("{header}, {}{tag}", if weak { "W/" } else { "" });
            proptest::prop_assert!(if_none_match(&listed, &tag));
            proptest::prop_assert!(if_none_match("*", &tag));
        }
    }
}
