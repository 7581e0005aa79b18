//! `POST /__admin/cache/purge` — lets an operator drop cached entries of this Worker by key
//! prefix (e.g. `product:id=42:` after a bad product import) without waiting for them to expire.
//!
//! Protected by the Worker's `ADMIN_TOKEN` secret as a bearer token; without that secret the
//! endpoint does not exist (404). To drop everything at once, bump `CACHE_VERSION` instead: that
//! costs no KV operations and old entries simply expire.

use serde::{Deserialize, Serialize};
use worker::console_error;

use super::CacheKey;
use super::key::MAX_KEY_BYTES;
use crate::edge::{Reply, Scope};
use crate::error::{BffError, ErrorKind};

/// KV deletions one purge request may make; the rest is left for another call.
const MAX_DELETIONS: usize = 500;

#[derive(Deserialize)]
struct PurgeRequest {
    /// Key prefix after `{version}:{frontend}:`, e.g. `product:` or `product:id=42:`.
    prefix: String,
}

#[derive(Serialize)]
struct PurgeResult {
    purged: usize,
    /// False when more entries match than one call deletes: call again.
    complete: bool,
}

pub async fn purge(scope: &Scope, frontend: &str) -> Result<Reply, BffError> {
    let Some(token) = scope.secret("ADMIN_TOKEN") else {
        return Err(BffError::not_found("route_not_found", "No such endpoint."));
    };
    let presented = scope.header("authorization").unwrap_or_default();
    let presented = presented.strip_prefix("Bearer ").unwrap_or("");
    if !constant_time_eq(presented.as_bytes(), token.as_bytes()) {
        return Err(BffError::new(
            ErrorKind::Unauthenticated,
            "unauthenticated",
            "This endpoint needs the admin bearer token.",
        ));
    }
    let request: PurgeRequest = scope.json_body(1024).await?;
    let kv = scope
        .kv()
        .ok_or_else(|| BffError::internal("cache_not_bound"))?;
    let version = &scope.cache_config()?.version;
    let prefix = format!(
        "{}{}",
        CacheKey::namespace(version, frontend),
        request.prefix
    );
    // A prefix no KV key can have is a client mistake, refused before KV refuses it.
    if prefix.len() > MAX_KEY_BYTES {
        return Err(BffError::bad_request(
            "invalid_prefix",
            format!("The prefix may be at most {MAX_KEY_BYTES} bytes with the key's namespace."),
        ));
    }

    let failed = |_| BffError::internal("cache_purge_failed");
    let mut purged = 0;
    let mut cursor = None;
    loop {
        let mut list = kv.list().prefix(prefix.clone()).limit(100);
        if let Some(cursor) = cursor.take() {
            list = list.cursor(cursor);
        }
        let page = list.execute().await.map_err(failed)?;
        for key in page.keys {
            if purged == MAX_DELETIONS {
                return Reply::json(&PurgeResult {
                    purged,
                    complete: false,
                });
            }
            if let Err(error) = kv.delete(&key.name).await {
                console_error!("cache purge: delete failed: {error}");
                return Err(BffError::internal("cache_purge_failed"));
            }
            purged += 1;
        }
        match page.cursor.filter(|_| !page.list_complete) {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Reply::json(&PurgeResult {
        purged,
        complete: true,
    })
}

/// Compares without returning early, so response time does not reveal how much of the token
/// was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut difference = a.len() ^ b.len();
    for (i, byte) in b.iter().enumerate() {
        difference |= usize::from(a.get(i).copied().unwrap_or(0) ^ byte);
    }
    difference == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_only_when_identical() {
        assert!(constant_time_eq(b"s3cret-token", b"s3cret-token"));
        assert!(!constant_time_eq(b"s3cret-tokem", b"s3cret-token"));
        assert!(!constant_time_eq(b"s3cret", b"s3cret-token"));
        assert!(!constant_time_eq(b"s3cret-token-and-more", b"s3cret-token"));
        assert!(!constant_time_eq(b"", b"x"));
    }
}
