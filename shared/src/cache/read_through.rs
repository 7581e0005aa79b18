//! The read-through decision for one cacheable request.

use std::future::Future;
use std::time::Duration;

use worker::{Delay, Env, console_error};

use super::registry::{self, Produced, Role};
use super::{Age, CacheKey, CacheStatus, EntryMeta, Shaped, Windows, etag};
use crate::edge::{CACHE_BINDING, Reply, Scope};
use crate::error::{BffError, Blame, ErrorKind};
use crate::origin::OriginClient;
use crate::platform::KvEntry;

/// How often a request waiting for another's fan-out of the same key looks for the result.
const FOLLOWER_POLL: Duration = Duration::from_millis(5);

fn now_ms() -> u64 {
    crate::platform::now_ms()
}

/// Answers a cacheable request for `key`:
///
/// - fresh entry → `HIT`;
/// - entry in its grace window → `STALE` at once, refreshed in the background (once per isolate);
/// - no usable entry → `MISS`: `produce` runs (shared with concurrent misses of the key), and a
///   complete (not degraded) result is stored;
/// - the origins fail and an entry within its max-stale window exists → that entry, `STALE`.
///
/// Without a KV binding, or for a route without cache windows (or with all of them zero),
/// `produce` runs every time (`BYPASS`).
pub async fn read_through<F, Fut>(
    scope: &Scope,
    key: CacheKey,
    produce: F,
) -> Result<Reply, BffError>
where
    F: FnOnce(OriginClient) -> Fut + 'static,
    Fut: Future<Output = Produced> + 'static,
{
    let origins = scope.origins()?.clone();
    let config = scope.cache_config()?;
    let windows = config.windows(key.route()).filter(|w| !w.is_disabled());
    let (true, Some(windows)) = (scope.has_cache(), windows) else {
        let shaped = produce(origins).await?;
        let tag = etag(&shaped.body);
        return Ok(Reply::cacheable(shaped.body, tag, CacheStatus::Bypass));
    };
    let name = key.render(&config.version);

    // The value stays a stream in the platform: a HIT passes it to the response unread.
    let started = now_ms();
    let entry = KvEntry::read(scope.env(), CACHE_BINDING, &name)
        .await
        .and_then(
            |entry| match serde_json::from_str::<EntryMeta>(&entry.meta) {
                Ok(meta) => Some((entry, meta)),
                Err(_) => None,
            },
        );
    let age = entry.as_ref().map(|(_, meta)| meta.age(now_ms()));
    let desc = match age {
        Some(Age::Fresh) => "hit",
        Some(Age::InGrace) => "stale",
        Some(Age::StaleIfError | Age::Expired) | None => "miss",
    };
    scope
        .timings()
        .record_desc("cache", now_ms().saturating_sub(started) as f64, desc);

    match (entry, age) {
        (Some((entry, meta)), Some(Age::Fresh)) => Ok(Reply::cached(
            entry.into_body(),
            meta.etag,
            CacheStatus::Hit,
        )),
        (Some((entry, meta)), Some(Age::InGrace)) => {
            if !registry::in_flight(&name) {
                let env = scope.env().clone();
                let remaining = scope.remaining();
                scope.wait_until(async move {
                    let fetched = produce(origins);
                    if let Ok(shaped) = coalesced(&name, fetched, remaining).await {
                        store(&env, &name, &shaped, windows).await;
                    }
                });
            }
            Ok(Reply::cached(
                entry.into_body(),
                meta.etag,
                CacheStatus::Stale,
            ))
        }
        (stale, age) => {
            // Kept only while it could still serve, should the origins fail.
            let stale = stale.filter(|_| age == Some(Age::StaleIfError));
            match coalesced(&name, produce(origins), scope.remaining()).await {
                Ok(shaped) => {
                    let env = scope.env().clone();
                    let stored = shaped.clone();
                    scope.wait_until(async move { store(&env, &name, &stored, windows).await });
                    let tag = etag(&shaped.body);
                    Ok(Reply::cacheable(shaped.body, tag, CacheStatus::Miss))
                }
                Err(error) if error.kind().blame() == Blame::Upstream => match stale {
                    Some((entry, meta)) => {
                        scope.timings().record_desc("cache", 0.0, "stale-if-error");
                        Ok(Reply::cached(
                            entry.into_body(),
                            meta.etag,
                            CacheStatus::Stale,
                        ))
                    }
                    None => Err(error),
                },
                Err(error) => Err(error),
            }
        }
    }
}

/// Runs `fetched` unless this isolate is already producing `name`, in which case it waits (up
/// to `patience`) for that result instead of calling the origins again.
async fn coalesced(
    name: &str,
    fetched: impl Future<Output = Produced>,
    patience: Duration,
) -> Produced {
    match registry::join(name) {
        Role::Leader(leader) => {
            let result = fetched.await;
            leader.publish(&result);
            result
        }
        Role::Follower(slot) => {
            let give_up =
                now_ms().saturating_add(u64::try_from(patience.as_millis()).unwrap_or(u64::MAX));
            loop {
                if let Some(result) = slot.borrow().clone() {
                    return result;
                }
                if now_ms() >= give_up {
                    return Err(BffError::new(
                        ErrorKind::OriginTimeout,
                        "origin_timeout",
                        "The data for this page did not arrive in time.",
                    ));
                }
                Delay::from(FOLLOWER_POLL).await;
            }
        }
    }
}

/// Stores a complete result; degraded ones are sent but never stored, and each key is written
/// at most once a second.
async fn store(env: &Env, name: &str, shaped: &Shaped, windows: Windows) {
    let now = now_ms();
    if shaped.degraded || !registry::claim_write(name, now) {
        return;
    }
    let meta = EntryMeta {
        stored_at_ms: now,
        etag: etag(&shaped.body),
        windows,
    };
    let Ok(meta) = serde_json::to_string(&meta) else {
        console_error!("cache write skipped: metadata not encodable");
        return;
    };
    let ttl = windows.kv_ttl_seconds();
    KvEntry::write(env, CACHE_BINDING, name, &shaped.body, &meta, ttl).await;
}
