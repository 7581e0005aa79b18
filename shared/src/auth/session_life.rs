//! When a web session ends and when its access token is renewed: the rules, apart from the
//! Durable Object that applies them, so they are tested natively.
//!
//! A session has two ends: an **idle timeout** (no request for that long) and an **absolute
//! lifetime** (from sign-in, whatever the shopper does). Its access token is renewed inline,
//! with the refresh token, shortly before it expires; the refresh token's own lifetime bounds
//! the session, since after it no renewal is possible.

/// Idle timeout when `SESSION_IDLE_SECONDS` is not set: 30 minutes.
pub const DEFAULT_IDLE_SECONDS: u64 = 30 * 60;
/// Renew an access token at most this long before it expires.
const MAX_REFRESH_MARGIN_MS: u64 = 30_000;

/// The session lifetimes of a Worker, from its vars.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifetimes {
    pub idle_seconds: u64,
    /// `None`: as long as the refresh token lives.
    pub absolute_seconds: Option<u64>,
}

impl Lifetimes {
    /// `SESSION_IDLE_SECONDS` (default 30 minutes) and `SESSION_ABSOLUTE_SECONDS` (default: the
    /// refresh token's lifetime); each a whole number of seconds, at least 1.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let seconds = |name: &str| -> Result<Option<u64>, String> {
            match var(name) {
                None => Ok(None),
                Some(raw) => raw
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (1..=u64::from(u32::MAX)).contains(n))
                    .map(Some)
                    .ok_or_else(|| format!("{name} must be a whole number of seconds, at least 1")),
            }
        };
        Ok(Self {
            idle_seconds: seconds("SESSION_IDLE_SECONDS")?.unwrap_or(DEFAULT_IDLE_SECONDS),
            absolute_seconds: seconds("SESSION_ABSOLUTE_SECONDS")?,
        })
    }

    /// When a session begun at `now_ms` ends for good: after its absolute lifetime, but never
    /// after its refresh token (`refresh_expires_in` seconds; without one, the access token's
    /// expiry is the end, since nothing can renew it).
    pub fn end_ms(
        &self,
        now_ms: u64,
        refresh_expires_in: Option<u64>,
        access_expires_ms: u64,
    ) -> u64 {
        let refresh_end = match refresh_expires_in {
            Some(seconds) => now_ms.saturating_add(seconds.saturating_mul(1000)),
            None => access_expires_ms,
        };
        match self.absolute_seconds {
            Some(seconds) => refresh_end.min(now_ms.saturating_add(seconds.saturating_mul(1000))),
            None => refresh_end,
        }
    }
}

/// The times that decide whether a session lives (Unix milliseconds).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Times {
    pub last_seen_ms: u64,
    pub expires_ms: u64,
    pub idle_ms: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Liveness {
    Live,
    /// No request within the idle timeout.
    Idle,
    /// Past the absolute lifetime.
    Expired,
}

impl Times {
    /// When the session ends if no request comes before: the earlier of the two ends.
    pub fn idle_expires_ms(&self) -> u64 {
        self.last_seen_ms
            .saturating_add(self.idle_ms)
            .min(self.expires_ms)
    }

    pub fn liveness(&self, now_ms: u64) -> Liveness {
        if now_ms >= self.expires_ms {
            Liveness::Expired
        } else if now_ms >= self.last_seen_ms.saturating_add(self.idle_ms) {
            Liveness::Idle
        } else {
            Liveness::Live
        }
    }
}

/// Whether an access token that lives `lifetime_ms` and expires at `expires_ms` should be
/// renewed now: within a margin of a tenth of its lifetime (at most 30 s) before it expires, so
/// a request does not start its origin calls with a token about to lapse, and a short-lived
/// token is not renewed on every request.
pub fn refresh_due(expires_ms: u64, lifetime_ms: u64, now_ms: u64) -> bool {
    let margin = (lifetime_ms / 10).min(MAX_REFRESH_MARGIN_MS);
    now_ms.saturating_add(margin) >= expires_ms
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
        move |name| map.get(name).cloned()
    }

    #[test]
    fn lifetimes_come_from_vars_with_defaults() {
        assert_eq!(
            Lifetimes::from_vars(vars(&[])).unwrap(),
            Lifetimes {
                idle_seconds: 1800,
                absolute_seconds: None
            }
        );
        let set = Lifetimes::from_vars(vars(&[
            ("SESSION_IDLE_SECONDS", "5"),
            ("SESSION_ABSOLUTE_SECONDS", " 3600 "),
        ]))
        .unwrap();
        assert_eq!((set.idle_seconds, set.absolute_seconds), (5, Some(3600)));
        for bad in ["0", "-1", "1.5", "soon", "", "99999999999"] {
            assert!(Lifetimes::from_vars(vars(&[("SESSION_IDLE_SECONDS", bad)])).is_err());
            assert!(Lifetimes::from_vars(vars(&[("SESSION_ABSOLUTE_SECONDS", bad)])).is_err());
        }
    }

    #[test]
    fn a_session_ends_no_later_than_its_refresh_token() {
        let now = 1_000_000;
        let by_refresh = Lifetimes {
            idle_seconds: 1800,
            absolute_seconds: None,
        };
        assert_eq!(by_refresh.end_ms(now, Some(60), now + 2_000), now + 60_000);
        assert_eq!(by_refresh.end_ms(now, None, now + 2_000), now + 2_000);
        let capped = Lifetimes {
            absolute_seconds: Some(30),
            ..by_refresh
        };
        assert_eq!(capped.end_ms(now, Some(60), now + 2_000), now + 30_000);
        assert_eq!(capped.end_ms(now, Some(10), now + 2_000), now + 10_000);
    }

    #[test]
    fn idle_and_absolute_ends() {
        let times = Times {
            last_seen_ms: 10_000,
            expires_ms: 100_000,
            idle_ms: 5_000,
        };
        assert_eq!(times.liveness(10_000), Liveness::Live);
        assert_eq!(times.liveness(14_999), Liveness::Live);
        assert_eq!(times.liveness(15_000), Liveness::Idle);
        assert_eq!(times.idle_expires_ms(), 15_000);
        let late = Times {
            last_seen_ms: 98_000,
            ..times
        };
        assert_eq!(late.idle_expires_ms(), 100_000);
        assert_eq!(late.liveness(99_999), Liveness::Live);
        assert_eq!(late.liveness(100_000), Liveness::Expired);
    }

    #[test]
    fn tokens_are_renewed_within_a_margin_of_their_expiry() {
        // 15-minute token: renewed in its last 30 s.
        let lifetime = 900_000;
        assert!(!refresh_due(1_000_000, lifetime, 969_999));
        assert!(refresh_due(1_000_000, lifetime, 970_000));
        // 2-second token: in its last 200 ms, not on every request.
        assert!(!refresh_due(10_000, 2_000, 9_000));
        assert!(refresh_due(10_000, 2_000, 9_800));
        assert!(refresh_due(10_000, 2_000, 20_000));
    }
}
