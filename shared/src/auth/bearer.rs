//! `Authorization: Bearer <JWT>` (the app's flavour), verified at the BFF against the identity
//! service's published keys.

use std::cell::RefCell;

use worker::{Date, console_error};

use super::token::{self, Expectations, TokenError};
use super::{User, invalid_token, unauthenticated};
use crate::edge::Scope;
use crate::error::BffError;
use crate::origin::OriginClient;
use crate::origins::identity::Jwk;
use crate::origins::users::UserId;

/// How long fetched keys are trusted before they are fetched again.
const KEYS_TTL_MS: u64 = 10 * 60 * 1000;
/// An unknown `kid` refreshes the keys at most this often, so random `kid`s cannot flood the
/// identity service.
const MIN_REFRESH_INTERVAL_MS: u64 = 10_000;
/// Tolerated clock difference for `exp` and `nbf`.
const LEEWAY_SECONDS: i64 = 60;

#[derive(Default)]
struct KeyCache {
    keys: Vec<Jwk>,
    fetched_at_ms: Option<u64>,
    /// When an unknown `kid` last forced a refresh.
    forced_at_ms: Option<u64>,
}

thread_local! {
    static KEYS: RefCell<KeyCache> = RefCell::new(KeyCache::default());
}

/// The signed-in user of a request carrying a valid token for `audience`, or a 401.
pub async fn authenticate(scope: &Scope, audience: &str) -> Result<User, BffError> {
    let header = scope.header("authorization").ok_or_else(unauthenticated)?;
    let token = header
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|token| !token.is_empty())
        .ok_or_else(unauthenticated)?;
    let issuer = scope.secret("JWT_ISSUER").ok_or_else(|| {
        console_error!("JWT_ISSUER is not set");
        BffError::internal("misconfigured")
    })?;
    let verified = verify(scope.origins()?, token, &issuer, audience).await?;
    let id =
        UserId::parse(&verified.subject).ok_or_else(|| invalid_token(TokenError::Malformed))?;
    Ok(User {
        id,
        name: verified.name,
    })
}

/// Verifies `token` for `audience`, refreshing the keys once if it names an unknown one.
pub async fn verify(
    origins: &OriginClient,
    token: &str,
    issuer: &str,
    audience: &str,
) -> Result<token::Verified, BffError> {
    let expect = Expectations {
        issuer,
        audience,
        leeway_seconds: LEEWAY_SECONDS,
    };
    let now = i64::try_from(Date::now().as_millis() / 1000).unwrap_or(i64::MAX);
    let keys = keys(origins, false).await?;
    match token::verify(token, &keys, &expect, now) {
        Err(TokenError::UnknownKey) => {
            let keys = keys_refreshed(origins).await?;
            token::verify(token, &keys, &expect, now).map_err(invalid_token)
        }
        result => result.map_err(invalid_token),
    }
}

async fn keys(origins: &OriginClient, force: bool) -> Result<Vec<Jwk>, BffError> {
    let now = Date::now().as_millis();
    let cached = KEYS.with(|cache| {
        let cache = cache.borrow();
        let fresh = cache
            .fetched_at_ms
            .is_some_and(|at| now.saturating_sub(at) < KEYS_TTL_MS);
        (fresh && !force).then(|| cache.keys.clone())
    });
    if let Some(keys) = cached {
        return Ok(keys);
    }
    match origins.identity().jwks().await {
        Ok(jwks) => {
            KEYS.with(|cache| {
                let mut cache = cache.borrow_mut();
                cache.keys = jwks.keys.clone();
                cache.fetched_at_ms = Some(now);
            });
            Ok(jwks.keys)
        }
        Err(error) => {
            // Keys we already had are better than refusing every shopper.
            let stale = KEYS.with(|cache| cache.borrow().keys.clone());
            if stale.is_empty() {
                Err(BffError::from(error))
            } else {
                console_error!("identity keys could not be refreshed: {error}");
                Ok(stale)
            }
        }
    }
}

/// The keys, fetched anew unless an unknown `kid` already forced that in the last few seconds.
async fn keys_refreshed(origins: &OriginClient) -> Result<Vec<Jwk>, BffError> {
    let now = Date::now().as_millis();
    let allowed = KEYS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let recently = cache
            .forced_at_ms
            .is_some_and(|at| now.saturating_sub(at) < MIN_REFRESH_INTERVAL_MS);
        if !recently {
            cache.forced_at_ms = Some(now);
        }
        !recently
    });
    keys(origins, allowed).await
}
