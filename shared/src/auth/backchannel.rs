//! `POST /auth/backchannel-logout` (OpenID Connect Back-Channel Logout 1.0): the identity
//! service tells the BFF that a shopper is signed out (revoked, password changed, signed out
//! elsewhere), and every session of that shopper ends at once.
//!
//! The body is a form with one field, `logout_token`: a JWT signed with the identity keys,
//! verified here (the signature through the bearer verifier's key handling, then `iss`, `aud`,
//! `iat`, `exp`, the logout event and no `nonce` as [`logout_token`] checks them), then
//! handed to the user's index object, which refuses a `jti` it has seen and ends every session
//! it lists. It is a server-to-server call: no cookie, no `Origin`, so the browser CSRF checks do
//! not apply to it.

use worker::console_error;

use super::bearer;
use super::logout_token::{self, Expectations, LogoutTokenError};
use super::objects;
use super::user_sessions::{self, LoggedOut, Logout, REPLAYED};
use crate::edge::{Reply, Scope};
use crate::error::{BffError, ErrorKind};

/// The endpoint's path; the CSRF checks skip it.
pub const PATH: &str = "/auth/backchannel-logout";
/// Largest form body accepted.
const BODY_LIMIT: usize = 8 * 1024;
const LEEWAY_SECONDS: i64 = 60;
/// A logout token is expected within minutes of being issued.
const MAX_AGE_SECONDS: i64 = 10 * 60;

fn invalid(reason: &str) -> BffError {
    BffError::bad_request(
        "invalid_logout_token",
        format!("The logout token is not valid: {reason}."),
    )
}

fn reason(error: LogoutTokenError) -> &'static str {
    match error {
        LogoutTokenError::Malformed => "malformed",
        LogoutTokenError::WrongType => "not typed as a logout token",
        LogoutTokenError::WrongIssuer => "wrong issuer",
        LogoutTokenError::WrongAudience => "wrong audience",
        LogoutTokenError::MissingIssuedAt => "no iat",
        LogoutTokenError::BadIssuedAt => "iat out of range",
        LogoutTokenError::MissingExpiry => "no exp",
        LogoutTokenError::Expired => "expired",
        LogoutTokenError::MissingSubject => "no sub",
        LogoutTokenError::NotALogoutEvent => "no back-channel logout event",
        LogoutTokenError::HasNonce => "a nonce is present",
        LogoutTokenError::MissingJti => "no jti",
    }
}

/// Verifies a logout token for `audience`: the signature against the identity keys, then every
/// claim the specification asks for.
pub async fn verify(
    scope: &Scope,
    token: &str,
    audience: &str,
) -> Result<logout_token::LogoutToken, BffError> {
    let issuer = scope.secret("JWT_ISSUER").ok_or_else(|| {
        console_error!("JWT_ISSUER is not set");
        BffError::internal("misconfigured")
    })?;
    // The signature, with the key its `kid` names (the keys refreshed once if it is unknown);
    // the claims it covers are checked here, as a logout token's.
    let payload = bearer::verify_signed(scope.origins()?, token)
        .await
        .map_err(|error| match error.kind() {
            ErrorKind::Unauthenticated => invalid("bad signature"),
            _ => error,
        })?;
    let (header, _) = logout_token::decode(token).map_err(|e| invalid(reason(e)))?;
    let claims = logout_token::claims(&payload).map_err(|e| invalid(reason(e)))?;
    let expect = Expectations {
        issuer: &issuer,
        audience,
        leeway_seconds: LEEWAY_SECONDS,
        max_age_seconds: MAX_AGE_SECONDS,
    };
    let now = i64::try_from(crate::platform::now_ms() / 1000).unwrap_or(i64::MAX);
    logout_token::check(&header, &claims, &expect, now).map_err(|e| invalid(reason(e)))
}

/// `POST /auth/backchannel-logout`: ends every session of the token's subject; 400 for a bad
/// or replayed token.
pub async fn handle(scope: &Scope, audience: &str) -> Result<Reply, BffError> {
    let form = scope
        .form_body(BODY_LIMIT)
        .await?
        .into_iter()
        .find(|(key, _)| key == "logout_token");
    let Some((_, token)) = form else {
        return Err(BffError::bad_request(
            "invalid_request",
            "The form field logout_token is required.",
        ));
    };
    let verified = verify(scope, &token, audience).await?;
    let logout = Logout {
        jti: verified.jti,
        expires_ms: u64::try_from(verified.expires_at)
            .unwrap_or(0)
            .saturating_mul(1000),
    };
    let answer = objects::call(
        scope.env(),
        user_sessions::BINDING,
        &verified.subject,
        "/logout",
        &logout,
        scope.request_id().as_str(),
    )
    .await
    .map_err(|error| {
        console_error!("back-channel logout failed: {error}");
        BffError::internal("session_unavailable")
    })?;
    match (answer.status, answer.json::<LoggedOut>()) {
        (200, Some(done)) => {
            Ok(Reply::json(&serde_json::json!({"sessionsEnded": done.ended}))?.private())
        }
        (REPLAYED, _) => Err(BffError::bad_request(
            "logout_token_replayed",
            "This logout token was already used.",
        )),
        (status, _) => {
            console_error!("the user's session index answered {status}");
            Err(BffError::new(
                ErrorKind::OriginUnavailable,
                "sessions_not_ended",
                "Not every session could be ended; send the logout token again.",
            ))
        }
    }
}
