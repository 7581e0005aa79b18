//! The one error type of every BFF, and the one place it becomes an HTTP status.
//!
//! Every failure a client can see is a [`BffError`]: a stable machine `code` the frontend can
//! branch on, a human `message` that never carries origin URLs, origin bodies or stack traces, and
//! a [`ErrorKind`] that alone decides the status. Keeping the mapping in [`ErrorKind::status`] means
//! no handler can invent a status of its own.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize;

/// Who is to blame, in the pingora sense: the client (downstream), an origin (upstream), or us.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Blame {
    Downstream,
    Upstream,
    Internal,
}

/// What went wrong, precisely enough to pick the HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Malformed input: a bad id, a bad parameter, malformed JSON.
    BadRequest,
    /// The thing asked for does not exist (a route, a product).
    NotFound,
    /// The route exists but not for this method (the answer carries `Allow`).
    MethodNotAllowed,
    /// A method the BFF implements for no resource at all (an extension method such as
    /// `PROPFIND`): 501, the client's doing although the status is a 5xx (RFC 9110 §15.6.2).
    NotImplemented,
    /// The request body is larger than the route accepts.
    PayloadTooLarge,
    /// The request body is not in a format the route accepts.
    UnsupportedMediaType,
    /// A request header the BFF reads is larger than it accepts.
    HeaderTooLarge,
    /// Well-formed input that breaks a rule of the route.
    Unprocessable,
    /// No or invalid credentials.
    Unauthenticated,
    /// Valid credentials that do not open this door.
    Forbidden,
    /// The client sent too many requests.
    RateLimited,
    /// An origin answered with a status or body we cannot use.
    OriginBadResponse,
    /// An origin could not be reached or dropped the connection.
    OriginUnavailable,
    /// An origin did not answer within its timeout.
    OriginTimeout,
    /// A defect or misconfiguration on our side.
    Internal,
}

impl ErrorKind {
    /// The single mapping from error to HTTP status.
    pub const fn status(self) -> u16 {
        match self {
            Self::BadRequest => 400,
            Self::Unauthenticated => 401,
            Self::Forbidden => 403,
            Self::NotFound => 404,
            Self::MethodNotAllowed => 405,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::HeaderTooLarge => 431,
            Self::Unprocessable => 422,
            Self::RateLimited => 429,
            Self::Internal => 500,
            Self::NotImplemented => 501,
            Self::OriginBadResponse => 502,
            Self::OriginUnavailable => 503,
            Self::OriginTimeout => 504,
        }
    }

    pub const fn blame(self) -> Blame {
        match self {
            Self::BadRequest
            | Self::NotFound
            | Self::MethodNotAllowed
            | Self::PayloadTooLarge
            | Self::UnsupportedMediaType
            | Self::HeaderTooLarge
            | Self::NotImplemented
            | Self::Unprocessable
            | Self::Unauthenticated
            | Self::Forbidden
            | Self::RateLimited => Blame::Downstream,
            Self::OriginBadResponse | Self::OriginUnavailable | Self::OriginTimeout => {
                Blame::Upstream
            }
            Self::Internal => Blame::Internal,
        }
    }
}

/// A failure that ends a request, safe to show to the client as it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BffError {
    kind: ErrorKind,
    code: &'static str,
    message: Cow<'static, str>,
    /// The methods a 405's resource allows, for the `Allow` header (RFC 9110 §15.5.6).
    allow: Option<String>,
}

impl BffError {
    pub fn new(kind: ErrorKind, code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self {
            kind,
            code,
            message: message.into(),
            allow: None,
        }
    }

    /// A 405 for a resource that allows `allowed`.
    pub fn method_not_allowed(allowed: &[&str]) -> Self {
        let allowed = allowed.join(", ");
        Self {
            message: format!("This endpoint allows {allowed}.").into(),
            allow: Some(allowed),
            ..Self::new(ErrorKind::MethodNotAllowed, "method_not_allowed", "")
        }
    }

    /// The `Allow` header value of a 405.
    pub fn allow(&self) -> Option<&str> {
        self.allow.as_deref()
    }

    pub fn bad_request(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::BadRequest, code, message)
    }

    pub fn not_found(code: &'static str, message: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ErrorKind::NotFound, code, message)
    }

    /// For our own defects: the details go to the log, the client gets a generic message.
    pub fn internal(code: &'static str) -> Self {
        Self::new(
            ErrorKind::Internal,
            code,
            "The service failed to handle this request.",
        )
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn code(&self) -> &'static str {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn status(&self) -> u16 {
        self.kind.status()
    }

    /// The JSON error body of the contract: `{"error": {"code", "message", "request_id"}}`.
    pub fn body<'a>(&'a self, request_id: &'a str) -> ErrorBody<'a> {
        ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: &self.message,
                request_id,
            },
        }
    }
}

impl fmt::Display for BffError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}): {}", self.code, self.status(), self.message)
    }
}

impl std::error::Error for BffError {}

#[derive(Debug, Serialize)]
pub struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Debug, Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: &'a str,
    request_id: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_maps_to_a_status_of_its_blame() {
        let kinds = [
            ErrorKind::BadRequest,
            ErrorKind::NotFound,
            ErrorKind::MethodNotAllowed,
            ErrorKind::PayloadTooLarge,
            ErrorKind::UnsupportedMediaType,
            ErrorKind::HeaderTooLarge,
            ErrorKind::NotImplemented,
            ErrorKind::Unprocessable,
            ErrorKind::Unauthenticated,
            ErrorKind::Forbidden,
            ErrorKind::RateLimited,
            ErrorKind::OriginBadResponse,
            ErrorKind::OriginUnavailable,
            ErrorKind::OriginTimeout,
            ErrorKind::Internal,
        ];
        for kind in kinds {
            let status = kind.status();
            match kind.blame() {
                Blame::Downstream if kind == ErrorKind::NotImplemented => assert_eq!(status, 501),
                Blame::Downstream => assert!((400..500).contains(&status), "{kind:?}"),
                Blame::Upstream => assert!((502..=504).contains(&status), "{kind:?}"),
                Blame::Internal => assert_eq!(status, 500),
            }
        }
    }

    #[test]
    fn body_has_the_contract_shape() {
        let error =
            BffError::bad_request("invalid_product_id", "Product ids are positive integers.");
        let json = serde_json::to_value(error.body("req-1")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {
                "code": "invalid_product_id",
                "message": "Product ids are positive integers.",
                "request_id": "req-1"
            }})
        );
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let error = BffError::internal("misconfigured");
        assert_eq!(error.status(), 500);
        assert!(!error.message().contains("http"));
    }
}
