//! The identity mock's mutable state: token lifetimes, refresh-token families and counters.
//!
//! Refresh tokens rotate: each one works once and its use hands out the next one of the same
//! family. A token presented a second time means two parties hold it (one of them stole it), so
//! the whole family is revoked (reuse detection, OAuth 2.0 Security BCP, RFC 9700 §4.14.2): the
//! thief and the rightful holder both have to sign in again. A family ends at a fixed time set
//! when it began; rotation does not extend it.

use std::collections::HashMap;
use std::sync::Mutex;

use rand::RngCore;
use serde_json::{Value, json};

use crate::jwt::base64url;

/// Lifetimes of newly issued tokens, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lifetimes {
    pub access_seconds: i64,
    pub refresh_seconds: i64,
}

impl Lifetimes {
    pub const DEFAULT: Lifetimes = Lifetimes {
        access_seconds: 900,
        refresh_seconds: 30 * 24 * 3600,
    };
}

/// Longest lifetime the control API accepts (a year), so a typo cannot overflow a timestamp.
const MAX_LIFETIME_SECONDS: i64 = 365 * 24 * 3600;

/// Why a refresh token was refused. Every case is `invalid_grant` on the wire (RFC 6749 §5.2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefreshError {
    Unknown,
    /// Used before: the family is now revoked.
    Reused,
    Revoked,
    Expired,
}

/// A refresh token handed out, with what it stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issued {
    pub sub: String,
    pub audience: String,
    pub refresh_token: String,
    /// Seconds until the family ends.
    pub refresh_expires_in: i64,
}

struct Family {
    sub: String,
    audience: String,
    expires_at: i64,
    revoked: bool,
}

struct Token {
    family: u64,
    used: bool,
}

#[derive(Default)]
struct Counters {
    password_grants: u64,
    refresh_grants: u64,
    reuse_detected: u64,
    revoked: u64,
}

struct Inner {
    lifetimes: Lifetimes,
    families: HashMap<u64, Family>,
    tokens: HashMap<String, Token>,
    next_family: u64,
    counters: Counters,
}

impl Default for Inner {
    fn default() -> Self {
        Self {
            lifetimes: Lifetimes::DEFAULT,
            families: HashMap::new(),
            tokens: HashMap::new(),
            next_family: 1,
            counters: Counters::default(),
        }
    }
}

#[derive(Default)]
pub struct IdentityStore {
    inner: Mutex<Inner>,
}

/// 256 random bits, base64url: an opaque, unguessable token.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64url(&bytes)
}

impl IdentityStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn lifetimes(&self) -> Lifetimes {
        self.lock().lifetimes
    }

    /// Sets the lifetimes of tokens issued from now on.
    pub fn set_lifetimes(&self, lifetimes: Lifetimes) {
        self.lock().lifetimes = lifetimes;
    }

    /// Counts a password grant that succeeded and starts a new refresh-token family.
    pub fn password_grant(&self, sub: &str, audience: &str, now: i64) -> Issued {
        let mut inner = self.lock();
        inner.counters.password_grants += 1;
        let family = inner.next_family;
        inner.next_family += 1;
        let expires_at = now + inner.lifetimes.refresh_seconds;
        inner.families.insert(
            family,
            Family {
                sub: sub.to_owned(),
                audience: audience.to_owned(),
                expires_at,
                revoked: false,
            },
        );
        let refresh_token = random_token();
        inner.tokens.insert(
            refresh_token.clone(),
            Token {
                family,
                used: false,
            },
        );
        Issued {
            sub: sub.to_owned(),
            audience: audience.to_owned(),
            refresh_token,
            refresh_expires_in: expires_at - now,
        }
    }

    /// Redeems `refresh_token` once: the next token of its family, or why not. A second use
    /// revokes the family.
    pub fn refresh_grant(&self, refresh_token: &str, now: i64) -> Result<Issued, RefreshError> {
        let mut inner = self.lock();
        inner.counters.refresh_grants += 1;
        let Some(token) = inner.tokens.get_mut(refresh_token) else {
            return Err(RefreshError::Unknown);
        };
        let family_id = token.family;
        let reused = token.used;
        token.used = true;
        let Inner {
            families, counters, ..
        } = &mut *inner;
        let Some(family) = families.get_mut(&family_id) else {
            return Err(RefreshError::Unknown);
        };
        if reused {
            family.revoked = true;
            counters.reuse_detected += 1;
            return Err(RefreshError::Reused);
        }
        if family.revoked {
            return Err(RefreshError::Revoked);
        }
        if family.expires_at <= now {
            return Err(RefreshError::Expired);
        }
        let issued = Issued {
            sub: family.sub.clone(),
            audience: family.audience.clone(),
            refresh_token: random_token(),
            refresh_expires_in: family.expires_at - now,
        };
        inner.tokens.insert(
            issued.refresh_token.clone(),
            Token {
                family: family_id,
                used: false,
            },
        );
        Ok(issued)
    }

    /// Revokes the family of `refresh_token` (RFC 7009). Unknown tokens are no error; the
    /// answer says whether a live family ended.
    pub fn revoke(&self, refresh_token: &str) -> bool {
        let mut inner = self.lock();
        let Some(family_id) = inner.tokens.get(refresh_token).map(|t| t.family) else {
            return false;
        };
        let Inner {
            families, counters, ..
        } = &mut *inner;
        match families.get_mut(&family_id) {
            Some(family) if !family.revoked => {
                family.revoked = true;
                counters.revoked += 1;
                true
            }
            _ => false,
        }
    }

    /// The refresh tokens that would still work now, with their subjects: tests use them to
    /// play a thief who replays a stolen token.
    pub fn live_tokens(&self, now: i64) -> Vec<Value> {
        let inner = self.lock();
        let mut live: Vec<(u64, Value)> = inner
            .tokens
            .iter()
            .filter(|(_, token)| !token.used)
            .filter_map(|(value, token)| {
                let family = inner.families.get(&token.family)?;
                (!family.revoked && family.expires_at > now).then(|| {
                    (
                        token.family,
                        json!({"sub": family.sub, "audience": family.audience, "refresh_token": value}),
                    )
                })
            })
            .collect();
        live.sort_by_key(|(family, _)| *family);
        live.into_iter().map(|(_, token)| token).collect()
    }

    pub fn stats_json(&self) -> Value {
        let inner = self.lock();
        let c = &inner.counters;
        json!({
            "password_grants": c.password_grants,
            "refresh_grants": c.refresh_grants,
            "reuse_detected": c.reuse_detected,
            "revoked": c.revoked,
        })
    }

    /// Back to defaults: no tokens, no counts, default lifetimes.
    pub fn reset(&self) {
        *self.lock() = Inner::default();
    }
}

/// Parses the body of `POST /__control/identity/lifetimes`; a field left out keeps its current
/// value. `Err` is the error code for a 400.
pub fn parse_lifetimes(body: &[u8], current: Lifetimes) -> Result<Lifetimes, String> {
    let value: Value = serde_json::from_slice(body).map_err(|_| "invalid_json".to_owned())?;
    let object = value.as_object().ok_or("body_must_be_object")?;
    let field = |name: &str, current: i64| match object.get(name) {
        None | Some(Value::Null) => Ok(current),
        Some(v) => v
            .as_i64()
            .filter(|n| (1..=MAX_LIFETIME_SECONDS).contains(n))
            .ok_or(format!(
                "{name}_must_be_integer_1_to_{MAX_LIFETIME_SECONDS}"
            )),
    };
    Ok(Lifetimes {
        access_seconds: field("access_seconds", current.access_seconds)?,
        refresh_seconds: field("refresh_seconds", current.refresh_seconds)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000;

    #[test]
    fn each_refresh_token_works_once_and_rotates() {
        let store = IdentityStore::default();
        let first = store.password_grant("usr-1", "web", NOW);
        assert_eq!(first.refresh_expires_in, Lifetimes::DEFAULT.refresh_seconds);
        let second = store.refresh_grant(&first.refresh_token, NOW + 10).unwrap();
        assert_ne!(second.refresh_token, first.refresh_token);
        assert_eq!(
            (second.sub.as_str(), second.audience.as_str()),
            ("usr-1", "web")
        );
        // Rotation does not extend the family.
        assert_eq!(second.refresh_expires_in, first.refresh_expires_in - 10);
        let third = store
            .refresh_grant(&second.refresh_token, NOW + 20)
            .unwrap();
        assert_eq!(store.stats_json()["refresh_grants"], 2);
        assert_eq!(store.stats_json()["reuse_detected"], 0);
        assert!(store.refresh_grant(&third.refresh_token, NOW + 30).is_ok());
    }

    #[test]
    fn reuse_revokes_the_whole_family_and_only_it() {
        let store = IdentityStore::default();
        let stolen = store.password_grant("usr-1", "web", NOW);
        let other = store.password_grant("usr-2", "web", NOW);
        let thief = store.refresh_grant(&stolen.refresh_token, NOW).unwrap();
        assert_eq!(
            store.refresh_grant(&stolen.refresh_token, NOW),
            Err(RefreshError::Reused)
        );
        // The newest token of the family is dead too.
        assert_eq!(
            store.refresh_grant(&thief.refresh_token, NOW),
            Err(RefreshError::Revoked)
        );
        assert_eq!(store.stats_json()["reuse_detected"], 1);
        assert!(store.refresh_grant(&other.refresh_token, NOW).is_ok());
    }

    #[test]
    fn unknown_expired_and_revoked_tokens_are_refused() {
        let store = IdentityStore::default();
        assert_eq!(store.refresh_grant("nope", NOW), Err(RefreshError::Unknown));
        store.set_lifetimes(Lifetimes {
            access_seconds: 2,
            refresh_seconds: 5,
        });
        let short = store.password_grant("usr-1", "web", NOW);
        assert_eq!(
            store.refresh_grant(&short.refresh_token, NOW + 5),
            Err(RefreshError::Expired)
        );
        let revoked = store.password_grant("usr-1", "web", NOW);
        assert!(store.revoke(&revoked.refresh_token));
        assert!(!store.revoke(&revoked.refresh_token));
        assert!(!store.revoke("unknown"));
        assert_eq!(store.stats_json()["revoked"], 1);
        assert_eq!(
            store.refresh_grant(&revoked.refresh_token, NOW),
            Err(RefreshError::Revoked)
        );
    }

    #[test]
    fn live_tokens_lists_only_usable_ones_and_reset_forgets_all() {
        let store = IdentityStore::default();
        let a = store.password_grant("usr-1", "web", NOW);
        let b = store.password_grant("usr-2", "mobile", NOW);
        store.refresh_grant(&a.refresh_token, NOW).unwrap();
        store.revoke(&b.refresh_token);
        let live = store.live_tokens(NOW);
        assert_eq!(live.len(), 1);
        assert_eq!(live[0]["sub"], "usr-1");
        assert_ne!(live[0]["refresh_token"], a.refresh_token.as_str());
        store.set_lifetimes(Lifetimes {
            access_seconds: 1,
            refresh_seconds: 1,
        });
        store.reset();
        assert!(store.live_tokens(NOW).is_empty());
        assert_eq!(store.lifetimes(), Lifetimes::DEFAULT);
        assert_eq!(store.stats_json()["password_grants"], 0);
    }

    #[test]
    fn lifetimes_parse_with_defaults_and_bounds() {
        let current = Lifetimes::DEFAULT;
        let parsed = parse_lifetimes(br#"{"access_seconds": 2}"#, current).unwrap();
        assert_eq!(parsed.access_seconds, 2);
        assert_eq!(parsed.refresh_seconds, current.refresh_seconds);
        let both =
            parse_lifetimes(br#"{"access_seconds": 3, "refresh_seconds": 60}"#, current).unwrap();
        assert_eq!((both.access_seconds, both.refresh_seconds), (3, 60));
        for bad in [
            "x",
            "[]",
            r#"{"access_seconds": 0}"#,
            r#"{"access_seconds": -1}"#,
            r#"{"access_seconds": "2"}"#,
            r#"{"refresh_seconds": 1.5}"#,
            r#"{"refresh_seconds": 99999999999}"#,
        ] {
            assert!(parse_lifetimes(bad.as_bytes(), current).is_err(), "{bad}");
        }
    }

    #[test]
    fn random_tokens_differ() {
        let a = random_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, random_token());
    }
}
