//! How old a cached entry may be, and what its age means for the response.
//!
//! Freshness lives in the entry's own metadata (stored-at and the windows), not in KV's
//! expiration, because KV cannot expire anything sooner than 60 seconds and cannot tell "fresh"
//! from "stale but usable".

use serde::{Deserialize, Serialize};

/// The windows of one route and frontend, in milliseconds from when the entry was stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Windows {
    /// Served as is (`HIT`).
    pub fresh_ms: u64,
    /// After fresh: served at once (`STALE`) while a background refresh runs.
    pub grace_ms: u64,
    /// After fresh: served (`STALE`) when the origins fail, instead of an error.
    pub max_stale_ms: u64,
}

impl Windows {
    /// All windows zero: the route is not cached at all (no KV read, no write).
    pub const fn is_disabled(&self) -> bool {
        self.fresh_ms == 0 && self.grace_ms == 0 && self.max_stale_ms == 0
    }

    /// KV expiration for an entry: it must outlive every window, and KV wants at least 60 s.
    pub fn kv_ttl_seconds(&self) -> u64 {
        let longest = self
            .fresh_ms
            .saturating_add(self.grace_ms.max(self.max_stale_ms));
        longest.div_ceil(1000).max(60)
    }
}

/// What a cached entry's age makes of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Age {
    Fresh,
    /// Serve it, refresh in the background.
    InGrace,
    /// Serve it only if the origins fail.
    StaleIfError,
    /// Too old to serve at all.
    Expired,
}

/// The metadata stored with every entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryMeta {
    pub stored_at_ms: u64,
    pub etag: String,
    pub windows: Windows,
}

impl EntryMeta {
    pub fn age(&self, now_ms: u64) -> Age {
        let age = now_ms.saturating_sub(self.stored_at_ms);
        let w = &self.windows;
        if age < w.fresh_ms {
            Age::Fresh
        } else if age < w.fresh_ms.saturating_add(w.grace_ms) {
            Age::InGrace
        } else if age < w.fresh_ms.saturating_add(w.max_stale_ms) {
            Age::StaleIfError
        } else {
            Age::Expired
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(stored_at_ms: u64) -> EntryMeta {
        EntryMeta {
            stored_at_ms,
            etag: "\"x\"".into(),
            windows: Windows {
                fresh_ms: 1_000,
                grace_ms: 4_000,
                max_stale_ms: 60_000,
            },
        }
    }

    #[test]
    fn ages_through_the_windows() {
        let entry = meta(10_000);
        assert_eq!(entry.age(10_000), Age::Fresh);
        assert_eq!(entry.age(10_999), Age::Fresh);
        assert_eq!(entry.age(11_000), Age::InGrace);
        assert_eq!(entry.age(14_999), Age::InGrace);
        assert_eq!(entry.age(15_000), Age::StaleIfError);
        assert_eq!(entry.age(70_999), Age::StaleIfError);
        assert_eq!(entry.age(71_000), Age::Expired);
        // A clock that went backwards makes the entry fresh, not an error.
        assert_eq!(entry.age(0), Age::Fresh);
    }

    #[test]
    fn kv_expiration_covers_every_window_and_kv_minimum() {
        assert_eq!(meta(0).windows.kv_ttl_seconds(), 61);
        let short = Windows {
            fresh_ms: 500,
            grace_ms: 500,
            max_stale_ms: 0,
        };
        assert_eq!(short.kv_ttl_seconds(), 60);
    }
}
