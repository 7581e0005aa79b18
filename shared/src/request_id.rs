//! Request ids: one id follows a request from the client through every origin call and back.
//!
//! A caller's `x-request-id` is kept when it is safe to echo and to log (short, plain characters),
//! so a frontend can correlate its own traces; anything else is replaced by a fresh random id
//! rather than rejected, because a bad correlation header is no reason to fail a page.

use std::cell::RefCell;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

pub const HEADER: &str = "x-request-id";

const MAX_LEN: usize = 128;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestId(String);

impl RequestId {
    /// Keeps the caller's id when it is acceptable, otherwise generates one.
    pub fn from_header(value: Option<&str>) -> Self {
        match value.map(str::trim) {
            Some(id) if is_acceptable(id) => Self(id.to_owned()),
            _ => Self::generate(),
        }
    }

    /// 128 random bits, hex encoded.
    pub fn generate() -> Self {
        let bytes = random_id_bytes();
        let mut id = String::with_capacity(32);
        for byte in bytes {
            id.push(char::from(HEX[usize::from(byte >> 4)]));
            id.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
        Self(id)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RequestId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Ids drawn from one platform CSPRNG call: on Workers each call is a crossing into JavaScript
/// and a typed array made there, which for one 16-byte id cost more than the rest of the id.
const IDS_PER_DRAW: usize = 64;

thread_local! {
    static POOL: RefCell<(Vec<u8>, usize)> = const { RefCell::new((Vec::new(), 0)) };
}

/// The next 16 random bytes of the pool, drawing a new pool when it is used up.
fn random_id_bytes() -> [u8; 16] {
    POOL.with(|pool| {
        let mut pool = pool.borrow_mut();
        let (bytes, used) = &mut *pool;
        if *used + 16 > bytes.len() {
            bytes.resize(IDS_PER_DRAW * 16, 0);
            if !crate::platform::fill_random(bytes) {
                // The platform's CSPRNG does not fail on Workers; should it ever, a
                // process-unique counter still keeps ids distinct, which is all correlation
                // needs.
                static FALLBACK: AtomicU64 = AtomicU64::new(1);
                for id in bytes.chunks_exact_mut(16) {
                    id.fill(0);
                    id[..8]
                        .copy_from_slice(&FALLBACK.fetch_add(1, Ordering::Relaxed).to_be_bytes());
                }
            }
            *used = 0;
        }
        let mut id = [0u8; 16];
        id.copy_from_slice(&bytes[*used..*used + 16]);
        *used += 16;
        id
    })
}

fn is_acceptable(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_a_well_formed_caller_id() {
        let id = RequestId::from_header(Some("web-7f3a:trace.1_x"));
        assert_eq!(id.as_str(), "web-7f3a:trace.1_x");
    }

    #[test]
    fn replaces_missing_or_unsafe_ids() {
        for bad in [None, Some(""), Some("a b"), Some("<script>"), Some("é")] {
            let id = RequestId::from_header(bad);
            assert_eq!(id.as_str().len(), 32, "{bad:?}");
            assert!(id.as_str().bytes().all(|b| b.is_ascii_hexdigit()));
        }
        let long = "x".repeat(MAX_LEN + 1);
        assert_ne!(RequestId::from_header(Some(&long)).as_str(), long);
    }

    #[test]
    fn generated_ids_differ() {
        assert_ne!(RequestId::generate(), RequestId::generate());
    }

    #[test]
    fn ids_stay_distinct_across_pool_draws() {
        let ids: std::collections::HashSet<String> = (0..IDS_PER_DRAW * 3)
            .map(|_| RequestId::generate().0)
            .collect();
        assert_eq!(ids.len(), IDS_PER_DRAW * 3);
    }
}
