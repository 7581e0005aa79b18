//! The claims of an OpenID Connect Back-Channel Logout 1.0 logout token (§2.4, validated as
//! §2.6 asks), checked after its signature has been verified against the identity keys.
//!
//! A logout token is a JWT the identity service posts to the BFF to end every session of a
//! shopper. What tells it apart from any other token of the same issuer is the `events` claim
//! naming the back-channel logout event, and the absence of `nonce`: an access or ID token
//! presented here is refused. `jti` lets the receiver refuse a replay.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

/// The event a logout token must announce.
pub const EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
/// The explicit type a logout token may carry in its header (§2.4, RFC 8725 §3.11).
const TYPE: &str = "logout+jwt";
/// Longest `jti` accepted; it is stored to refuse replays.
const MAX_JTI_LEN: usize = 256;

/// What a valid logout token must say besides being signed.
#[derive(Clone, Copy, Debug)]
pub struct Expectations<'a> {
    pub issuer: &'a str,
    pub audience: &'a str,
    /// Tolerated clock difference for `iat` and `exp`.
    pub leeway_seconds: i64,
    /// A token issued longer ago than this is refused, even if its `exp` is later.
    pub max_age_seconds: i64,
}

/// A valid logout token's meaning: end every session of `subject`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogoutToken {
    pub subject: String,
    pub jti: String,
    /// Unix seconds after which the token is refused anyway; its `jti` need not be kept longer.
    pub expires_at: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogoutTokenError {
    Malformed,
    /// The header's `typ` says it is some other kind of token.
    WrongType,
    WrongIssuer,
    WrongAudience,
    MissingIssuedAt,
    /// `iat` in the future, or older than the accepted age.
    BadIssuedAt,
    MissingExpiry,
    Expired,
    /// No `sub`: sessions are kept per subject, so a `sid`-only token names nothing here.
    MissingSubject,
    /// `events` is missing or does not announce a back-channel logout.
    NotALogoutEvent,
    /// A `nonce` is present: this is an ID token, not a logout token.
    HasNonce,
    MissingJti,
}

/// The header and claims of a compact JWS, decoded without any check: call only after the
/// signature has been verified.
pub fn decode(token: &str) -> Result<(Value, Value), LogoutTokenError> {
    let mut parts = token.split('.');
    let (Some(header), Some(payload), Some(_), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(LogoutTokenError::Malformed);
    };
    let part = |encoded: &str| {
        URL_SAFE_NO_PAD
            .decode(encoded)
            .ok()
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
            .filter(Value::is_object)
            .ok_or(LogoutTokenError::Malformed)
    };
    Ok((part(header)?, part(payload)?))
}

/// The claims of a verified token's payload (the JSON object its signature covers).
pub fn claims(payload: &[u8]) -> Result<Value, LogoutTokenError> {
    serde_json::from_slice::<Value>(payload)
        .ok()
        .filter(Value::is_object)
        .ok_or(LogoutTokenError::Malformed)
}

/// Checks a verified token's header and claims at `now` (Unix seconds).
pub fn check(
    header: &Value,
    claims: &Value,
    expect: &Expectations<'_>,
    now: i64,
) -> Result<LogoutToken, LogoutTokenError> {
    use LogoutTokenError as E;
    match header.get("typ") {
        None => {}
        Some(Value::String(typ))
            if typ.eq_ignore_ascii_case(TYPE)
                || typ.eq_ignore_ascii_case(&format!("application/{TYPE}")) => {}
        Some(_) => return Err(E::WrongType),
    }
    if claims.get("iss").and_then(Value::as_str) != Some(expect.issuer) {
        return Err(E::WrongIssuer);
    }
    let audience_matches = match claims.get("aud") {
        Some(Value::String(aud)) => aud == expect.audience,
        Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str() == Some(expect.audience)),
        _ => false,
    };
    if !audience_matches {
        return Err(E::WrongAudience);
    }
    let issued_at = claims
        .get("iat")
        .and_then(Value::as_i64)
        .ok_or(E::MissingIssuedAt)?;
    if issued_at > now.saturating_add(expect.leeway_seconds)
        || issued_at < now.saturating_sub(expect.max_age_seconds)
    {
        return Err(E::BadIssuedAt);
    }
    let expires_at = claims
        .get("exp")
        .and_then(Value::as_i64)
        .ok_or(E::MissingExpiry)?;
    if expires_at.saturating_add(expect.leeway_seconds) <= now {
        return Err(E::Expired);
    }
    let subject = claims
        .get("sub")
        .and_then(Value::as_str)
        .filter(|sub| !sub.is_empty())
        .ok_or(E::MissingSubject)?;
    let announces_logout = claims
        .get("events")
        .and_then(Value::as_object)
        .and_then(|events| events.get(EVENT))
        .is_some_and(Value::is_object);
    if !announces_logout {
        return Err(E::NotALogoutEvent);
    }
    if claims.get("nonce").is_some() {
        return Err(E::HasNonce);
    }
    let jti = claims
        .get("jti")
        .and_then(Value::as_str)
        .filter(|jti| !jti.is_empty() && jti.len() <= MAX_JTI_LEN)
        .ok_or(E::MissingJti)?;
    Ok(LogoutToken {
        subject: subject.to_owned(),
        jti: jti.to_owned(),
        expires_at: expires_at.saturating_add(expect.leeway_seconds),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: i64 = 1_800_000_000;
    const EXPECT: Expectations<'static> = Expectations {
        issuer: "https://identity.test",
        audience: "web",
        leeway_seconds: 60,
        max_age_seconds: 600,
    };

    fn claims() -> Value {
        json!({
            "iss": "https://identity.test",
            "aud": "web",
            "iat": NOW,
            "exp": NOW + 120,
            "jti": "jti-1",
            "sub": "usr-1",
            "events": { EVENT: {} },
        })
    }

    fn header() -> Value {
        json!({"alg": "ES256", "typ": "logout+jwt", "kid": "k1"})
    }

    fn with(changes: Value) -> Value {
        let mut claims = claims();
        for (key, value) in changes.as_object().unwrap() {
            if value.is_null() {
                claims.as_object_mut().unwrap().remove(key);
            } else {
                claims[key] = value.clone();
            }
        }
        claims
    }

    #[test]
    fn accepts_a_valid_logout_token() {
        let token = check(&header(), &claims(), &EXPECT, NOW).unwrap();
        assert_eq!(
            token,
            LogoutToken {
                subject: "usr-1".into(),
                jti: "jti-1".into(),
                expires_at: NOW + 180,
            }
        );
        // An audience list naming us, no `typ`, and `JWT`-less typing variants are fine.
        assert!(
            check(
                &header(),
                &with(json!({"aud": ["tv", "web"]})),
                &EXPECT,
                NOW
            )
            .is_ok()
        );
        assert!(check(&json!({"alg": "ES256"}), &claims(), &EXPECT, NOW).is_ok());
        let typed = json!({"typ": "application/logout+jwt"});
        assert!(check(&typed, &claims(), &EXPECT, NOW).is_ok());
    }

    #[test]
    fn refuses_every_violation_with_its_reason() {
        use LogoutTokenError as E;
        let cases = [
            (json!({"iss": "https://evil.test"}), E::WrongIssuer),
            (json!({"iss": null}), E::WrongIssuer),
            (json!({"aud": "mobile"}), E::WrongAudience),
            (json!({"aud": ["mobile"]}), E::WrongAudience),
            (json!({"aud": null}), E::WrongAudience),
            (json!({"iat": null}), E::MissingIssuedAt),
            (json!({"iat": "now"}), E::MissingIssuedAt),
            (json!({"iat": NOW + 61}), E::BadIssuedAt),
            (json!({"iat": NOW - 601}), E::BadIssuedAt),
            (json!({"exp": null}), E::MissingExpiry),
            (json!({"exp": NOW - 60}), E::Expired),
            (json!({"sub": null, "sid": "s-1"}), E::MissingSubject),
            (json!({"sub": ""}), E::MissingSubject),
            (json!({"events": null}), E::NotALogoutEvent),
            (json!({"events": {}}), E::NotALogoutEvent),
            (json!({"events": [EVENT]}), E::NotALogoutEvent),
            (json!({"events": {EVENT: "yes"}}), E::NotALogoutEvent),
            (json!({"nonce": "n-1"}), E::HasNonce),
            (json!({"jti": null}), E::MissingJti),
            (json!({"jti": ""}), E::MissingJti),
            (json!({"jti": "x".repeat(257)}), E::MissingJti),
        ];
        for (change, expected) in cases {
            assert_eq!(
                check(&header(), &with(change.clone()), &EXPECT, NOW),
                Err(expected),
                "{change}"
            );
        }
        for typ in [json!("JWT"), json!("at+jwt"), json!(1)] {
            let header = json!({"alg": "ES256", "typ": typ});
            assert_eq!(check(&header, &claims(), &EXPECT, NOW), Err(E::WrongType));
        }
        // Within the leeway is fine.
        assert!(check(&header(), &with(json!({"iat": NOW + 30})), &EXPECT, NOW).is_ok());
        assert!(check(&header(), &with(json!({"exp": NOW - 30})), &EXPECT, NOW).is_ok());
    }

    /// Arbitrary tokens and claim values (a fixed-seed generator): every outcome is an answer,
    /// never a panic, and only the valid shape is accepted.
    #[test]
    fn arbitrary_input_is_refused_without_panicking() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let values = [
            json!(null),
            json!(true),
            json!(-1),
            json!(i64::MAX),
            json!(1.5e300),
            json!(""),
            json!("web"),
            json!([]),
            json!(["web", 1]),
            json!({}),
            json!({ EVENT: {} }),
            json!({ EVENT: [] }),
        ];
        let names = [
            "iss", "aud", "iat", "exp", "sub", "events", "nonce", "jti", "typ",
        ];
        for _ in 0..5_000 {
            let mut claims = claims();
            let mut header = header();
            for _ in 0..(next() % 4) {
                let name = names[(next() % names.len() as u64) as usize];
                let value = values[(next() % values.len() as u64) as usize].clone();
                if name == "typ" {
                    header[name] = value;
                } else {
                    claims[name] = value;
                }
            }
            let now = NOW + (next() % 2_000) as i64 - 1_000;
            if let Ok(token) = check(&header, &claims, &EXPECT, now) {
                assert_eq!(Some(token.subject.as_str()), claims["sub"].as_str());
                assert!(claims["events"][EVENT].is_object() && claims.get("nonce").is_none());
            }
            let bytes: Vec<u8> = (0..(next() % 80)).map(|_| (next() % 128) as u8).collect();
            let text = String::from_utf8_lossy(&bytes);
            assert!(decode(&text).is_err() || text.split('.').count() == 3);
        }
    }

    #[test]
    fn decodes_header_and_claims_of_a_compact_jws() {
        let encode = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
        let token = format!("{}.{}.sig", encode(&header()), encode(&claims()));
        assert_eq!(decode(&token).unwrap(), (header(), claims()));
        assert_eq!(super::claims(claims().to_string().as_bytes()), Ok(claims()));
        for bad in [&b"[1]"[..], b"", b"{", b"\xff"] {
            assert_eq!(super::claims(bad), Err(LogoutTokenError::Malformed));
        }
        for bad in [
            "",
            "a.b",
            "a.b.c.d",
            "!!.??.x",
            &format!("{}.{}.s", encode(&json!([1])), encode(&claims())),
        ] {
            assert_eq!(decode(bad), Err(LogoutTokenError::Malformed), "{bad}");
        }
    }
}
