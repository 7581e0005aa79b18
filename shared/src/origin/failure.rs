//! How an origin call failed, and what the client is told about it.
//!
//! The classification keeps enough to choose a status and a `Server-Timing` outcome, and nothing
//! more: no URL, no origin body, no platform error text, so nothing of the origin can leak.

use std::fmt;

use super::Service;
use crate::error::{BffError, ErrorKind};
use crate::timing::Outcome;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No complete answer within the call's timeout; the call was aborted.
    Timeout,
    /// Connection refused, reset or dropped before a complete answer.
    Unreachable,
    /// An answer with a non-success status.
    Status(u16),
    /// A success status with a body that is not the JSON we expect.
    BadBody,
    /// Not sent: this invocation already made as many subrequests as it may.
    OverBudget,
    /// We could not even build the request (a defect of ours).
    Internal,
    /// Not sent: the origin's circuit breaker is open (it failed repeatedly just now).
    CircuitOpen,
}

impl Failure {
    pub const fn outcome(self) -> Outcome {
        match self {
            Self::Timeout => Outcome::Timeout,
            Self::Unreachable | Self::Internal => Outcome::Unreachable,
            Self::Status(_) => Outcome::Status,
            Self::BadBody => Outcome::BadBody,
            Self::OverBudget => Outcome::Skipped,
            Self::CircuitOpen => Outcome::Open,
        }
    }

    /// A sign the origin is unwell, counted by its circuit breaker: no answer, a server error,
    /// or an unreadable body. A 4xx is the origin working as designed.
    pub const fn counts_against_origin(self) -> bool {
        match self {
            Self::Timeout | Self::Unreachable | Self::BadBody => true,
            Self::Status(status) => status >= 500,
            Self::OverBudget | Self::Internal | Self::CircuitOpen => false,
        }
    }

    /// Worth another attempt: the request may not have reached the origin, or the origin had a
    /// passing server error. Timeouts are not retried: they already spent the time a retry needs.
    pub const fn is_retryable(self) -> bool {
        match self {
            Self::Unreachable => true,
            Self::Status(status) => status >= 500,
            Self::Timeout
            | Self::BadBody
            | Self::OverBudget
            | Self::Internal
            | Self::CircuitOpen => false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OriginError {
    pub service: Service,
    pub failure: Failure,
}

impl OriginError {
    pub const fn new(service: Service, failure: Failure) -> Self {
        Self { service, failure }
    }

    /// The origin says the thing does not exist, which a handler may turn into its own 404.
    pub const fn is_not_found(&self) -> bool {
        matches!(self.failure, Failure::Status(404))
    }
}

impl fmt::Display for OriginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.failure {
            Failure::Timeout => write!(f, "{} timed out", self.service),
            Failure::Unreachable => write!(f, "{} unreachable", self.service),
            Failure::Status(status) => write!(f, "{} answered {status}", self.service),
            Failure::BadBody => write!(f, "{} sent an unreadable body", self.service),
            Failure::Internal => write!(f, "{} request could not be built", self.service),
            Failure::OverBudget => write!(f, "{} not called: subrequest limit", self.service),
            Failure::CircuitOpen => write!(f, "{} not called: circuit open", self.service),
        }
    }
}

impl From<OriginError> for BffError {
    fn from(error: OriginError) -> Self {
        let service = error.service.name();
        match error.failure {
            Failure::Timeout => BffError::new(
                ErrorKind::OriginTimeout,
                "origin_timeout",
                format!("The {service} service did not answer in time."),
            ),
            // An origin that says it is unavailable is, for the client, just that; so is one
            // whose breaker is open.
            Failure::Unreachable | Failure::Status(503) | Failure::CircuitOpen => BffError::new(
                ErrorKind::OriginUnavailable,
                "origin_unavailable",
                format!("The {service} service is unavailable."),
            ),
            Failure::Status(_) | Failure::BadBody => BffError::new(
                ErrorKind::OriginBadResponse,
                "origin_bad_response",
                format!("The {service} service gave an unusable answer."),
            ),
            Failure::OverBudget => BffError::new(
                ErrorKind::OriginUnavailable,
                "subrequest_limit",
                format!(
                    "The {service} service was not called: this request reached its limit of origin calls."
                ),
            ),
            Failure::Internal => BffError::internal("origin_request_invalid"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_map_to_the_contract_statuses() {
        let status = |failure| BffError::from(OriginError::new(Service::Catalog, failure)).status();
        assert_eq!(status(Failure::Timeout), 504);
        assert_eq!(status(Failure::Unreachable), 503);
        assert_eq!(status(Failure::Status(500)), 502);
        assert_eq!(status(Failure::Status(503)), 503);
        assert_eq!(status(Failure::Status(404)), 502);
        assert_eq!(status(Failure::BadBody), 502);
        assert_eq!(status(Failure::Internal), 500);
        assert_eq!(status(Failure::OverBudget), 503);
        assert_eq!(status(Failure::CircuitOpen), 503);
    }

    #[test]
    fn only_signs_of_an_unwell_origin_count_against_it() {
        for failure in [
            Failure::Timeout,
            Failure::Unreachable,
            Failure::BadBody,
            Failure::Status(500),
            Failure::Status(503),
        ] {
            assert!(failure.counts_against_origin(), "{failure:?}");
        }
        for failure in [
            Failure::Status(404),
            Failure::Status(422),
            Failure::OverBudget,
            Failure::Internal,
            Failure::CircuitOpen,
        ] {
            assert!(!failure.counts_against_origin(), "{failure:?}");
        }
    }

    #[test]
    fn only_connection_failures_and_server_errors_are_retried() {
        assert!(Failure::Unreachable.is_retryable());
        assert!(Failure::Status(500).is_retryable());
        assert!(Failure::Status(503).is_retryable());
        assert!(!Failure::Status(404).is_retryable());
        assert!(!Failure::Status(429).is_retryable());
        assert!(!Failure::Timeout.is_retryable());
        assert!(!Failure::BadBody.is_retryable());
        assert!(!Failure::OverBudget.is_retryable());
    }

    #[test]
    fn client_message_names_the_service_only() {
        let error = BffError::from(OriginError::new(Service::Pricing, Failure::Status(500)));
        assert_eq!(error.code(), "origin_bad_response");
        assert!(error.message().contains("pricing"));
        assert!(!error.message().contains("500"));
    }

    #[test]
    fn outcome_names_follow_server_timing_vocabulary() {
        assert_eq!(Failure::BadBody.outcome().as_str(), "bad-body");
        assert_eq!(Failure::Status(502).outcome().as_str(), "status");
    }
}
