//! The web's BFF-held session (token-handler pattern): the identity token stays in the BFF's own
//! KV namespace (`SESSIONS`, expiring with the token); the browser holds only an HttpOnly,
//! Secure, SameSite=Strict cookie with a random session id.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use worker::{Date, KvStore, console_error};

use super::{User, bearer, unauthenticated};
use crate::edge::{Reply, Scope};
use crate::error::{BffError, ErrorKind};
use crate::origin::Failure;
use crate::origins::users::UserId;

/// `__Host-`: the browser only accepts it Secure, for `/`, without a `Domain`.
pub const COOKIE: &str = "__Host-bff_session";
pub const BINDING: &str = "SESSIONS";
const KEY_PREFIX: &str = "session:";

#[derive(Deserialize)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    user_id: String,
    name: Option<String>,
    access_token: String,
    expires_at: i64,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
pub struct SignedIn {
    pub name: Option<String>,
    /// Unix seconds when the session ends.
    pub expires_at: i64,
}

fn store(scope: &Scope) -> Result<KvStore, BffError> {
    scope.kv_binding(BINDING).ok_or_else(|| {
        console_error!("the {BINDING} KV namespace is not bound");
        BffError::internal("misconfigured")
    })
}

fn now_seconds() -> i64 {
    i64::try_from(Date::now().as_millis() / 1000).unwrap_or(i64::MAX)
}

/// `POST /auth/login`: credentials in, session cookie out. The token never leaves the BFF.
pub async fn login(scope: &Scope, audience: &str) -> Result<Reply, BffError> {
    let credentials: Credentials = scope.json_body(4 * 1024).await?;
    if !(1..=64).contains(&credentials.username.len())
        || !(1..=256).contains(&credentials.password.len())
    {
        return Err(BffError::new(
            ErrorKind::Unprocessable,
            "invalid_fields",
            "username (1-64 characters) and password (1-256) are required.",
        ));
    }
    let origins = scope.origins()?;
    let grant = origins
        .identity()
        .token(&credentials.username, &credentials.password, audience)
        .await
        .map_err(|error| match error.failure {
            Failure::Status(401) => BffError::new(
                ErrorKind::Unauthenticated,
                "invalid_credentials",
                "Wrong username or password.",
            ),
            _ => BffError::from(error),
        })?;
    let issuer = scope
        .secret("JWT_ISSUER")
        .ok_or_else(|| BffError::internal("misconfigured"))?;
    let verified = bearer::verify(origins, &grant.access_token, &issuer, audience).await?;
    let session_id = new_session_id()?;
    let stored = Stored {
        user_id: verified.subject,
        name: verified.name.clone(),
        access_token: grant.access_token,
        expires_at: verified.expires_at,
    };
    let lifetime = u64::try_from(verified.expires_at - now_seconds()).unwrap_or(0);
    let value =
        serde_json::to_string(&stored).map_err(|_| BffError::internal("session_encoding"))?;
    let put = store(scope)?
        .put(&format!("{KEY_PREFIX}{session_id}"), value)
        .map(|put| put.expiration_ttl(lifetime.max(60)));
    let saved = match put {
        Ok(put) => put.execute().await,
        Err(error) => Err(error),
    };
    if let Err(error) = saved {
        console_error!("session write failed: {error}");
        return Err(BffError::internal("session_unavailable"));
    }
    let reply = Reply::json(&SignedIn {
        name: verified.name,
        expires_at: verified.expires_at,
    })?;
    Ok(reply
        .private()
        .with_cookie(session_cookie(&session_id, lifetime)))
}

/// The signed-in user of a request with a live session cookie, or a 401.
pub async fn authenticate(scope: &Scope) -> Result<User, BffError> {
    let session_id = session_id(scope).ok_or_else(unauthenticated)?;
    let raw = store(scope)?
        .get(&format!("{KEY_PREFIX}{session_id}"))
        .text()
        .await
        .map_err(|_| BffError::internal("session_unavailable"))?
        .ok_or_else(unauthenticated)?;
    let stored: Stored = serde_json::from_str(&raw).map_err(|_| unauthenticated())?;
    if stored.expires_at <= now_seconds() {
        return Err(unauthenticated());
    }
    Ok(User {
        id: UserId::parse(&stored.user_id).ok_or_else(unauthenticated)?,
        name: stored.name,
    })
}

/// `POST /auth/logout`: forgets the session here and in the browser.
pub async fn logout(scope: &Scope) -> Result<Reply, BffError> {
    if let Some(session_id) = session_id(scope)
        && let Err(error) = store(scope)?
            .delete(&format!("{KEY_PREFIX}{session_id}"))
            .await
    {
        console_error!("session delete failed: {error}");
        return Err(BffError::internal("session_unavailable"));
    }
    Ok(Reply::json(&serde_json::json!({"signedOut": true}))?
        .private()
        .with_cookie(format!(
            "{COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0"
        )))
}

fn session_cookie(session_id: &str, lifetime: u64) -> String {
    format!("{COOKIE}={session_id}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={lifetime}")
}

/// The session id of the request's cookie, if it has a well-formed one.
fn session_id(scope: &Scope) -> Option<String> {
    let header = scope.header("cookie")?;
    cookie_value(&header, COOKIE)
        .filter(|id| {
            id.len() == 43
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(str::to_owned)
}

/// 256 random bits, base64url: unguessable, and safe in a cookie and a KV key.
fn new_session_id() -> Result<String, BffError> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes).map_err(|_| BffError::internal("no_randomness"))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The value of cookie `name` in a `Cookie` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name).then_some(value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_named_cookie() {
        let header = "theme=dark; __Host-bff_session=abc; other=1";
        assert_eq!(cookie_value(header, COOKIE), Some("abc"));
        assert_eq!(cookie_value("x=1", COOKIE), None);
        assert_eq!(cookie_value("", COOKIE), None);
    }

    #[test]
    fn the_cookie_is_host_only_httponly_secure_and_strict() {
        let cookie = session_cookie("id", 900);
        for part in [
            "__Host-bff_session=id",
            "Path=/",
            "HttpOnly",
            "Secure",
            "SameSite=Strict",
            "Max-Age=900",
        ] {
            assert!(cookie.contains(part), "{part} missing from {cookie}");
        }
        assert!(!cookie.contains("Domain"));
    }
}
