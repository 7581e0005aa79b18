use hyper::{Method, StatusCode};
use serde_json::{Value, json};

use super::get;
use crate::data::{seed, users};
use crate::http::{Reply, Req, allow};
use crate::state::AppState;

pub const TOKEN_TTL_SECS: i64 = 900;
const AUDIENCES: &[&str] = &["web", "mobile", "voice"];

pub fn handle(state: &AppState, req: &Req) -> Reply {
    match req.segs().as_slice() {
        ["token"] => allow(req, &[Method::POST]).unwrap_or_else(|| token(state, req)),
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
    let (Some(username), Some(password)) = (field("username"), field("password")) else {
        return Reply::error(StatusCode::BAD_REQUEST, "invalid_request");
    };
    let Some(audience) = field("audience").filter(|a| AUDIENCES.contains(a)) else {
        return Reply::error(StatusCode::BAD_REQUEST, "invalid_audience");
    };
    let Some(user) = users::by_username(username).filter(|u| u.password == password) else {
        return Reply::error(StatusCode::UNAUTHORIZED, "invalid_credentials");
    };
    let now = seed::now_seconds();
    let claims = json!({
        "iss": issuer(state.port),
        "sub": user.user_id,
        "aud": audience,
        "iat": now,
        "nbf": now,
        "exp": now + TOKEN_TTL_SECS,
        "name": user.display_name,
    });
    match state.keys.sign(&claims) {
        Ok(jwt) => Reply::ok(&json!({
            "access_token": jwt,
            "token_type": "Bearer",
            "expires_in": TOKEN_TTL_SECS,
        })),
        Err(_) => Reply::error(StatusCode::INTERNAL_SERVER_ERROR, "signing_failed"),
    }
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
}
