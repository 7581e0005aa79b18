//! The HTTP client every typed origin client is built on.
//!
//! One call = one `fetch` raced against the service's timeout. A call that loses the race is
//! aborted through its `AbortSignal`, so a hung origin does not keep a connection (one of the six
//! a Worker may have open) after we stopped waiting. Every call, whatever its ending, leaves one
//! `Server-Timing` entry and carries the request id to the origin.

use std::pin::pin;
use std::rc::Rc;

use futures::future::{Either, select};
use serde::de::DeserializeOwned;
use worker::{AbortController, Date, Delay, Fetch, Headers, Method, Request, RequestInit};

use super::{Failure, OriginConfig, OriginError, Service};
use crate::request_id::{self, RequestId};
use crate::timing::{Outcome, Timings};

#[derive(Clone, Debug)]
pub struct OriginClient {
    config: Rc<OriginConfig>,
    request_id: RequestId,
    timings: Timings,
}

impl OriginClient {
    pub fn new(config: Rc<OriginConfig>, request_id: RequestId, timings: Timings) -> Self {
        Self {
            config,
            request_id,
            timings,
        }
    }

    /// `GET {service base}{path_and_query}`, decoded from JSON into `T`.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        service: Service,
        path_and_query: &str,
    ) -> Result<T, OriginError> {
        let started = Date::now().as_millis();
        let result = self.exchange(service, path_and_query).await;
        let result = result.and_then(|(status, body)| decode(service, status, &body));
        let elapsed = Date::now().as_millis().saturating_sub(started);
        let outcome = match &result {
            Ok(_) => Outcome::Ok,
            Err(error) => error.failure.outcome(),
        };
        self.timings.record(service.name(), elapsed as f64, outcome);
        result
    }

    /// Sends the request and reads the whole body, both inside the service's timeout.
    async fn exchange(
        &self,
        service: Service,
        path_and_query: &str,
    ) -> Result<(u16, Vec<u8>), OriginError> {
        let fail = |failure| OriginError::new(service, failure);
        let settings = self
            .config
            .service(service)
            .ok_or(fail(Failure::Internal))?;
        let request = self
            .build_request(&format!("{}{path_and_query}", settings.base_url))
            .map_err(|_| fail(Failure::Internal))?;

        let controller = AbortController::default();
        let signal = controller.signal();
        let call = async {
            let mut response = Fetch::Request(request)
                .send_with_signal(&signal)
                .await
                .map_err(|_| fail(Failure::Unreachable))?;
            let status = response.status_code();
            let body = response
                .bytes()
                .await
                .map_err(|_| fail(Failure::Unreachable))?;
            Ok((status, body))
        };
        let deadline = Delay::from(settings.timeout);
        match select(pin!(call), deadline).await {
            Either::Left((result, _)) => result,
            Either::Right(_) => {
                controller.abort();
                Err(fail(Failure::Timeout))
            }
        }
    }

    fn build_request(&self, url: &str) -> worker::Result<Request> {
        let headers = Headers::new();
        headers.set("accept", "application/json")?;
        headers.set(request_id::HEADER, self.request_id.as_str())?;
        let mut init = RequestInit::new();
        init.with_method(Method::Get).with_headers(headers);
        Request::new_with_init(url, &init)
    }
}

/// Turns an origin's answer into `T`, or says precisely why it cannot.
pub(crate) fn decode<T: DeserializeOwned>(
    service: Service,
    status: u16,
    body: &[u8],
) -> Result<T, OriginError> {
    if !(200..300).contains(&status) {
        return Err(OriginError::new(service, Failure::Status(status)));
    }
    serde_json::from_slice(body).map_err(|_| OriginError::new(service, Failure::BadBody))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize, PartialEq)]
    struct Price {
        list_price_minor: u64,
    }

    #[test]
    fn decodes_a_success_ignoring_unknown_fields() {
        let body = br#"{"list_price_minor": 1299, "cost_price_minor": 700}"#;
        let price: Price = decode(Service::Pricing, 200, body).unwrap();
        assert_eq!(price.list_price_minor, 1299);
    }

    #[test]
    fn classifies_status_before_body() {
        let error = decode::<Price>(Service::Pricing, 503, b"{}").unwrap_err();
        assert_eq!(error.failure, Failure::Status(503));
        let error = decode::<Price>(Service::Pricing, 404, b"not json").unwrap_err();
        assert!(error.is_not_found());
    }

    #[test]
    fn classifies_garbage_and_wrong_shapes_as_bad_body() {
        for body in [
            &b"<html>oops"[..],
            b"",
            b"{\"list_price_minor\": \"12\"}",
            b"[]",
        ] {
            let error = decode::<Price>(Service::Pricing, 200, body).unwrap_err();
            assert_eq!(error.failure, Failure::BadBody);
        }
    }
}
