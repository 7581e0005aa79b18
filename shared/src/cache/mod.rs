//! The read-through cache on Workers KV for shaped, non-personal responses.
//!
//! A handler names its entry ([`CacheKey`]) and how to produce it from the origins; the cache
//! decides, from the entry's own metadata, whether to answer from KV (`HIT`), answer from KV and
//! refresh in the background (`STALE`), fetch (`MISS`), or fall back to an old copy when the
//! origins fail (`STALE`, stale-if-error). Concurrent misses of one key in an isolate share one
//! origin fan-out, and each key is written at most once a second (KV's limit).
//! Personal data never passes through here: handlers merge it after the cached part.

mod config;
mod etag;
mod freshness;
mod key;
mod purge;
mod read_through;
mod registry;

pub use config::{CacheConfig, STANDARD_WINDOWS};
pub use etag::{BuiltTag, etag, if_none_match};
pub use freshness::{Age, EntryMeta, Windows};
pub use key::CacheKey;
pub use purge::purge;
pub use read_through::read_through;

use serde::Serialize;

use crate::error::BffError;

pub const HEADER: &str = "x-bff-cache";

/// How a cacheable response was answered, for `x-bff-cache`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheStatus {
    Hit,
    Miss,
    Stale,
    /// Not cacheable here (no KV binding, or the response is personal).
    Bypass,
}

impl CacheStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Hit => "HIT",
            Self::Miss => "MISS",
            Self::Stale => "STALE",
            Self::Bypass => "BYPASS",
        }
    }
}

/// A shaped response body, ready to cache and to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shaped {
    pub body: Vec<u8>,
    /// Built with optional parts missing: sent, but never stored as if complete.
    pub degraded: bool,
}

impl Shaped {
    pub fn json<T: Serialize>(view: &T, degraded: bool) -> Result<Self, BffError> {
        serde_json::to_vec(view)
            .map(|body| Self { body, degraded })
            .map_err(|_| BffError::internal("response_encoding_failed"))
    }
}
