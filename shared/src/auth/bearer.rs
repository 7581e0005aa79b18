//! `Authorization: Bearer <JWT>` (the app's flavour), verified at the BFF against the identity
//! service's published keys, with the platform's WebCrypto doing the ES256 signature check.
//!
//! Entry points: [`authenticate`] (a request's signed-in user), [`verify`] (an access token's
//! claims) and [`verify_signed`] (any compact JWS signed with an identity key, as raw claims JSON,
//! for tokens with claims of their own, such as logout tokens).

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use worker::js_sys::{self, Array, Function, Object, Promise, Reflect, Uint8Array};
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::wasm_bindgen_futures::JsFuture;
use worker::{Delay, console_error};

use super::token::{self, Es256Key, Es256Verifier, Expectations, TokenError, UntrustedJws};
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
/// How often a request waiting for another request's key fetch looks at its result.
const FOLLOWER_POLL: Duration = Duration::from_millis(5);

type Fetched = Result<Vec<Jwk>, BffError>;
type Slot = Rc<RefCell<Option<Fetched>>>;

#[derive(Default)]
struct KeyCache {
    keys: Vec<Jwk>,
    fetched_at_ms: Option<u64>,
    /// When an unknown `kid` last forced a refresh.
    forced_at_ms: Option<u64>,
    /// The key fetch running now, if any: every request that needs keys meanwhile waits for
    /// its result instead of judging tokens by the keys it is replacing (single flight).
    in_flight: Option<Slot>,
    /// Keys imported into WebCrypto, by kid (imported once per isolate).
    imported: Vec<(Es256Key, JsValue)>,
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

/// Verifies access token `token` for `audience`: signature, then `iss`, `aud`, `exp`, `nbf`.
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
    let claims = verify_signed(origins, token).await?;
    token::check_claims(&claims, &expect, now_seconds()).map_err(invalid_token)
}

/// Verifies that an identity key signed the compact JWS `token` (ES256, the key found by `kid`,
/// the keys refreshed once if it names an unknown one); returns the raw claims JSON, unchecked.
pub async fn verify_signed(origins: &OriginClient, token: &str) -> Result<Vec<u8>, BffError> {
    let jws = UntrustedJws::parse(token).map_err(invalid_token)?;
    let keys = keys(origins, false).await?;
    let key = match token::select_key(&jws, &keys) {
        Err(TokenError::UnknownKey) => {
            let keys = keys_refreshed(origins).await?;
            token::select_key(&jws, &keys)
        }
        selected => selected,
    }
    .map_err(invalid_token)?;
    token::signed_payload(jws, &key, &WebCrypto)
        .await
        .map_err(invalid_token)
}

fn now_seconds() -> i64 {
    i64::try_from(crate::platform::now_ms() / 1000).unwrap_or(i64::MAX)
}

/// ES256 with the platform's `crypto.subtle` (ECDSA P-256, SHA-256).
struct WebCrypto;

impl Es256Verifier for WebCrypto {
    async fn verify(&self, key: &Es256Key, message: &[u8], signature: &[u8]) -> bool {
        match subtle_verify(key, message, signature).await {
            Ok(valid) => valid,
            Err(error) => {
                console_error!("WebCrypto ES256 verification failed: {error:?}");
                false
            }
        }
    }
}

fn object(entries: &[(&str, JsValue)]) -> Result<Object, JsValue> {
    let object = Object::new();
    for (name, value) in entries {
        Reflect::set(&object, &JsValue::from_str(name), value)?;
    }
    Ok(object)
}

/// Calls `crypto.subtle[method](...args)` and awaits its promise.
async fn subtle(method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let crypto = Reflect::get(&js_sys::global(), &JsValue::from_str("crypto"))?;
    let subtle = Reflect::get(&crypto, &JsValue::from_str("subtle"))?;
    let function: Function = Reflect::get(&subtle, &JsValue::from_str(method))?.dyn_into()?;
    let arguments = Array::new();
    for arg in args {
        arguments.push(arg);
    }
    let promise: Promise = function.apply(&subtle, &arguments)?.dyn_into()?;
    JsFuture::from(promise).await
}

/// The WebCrypto key of `key`, imported from its JWK once per isolate.
async fn crypto_key(key: &Es256Key) -> Result<JsValue, JsValue> {
    let known = KEYS.with(|cache| {
        cache
            .borrow()
            .imported
            .iter()
            .find(|(imported, _)| imported == key)
            .map(|(_, handle)| handle.clone())
    });
    if let Some(handle) = known {
        return Ok(handle);
    }
    let jwk = object(&[
        ("kty", "EC".into()),
        ("crv", "P-256".into()),
        ("x", key.x.as_str().into()),
        ("y", key.y.as_str().into()),
    ])?;
    let algorithm = object(&[("name", "ECDSA".into()), ("namedCurve", "P-256".into())])?;
    let usages = Array::of1(&JsValue::from_str("verify"));
    let handle = subtle(
        "importKey",
        &[
            "jwk".into(),
            jwk.into(),
            algorithm.into(),
            false.into(),
            usages.into(),
        ],
    )
    .await?;
    KEYS.with(|cache| {
        let mut cache = cache.borrow_mut();
        cache
            .imported
            .retain(|(imported, _)| imported.kid != key.kid);
        cache.imported.push((key.clone(), handle.clone()));
    });
    Ok(handle)
}

async fn subtle_verify(key: &Es256Key, message: &[u8], signature: &[u8]) -> Result<bool, JsValue> {
    let handle = crypto_key(key).await?;
    let algorithm = object(&[("name", "ECDSA".into()), ("hash", "SHA-256".into())])?;
    let valid = subtle(
        "verify",
        &[
            algorithm.into(),
            handle,
            Uint8Array::from(signature).into(),
            Uint8Array::from(message).into(),
        ],
    )
    .await?;
    Ok(valid.as_bool() == Some(true))
}

/// The identity keys: the cached ones while fresh (unless `force`), else fetched. Only one fetch
/// runs per isolate at a time; requests arriving meanwhile wait for it.
async fn keys(origins: &OriginClient, force: bool) -> Result<Vec<Jwk>, BffError> {
    let now = crate::platform::now_ms();
    enum Next {
        Cached(Vec<Jwk>),
        Follow(Slot),
        Lead(Slot),
    }
    let next = KEYS.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(slot) = &cache.in_flight {
            return Next::Follow(Rc::clone(slot));
        }
        let fresh = cache
            .fetched_at_ms
            .is_some_and(|at| now.saturating_sub(at) < KEYS_TTL_MS);
        if fresh && !force {
            return Next::Cached(cache.keys.clone());
        }
        let slot: Slot = Rc::new(RefCell::new(None));
        cache.in_flight = Some(Rc::clone(&slot));
        Next::Lead(slot)
    });
    match next {
        Next::Cached(keys) => Ok(keys),
        Next::Follow(slot) => follow(origins, &slot).await,
        Next::Lead(slot) => {
            let lead = Lead(slot);
            let fetched = fetch_keys(origins, now).await;
            *lead.0.borrow_mut() = Some(fetched.clone());
            fetched
        }
    }
}

/// The duty to publish a key fetch's result; if its request goes away first, the waiting ones
/// are told to use the keys already known rather than left waiting.
struct Lead(Slot);

impl Drop for Lead {
    fn drop(&mut self) {
        let mut slot = self.0.borrow_mut();
        if slot.is_none() {
            *slot = Some(Ok(KEYS.with(|cache| cache.borrow().keys.clone())));
        }
        KEYS.with(|cache| cache.borrow_mut().in_flight = None);
    }
}

/// Waits, within the request's deadline, for the key fetch another request is making. Polls
/// on its own timer: a Worker request may not be resumed from another request's I/O.
async fn follow(origins: &OriginClient, slot: &Slot) -> Result<Vec<Jwk>, BffError> {
    loop {
        if let Some(result) = slot.borrow().clone() {
            return result;
        }
        if origins.remaining() < FOLLOWER_POLL {
            // Out of time: judge by the keys we have.
            return Ok(KEYS.with(|cache| cache.borrow().keys.clone()));
        }
        Delay::from(FOLLOWER_POLL).await;
    }
}

async fn fetch_keys(origins: &OriginClient, now: u64) -> Fetched {
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

/// The keys after a token named an unknown `kid`: a fetch already running is waited for;
/// otherwise they are fetched anew unless an unknown `kid` forced that in the last few seconds.
async fn keys_refreshed(origins: &OriginClient) -> Result<Vec<Jwk>, BffError> {
    let now = crate::platform::now_ms();
    let allowed = KEYS.with(|cache| {
        let mut cache = cache.borrow_mut();
        let recently = cache
            .forced_at_ms
            .is_some_and(|at| now.saturating_sub(at) < MIN_REFRESH_INTERVAL_MS);
        if !recently && cache.in_flight.is_none() {
            cache.forced_at_ms = Some(now);
        }
        !recently
    });
    keys(origins, allowed).await
}
