//! ES256 signing keys for the identity mock. Keys are derived from fixed
//! seeds so tokens minted before a restart still verify after it.

use std::sync::RwLock;

use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use rand::RngCore;
use serde_json::{Value, json};

use crate::data::seed;

pub const PRIMARY_KID: &str = "mock-key-1";
pub const ROTATED_KID: &str = "mock-key-2";

struct Key {
    kid: &'static str,
    signing: SigningKey,
}

/// Published keys; the last one signs.
pub struct Keys {
    keys: RwLock<Vec<Key>>,
}

fn derive(kid: &'static str) -> Result<Key, String> {
    let mut rng = seed::rng("identity.key", &[seed::hash_str(kid)]);
    // A random 32-byte string is a valid P-256 scalar with overwhelming
    // probability; retry deterministically on the rare miss.
    for _ in 0..16 {
        let mut bytes = [0u8; 32];
        rng.fill_bytes(&mut bytes);
        if let Ok(signing) = SigningKey::from_slice(&bytes) {
            return Ok(Key { kid, signing });
        }
    }
    Err(format!("could not derive signing key {kid}"))
}

pub fn base64url(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let symbols = chunk.len() + 1;
        for i in 0..symbols {
            let index = ((n >> (18 - 6 * i)) & 63) as usize;
            if let Some(c) = ALPHABET.get(index) {
                out.push(char::from(*c));
            }
        }
    }
    out
}

impl Keys {
    pub fn new() -> Result<Self, String> {
        Ok(Self {
            keys: RwLock::new(vec![derive(PRIMARY_KID)?]),
        })
    }

    /// Publishes `mock-key-2` and makes it the signing key; idempotent.
    pub fn rotate(&self) -> Result<(), String> {
        let mut keys = self.keys.write().unwrap_or_else(|e| e.into_inner());
        if !keys.iter().any(|k| k.kid == ROTATED_KID) {
            keys.push(derive(ROTATED_KID)?);
        }
        Ok(())
    }

    pub fn reset(&self) -> Result<(), String> {
        let primary = derive(PRIMARY_KID)?;
        *self.keys.write().unwrap_or_else(|e| e.into_inner()) = vec![primary];
        Ok(())
    }

    pub fn jwks(&self) -> Value {
        let keys = self.keys.read().unwrap_or_else(|e| e.into_inner());
        let list: Vec<Value> = keys
            .iter()
            .map(|k| {
                let point = k.signing.verifying_key().to_encoded_point(false);
                json!({
                    "kty": "EC",
                    "crv": "P-256",
                    "x": point.x().map(|x| base64url(x)).unwrap_or_default(),
                    "y": point.y().map(|y| base64url(y)).unwrap_or_default(),
                    "kid": k.kid,
                    "use": "sig",
                    "alg": "ES256",
                })
            })
            .collect();
        json!({ "keys": list })
    }

    /// Compact JWS over `claims` with the current signing key.
    pub fn sign(&self, claims: &Value) -> Result<String, String> {
        self.sign_as(claims, None)
    }

    /// As [`Keys::sign`], but the header may name another `kid` than the signing key's: tests
    /// use it to present tokens whose key the verifier does not know.
    pub fn sign_as(&self, claims: &Value, kid: Option<&str>) -> Result<String, String> {
        self.sign_with(claims, kid, "JWT")
    }

    /// As [`Keys::sign`], with an explicit `typ` header (`logout+jwt` for logout tokens).
    pub fn sign_typed(&self, claims: &Value, typ: &str) -> Result<String, String> {
        self.sign_with(claims, None, typ)
    }

    fn sign_with(&self, claims: &Value, kid: Option<&str>, typ: &str) -> Result<String, String> {
        let keys = self.keys.read().unwrap_or_else(|e| e.into_inner());
        let key = keys.last().ok_or("no signing key")?;
        let header = json!({ "alg": "ES256", "typ": typ, "kid": kid.unwrap_or(key.kid) });
        let signing_input = format!(
            "{}.{}",
            base64url(header.to_string().as_bytes()),
            base64url(claims.to_string().as_bytes())
        );
        let signature: Signature = key.signing.sign(signing_input.as_bytes());
        Ok(format!(
            "{signing_input}.{}",
            base64url(&signature.to_bytes())
        ))
    }
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use p256::EncodedPoint;
    use p256::ecdsa::VerifyingKey;
    use p256::ecdsa::signature::Verifier;

    pub fn base64url_decode(s: &str) -> Vec<u8> {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut bits = 0u32;
        let mut nbits = 0;
        let mut out = Vec::new();
        for c in s.bytes() {
            let v = ALPHABET.iter().position(|a| *a == c).unwrap() as u32;
            bits = (bits << 6) | v;
            nbits += 6;
            if nbits >= 8 {
                nbits -= 8;
                out.push((bits >> nbits) as u8);
                bits &= (1 << nbits) - 1;
            }
        }
        out
    }

    /// Verifies a token against a JWKS document and returns its claims.
    pub fn verify(token: &str, jwks: &Value) -> Value {
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: Value = serde_json::from_slice(&base64url_decode(parts[0])).unwrap();
        let jwk = jwks["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["kid"] == header["kid"])
            .unwrap();
        let x = base64url_decode(jwk["x"].as_str().unwrap());
        let y = base64url_decode(jwk["y"].as_str().unwrap());
        let point =
            EncodedPoint::from_affine_coordinates(x.as_slice().into(), y.as_slice().into(), false);
        let vk = VerifyingKey::from_encoded_point(&point).unwrap();
        let sig = Signature::from_slice(&base64url_decode(parts[2])).unwrap();
        vk.verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &sig)
            .unwrap();
        assert_eq!(header["alg"], "ES256");
        serde_json::from_slice(&base64url_decode(parts[1])).unwrap()
    }

    #[test]
    fn base64url_vectors() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foob"), "Zm9vYg");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
        assert_eq!(base64url_decode("Zm9vYg"), b"foob");
    }

    #[test]
    fn keys_are_deterministic_and_tokens_verify() {
        let a = Keys::new().unwrap();
        let b = Keys::new().unwrap();
        assert_eq!(a.jwks(), b.jwks());
        let claims = json!({"sub": "usr-1"});
        let token = a.sign(&claims).unwrap();
        assert_eq!(verify(&token, &b.jwks()), claims);

        a.rotate().unwrap();
        a.rotate().unwrap();
        let jwks = a.jwks();
        assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
        let rotated = a.sign(&claims).unwrap();
        assert_eq!(verify(&rotated, &jwks), claims);
        assert!(
            rotated.starts_with(&base64url(
                json!({"alg":"ES256","typ":"JWT","kid":ROTATED_KID})
                    .to_string()
                    .as_bytes()
            ))
        );
        a.reset().unwrap();
        assert_eq!(a.jwks(), b.jwks());
    }
}
