//! Cross-site request forgery defence for the cookie session, in two layers:
//!
//! - **`X-CSRF: 1`** on every request that carries the session cookie and on every write (OAuth
//!   2.0 for Browser-Based Applications, RFC 10017, BFF section). A page on another site cannot
//!   add a custom header to a cross-origin request without a CORS preflight, and the preflight
//!   fails for every origin not in the list.
//! - **`Origin`** (or failing that `Referer`) of a write must be one of the allowed origins.
//!
//! SameSite=Strict on the session cookie is the third line.

use crate::error::{BffError, ErrorKind};

/// The custom request header, and the only value it may have.
pub const HEADER: &str = "x-csrf";
const HEADER_VALUE: &str = "1";

/// Methods that change something and so need the origin check.
pub fn is_write(method: &str) -> bool {
    !matches!(method, "GET" | "HEAD" | "OPTIONS")
}

/// Passes when the request carries `X-CSRF: 1`.
pub fn require_header(value: Option<&str>) -> Result<(), BffError> {
    if value.map(str::trim) == Some(HEADER_VALUE) {
        Ok(())
    } else {
        Err(BffError::new(
            ErrorKind::Forbidden,
            "csrf_header_missing",
            "Send the header X-CSRF: 1 with every request of a signed-in shopper and every write.",
        ))
    }
}

/// The browser apps' origins (`scheme://host[:port]`), from a comma-separated list such as
/// `ALLOWED_ORIGIN = "https://www.shop.example, http://localhost:5173"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AllowedOrigins(Vec<String>);

impl AllowedOrigins {
    /// Parses the list; an entry that is not an origin (a path, no scheme, empty) is an error
    /// naming it, so a typo is found at once rather than as a mysterious 403.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let mut origins = Vec::new();
        for entry in raw.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let origin = entry.trim_end_matches('/');
            let well_formed = origin_of(origin).is_some_and(|parsed| parsed == origin)
                && (origin.starts_with("https://") || origin.starts_with("http://"));
            if !well_formed {
                return Err(format!(
                    "ALLOWED_ORIGIN entry {entry:?} is not an origin (scheme://host[:port])"
                ));
            }
            origins.push(origin.to_owned());
        }
        if origins.is_empty() {
            return Err("ALLOWED_ORIGIN names no origin".to_owned());
        }
        Ok(Self(origins))
    }

    /// The empty list: no origin is admitted (what a misconfigured list falls back to).
    pub fn none() -> Self {
        Self(Vec::new())
    }

    /// Whether `origin` (as a browser sends it in `Origin`) is one of the list.
    pub fn contains(&self, origin: &str) -> bool {
        let origin = origin.trim_end_matches('/');
        self.0.iter().any(|allowed| allowed == origin)
    }
}

/// Passes when the request's `Origin` (or `Referer`'s origin) is one of `allowed`.
pub fn check(
    origin: Option<&str>,
    referer: Option<&str>,
    allowed: &AllowedOrigins,
) -> Result<(), BffError> {
    let stated = match (origin, referer) {
        (Some(origin), _) if origin != "null" => Some(origin.to_owned()),
        (_, Some(referer)) => origin_of(referer),
        _ => None,
    };
    if stated.is_some_and(|stated| allowed.contains(&stated)) {
        Ok(())
    } else {
        Err(BffError::new(
            ErrorKind::Forbidden,
            "cross_site_request",
            "This request must come from the storefront's own pages.",
        ))
    }
}

/// `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!scheme.is_empty() && !host.is_empty()).then(|| format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEB: &str = "https://www.shop.example";

    fn web() -> AllowedOrigins {
        AllowedOrigins::parse(WEB).unwrap()
    }

    #[test]
    fn the_own_origin_passes() {
        assert!(check(Some(WEB), None, &web()).is_ok());
        assert!(check(None, Some("https://www.shop.example/cart?x=1"), &web()).is_ok());
    }

    #[test]
    fn other_missing_or_opaque_origins_are_refused() {
        for (origin, referer) in [
            (Some("https://evil.example"), None),
            (Some("https://www.shop.example.evil.example"), None),
            (Some("null"), None),
            (None, Some("https://evil.example/page")),
            (None, None),
            (Some("http://www.shop.example"), None),
        ] {
            let error = check(origin, referer, &web()).unwrap_err();
            assert_eq!((error.status(), error.code()), (403, "cross_site_request"));
        }
    }

    #[test]
    fn a_list_admits_each_of_its_origins_and_nothing_else() {
        let list = AllowedOrigins::parse(
            " http://127.0.0.1:8787, http://localhost:5173/ ,,http://127.0.0.1:5173",
        )
        .unwrap();
        for origin in [
            "http://127.0.0.1:8787",
            "http://localhost:5173",
            "http://127.0.0.1:5173",
        ] {
            assert!(list.contains(origin), "{origin}");
            assert!(check(Some(origin), None, &list).is_ok());
        }
        for origin in [
            "http://localhost:8787",
            "http://127.0.0.1:51730",
            "http://localhost",
            "",
        ] {
            assert!(!list.contains(origin), "{origin}");
        }
    }

    #[test]
    fn a_list_with_a_non_origin_is_refused() {
        for bad in [
            "",
            " , ",
            "www.shop.example",
            "https://www.shop.example/app",
            "https://",
            "ftp://files.example",
            "https://ok.example, localhost:5173",
        ] {
            assert!(AllowedOrigins::parse(bad).is_err(), "{bad:?}");
        }
    }

    /// Arbitrary lists and origins (a fixed-seed generator): parsing and matching answer without
    /// panicking, and a parsed list admits exactly its own entries.
    #[test]
    fn arbitrary_lists_and_origins_never_panic() {
        let pieces = [
            "http://",
            "https://",
            "localhost",
            "127.0.0.1",
            ":5173",
            ":",
            "/",
            ",",
            " ",
            "?",
            "#",
            "é",
            "a.example",
            "",
            "null",
            "ftp://",
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..5_000 {
            let text: String = (0..(next() % 8))
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            if let Ok(list) = AllowedOrigins::parse(&text) {
                for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
                    assert!(list.contains(entry), "{entry:?} of {text:?}");
                }
            }
            let _ = check(Some(&text), Some(&text), &web());
        }
    }

    #[test]
    fn the_custom_header_must_say_1() {
        assert!(require_header(Some("1")).is_ok());
        for value in [None, Some(""), Some("0"), Some("true"), Some("11")] {
            let error = require_header(value).unwrap_err();
            assert_eq!((error.status(), error.code()), (403, "csrf_header_missing"));
        }
    }

    #[test]
    fn only_writes_are_checked() {
        assert!(is_write("POST") && is_write("DELETE") && is_write("PUT"));
        assert!(!is_write("GET") && !is_write("HEAD") && !is_write("OPTIONS"));
    }

    proptest::proptest! {
        /// Any `ALLOWED_ORIGIN` var parses or is refused with a reason, and any `Origin` or
        /// `Referer` a request states is admitted or refused with a 403, never a panic.
        #[test]
        fn any_origin_is_admitted_or_refused(raw in "\\PC{0,120}", origin in "\\PC{0,120}", referer in "\\PC{0,120}") {
            let allowed = AllowedOrigins::parse(&raw).unwrap_or_else(|_| AllowedOrigins::none());
            if let Err(error) = check(Some(&origin), Some(&referer), &allowed) {
                proptest::prop_assert_eq!(error.status(), 403);
            }
            if let Err(error) = check(None, Some(&referer), &web()) {
                proptest::prop_assert_eq!(error.status(), 403);
            }
        }
    }
}
