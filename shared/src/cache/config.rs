//! Cache settings of one Worker: the key version and the windows of each cached route, with
//! defaults declared by the Worker and overrides from its vars:
//!
//! - `CACHE_VERSION`: part of every key; bumping it retires every entry at once (default `v1`).
//! - `CACHE_<ROUTE>_FRESH_MS`, `CACHE_<ROUTE>_GRACE_MS`, `CACHE_<ROUTE>_MAX_STALE_MS`: the
//!   windows of one route (e.g. `CACHE_PRODUCT_FRESH_MS`).

use super::Windows;
use crate::origin::ConfigErrors;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheConfig {
    pub version: String,
    routes: Vec<(&'static str, Windows)>,
}

const MAX_WINDOW_MS: u64 = 30 * 24 * 3600 * 1000;

const MINUTE_MS: u64 = 60_000;
const DAY_MS: u64 = 24 * 60 * MINUTE_MS;

/// Windows that suit the storefront's public routes: product data and listings change slowly,
/// review pages more slowly still, the home page's merchandising a little faster; all may be
/// served stale for a day when the origins are down rather than fail.
pub const STANDARD_WINDOWS: &[(&str, Windows)] = &[
    (
        "product",
        Windows {
            fresh_ms: MINUTE_MS,
            grace_ms: 5 * MINUTE_MS,
            max_stale_ms: DAY_MS,
        },
    ),
    (
        // A product's whole description ("read more"): it changes with the product.
        "description",
        Windows {
            fresh_ms: MINUTE_MS,
            grace_ms: 5 * MINUTE_MS,
            max_stale_ms: DAY_MS,
        },
    ),
    (
        "listing",
        Windows {
            fresh_ms: MINUTE_MS,
            grace_ms: 5 * MINUTE_MS,
            max_stale_ms: DAY_MS,
        },
    ),
    (
        "reviews",
        Windows {
            fresh_ms: 2 * MINUTE_MS,
            grace_ms: 10 * MINUTE_MS,
            max_stale_ms: DAY_MS,
        },
    ),
    (
        "home",
        Windows {
            fresh_ms: MINUTE_MS / 2,
            grace_ms: 5 * MINUTE_MS,
            max_stale_ms: DAY_MS,
        },
    ),
];

impl CacheConfig {
    pub fn from_vars(
        defaults: &[(&'static str, Windows)],
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigErrors> {
        let mut errors = Vec::new();
        let version = match var("CACHE_VERSION") {
            Some(raw) => {
                let raw = raw.trim().to_owned();
                let ok = (1..=32).contains(&raw.len())
                    && raw
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
                if !ok {
                    errors
                        .push("CACHE_VERSION must be 1-32 letters, digits, '-', '_' or '.'".into());
                }
                raw
            }
            None => "v1".to_owned(),
        };
        let mut routes = Vec::with_capacity(defaults.len());
        for &(route, default) in defaults {
            let prefix = format!("CACHE_{}", route.to_ascii_uppercase());
            let mut window = |suffix: &str, fallback: u64| {
                let name = format!("{prefix}_{suffix}");
                match var(&name) {
                    Some(raw) => match raw.trim().parse::<u64>() {
                        Ok(ms) if ms <= MAX_WINDOW_MS => ms,
                        _ => {
                            errors.push(format!("{name} must be a whole number of milliseconds"));
                            fallback
                        }
                    },
                    None => fallback,
                }
            };
            let windows = Windows {
                fresh_ms: window("FRESH_MS", default.fresh_ms),
                grace_ms: window("GRACE_MS", default.grace_ms),
                max_stale_ms: window("MAX_STALE_MS", default.max_stale_ms),
            };
            routes.push((route, windows));
        }
        if errors.is_empty() {
            Ok(Self { version, routes })
        } else {
            Err(ConfigErrors(errors))
        }
    }

    pub fn windows(&self, route: &str) -> Option<Windows> {
        self.routes
            .iter()
            .find(|(name, _)| *name == route)
            .map(|(_, windows)| *windows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRODUCT: Windows = Windows {
        fresh_ms: 60_000,
        grace_ms: 300_000,
        max_stale_ms: 86_400_000,
    };

    #[test]
    fn defaults_hold_until_overridden() {
        let config = CacheConfig::from_vars(&[("product", PRODUCT)], |name| {
            (name == "CACHE_PRODUCT_FRESH_MS").then(|| "500".to_owned())
        })
        .unwrap();
        assert_eq!(config.version, "v1");
        let windows = config.windows("product").unwrap();
        assert_eq!(windows.fresh_ms, 500);
        assert_eq!(windows.grace_ms, PRODUCT.grace_ms);
        assert_eq!(config.windows("home"), None);
    }

    #[test]
    fn reports_every_bad_var() {
        let errors = CacheConfig::from_vars(&[("product", PRODUCT)], |name| match name {
            "CACHE_VERSION" => Some("v 2".into()),
            "CACHE_PRODUCT_GRACE_MS" => Some("-1".into()),
            _ => None,
        })
        .unwrap_err();
        assert_eq!(errors.0.len(), 2);
    }
}
