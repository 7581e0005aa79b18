//! Verifying the identity service's JWTs.
//!
//! The algorithm comes from the key, never from the token: the identity service signs with P-256
//! keys, so a key is usable only as an ES256 key, and a token that claims another algorithm
//! (`none`, `HS256` with the public key as secret, …) fails before any signature check.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use jwt_compact::alg::Es256;
use jwt_compact::{AlgorithmExt, TimeOptions, UntrustedToken, ValidationError};
use p256::ecdsa::VerifyingKey;
use serde::Deserialize;

use crate::origins::identity::Jwk;

/// What a valid token must say besides being signed.
#[derive(Clone, Copy, Debug)]
pub struct Expectations<'a> {
    pub issuer: &'a str,
    pub audience: &'a str,
    /// Tolerated clock difference for `exp` and `nbf`.
    pub leeway_seconds: i64,
}

/// A verified token's subject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub subject: String,
    pub name: Option<String>,
    pub expires_at: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenError {
    Malformed,
    MissingKeyId,
    /// No published key has the token's `kid`: refresh the keys once, then give up.
    UnknownKey,
    /// The key is not a P-256 signing key.
    UnsupportedKey,
    /// Wrong algorithm or a signature that does not verify.
    BadSignature,
    MissingExpiry,
    Expired,
    NotYetValid,
    WrongIssuer,
    WrongAudience,
}

#[derive(Deserialize)]
struct Registered {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Audience>,
    name: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn contains(&self, wanted: &str) -> bool {
        match self {
            Self::One(audience) => audience == wanted,
            Self::Many(audiences) => audiences.iter().any(|a| a == wanted),
        }
    }
}

/// Checks `token` against the published `keys`, at `now` (Unix seconds).
pub fn verify(
    token: &str,
    keys: &[Jwk],
    expect: &Expectations<'_>,
    now: i64,
) -> Result<Verified, TokenError> {
    let untrusted = UntrustedToken::new(token).map_err(|_| TokenError::Malformed)?;
    let kid = untrusted
        .header()
        .key_id
        .as_deref()
        .ok_or(TokenError::MissingKeyId)?;
    let jwk = keys
        .iter()
        .find(|key| key.kid == kid)
        .ok_or(TokenError::UnknownKey)?;
    let key = es256_key(jwk)?;
    let token = Es256
        .validator::<Registered>(&key)
        .validate(&untrusted)
        .map_err(|error| match error {
            ValidationError::MalformedClaims(_) => TokenError::Malformed,
            _ => TokenError::BadSignature,
        })?;
    let claims = token.claims();
    let clock = DateTime::<Utc>::from_timestamp(now, 0).unwrap_or_default();
    let options = TimeOptions::new(Duration::seconds(expect.leeway_seconds), move || clock);
    claims
        .validate_expiration(&options)
        .map_err(|error| match error {
            ValidationError::NoClaim(_) => TokenError::MissingExpiry,
            _ => TokenError::Expired,
        })?;
    if claims.not_before.is_some() {
        claims
            .validate_maturity(&options)
            .map_err(|_| TokenError::NotYetValid)?;
    }
    let custom = &claims.custom;
    if custom.iss.as_deref() != Some(expect.issuer) {
        return Err(TokenError::WrongIssuer);
    }
    if !custom
        .aud
        .as_ref()
        .is_some_and(|aud| aud.contains(expect.audience))
    {
        return Err(TokenError::WrongAudience);
    }
    let subject = custom.sub.clone().ok_or(TokenError::Malformed)?;
    Ok(Verified {
        subject,
        name: custom.name.clone(),
        expires_at: claims.expiration.map_or(0, |at| at.timestamp()),
    })
}

/// The verifying key of a published P-256 JWK.
fn es256_key(jwk: &Jwk) -> Result<VerifyingKey, TokenError> {
    let usable = jwk.kty == "EC"
        && jwk.crv.as_deref() == Some("P-256")
        && jwk.alg.as_deref().is_none_or(|alg| alg == "ES256");
    if !usable {
        return Err(TokenError::UnsupportedKey);
    }
    let coordinate = |value: &Option<String>| {
        value
            .as_deref()
            .and_then(|v| URL_SAFE_NO_PAD.decode(v).ok())
            .filter(|bytes| bytes.len() == 32)
            .ok_or(TokenError::UnsupportedKey)
    };
    let (x, y) = (coordinate(&jwk.x)?, coordinate(&jwk.y)?);
    // SEC1 uncompressed point: 0x04 || x || y.
    let mut sec1 = Vec::with_capacity(65);
    sec1.push(0x04);
    sec1.extend_from_slice(&x);
    sec1.extend_from_slice(&y);
    VerifyingKey::from_sec1_bytes(&sec1).map_err(|_| TokenError::UnsupportedKey)
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::SigningKey;
    use p256::ecdsa::signature::Signer;
    use serde_json::{Value, json};

    const ISSUER: &str = "https://identity.test";
    const NOW: i64 = 1_800_000_000;

    fn signing_key(seed: u8) -> SigningKey {
        SigningKey::from_slice(&[seed; 32]).unwrap()
    }

    fn jwk(key: &SigningKey, kid: &str) -> Jwk {
        let point = key.verifying_key().to_encoded_point(false);
        Jwk {
            kty: "EC".into(),
            crv: Some("P-256".into()),
            x: point.x().map(|x| URL_SAFE_NO_PAD.encode(x)),
            y: point.y().map(|y| URL_SAFE_NO_PAD.encode(y)),
            kid: kid.into(),
            alg: Some("ES256".into()),
        }
    }

    fn sign(key: &SigningKey, header: Value, claims: Value) -> String {
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature: p256::ecdsa::Signature = key.sign(input.as_bytes());
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature.to_bytes()))
    }

    fn claims() -> Value {
        json!({"iss": ISSUER, "sub": "usr-1", "aud": "mobile", "iat": NOW, "nbf": NOW, "exp": NOW + 900, "name": "Demo"})
    }

    fn header(kid: &str) -> Value {
        json!({"alg": "ES256", "typ": "JWT", "kid": kid})
    }

    const EXPECT: Expectations<'static> = Expectations {
        issuer: ISSUER,
        audience: "mobile",
        leeway_seconds: 60,
    };

    fn check(token: &str) -> Result<Verified, TokenError> {
        verify(token, &[jwk(&signing_key(1), "k1")], &EXPECT, NOW)
    }

    fn with(changes: Value) -> Value {
        let mut claims = claims();
        for (key, value) in changes.as_object().unwrap() {
            claims[key] = value.clone();
        }
        claims
    }

    #[test]
    fn accepts_a_valid_token() {
        let verified = check(&sign(&signing_key(1), header("k1"), claims())).unwrap();
        assert_eq!(verified.subject, "usr-1");
        assert_eq!(verified.name.as_deref(), Some("Demo"));
        assert_eq!(verified.expires_at, NOW + 900);
    }

    #[test]
    fn refuses_time_issuer_and_audience_violations() {
        let key = signing_key(1);
        let cases = [
            (json!({"exp": NOW - 61}), TokenError::Expired),
            (json!({"nbf": NOW + 61}), TokenError::NotYetValid),
            (json!({"iss": "https://evil.test"}), TokenError::WrongIssuer),
            (json!({"aud": "web"}), TokenError::WrongAudience),
            (json!({"aud": ["web", "tv"]}), TokenError::WrongAudience),
        ];
        for (change, expected) in cases {
            let token = sign(&key, header("k1"), with(change.clone()));
            assert_eq!(check(&token), Err(expected), "{change}");
        }
        // Within the leeway is fine.
        assert!(check(&sign(&key, header("k1"), with(json!({"exp": NOW - 30})))).is_ok());
        assert!(
            check(&sign(
                &key,
                header("k1"),
                with(json!({"aud": ["web", "mobile"]}))
            ))
            .is_ok()
        );
        let mut no_exp = claims();
        no_exp.as_object_mut().unwrap().remove("exp");
        assert_eq!(
            check(&sign(&key, header("k1"), no_exp)),
            Err(TokenError::MissingExpiry)
        );
    }

    #[test]
    fn refuses_foreign_signatures_and_unknown_keys() {
        let stranger = sign(&signing_key(2), header("k1"), claims());
        assert_eq!(check(&stranger), Err(TokenError::BadSignature));
        let unknown = sign(&signing_key(1), header("k9"), claims());
        assert_eq!(check(&unknown), Err(TokenError::UnknownKey));
        let no_kid = sign(&signing_key(1), json!({"alg": "ES256"}), claims());
        assert_eq!(check(&no_kid), Err(TokenError::MissingKeyId));
        assert_eq!(check("not.a.token"), Err(TokenError::Malformed));
    }

    #[test]
    fn the_algorithm_comes_from_the_key_not_the_token() {
        let unsigned = format!(
            "{}.{}.",
            URL_SAFE_NO_PAD.encode(json!({"alg": "none", "kid": "k1"}).to_string()),
            URL_SAFE_NO_PAD.encode(claims().to_string())
        );
        assert_eq!(check(&unsigned), Err(TokenError::BadSignature));
        // HS256 "signed" with the public key as the HMAC secret: the classic confusion.
        let hs = sign(
            &signing_key(1),
            json!({"alg": "HS256", "kid": "k1"}),
            claims(),
        );
        assert_eq!(check(&hs), Err(TokenError::BadSignature));
        let mut rsa_key = jwk(&signing_key(1), "k1");
        rsa_key.kty = "RSA".into();
        let token = sign(&signing_key(1), header("k1"), claims());
        assert_eq!(
            verify(&token, &[rsa_key], &EXPECT, NOW),
            Err(TokenError::UnsupportedKey)
        );
    }
}
