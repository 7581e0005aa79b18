//! Verifying the identity service's JWTs (compact JWS, ES256), without a JWT library.
//!
//! Parsing and the claim checks are ours and pure (natively unit- and property-tested); the one
//! step that needs cryptography, the ES256 signature check, sits behind [`Es256Verifier`], so the
//! Worker uses the platform's WebCrypto (no curve arithmetic in the bundle) and native tests use
//! the `p256` crate.
//!
//! The algorithm comes from the key, never from the token: the identity service signs with P-256
//! keys, so a key is usable only as an ES256 key, and a token that claims another algorithm
//! (`none`, `HS256` with the public key as secret, …) fails before any signature check.
//!
//! Every time claim is range-checked ([`TIME_CLAIMS`]) before anything compares or adds to it, and
//! all arithmetic on times saturates: a signed token with an absurd `nbf` or `exp` is refused like
//! any other bad token, it cannot make a library (or this code) panic.

use std::future::Future;
use std::ops::RangeInclusive;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;
use serde_json::Number;

use crate::origins::identity::Jwk;

/// A token longer than this is refused unread (real ones are well under 1 KiB).
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// The only values a time claim (`exp`, `nbf`, `iat`) may take, in Unix seconds: from 1970 to the
/// end of year 9999. Anything outside is a malformed token, whoever signed it.
pub const TIME_CLAIMS: RangeInclusive<i64> = 0..=253_402_300_799;

/// The largest clock tolerance a caller may ask for.
pub const MAX_LEEWAY_SECONDS: i64 = 3_600;

/// What a valid token must say besides being signed.
#[derive(Clone, Copy, Debug)]
pub struct Expectations<'a> {
    pub issuer: &'a str,
    pub audience: &'a str,
    /// Tolerated clock difference for `exp` and `nbf` (clamped to 0..=[`MAX_LEEWAY_SECONDS`]).
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
    /// A time claim that is not a number of seconds inside [`TIME_CLAIMS`].
    BadTimeClaim,
    Expired,
    NotYetValid,
    WrongIssuer,
    WrongAudience,
}

/// The JOSE header fields we read. `crit` names extensions we would have to understand: we
/// understand none, so a token that has it is refused (RFC 7515 §4.1.11).
#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
    crit: Option<serde_json::Value>,
}

/// A compact JWS split and decoded, not yet trusted.
pub struct UntrustedJws<'a> {
    signing_input: &'a str,
    alg: String,
    kid: Option<String>,
    payload: Vec<u8>,
    signature: Vec<u8>,
}

impl<'a> UntrustedJws<'a> {
    /// Splits `header.payload.signature` and decodes its parts; nothing is trusted yet.
    pub fn parse(token: &'a str) -> Result<Self, TokenError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(TokenError::Malformed);
        }
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        let decode = |part: &str| {
            URL_SAFE_NO_PAD
                .decode(part)
                .map_err(|_| TokenError::Malformed)
        };
        let header: Header =
            serde_json::from_slice(&decode(header)?).map_err(|_| TokenError::Malformed)?;
        if header.crit.is_some() {
            return Err(TokenError::Malformed);
        }
        let signing_input_len = token.len().saturating_sub(signature.len() + 1);
        Ok(Self {
            signing_input: token
                .get(..signing_input_len)
                .ok_or(TokenError::Malformed)?,
            alg: header.alg,
            kid: header.kid,
            payload: decode(payload)?,
            signature: decode(signature)?,
        })
    }

    /// The key id the token names.
    pub fn key_id(&self) -> Result<&str, TokenError> {
        self.kid.as_deref().ok_or(TokenError::MissingKeyId)
    }

    /// What the signature covers: `base64url(header) "." base64url(payload)`.
    pub fn signing_input(&self) -> &[u8] {
        self.signing_input.as_bytes()
    }

    pub fn signature(&self) -> &[u8] {
        &self.signature
    }

    /// The claims, as the JSON bytes the issuer signed.
    pub fn into_payload(self) -> Vec<u8> {
        self.payload
    }
}

/// A published key usable for ES256: the P-256 point, coordinates checked to be 32 bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Es256Key {
    pub kid: String,
    /// base64url of the 32-byte coordinates, as in the JWK.
    pub x: String,
    pub y: String,
}

impl Es256Key {
    /// The SEC1 uncompressed point `0x04 || x || y`.
    pub fn sec1(&self) -> Result<Vec<u8>, TokenError> {
        let x = coordinate(&self.x)?;
        let y = coordinate(&self.y)?;
        let mut point = Vec::with_capacity(65);
        point.push(0x04);
        point.extend_from_slice(&x);
        point.extend_from_slice(&y);
        Ok(point)
    }
}

fn coordinate(value: &str) -> Result<Vec<u8>, TokenError> {
    URL_SAFE_NO_PAD
        .decode(value)
        .ok()
        .filter(|bytes| bytes.len() == 32)
        .ok_or(TokenError::UnsupportedKey)
}

/// A published JWK as an ES256 key, if it is one.
pub fn es256_key(jwk: &Jwk) -> Result<Es256Key, TokenError> {
    let usable = jwk.kty == "EC"
        && jwk.crv.as_deref() == Some("P-256")
        && jwk.alg.as_deref().is_none_or(|alg| alg == "ES256");
    let (Some(x), Some(y)) = (&jwk.x, &jwk.y) else {
        return Err(TokenError::UnsupportedKey);
    };
    if !usable {
        return Err(TokenError::UnsupportedKey);
    }
    coordinate(x)?;
    coordinate(y)?;
    Ok(Es256Key {
        kid: jwk.kid.clone(),
        x: x.clone(),
        y: y.clone(),
    })
}

/// The key that must have signed `jws`: found by `kid`, usable as ES256, and the token must say
/// ES256 too (the key decides the algorithm; a token claiming another one is refused).
pub fn select_key(jws: &UntrustedJws<'_>, keys: &[Jwk]) -> Result<Es256Key, TokenError> {
    let kid = jws.key_id()?;
    let jwk = keys
        .iter()
        .find(|key| key.kid == kid)
        .ok_or(TokenError::UnknownKey)?;
    let key = es256_key(jwk)?;
    if jws.alg != "ES256" {
        return Err(TokenError::BadSignature);
    }
    Ok(key)
}

/// Checks an ES256 signature (`r || s`, 64 bytes, as JWS carries it) over `message`.
pub trait Es256Verifier {
    fn verify(
        &self,
        key: &Es256Key,
        message: &[u8],
        signature: &[u8],
    ) -> impl Future<Output = bool>;
}

/// Verifies the signature of the compact JWS `token` against `keys`; returns the raw claims
/// JSON, still to be checked ([`check_claims`] for access tokens).
pub async fn verify_signature(
    token: &str,
    keys: &[Jwk],
    verifier: &impl Es256Verifier,
) -> Result<Vec<u8>, TokenError> {
    let jws = UntrustedJws::parse(token)?;
    let key = select_key(&jws, keys)?;
    signed_payload(jws, &key, verifier).await
}

/// The payload of `jws` if `key` signed it.
pub async fn signed_payload(
    jws: UntrustedJws<'_>,
    key: &Es256Key,
    verifier: &impl Es256Verifier,
) -> Result<Vec<u8>, TokenError> {
    if jws.signature().len() != 64
        || !verifier
            .verify(key, jws.signing_input(), jws.signature())
            .await
    {
        return Err(TokenError::BadSignature);
    }
    Ok(jws.into_payload())
}

/// Checks a signed token for `expect` at `now` (Unix seconds).
pub async fn verify(
    token: &str,
    keys: &[Jwk],
    expect: &Expectations<'_>,
    now: i64,
    verifier: &impl Es256Verifier,
) -> Result<Verified, TokenError> {
    let claims = verify_signature(token, keys, verifier).await?;
    check_claims(&claims, expect, now)
}

#[derive(Deserialize)]
struct Claims {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<Audience>,
    name: Option<String>,
    exp: Option<Number>,
    nbf: Option<Number>,
    iat: Option<Number>,
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

/// A NumericDate claim as whole seconds, if it lies inside [`TIME_CLAIMS`]. Fractions are
/// allowed by RFC 7519 and dropped; the range is checked before any conversion.
pub fn time_claim(value: &Number) -> Result<i64, TokenError> {
    let seconds = match value.as_i64() {
        Some(seconds) => seconds,
        None => {
            let seconds = value.as_f64().ok_or(TokenError::BadTimeClaim)?;
            let (low, high) = (*TIME_CLAIMS.start(), *TIME_CLAIMS.end());
            #[allow(clippy::cast_precision_loss)]
            let inside = seconds.is_finite() && seconds >= low as f64 && seconds <= high as f64;
            if !inside {
                return Err(TokenError::BadTimeClaim);
            }
            // In range, so the conversion is exact in its integer part.
            #[allow(clippy::cast_possible_truncation)]
            let whole = seconds.trunc() as i64;
            whole
        }
    };
    if TIME_CLAIMS.contains(&seconds) {
        Ok(seconds)
    } else {
        Err(TokenError::BadTimeClaim)
    }
}

/// Checks the claims of an access token whose signature was verified: time claims in range,
/// `exp` (required) and `nbf` with the leeway, `iss`, `aud`, and a subject.
pub fn check_claims(
    payload: &[u8],
    expect: &Expectations<'_>,
    now: i64,
) -> Result<Verified, TokenError> {
    let claims: Claims = serde_json::from_slice(payload).map_err(|_| TokenError::Malformed)?;
    let leeway = expect.leeway_seconds.clamp(0, MAX_LEEWAY_SECONDS);
    let expires_at = claims
        .exp
        .as_ref()
        .ok_or(TokenError::MissingExpiry)
        .and_then(time_claim)?;
    let not_before = claims.nbf.as_ref().map(time_claim).transpose()?;
    claims.iat.as_ref().map(time_claim).transpose()?;
    if expires_at.saturating_add(leeway) < now {
        return Err(TokenError::Expired);
    }
    if not_before.is_some_and(|nbf| nbf.saturating_sub(leeway) > now) {
        return Err(TokenError::NotYetValid);
    }
    if claims.iss.as_deref() != Some(expect.issuer) {
        return Err(TokenError::WrongIssuer);
    }
    if !claims
        .aud
        .as_ref()
        .is_some_and(|aud| aud.contains(expect.audience))
    {
        return Err(TokenError::WrongAudience);
    }
    let subject = claims.sub.ok_or(TokenError::Malformed)?;
    Ok(Verified {
        subject,
        name: claims.name,
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use p256::ecdsa::signature::{Signer, Verifier};
    use p256::ecdsa::{Signature, SigningKey, VerifyingKey};
    use proptest::prelude::*;
    use serde_json::{Value, json};

    const ISSUER: &str = "https://identity.test";
    const NOW: i64 = 1_800_000_000;

    /// The native stand-in for WebCrypto: the same check with the `p256` crate.
    struct P256;

    impl Es256Verifier for P256 {
        async fn verify(&self, key: &Es256Key, message: &[u8], signature: &[u8]) -> bool {
            let Ok(point) = key.sec1() else { return false };
            let (Ok(key), Ok(signature)) = (
                VerifyingKey::from_sec1_bytes(&point),
                Signature::from_slice(signature),
            ) else {
                return false;
            };
            key.verify(message, &signature).is_ok()
        }
    }

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
        let signature: Signature = key.sign(input.as_bytes());
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
        check_at(token, NOW)
    }

    fn check_at(token: &str, now: i64) -> Result<Verified, TokenError> {
        block_on(verify(
            token,
            &[jwk(&signing_key(1), "k1")],
            &EXPECT,
            now,
            &P256,
        ))
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
            (json!({"exp": "soon"}), TokenError::Malformed),
            (json!({"sub": null}), TokenError::Malformed),
        ];
        for (change, expected) in cases {
            let token = sign(&key, header("k1"), with(change.clone()));
            assert_eq!(check(&token), Err(expected), "{change}");
        }
        // Within the leeway is fine.
        assert!(check(&sign(&key, header("k1"), with(json!({"exp": NOW - 30})))).is_ok());
        assert!(check(&sign(&key, header("k1"), with(json!({"nbf": NOW + 30})))).is_ok());
        assert!(
            check(&sign(
                &key,
                header("k1"),
                with(json!({"aud": ["web", "mobile"]}))
            ))
            .is_ok()
        );
        // Fractional seconds are allowed by RFC 7519.
        let fraction = with(json!({"exp": (NOW + 900) as f64 + 0.5}));
        assert_eq!(
            check(&sign(&key, header("k1"), fraction))
                .unwrap()
                .expires_at,
            NOW + 900
        );
        let mut no_exp = claims();
        no_exp.as_object_mut().unwrap().remove("exp");
        assert_eq!(
            check(&sign(&key, header("k1"), no_exp)),
            Err(TokenError::MissingExpiry)
        );
    }

    /// Regression: a validly signed token whose `nbf` is near the earliest date a date library
    /// can hold made the verification panic (and the Worker with it).
    #[test]
    fn absurd_time_claims_are_refused_not_computed_with() {
        let key = signing_key(1);
        for claim in ["nbf", "exp", "iat"] {
            for value in [
                json!(-8_334_601_228_800_i64),
                json!(i64::MIN),
                json!(i64::MAX),
                json!(u64::MAX),
                json!(-1),
                json!(1e300),
                json!(-1e300),
                json!(253_402_300_800_i64),
            ] {
                let token = sign(&key, header("k1"), with(json!({ claim: value })));
                assert_eq!(
                    check(&token),
                    Err(TokenError::BadTimeClaim),
                    "{claim}={value}"
                );
            }
        }
        // The clock itself at the extremes: refused or accepted, never a panic.
        let token = sign(&key, header("k1"), claims());
        assert_eq!(check_at(&token, i64::MAX), Err(TokenError::Expired));
        assert_eq!(check_at(&token, i64::MIN), Err(TokenError::NotYetValid));
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
        assert_eq!(check("a.b"), Err(TokenError::Malformed));
        assert_eq!(check("a.b.c.d"), Err(TokenError::Malformed));
        let critical = sign(
            &signing_key(1),
            json!({"alg": "ES256", "kid": "k1", "crit": ["exp"]}),
            claims(),
        );
        assert_eq!(check(&critical), Err(TokenError::Malformed));
        let long = format!("{}.{}.x", "a".repeat(MAX_TOKEN_BYTES), "b");
        assert_eq!(check(&long), Err(TokenError::Malformed));
        // A signature of the wrong length is refused before the verifier sees it.
        let token = sign(&signing_key(1), header("k1"), claims());
        let truncated = &token[..token.len() - 4];
        assert_eq!(check(truncated), Err(TokenError::BadSignature));
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
            block_on(verify(&token, &[rsa_key], &EXPECT, NOW, &P256)),
            Err(TokenError::UnsupportedKey)
        );
        let mut short_key = jwk(&signing_key(1), "k1");
        short_key.x = Some(URL_SAFE_NO_PAD.encode([1u8; 31]));
        assert_eq!(
            block_on(verify(&token, &[short_key], &EXPECT, NOW, &P256)),
            Err(TokenError::UnsupportedKey)
        );
    }

    #[test]
    fn the_raw_claims_are_what_the_issuer_signed() {
        let token = sign(&signing_key(1), header("k1"), json!({"events": {"x": {}}}));
        let raw = block_on(verify_signature(
            &token,
            &[jwk(&signing_key(1), "k1")],
            &P256,
        ))
        .unwrap();
        let value: Value = serde_json::from_slice(&raw).unwrap();
        assert_eq!(value, json!({"events": {"x": {}}}));
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |f| f.is_finite())
                .prop_map(Value::from),
            ".{0,12}".prop_map(Value::from),
        ];
        leaf.prop_recursive(3, 16, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::btree_map(".{0,6}", inner, 0..4)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any value in any claim of a validly signed token, at any clock: an answer, no panic,
        /// and acceptance only when every time claim is in range and the token is current.
        #[test]
        fn signed_tokens_with_any_claims_never_panic(
            claim in prop_oneof![Just("exp"), Just("nbf"), Just("iat"), Just("iss"), Just("aud"), Just("sub"), Just("name")],
            value in any_json(),
            now in any::<i64>(),
        ) {
            let token = sign(&signing_key(1), header("k1"), with(json!({ claim: value })));
            if let Ok(verified) = check_at(&token, now) {
                prop_assert!(TIME_CLAIMS.contains(&verified.expires_at));
                prop_assert!(verified.expires_at.saturating_add(60) >= now);
            }
        }

        #[test]
        fn time_claims_in_range_are_compared_exactly(
            exp in TIME_CLAIMS,
            nbf in TIME_CLAIMS,
            now in any::<i64>(),
        ) {
            let token = sign(&signing_key(1), header("k1"), with(json!({"exp": exp, "nbf": nbf})));
            let expected = if exp.saturating_add(60) < now {
                Err(TokenError::Expired)
            } else if nbf.saturating_sub(60) > now {
                Err(TokenError::NotYetValid)
            } else {
                Ok(exp)
            };
            prop_assert_eq!(check_at(&token, now).map(|v| v.expires_at), expected);
        }

        /// Arbitrary strings and dotted triples of arbitrary bytes as tokens: refused, no panic.
        #[test]
        fn garbage_tokens_are_refused(
            raw in ".{0,300}",
            parts in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..80), 3),
        ) {
            prop_assert!(check(&raw).is_err());
            let dotted = parts
                .iter()
                .map(|part| URL_SAFE_NO_PAD.encode(part))
                .collect::<Vec<_>>()
                .join(".");
            prop_assert!(check(&dotted).is_err());
        }
    }
}
