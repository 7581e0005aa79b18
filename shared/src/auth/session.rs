//! The web's BFF-held session (token-handler pattern), the Worker's side: the browser holds only
//! an HttpOnly, Secure, SameSite=Strict cookie with a random session id; the tokens live in the
//! session's own Durable Object ([`super::session_object`]), which renews the access token with
//! the refresh token when due, and every session of a user is listed in that user's index object
//! ([`super::user_sessions`]) so a back-channel logout ends them all at once.
//!
//! Each request of a signed-in shopper asks its session object once (the answer is kept for the
//! rest of the request): that one strongly consistent read is what makes a logout, an idle
//! timeout or a revocation take effect everywhere at the next request.

use std::cell::RefCell;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use worker::{Env, console_error};

use super::session_life::Lifetimes;
use super::session_object::{self, Current, Ended, NewSession};
use super::user_sessions::{self, Entry, Removal};
use super::{User, bearer, objects, unauthenticated};
use crate::edge::{Reply, Scope};
use crate::error::{BffError, ErrorKind};
use crate::origin::{Failure, OriginClient, OriginError, Service};
use crate::origins::users::UserId;

/// `__Host-`: the browser only accepts it Secure, for `/`, without a `Domain`.
pub const COOKIE: &str = "__Host-bff_session";

#[derive(Deserialize)]
pub struct Credentials {
    pub username: String,
    pub password: String,
}

/// The answer of `POST /auth/login` and `GET /auth/session`.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionView {
    pub user: SessionUser,
    /// Unix seconds when the session ends, whatever the shopper does.
    pub expires_at: u64,
    /// Unix seconds when it ends without a further request (idle timeout).
    pub idle_expires_at: u64,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionUser {
    pub id: String,
    pub name: Option<String>,
}

impl From<&Current> for SessionView {
    fn from(current: &Current) -> Self {
        Self {
            user: SessionUser {
                id: current.user_id.clone(),
                name: current.name.clone(),
            },
            expires_at: current.expires_ms / 1000,
            idle_expires_at: current.idle_expires_ms / 1000,
        }
    }
}

/// One request's answer from its session object, asked at most once per request.
#[derive(Default)]
pub struct Memo(RefCell<Option<Result<Current, BffError>>>);

fn now_ms() -> u64 {
    crate::platform::now_ms()
}

fn unavailable(error: &worker::Error) -> BffError {
    console_error!("session object call failed: {error}");
    BffError::internal("session_unavailable")
}

/// `POST /auth/login`: credentials in, session cookie out. The tokens never leave the BFF.
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
    let lifetimes = Lifetimes::from_vars(|name| scope.var(name)).map_err(|error| {
        console_error!("{error}");
        BffError::internal("misconfigured")
    })?;
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
    UserId::parse(&verified.subject).ok_or_else(unauthenticated)?;
    let now = now_ms();
    let access_expires_ms = u64::try_from(verified.expires_at)
        .unwrap_or(0)
        .saturating_mul(1000);
    let expires_ms = lifetimes.end_ms(now, grant.refresh_expires_in, access_expires_ms);
    let session_id = new_session_id()?;
    // Listed before it exists, so a back-channel logout can never miss it.
    let env = scope.env();
    let request_id = scope.request_id().as_str();
    let entry = Entry {
        session_id: session_id.clone(),
        expires_ms,
    };
    let listed = objects::call(
        env,
        user_sessions::BINDING,
        &verified.subject,
        "/add",
        &entry,
        request_id,
    )
    .await
    .map_err(|error| unavailable(&error))?;
    if listed.status != 200 {
        console_error!("listing a session answered {}", listed.status);
        return Err(BffError::internal("session_unavailable"));
    }
    let new = NewSession {
        user_id: verified.subject,
        name: verified.name,
        access_token: grant.access_token,
        access_expires_ms,
        access_lifetime_ms: grant.expires_in.saturating_mul(1000),
        refresh_token: grant.refresh_token,
        expires_ms,
        idle_ms: lifetimes.idle_seconds.saturating_mul(1000),
    };
    let created = objects::call(
        env,
        session_object::BINDING,
        &session_id,
        "/create",
        &new,
        request_id,
    )
    .await
    .map_err(|error| unavailable(&error))?;
    let current: Current = created
        .json()
        .filter(|_| created.status == 200)
        .ok_or_else(|| {
            console_error!("creating a session answered {}", created.status);
            BffError::internal("session_unavailable")
        })?;
    // A new sign-in in this browser replaces its previous session, which ends everywhere
    // before the answer (the browser may hold a copy of the old cookie elsewhere).
    if let Some(previous) = self::session_id(scope)
        && let Err(error) = end(env, origins, &previous, request_id).await
    {
        console_error!("ending the previous session failed: {}", error.code());
    }
    let max_age = current.expires_ms.saturating_sub(now) / 1000;
    Ok(Reply::json(&SessionView::from(&current))?
        .private()
        .with_cookie(session_cookie(&session_id, max_age)))
}

/// The live session of the request, or a 401. Asks the session object once per request; it
/// renews the access token first when that is due, and notes the request (idle timeout).
pub async fn current(scope: &Scope) -> Result<Current, BffError> {
    if let Some(known) = scope.session_memo().0.borrow().clone() {
        return known;
    }
    let outcome = ask(scope).await;
    *scope.session_memo().0.borrow_mut() = Some(outcome.clone());
    outcome
}

async fn ask(scope: &Scope) -> Result<Current, BffError> {
    let session_id = session_id(scope).ok_or_else(unauthenticated)?;
    let answer = objects::call(
        scope.env(),
        session_object::BINDING,
        &session_id,
        "/use",
        &serde_json::Value::Null,
        scope.request_id().as_str(),
    )
    .await
    .map_err(|error| unavailable(&error))?;
    match answer.status {
        200 => answer
            .json()
            .ok_or_else(|| BffError::internal("session_unavailable")),
        401 => Err(unauthenticated()),
        // The access token was due and the identity service could not renew it.
        504 => Err(OriginError::new(Service::Identity, Failure::Timeout).into()),
        503 => Err(OriginError::new(Service::Identity, Failure::Unreachable).into()),
        502 => Err(OriginError::new(Service::Identity, Failure::Status(502)).into()),
        status => {
            console_error!("the session object answered {status}");
            Err(BffError::internal("session_unavailable"))
        }
    }
}

/// The signed-in user of a request with a live session cookie, or a 401.
pub async fn authenticate(scope: &Scope) -> Result<User, BffError> {
    let current = current(scope).await?;
    Ok(User {
        id: UserId::parse(&current.user_id).ok_or_else(unauthenticated)?,
        name: current.name,
    })
}

/// `GET /auth/session`: who is signed in, and until when.
pub async fn info(scope: &Scope) -> Result<Reply, BffError> {
    let current = current(scope).await?;
    Ok(Reply::json(&SessionView::from(&current))?.private())
}

/// `POST /auth/logout`: ends the session here (its object is deleted), at the identity service
/// (the refresh token is revoked) and in the browser (the cookie is cleared, and
/// `Clear-Site-Data` asks it to drop every cookie of the site).
pub async fn logout(scope: &Scope) -> Result<Reply, BffError> {
    if let Some(session_id) = session_id(scope) {
        end(
            scope.env(),
            scope.origins()?,
            &session_id,
            scope.request_id().as_str(),
        )
        .await?;
    }
    Ok(Reply::json(&serde_json::json!({"signedOut": true}))?
        .private()
        .with_header("clear-site-data", "\"cookies\"")
        .with_cookie(format!(
            "{COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0"
        )))
}

/// Ends session `session_id`: deletes its object, revokes its refresh token at the identity
/// service and takes it off its user's list.
async fn end(
    env: &Env,
    origins: &OriginClient,
    session_id: &str,
    request_id: &str,
) -> Result<(), BffError> {
    let answer = objects::call(
        env,
        session_object::BINDING,
        session_id,
        "/end",
        &serde_json::Value::Null,
        request_id,
    )
    .await
    .map_err(|error| unavailable(&error))?;
    let ended: Ended = answer
        .json()
        .filter(|_| answer.status == 200)
        .ok_or_else(|| BffError::internal("session_unavailable"))?;
    if let Some(refresh_token) = &ended.refresh_token
        && let Err(error) = origins.identity().revoke(refresh_token).await
    {
        // The session is gone here whatever identity says; its token expires on its own.
        console_error!("refresh token revocation failed: {error}");
    }
    if let Some(user_id) = ended.user_id {
        let removal = Removal {
            session_id: session_id.to_owned(),
        };
        let unlisted = objects::call(
            env,
            user_sessions::BINDING,
            &user_id,
            "/remove",
            &removal,
            request_id,
        )
        .await;
        if let Err(error) = unlisted {
            // A stale entry only makes a later back-channel logout end nothing more.
            console_error!("unlisting a session failed: {error}");
        }
    }
    Ok(())
}

fn session_cookie(session_id: &str, max_age: u64) -> String {
    format!("{COOKIE}={session_id}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age={max_age}")
}

/// Whether the request carries the session cookie at all (well-formed or not): such a request
/// must carry `X-CSRF: 1`.
pub fn carries_cookie(scope: &Scope) -> bool {
    scope
        .header("cookie")
        .is_some_and(|header| cookie_value(&header, COOKIE).is_some())
}

/// The session id of the request's cookie, if it has a well-formed one.
fn session_id(scope: &Scope) -> Option<String> {
    let header = scope.header("cookie")?;
    cookie_value(&header, COOKIE)
        .filter(|id| is_session_id(id))
        .map(str::to_owned)
}

fn is_session_id(id: &str) -> bool {
    id.len() == 43
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// 256 random bits, base64url: unguessable, and safe in a cookie and an object name.
fn new_session_id() -> Result<String, BffError> {
    let mut bytes = [0u8; 32];
    if !crate::platform::fill_random(&mut bytes) {
        return Err(BffError::internal("no_randomness"));
    }
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

    #[test]
    fn session_ids_are_43_base64url_characters() {
        let id = new_session_id().unwrap();
        assert!(is_session_id(&id), "{id}");
        assert_ne!(id, new_session_id().unwrap());
        for bad in [
            "",
            "short",
            &"A".repeat(44),
            &format!("{}=", "A".repeat(42)),
        ] {
            assert!(!is_session_id(bad), "{bad}");
        }
    }

    #[test]
    fn the_view_is_in_seconds() {
        let current = Current {
            user_id: "usr-1".into(),
            name: Some("Demo".into()),
            access_token: "t".into(),
            expires_ms: 1_800_000_999,
            idle_expires_ms: 1_700_000_500,
        };
        let view = serde_json::to_value(SessionView::from(&current)).unwrap();
        assert_eq!(
            view,
            serde_json::json!({"user": {"id": "usr-1", "name": "Demo"}, "expiresAt": 1_800_000, "idleExpiresAt": 1_700_000})
        );
    }

    proptest::proptest! {
        /// Any `Cookie` header: the session cookie is found when the header carries it between
        /// other cookies, and nothing panics on the rest.
        #[test]
        fn the_session_cookie_is_found_in_any_header(
            before in "[a-z]{1,8}=[!-:<-~]{0,16}",
            value in "[A-Za-z0-9_-]{1,64}",
            after in "\\PC{0,100}",
        ) {
            let _ = cookie_value(&after, COOKIE);
            let header = format!("{before}; {COOKIE}={value}; {after}");
            proptest::prop_assert_eq!(cookie_value(&header, COOKIE), Some(value.as_str()));
        }
    }
}
