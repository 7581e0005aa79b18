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
//! - `ORIGIN_<SERVICE>_HEDGE_MS`: marks a service latency-critical: a call still unanswered after
//!   this long is sent once more and the first answer wins (unset: no hedging).
//! - `REQUEST_DEADLINE_MS`: the whole request's budget; no origin call outlives it (default 5000).
//! - `ORIGIN_MAX_RETRIES`: retries per idempotent call (default 1, at most 3).
//! - `ORIGIN_RETRY_BACKOFF_MS`: base of the jittered exponential backoff (default 25).
//! - `ORIGIN_RETRY_BUDGET_PERCENT`, `ORIGIN_RETRY_BUDGET_FLOOR`: retries may add this share of the
//!   calls of the last 10 s, plus this many (defaults 10 and 3), per isolate.
//! - `SUBREQUEST_LIMIT`: origin requests one invocation may make (default 50, the free plan's).
//! - `ORIGIN_MAX_CONNECTIONS`: origin connections open at once (default 6, the platform's cap).
//! - `BREAKER_FAILURES`, `BREAKER_WINDOW_MS`, `BREAKER_COOLDOWN_MS`: an origin's circuit breaker
//!   opens after this many consecutive failures within the window, for the cool-down (defaults
//!   5, 10000, 5000; 0 failures turns breaking off).

use std::fmt;
use std::time::Duration;

use super::Service;
use crate::resilience::BreakerPolicy;

pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(3000);
const MAX_TIMEOUT_MS: u64 = 60_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceConfig {
    /// Absolute `http(s)` URL without a trailing slash; paths are appended to it.
    pub base_url: String,
    pub timeout: Duration,
    /// Send a second, identical request when the first is unanswered this long.
    pub hedge_after: Option<Duration>,
}

/// How calls behave as a whole, for every service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallPolicy {
    pub deadline: Duration,
    pub max_retries: u32,
    pub retry_backoff: Duration,
    pub retry_budget_percent: u32,
    pub retry_budget_floor: u32,
    pub subrequest_limit: u32,
    pub max_connections: usize,
    pub breaker: BreakerPolicy,
}

impl Default for CallPolicy {
    fn default() -> Self {
        Self {
            deadline: Duration::from_millis(5000),
            max_retries: 1,
            retry_backoff: Duration::from_millis(25),
            retry_budget_percent: 10,
            retry_budget_floor: 3,
            subrequest_limit: 50,
            max_connections: 6,
            breaker: BreakerPolicy::default(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OriginConfig {
    services: Vec<(Service, ServiceConfig)>,
    pub policy: CallPolicy,
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
        let mut number =
            |name: &str, range: std::ops::RangeInclusive<u64>, default: u64| match var(name) {
                Some(raw) => parse_number(name, &raw, &range).unwrap_or_else(|e| {
                    errors.push(e);
                    default
                }),
                None => default,
            };
        let defaults = CallPolicy::default();
        let default_timeout =
            Duration::from_millis(number("ORIGIN_TIMEOUT_MS", 1..=MAX_TIMEOUT_MS, 3000));
        let policy = CallPolicy {
            deadline: Duration::from_millis(number(
                "REQUEST_DEADLINE_MS",
                1..=MAX_TIMEOUT_MS,
                5000,
            )),
            max_retries: saturate(number("ORIGIN_MAX_RETRIES", 0..=3, 1)),
            retry_backoff: Duration::from_millis(number("ORIGIN_RETRY_BACKOFF_MS", 0..=5_000, 25)),
            retry_budget_percent: saturate(number("ORIGIN_RETRY_BUDGET_PERCENT", 0..=100, 10)),
            retry_budget_floor: saturate(number("ORIGIN_RETRY_BUDGET_FLOOR", 0..=1_000, 3)),
            subrequest_limit: saturate(number("SUBREQUEST_LIMIT", 1..=10_000, 50)),
            max_connections: usize::try_from(number("ORIGIN_MAX_CONNECTIONS", 1..=6, 6))
                .unwrap_or(defaults.max_connections),
            breaker: BreakerPolicy {
                failures: saturate(number("BREAKER_FAILURES", 0..=1_000, 5)),
                window_ms: number("BREAKER_WINDOW_MS", 1..=600_000, 10_000),
                cool_down_ms: number("BREAKER_COOLDOWN_MS", 1..=600_000, 5_000),
            },
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
                Some(raw) => parse_number(&timeout_var, &raw, &(1..=MAX_TIMEOUT_MS))
                    .map(Duration::from_millis),
                None => Ok(default_timeout),
            };
            let hedge_var = format!("ORIGIN_{}_HEDGE_MS", service.var_key());
            let hedge_after = match var(&hedge_var) {
                Some(raw) => parse_number(&hedge_var, &raw, &(1..=MAX_TIMEOUT_MS))
                    .map(|ms| Some(Duration::from_millis(ms))),
                None => Ok(None),
            };
            match (base_url, timeout, hedge_after) {
                (Ok(base_url), Ok(timeout), Ok(hedge_after)) => {
                    configured.push((
                        service,
                        ServiceConfig {
                            base_url,
                            timeout,
                            hedge_after,
                        },
                    ));
                }
                (url, timeout, hedge) => errors.extend(
                    url.err()
                        .into_iter()
                        .chain(timeout.err())
                        .chain(hedge.err()),
                ),
            }
        }

        if errors.is_empty() {
            Ok(Self {
                services: configured,
                policy,
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

fn parse_number(
    var: &str,
    raw: &str,
    range: &std::ops::RangeInclusive<u64>,
) -> Result<u64, String> {
    match raw.trim().parse::<u64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(format!(
            "{var} must be a whole number in {}..={}",
            range.start(),
            range.end()
        )),
    }
}

fn saturate(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
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
        assert_eq!(catalog.hedge_after, None);
        assert_eq!(config.policy, CallPolicy::default());
    }

    #[test]
    fn reads_the_call_policy_and_hedging() {
        let config = OriginConfig::from_vars(
            &[Service::Pricing],
            vars(&[
                ("ORIGIN_BASE_URL", "http://127.0.0.1:8700"),
                ("ORIGIN_PRICING_HEDGE_MS", "80"),
                ("REQUEST_DEADLINE_MS", "1500"),
                ("ORIGIN_MAX_RETRIES", "2"),
                ("SUBREQUEST_LIMIT", "3"),
                ("ORIGIN_MAX_CONNECTIONS", "2"),
            ]),
        )
        .unwrap();
        let pricing = config.service(Service::Pricing).unwrap();
        assert_eq!(pricing.hedge_after, Some(Duration::from_millis(80)));
        assert_eq!(config.policy.deadline, Duration::from_millis(1500));
        assert_eq!(config.policy.max_retries, 2);
        assert_eq!(config.policy.subrequest_limit, 3);
        assert_eq!(config.policy.max_connections, 2);
    }

    #[test]
    fn refuses_limits_beyond_the_platform() {
        let errors = OriginConfig::from_vars(
            &[],
            vars(&[("ORIGIN_MAX_CONNECTIONS", "7"), ("ORIGIN_MAX_RETRIES", "9")]),
        )
        .unwrap_err();
        assert_eq!(errors.0.len(), 2, "{errors}");
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
