//! Pagination: page numbers for the web, opaque signed cursors for the app.
//!
//! A cursor carries the next offset and a fingerprint of the query it belongs to, signed with the
//! Worker's `CURSOR_SECRET` (HMAC-SHA-256, truncated to 128 bits). The client cannot forge one,
//! edit one, or replay one against another query: each of those is a 400, not a wrong page.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::error::BffError;

type HmacSha256 = Hmac<Sha256>;

const OFFSET_LEN: usize = 4;
const FINGERPRINT_LEN: usize = 8;
const TAG_LEN: usize = 16;
const PAYLOAD_LEN: usize = OFFSET_LEN + FINGERPRINT_LEN;

/// Signs and checks cursors with one secret.
#[derive(Clone)]
pub struct CursorSigner {
    secret: Vec<u8>,
}

impl CursorSigner {
    pub fn new(secret: &str) -> Self {
        Self {
            secret: secret.as_bytes().to_vec(),
        }
    }

    /// The cursor for `offset` within the query identified by `query_key`.
    pub fn encode(&self, offset: u32, query_key: &str) -> String {
        let mut token = [0u8; PAYLOAD_LEN + TAG_LEN];
        token[..OFFSET_LEN].copy_from_slice(&offset.to_be_bytes());
        token[OFFSET_LEN..PAYLOAD_LEN].copy_from_slice(&fingerprint(query_key));
        let tag = self.tag(&token[..PAYLOAD_LEN]);
        token[PAYLOAD_LEN..].copy_from_slice(&tag);
        URL_SAFE_NO_PAD.encode(token)
    }

    /// The offset a cursor stands for, if it is genuine and belongs to `query_key`.
    pub fn decode(&self, cursor: &str, query_key: &str) -> Result<u32, BffError> {
        let invalid = || {
            BffError::bad_request(
                "invalid_cursor",
                "The cursor is not one this API issued for this query; start from the first page.",
            )
        };
        if cursor.len() > 64 {
            return Err(invalid());
        }
        let token = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
        if token.len() != PAYLOAD_LEN + TAG_LEN {
            return Err(invalid());
        }
        let (payload, tag) = token.split_at(PAYLOAD_LEN);
        let mut mac = self.mac();
        mac.update(payload);
        mac.verify_truncated_left(tag).map_err(|_| invalid())?;
        if payload[OFFSET_LEN..] != fingerprint(query_key) {
            return Err(invalid());
        }
        let mut offset = [0u8; OFFSET_LEN];
        offset.copy_from_slice(&payload[..OFFSET_LEN]);
        Ok(u32::from_be_bytes(offset))
    }

    fn mac(&self) -> HmacSha256 {
        // HMAC takes keys of any length; this cannot fail.
        match HmacSha256::new_from_slice(&self.secret) {
            Ok(mac) => mac,
            Err(_) => HmacSha256::new(&Default::default()),
        }
    }

    fn tag(&self, payload: &[u8]) -> [u8; TAG_LEN] {
        let mut mac = self.mac();
        mac.update(payload);
        let full = mac.finalize().into_bytes();
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(&full[..TAG_LEN]);
        tag
    }
}

fn fingerprint(query_key: &str) -> [u8; FINGERPRINT_LEN] {
    let digest = Sha256::digest(query_key.as_bytes());
    let mut out = [0u8; FINGERPRINT_LEN];
    out.copy_from_slice(&digest[..FINGERPRINT_LEN]);
    out
}

/// Offset of a 1-based page number, or a 400 for a page that cannot exist.
pub fn page_offset(page: u32, page_size: u32) -> Result<u32, BffError> {
    if page == 0 {
        return Err(BffError::bad_request(
            "invalid_page",
            "Pages are numbered from 1.",
        ));
    }
    (page - 1)
        .checked_mul(page_size)
        .filter(|offset| *offset <= 100_000)
        .ok_or_else(|| BffError::bad_request("invalid_page", "That page is too far."))
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUERY: &str = "category=headphones&q=";

    #[test]
    fn round_trips_an_offset() {
        let signer = CursorSigner::new("secret");
        let cursor = signer.encode(40, QUERY);
        assert!(cursor.len() <= 40, "{cursor}");
        assert_eq!(signer.decode(&cursor, QUERY).unwrap(), 40);
    }

    #[test]
    fn refuses_tampered_forged_and_foreign_cursors() {
        let signer = CursorSigner::new("secret");
        let cursor = signer.encode(40, QUERY);
        let mut bytes = URL_SAFE_NO_PAD.decode(&cursor).unwrap();
        bytes[3] ^= 1; // offset 40 -> 41
        let tampered = URL_SAFE_NO_PAD.encode(&bytes);
        let forged = CursorSigner::new("other").encode(40, QUERY);
        for bad in [
            tampered.as_str(),
            forged.as_str(),
            "",
            "not a cursor",
            "AAAA",
            &"A".repeat(200),
        ] {
            let error = signer.decode(bad, QUERY).unwrap_err();
            assert_eq!(
                (error.status(), error.code()),
                (400, "invalid_cursor"),
                "{bad}"
            );
        }
        assert!(signer.decode(&cursor, "category=lamps&q=").is_err());
    }

    #[test]
    fn page_numbers_start_at_one() {
        assert_eq!(page_offset(1, 24).unwrap(), 0);
        assert_eq!(page_offset(3, 24).unwrap(), 48);
        assert_eq!(page_offset(0, 24).unwrap_err().code(), "invalid_page");
        assert!(page_offset(u32::MAX, 24).is_err());
    }

    proptest::proptest! {
        /// Any string as a cursor: the offset it was made for (same query) or a 400, never a
        /// panic; a genuine cursor never opens another query.
        #[test]
        fn cursors_round_trip_or_are_refused(offset in proptest::prelude::any::<u32>(), query in ".{0,40}", other in ".{0,40}", raw in ".{0,100}") {
            let signer = CursorSigner::new("a-secret-of-sixteen-plus");
            let cursor = signer.encode(offset, &query);
            proptest::prop_assert_eq!(signer.decode(&cursor, &query).ok(), Some(offset));
            if other != query {
                proptest::prop_assert!(signer.decode(&cursor, &other).is_err());
            }
            if let Err(error) = signer.decode(&raw, &query) {
                proptest::prop_assert_eq!(error.code(), "invalid_cursor");
            }
        }

        #[test]
        fn page_offsets_never_overflow(page in proptest::prelude::any::<u32>(), size in proptest::prelude::any::<u32>()) {
            if let Ok(offset) = page_offset(page, size) {
                proptest::prop_assert!(offset <= 100_000);
            }
        }
    }
}
