//! Authentication, one flavour per frontend, and the request-forgery defence of cookie sessions.
//!
//! - [`bearer`]: the app sends the identity service's JWT; the BFF verifies it against the
//!   published keys (cached per isolate, refreshed on an unknown `kid`).
//! - [`session`]: the browser never sees a token. The BFF logs in at the identity service, keeps
//!   the tokens in the session's own Durable Object ([`session_object`]), renews the access token
//!   there, and gives the browser an HttpOnly, Secure, SameSite cookie with an unguessable
//!   session id (the token-handler pattern). [`user_sessions`] lists each user's sessions, so a
//!   [`backchannel`] logout from the identity service ends them all at once.
//! - [`csrf`]: requests with the session cookie, and every write, carry `X-CSRF: 1` and come from
//!   an allowed origin.
//!
//! A token or session of one frontend opens nothing in another: the web ignores `Authorization`,
//! the app ignores cookies, and each checks its own audience.

pub mod backchannel;
pub mod bearer;
pub mod csrf;
pub mod logout_token;
mod objects;
pub mod session;
pub mod session_life;
pub mod session_object;
pub mod token;
pub mod user_sessions;

use crate::error::{BffError, ErrorKind};
use crate::origins::users::UserId;

/// The signed-in shopper of a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub name: Option<String>,
}

pub fn unauthenticated() -> BffError {
    BffError::new(
        ErrorKind::Unauthenticated,
        "unauthenticated",
        "Sign in to use this endpoint.",
    )
}

fn invalid_token(error: token::TokenError) -> BffError {
    match error {
        token::TokenError::Expired => BffError::new(
            ErrorKind::Unauthenticated,
            "token_expired",
            "The access token has expired; get a new one.",
        ),
        _ => BffError::new(
            ErrorKind::Unauthenticated,
            "invalid_token",
            "The access token is not valid here.",
        ),
    }
}
