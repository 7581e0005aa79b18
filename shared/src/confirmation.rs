//! Two-step confirmation of a consequential write (a voice checkout: "Your total is 42 euros.
//! Shall I place the order?"). The first step answers with a short-lived token, signed with the
//! Worker's `CONFIRMATION_SECRET` (HMAC-SHA-256, truncated to 128 bits), that binds the shopper
//! and exactly what they were told: the cart's lines, prices and total. The second step presents
//! it; a token that is forged, edited, another shopper's, for a cart that has changed since, or
//! past its lifetime is a 400 and no order is placed.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::error::BffError;
use crate::origins::carts::Cart;

type HmacSha256 = Hmac<Sha256>;

const EXPIRY_LEN: usize = 8;
const USER_LEN: usize = 8;
const CART_LEN: usize = 16;
const TAG_LEN: usize = 16;
const USER_AT: usize = EXPIRY_LEN;
const CART_AT: usize = USER_AT + USER_LEN;
const PAYLOAD_LEN: usize = CART_AT + CART_LEN;
/// Longest token accepted: its encoded length; nothing longer is decoded.
const MAX_TOKEN_LEN: usize = 64;

/// Issues and checks confirmation tokens with one secret.
#[derive(Clone)]
pub struct ConfirmationSigner {
    secret: Vec<u8>,
    lifetime_ms: u64,
}

impl ConfirmationSigner {
    pub fn new(secret: &str, lifetime_ms: u64) -> Self {
        Self {
            secret: secret.as_bytes().to_vec(),
            lifetime_ms,
        }
    }

    /// The token for `user` confirming `cart` as it is now (`now_ms`: Unix milliseconds).
    pub fn issue(&self, user: &str, cart: &Cart, now_ms: u64) -> String {
        let mut token = [0u8; PAYLOAD_LEN + TAG_LEN];
        let expires = now_ms.saturating_add(self.lifetime_ms);
        token[..EXPIRY_LEN].copy_from_slice(&expires.to_be_bytes());
        token[USER_AT..CART_AT].copy_from_slice(&user_fingerprint(user));
        token[CART_AT..PAYLOAD_LEN].copy_from_slice(&cart_fingerprint(cart));
        let tag = self.tag(&token[..PAYLOAD_LEN]);
        token[PAYLOAD_LEN..].copy_from_slice(&tag);
        URL_SAFE_NO_PAD.encode(token)
    }

    /// Accepts `token` only if this Worker issued it, to `user`, it has not expired at `now_ms`,
    /// and, when `cart` is given, for that cart exactly as it is. (Without a cart: the order may
    /// already be placed, its cart emptied, and the same request retried.)
    pub fn check(
        &self,
        token: &str,
        user: &str,
        cart: Option<&Cart>,
        now_ms: u64,
    ) -> Result<(), BffError> {
        let invalid = || {
            BffError::bad_request(
                "invalid_confirmation",
                "That confirmation is not valid for this cart; ask for the total again.",
            )
        };
        if token.len() > MAX_TOKEN_LEN {
            return Err(invalid());
        }
        let raw = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
        if raw.len() != PAYLOAD_LEN + TAG_LEN {
            return Err(invalid());
        }
        let (payload, tag) = raw.split_at(PAYLOAD_LEN);
        let mut mac = self.mac();
        mac.update(payload);
        mac.verify_truncated_left(tag).map_err(|_| invalid())?;
        if payload[USER_AT..CART_AT] != user_fingerprint(user)
            || cart.is_some_and(|cart| payload[CART_AT..] != cart_fingerprint(cart))
        {
            return Err(invalid());
        }
        let mut expires = [0u8; EXPIRY_LEN];
        expires.copy_from_slice(&payload[..EXPIRY_LEN]);
        if u64::from_be_bytes(expires) < now_ms {
            return Err(BffError::bad_request(
                "confirmation_expired",
                "That confirmation has expired; ask for the total again.",
            ));
        }
        Ok(())
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
        let mut tag = [0u8; TAG_LEN];
        tag.copy_from_slice(&mac.finalize().into_bytes()[..TAG_LEN]);
        tag
    }
}

fn user_fingerprint(user: &str) -> [u8; USER_LEN] {
    let mut out = [0u8; USER_LEN];
    out.copy_from_slice(&Sha256::digest(user.as_bytes())[..USER_LEN]);
    out
}

/// Everything the shopper was told about the cart, hashed. Fields are length- or count-prefixed
/// so that no two different carts hash the same bytes.
fn cart_fingerprint(cart: &Cart) -> [u8; CART_LEN] {
    let mut hash = Sha256::new();
    hash.update((cart.currency.len() as u64).to_be_bytes());
    hash.update(cart.currency.as_bytes());
    hash.update(cart.subtotal_minor.to_be_bytes());
    hash.update((cart.items.len() as u64).to_be_bytes());
    for line in &cart.items {
        hash.update(line.product_id.to_be_bytes());
        hash.update(line.quantity.to_be_bytes());
        hash.update(line.unit_price_minor.to_be_bytes());
        hash.update(line.line_total_minor.to_be_bytes());
    }
    let mut out = [0u8; CART_LEN];
    out.copy_from_slice(&hash.finalize()[..CART_LEN]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::origins::carts::Line;

    fn cart(quantity: u32) -> Cart {
        Cart {
            items: vec![Line {
                product_id: 7,
                quantity,
                unit_price_minor: 1_299,
                line_total_minor: 1_299 * u64::from(quantity),
            }],
            subtotal_minor: 1_299 * u64::from(quantity),
            currency: "EUR".into(),
        }
    }

    const NOW: u64 = 1_800_000_000_000;

    fn code(result: Result<(), BffError>) -> &'static str {
        result.unwrap_err().code()
    }

    #[test]
    fn a_token_confirms_its_own_shopper_and_cart_within_its_lifetime() {
        let signer = ConfirmationSigner::new("a secret of some length", 120_000);
        let token = signer.issue("usr-1", &cart(2), NOW);
        let check = |user, cart: Option<&Cart>, at| signer.check(&token, user, cart, at);
        assert!(check("usr-1", Some(&cart(2)), NOW + 119_000).is_ok());
        assert!(check("usr-1", None, NOW).is_ok());
        let late = check("usr-1", Some(&cart(2)), NOW + 121_000);
        assert_eq!(code(late), "confirmation_expired");
        assert_eq!(
            code(check("usr-2", Some(&cart(2)), NOW)),
            "invalid_confirmation"
        );
        assert_eq!(code(check("usr-2", None, NOW)), "invalid_confirmation");
        assert_eq!(
            code(check("usr-1", Some(&cart(3)), NOW)),
            "invalid_confirmation"
        );
    }

    #[test]
    fn forged_edited_or_foreign_tokens_are_refused() {
        let signer = ConfirmationSigner::new("a secret of some length", 120_000);
        let other = ConfirmationSigner::new("another secret, elsewhere", 120_000);
        let token = signer.issue("usr-1", &cart(1), NOW);
        let check = |token: &str| code(signer.check(token, "usr-1", Some(&cart(1)), NOW));
        assert_eq!(
            check(&other.issue("usr-1", &cart(1), NOW)),
            "invalid_confirmation"
        );
        let mut bytes = URL_SAFE_NO_PAD.decode(&token).unwrap();
        bytes[0] ^= 0xff; // a later expiry
        assert_eq!(
            check(&URL_SAFE_NO_PAD.encode(&bytes)),
            "invalid_confirmation"
        );
        let long = "A".repeat(10_000);
        for garbage in [
            "",
            "x",
            "!!!!",
            &long[..64],
            &long,
            &token[..token.len() - 1],
        ] {
            assert_eq!(check(garbage), "invalid_confirmation");
        }
    }

    proptest::proptest! {
        /// Any `X-Confirmation` a client sends, and any of its bytes changed in a real one, is
        /// refused with a 400 and never panics: only the token issued for this cart passes.
        #[test]
        fn any_other_token_is_refused(
            garbage in "\\PC{0,200}",
            encoded in proptest::collection::vec(proptest::num::u8::ANY, 0..96),
            at in 0usize..64,
            flip in 1u8..=255,
        ) {
            let signer = ConfirmationSigner::new("a secret of some length", 120_000);
            for token in [garbage, URL_SAFE_NO_PAD.encode(&encoded)] {
                let refused = signer.check(&token, "usr-1", Some(&cart(1)), NOW);
                proptest::prop_assert_eq!(refused.map_err(|error| error.status()), Err(400));
            }
            let mut bytes = URL_SAFE_NO_PAD.decode(signer.issue("usr-1", &cart(1), NOW)).unwrap_or_default();
            let at = at % bytes.len().max(1);
            if let Some(byte) = bytes.get_mut(at) {
                *byte ^= flip;
            }
            let edited = signer.check(&URL_SAFE_NO_PAD.encode(&bytes), "usr-1", Some(&cart(1)), NOW);
            proptest::prop_assert!(edited.is_err());
        }
    }
}
