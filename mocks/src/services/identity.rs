//! The identity service: password and refresh-token grants (rotating refresh tokens with reuse
//! detection), revocation, and the signing keys. Access tokens are ES256 JWTs; refresh tokens are
//! opaque (see [`crate::identity_store`]).

use hyper::{Method, StatusCode};
use serde_json::{Value, json};

use super::get;
use crate::data::{seed, users};
use crate::http::{Reply, Req, allow};
use crate::identity_store::{Issued, random_token};
use crate::state::AppState;

const AUDIENCES: &[&str] = &["web", "mobile", "voice"];
/// The event a back-channel logout token announces (OpenID Connect Back-Channel Logout 1.0).
pub const BACKCHANNEL_LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
/// How long a logout token is valid after it is issued.
const LOGOUT_TOKEN_TTL_SECS: i64 = 120;

pub fn handle(state: &AppState, req: &Req) -> Reply {
    match req.segs().as_slice() {
        ["token"] => allow(req, &[Method::POST]).unwrap_or_else(|| token(state, req)),
        ["revoke"] => allow(req, &[Method::POST]).unwrap_or_else(|| revoke(state, req)),
        [".well-known", "jwks.json"] => get(req, || Reply::ok(&state.keys.jwks())),
        _ => Reply::not_found(),
    }
}

pub fn issuer(port: u16) -> String {
    format!("http://127.0.0.1:{port}/identity")
}

fn token(state: &AppState, req: &Req) -> Reply {
    let Ok(body) = serde_json::from_slice::<Value>(&req.body) else {
        return Reply::error(StatusCode::BAD_REQUEST, "invalid_request");
    };
    let field = |name: &str| body.get(name).and_then(Value::as_str);
    match field("grant_type").unwrap_or("password") {
        "password" => password_grant(state, &body),
        "refresh_token" => {
            let Some(refresh_token) = field("refresh_token") else {
                return Reply::error(StatusCode::BAD_REQUEST, "invalid_request");
            };
            match state
                .identity
                .refresh_grant(refresh_token, seed::now_seconds())
            {
                Ok(issued) => grant(state, &issued),
                Err(_) => Reply::error(StatusCode::BAD_REQUEST, "invalid_grant"),
            }
        }
        _ => Reply::error(StatusCode::BAD_REQUEST, "unsupported_grant_type"),
    }
}

fn password_grant(state: &AppState, body: &Value) -> Reply {
    let field = |name: &str| body.get(name).and_then(Value::as_str);
    let (Some(username), Some(password)) = (field("username"), field("password")) else {
        return Reply::error(StatusCode::BAD_REQUEST, "invalid_request");
    };
    let Some(audience) = field("audience").filter(|a| AUDIENCES.contains(a)) else {
        return Reply::error(StatusCode::BAD_REQUEST, "invalid_audience");
    };
    let Some(user) = users::by_username(username).filter(|u| u.password == password) else {
        return Reply::error(StatusCode::UNAUTHORIZED, "invalid_credentials");
    };
    let issued = state
        .identity
        .password_grant(user.user_id, audience, seed::now_seconds());
    grant(state, &issued)
}

/// A fresh access token beside the refresh token just issued.
fn grant(state: &AppState, issued: &Issued) -> Reply {
    let now = seed::now_seconds();
    let access_seconds = state.identity.lifetimes().access_seconds;
    let name = users::by_id(&issued.sub).map(|u| u.display_name);
    let claims = json!({
        "iss": issuer(state.port),
        "sub": issued.sub,
        "aud": issued.audience,
        "iat": now,
        "nbf": now,
        "exp": now + access_seconds,
        "name": name,
    });
    match state.keys.sign(&claims) {
        Ok(jwt) => Reply::ok(&json!({
            "access_token": jwt,
            "token_type": "Bearer",
            "expires_in": access_seconds,
            "refresh_token": issued.refresh_token,
            "refresh_expires_in": issued.refresh_expires_in,
        })),
        Err(_) => Reply::error(StatusCode::INTERNAL_SERVER_ERROR, "signing_failed"),
    }
}

/// `POST /identity/revoke` `{"token": "…"}` (RFC 7009): ends the refresh token's family. An
/// unknown token is not an error, so the answer tells a caller nothing about tokens.
fn revoke(state: &AppState, req: &Req) -> Reply {
    let token = serde_json::from_slice::<Value>(&req.body)
        .ok()
        .and_then(|body| body.get("token")?.as_str().map(str::to_owned));
    match token {
        Some(token) => {
            state.identity.revoke(&token);
            Reply::ok(&json!({}))
        }
        None => Reply::error(StatusCode::BAD_REQUEST, "invalid_request"),
    }
}

/// An OpenID Connect Back-Channel Logout 1.0 logout token for `sub`, addressed to `audience`,
/// signed with the current key and typed `logout+jwt`.
pub fn logout_token(state: &AppState, sub: &str, audience: &str) -> Result<String, String> {
    let now = seed::now_seconds();
    let claims = json!({
        "iss": issuer(state.port),
        "aud": audience,
        "iat": now,
        "exp": now + LOGOUT_TOKEN_TTL_SECS,
        "jti": random_token(),
        "sub": sub,
        "events": { BACKCHANNEL_LOGOUT_EVENT: {} },
    });
    state.keys.sign_typed(&claims, "logout+jwt")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::tests::verify;

    fn login(state: &AppState, body: &str) -> Reply {
        handle(state, &Req::test(Method::POST, "/identity/token", body))
    }

    #[test]
    fn issues_verifiable_tokens() {
        let state = AppState::for_tests();
        let r = login(
            &state,
            r#"{"username":"demo","password":"demo-password","audience":"mobile"}"#,
        );
        assert_eq!(r.status, 200);
        let v = r.json_value();
        assert_eq!(v["token_type"], "Bearer");
        assert_eq!(v["expires_in"], 900);
        assert_eq!(v["refresh_token"].as_str().unwrap().len(), 43);
        assert_eq!(v["refresh_expires_in"], 30 * 24 * 3600);
        let jwks = handle(
            &state,
            &Req::test(Method::GET, "/identity/.well-known/jwks.json", ""),
        )
        .json_value();
        assert_eq!(jwks["keys"][0]["kid"], "mock-key-1");
        let claims = verify(v["access_token"].as_str().unwrap(), &jwks);
        assert_eq!(claims["sub"], "usr-1");
        assert_eq!(claims["aud"], "mobile");
        assert_eq!(claims["iss"], issuer(state.port));
        assert_eq!(claims["name"], "Demo Shopper");
        assert_eq!(
            claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap(),
            900
        );

        assert_eq!(
            login(
                &state,
                r#"{"username":"demo","password":"nope","audience":"web"}"#
            )
            .status,
            401
        );
        assert_eq!(
            login(
                &state,
                r#"{"username":"ghost","password":"x","audience":"web"}"#
            )
            .status,
            401
        );
        assert_eq!(
            login(
                &state,
                r#"{"username":"demo","password":"demo-password","audience":"tv"}"#
            )
            .status,
            400
        );
        assert_eq!(
            login(&state, r#"{"username":"demo","password":"demo-password"}"#).status,
            400
        );
        assert_eq!(login(&state, "garbage").status, 400);
        assert_eq!(
            handle(&state, &Req::test(Method::GET, "/identity/token", "")).status,
            405
        );
    }

    fn post(state: &AppState, path: &str, body: Value) -> Reply {
        handle(state, &Req::test(Method::POST, path, &body.to_string()))
    }

    fn refresh(state: &AppState, token: &Value) -> Reply {
        post(
            state,
            "/identity/token",
            json!({"grant_type": "refresh_token", "refresh_token": token}),
        )
    }

    #[test]
    fn refresh_tokens_rotate_and_a_reused_one_revokes_the_family() {
        let state = AppState::for_tests();
        let login = login(
            &state,
            r#"{"username":"demo","password":"demo-password","audience":"web"}"#,
        )
        .json_value();
        let first = refresh(&state, &login["refresh_token"]);
        assert_eq!(first.status, 200);
        let first = first.json_value();
        let jwks = state.keys.jwks();
        let claims = verify(first["access_token"].as_str().unwrap(), &jwks);
        assert_eq!(
            (claims["sub"].as_str(), claims["aud"].as_str()),
            (Some("usr-1"), Some("web"))
        );
        assert_ne!(first["refresh_token"], login["refresh_token"]);
        // The old token again: reuse, the whole family is revoked.
        let reused = refresh(&state, &login["refresh_token"]);
        assert_eq!(
            (reused.status, reused.json_value()["error"].as_str()),
            (StatusCode::BAD_REQUEST, Some("invalid_grant"))
        );
        assert_eq!(refresh(&state, &first["refresh_token"]).status, 400);
        let stats = state.identity.stats_json();
        assert_eq!(stats["password_grants"], 1);
        assert_eq!(stats["refresh_grants"], 3);
        assert_eq!(stats["reuse_detected"], 1);
        for bad in [
            json!({"grant_type": "refresh_token"}),
            json!({"grant_type": "client_credentials"}),
        ] {
            assert_eq!(post(&state, "/identity/token", bad).status, 400);
        }
    }

    #[test]
    fn revocation_ends_the_family_and_lifetimes_apply() {
        let state = AppState::for_tests();
        state
            .identity
            .set_lifetimes(crate::identity_store::Lifetimes {
                access_seconds: 2,
                refresh_seconds: 60,
            });
        let login = login(
            &state,
            r#"{"username":"alice","password":"alice-password","audience":"web"}"#,
        )
        .json_value();
        assert_eq!(
            (
                login["expires_in"].as_i64(),
                login["refresh_expires_in"].as_i64()
            ),
            (Some(2), Some(60))
        );
        let revoked = post(
            &state,
            "/identity/revoke",
            json!({"token": login["refresh_token"]}),
        );
        assert_eq!(revoked.status, 200);
        assert_eq!(refresh(&state, &login["refresh_token"]).status, 400);
        assert_eq!(state.identity.stats_json()["revoked"], 1);
        // Unknown tokens are no error (RFC 7009); a malformed body is.
        assert_eq!(
            post(&state, "/identity/revoke", json!({"token": "nope"})).status,
            200
        );
        assert_eq!(post(&state, "/identity/revoke", json!({})).status, 400);
        assert_eq!(
            handle(&state, &Req::test(Method::GET, "/identity/revoke", "")).status,
            405
        );
    }

    #[test]
    fn logout_tokens_follow_the_back_channel_logout_spec() {
        let state = AppState::for_tests();
        let token = logout_token(&state, "usr-1", "web").unwrap();
        let claims = verify(&token, &state.keys.jwks());
        assert_eq!(claims["sub"], "usr-1");
        assert_eq!(claims["aud"], "web");
        assert_eq!(claims["iss"], issuer(state.port));
        assert!(claims["events"][BACKCHANNEL_LOGOUT_EVENT].is_object());
        assert!(claims.get("nonce").is_none());
        assert_eq!(claims["jti"].as_str().unwrap().len(), 43);
        let header: Value = serde_json::from_slice(&crate::jwt::tests::base64url_decode(
            token.split('.').next().unwrap(),
        ))
        .unwrap();
        assert_eq!(header["typ"], "logout+jwt");
        assert_ne!(logout_token(&state, "usr-1", "web").unwrap(), token);
    }
}
