//! Cache keys: two requests that mean the same thing share one entry, two that differ never do.
//!
//! A key is `{version}:{frontend}:{route}:{params}:{variant}`: the version lets operators drop
//! every entry at once by a config change; the frontend keeps web and mobile apart (their shapes
//! differ); params are the route's already-normalized parameters, sorted by name, so their order
//! in the URL does not matter; the variant names a different rendering of the same data (e.g.
//! Save-Data), and a language other than English follows it (`default.de`, `save-data.fr`), so
//! a purge by route and params drops every rendering at once.

use std::fmt::Write as _;

use crate::locale::Locale;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheKey {
    frontend: &'static str,
    route: &'static str,
    params: Vec<(&'static str, String)>,
    variant: &'static str,
    language: Locale,
}

impl CacheKey {
    pub fn new(frontend: &'static str, route: &'static str) -> Self {
        Self {
            frontend,
            route,
            params: Vec::new(),
            variant: "default",
            language: Locale::En,
        }
    }

    /// The language the entry is written in (money formats differ).
    pub fn language(mut self, locale: Locale) -> Self {
        self.language = locale;
        self
    }

    /// Adds a parameter; pass the route's normalized form of the value (case, defaults).
    pub fn param(mut self, name: &'static str, value: impl ToString) -> Self {
        self.params.push((name, value.to_string()));
        self
    }

    pub fn variant(mut self, variant: &'static str) -> Self {
        self.variant = variant;
        self
    }

    /// The prefix of every key of this frontend and version, for purges.
    pub fn namespace(version: &str, frontend: &str) -> String {
        format!("{version}:{frontend}:")
    }

    pub fn route(&self) -> &'static str {
        self.route
    }

    /// The KV key under the cache `version` in force.
    pub fn render(&self, version: &str) -> String {
        let mut params = self.params.clone();
        params.sort();
        let mut key = Self::namespace(version, self.frontend);
        key.push_str(self.route);
        key.push(':');
        for (i, (name, value)) in params.iter().enumerate() {
            if i > 0 {
                key.push('&');
            }
            key.push_str(name);
            key.push('=');
            escape_into(&mut key, value);
        }
        key.push(':');
        key.push_str(self.variant);
        if self.language != Locale::En {
            key.push('.');
            key.push_str(self.language.tag());
        }
        key
    }
}

/// Percent-encodes everything but unreserved characters, so a value can never forge the
/// separators of the key (`:`, `&`, `=`).
fn escape_into(out: &mut String, value: &str) {
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_version_frontend_route_params_and_variant() {
        let key = CacheKey::new("mobile", "product").param("id", 42);
        assert_eq!(key.render("v1"), "v1:mobile:product:id=42:default");
        let key = key.variant("save-data");
        assert_eq!(key.render("v1"), "v1:mobile:product:id=42:save-data");
        let german = key.clone().language(Locale::De);
        assert_eq!(german.render("v1"), "v1:mobile:product:id=42:save-data.de");
        assert_eq!(
            key.language(Locale::En).render("v1"),
            "v1:mobile:product:id=42:save-data"
        );
    }

    #[test]
    fn parameter_order_does_not_matter() {
        let a = CacheKey::new("web", "listing")
            .param("q", "lamp")
            .param("category", "lighting");
        let b = CacheKey::new("web", "listing")
            .param("category", "lighting")
            .param("q", "lamp");
        assert_eq!(a.render("v1"), b.render("v1"));
    }

    #[test]
    fn frontends_versions_and_values_never_collide() {
        let base = |frontend| CacheKey::new(frontend, "product").param("id", 1);
        assert_ne!(base("web").render("v1"), base("mobile").render("v1"));
        assert_ne!(
            base("web").render("v1"),
            CacheKey::new("web", "product").param("id", 1).render("v2")
        );
        let forged = CacheKey::new("web", "listing").param("q", "a&category=b");
        let honest = CacheKey::new("web", "listing")
            .param("q", "a")
            .param("category", "b");
        assert_ne!(forged.render("v1"), honest.render("v1"));
        assert!(forged.render("v1").contains("q=a%26category%3Db"));
    }
}
