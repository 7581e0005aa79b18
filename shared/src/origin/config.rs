//! Where each origin lives and how long a call to it may take, read from the Worker's vars.
//!
//! Parsed and validated up front, reporting every problem at once, so a misconfigured deploy
//! fails its first request with a complete list in the log instead of one surprise per route.
//!
//! Vars:
//! - `ORIGIN_BASE_URL`: optional; service `s` then defaults to `{ORIGIN_BASE_URL}/{s}`.
//! - `ORIGIN_<SERVICE>_URL`: the base URL of one service, overriding the default.
//! - `ORIGIN_TIMEOUT_MS`: per-call timeout for every service (default 3000).
//! - `ORIGIN_<SERVICE>_TIMEOUT_MS`: per-call timeout of one service.

use std::fmt;
use std::time::Duration;

use super::Service;

pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(3000);
const MAX_TIMEOUT_MS: u64 = 60_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceConfig {
    /// Absolute `http(s)` URL without a trailing slash; paths are appended to it.
    pub base_url: String,
    pub timeout: Duration,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginConfig {
    services: Vec<(Service, ServiceConfig)>,
}

/// Every problem found in the vars, one line each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<String>);

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid origin configuration: {}", self.0.join("; "))
    }
}

impl OriginConfig {
    /// Reads the settings of `services` through `var`, which returns a var's value if set.
    pub fn from_vars(
        services: &[Service],
        var: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigErrors> {
        let mut errors = Vec::new();
        let base = var("ORIGIN_BASE_URL").and_then(|raw| {
            check_url("ORIGIN_BASE_URL", &raw)
                .map_err(|e| errors.push(e))
                .ok()
        });
        let default_timeout = match var("ORIGIN_TIMEOUT_MS") {
            Some(raw) => parse_timeout("ORIGIN_TIMEOUT_MS", &raw).unwrap_or_else(|e| {
                errors.push(e);
                DEFAULT_TIMEOUT
            }),
            None => DEFAULT_TIMEOUT,
        };

        let mut configured = Vec::with_capacity(services.len());
        for &service in services {
            let url_var = format!("ORIGIN_{}_URL", service.var_key());
            let base_url = match (var(&url_var), &base) {
                (Some(raw), _) => check_url(&url_var, &raw),
                (None, Some(base)) => Ok(format!("{base}/{}", service.name())),
                (None, None) => Err(format!("{url_var} is not set (nor ORIGIN_BASE_URL)")),
            };
            let timeout_var = format!("ORIGIN_{}_TIMEOUT_MS", service.var_key());
            let timeout = match var(&timeout_var) {
                Some(raw) => parse_timeout(&timeout_var, &raw),
                None => Ok(default_timeout),
            };
            match (base_url, timeout) {
                (Ok(base_url), Ok(timeout)) => {
                    configured.push((service, ServiceConfig { base_url, timeout }));
                }
                (url, timeout) => errors.extend(url.err().into_iter().chain(timeout.err())),
            }
        }

        if errors.is_empty() {
            Ok(Self {
                services: configured,
            })
        } else {
            Err(ConfigErrors(errors))
        }
    }

    pub fn service(&self, service: Service) -> Option<&ServiceConfig> {
        self.services
            .iter()
            .find(|(s, _)| *s == service)
            .map(|(_, config)| config)
    }
}

fn check_url(var: &str, raw: &str) -> Result<String, String> {
    let trimmed = raw.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("https://")
        .or_else(|| trimmed.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') => {
            if trimmed.contains(['?', '#', ' ']) {
                Err(format!("{var} must not contain a query, fragment or space"))
            } else {
                Ok(trimmed.to_owned())
            }
        }
        _ => Err(format!("{var} must be an absolute http(s) URL")),
    }
}

fn parse_timeout(var: &str, raw: &str) -> Result<Duration, String> {
    match raw.trim().parse::<u64>() {
        Ok(ms) if (1..=MAX_TIMEOUT_MS).contains(&ms) => Ok(Duration::from_millis(ms)),
        _ => Err(format!(
            "{var} must be a whole number of milliseconds in 1..={MAX_TIMEOUT_MS}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn vars(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |key| map.get(key).cloned()
    }

    #[test]
    fn base_url_gives_every_service_its_prefix() {
        let config = OriginConfig::from_vars(
            &[Service::Catalog, Service::Reviews],
            vars(&[("ORIGIN_BASE_URL", "http://127.0.0.1:8700/")]),
        )
        .unwrap();
        let catalog = config.service(Service::Catalog).unwrap();
        assert_eq!(catalog.base_url, "http://127.0.0.1:8700/catalog");
        assert_eq!(catalog.timeout, DEFAULT_TIMEOUT);
        assert!(config.service(Service::Orders).is_none());
    }

    #[test]
    fn per_service_vars_override_the_defaults() {
        let config = OriginConfig::from_vars(
            &[Service::Catalog, Service::Reviews],
            vars(&[
                ("ORIGIN_BASE_URL", "http://127.0.0.1:8700"),
                ("ORIGIN_REVIEWS_URL", "https://reviews.internal.example"),
                ("ORIGIN_TIMEOUT_MS", "800"),
                ("ORIGIN_REVIEWS_TIMEOUT_MS", "250"),
            ]),
        )
        .unwrap();
        let reviews = config.service(Service::Reviews).unwrap();
        assert_eq!(reviews.base_url, "https://reviews.internal.example");
        assert_eq!(reviews.timeout, Duration::from_millis(250));
        let catalog = config.service(Service::Catalog).unwrap();
        assert_eq!(catalog.timeout, Duration::from_millis(800));
    }

    #[test]
    fn reports_every_problem_at_once() {
        let errors = OriginConfig::from_vars(
            &[Service::Catalog, Service::Pricing, Service::Inventory],
            vars(&[
                ("ORIGIN_CATALOG_URL", "ftp://x"),
                ("ORIGIN_PRICING_URL", "http://pricing"),
                ("ORIGIN_PRICING_TIMEOUT_MS", "0"),
                ("ORIGIN_TIMEOUT_MS", "soon"),
            ]),
        )
        .unwrap_err();
        assert_eq!(errors.0.len(), 4, "{errors}");
        let text = errors.to_string();
        for var in [
            "ORIGIN_TIMEOUT_MS",
            "ORIGIN_CATALOG_URL",
            "ORIGIN_PRICING_TIMEOUT_MS",
            "ORIGIN_INVENTORY_URL",
        ] {
            assert!(text.contains(var), "{var} missing from {text}");
        }
    }

    #[test]
    fn rejects_urls_with_query_or_without_host() {
        for bad in ["http://", "http:///x", "https://a/b?c", "localhost:8700"] {
            assert!(check_url("V", bad).is_err(), "{bad}");
        }
    }
}
