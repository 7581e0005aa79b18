//! Cross-site request forgery defence for cookie-authenticated writes: the browser states where a
//! request comes from (`Origin`, or failing that `Referer`), and only the web's own origin may
//! write. SameSite=Strict on the session cookie is the second line.

use crate::error::{BffError, ErrorKind};

/// Methods that change something and so need the origin check.
pub fn is_write(method: &str) -> bool {
    !matches!(method, "GET" | "HEAD" | "OPTIONS")
}

/// Passes when the request's `Origin` (or `Referer`'s origin) is `allowed`.
pub fn check(origin: Option<&str>, referer: Option<&str>, allowed: &str) -> Result<(), BffError> {
    let stated = match (origin, referer) {
        (Some(origin), _) if origin != "null" => Some(origin.trim_end_matches('/').to_owned()),
        (_, Some(referer)) => origin_of(referer),
        _ => None,
    };
    if stated.as_deref() == Some(allowed.trim_end_matches('/')) {
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
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WEB: &str = "https://www.shop.example";

    #[test]
    fn the_own_origin_passes() {
        assert!(check(Some(WEB), None, WEB).is_ok());
        assert!(check(None, Some("https://www.shop.example/cart?x=1"), WEB).is_ok());
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
            let error = check(origin, referer, WEB).unwrap_err();
            assert_eq!((error.status(), error.code()), (403, "cross_site_request"));
        }
    }

    #[test]
    fn only_writes_are_checked() {
        assert!(is_write("POST") && is_write("DELETE") && is_write("PUT"));
        assert!(!is_write("GET") && !is_write("HEAD") && !is_write("OPTIONS"));
    }
}
