//! The HTTP client every typed origin client is built on.
//!
//! One logical call is: up to `ORIGIN_MAX_RETRIES` retries (idempotent GETs only, on connection
//! failures and 5xx, with jittered backoff, within the isolate's retry budget and the request's
//! deadline), each attempt optionally hedged (latency-critical services), each HTTP exchange raced
//! against its timeout, counted against the invocation's subrequest limit and queued behind its
//! connection limit. The exchange itself is run by the platform ([`platform::Exchange`]): the
//! request, the whole body in one read, and the timeout on the platform's own timer (one for all
//! the calls due at the same moment). An exchange that loses a race (a hedge) or is abandoned (a
//! page whose required part failed) is aborted, so a hung origin does not keep one of the few
//! connections a Worker may have open; one that finished is not touched again. Every logical
//! call leaves one `Server-Timing` entry and carries the request id to the origin.

use std::cell::{Cell, RefCell};
use std::pin::pin;
use std::rc::Rc;
use std::time::Duration;

use futures::future::{Either, select};
use serde::de::DeserializeOwned;
use worker::Delay;

use super::breakers;
use super::config::{CallPolicy, ServiceConfig};
use super::{Failure, OriginConfig, OriginError, Service};
use crate::platform::{self, Exchanged};
use crate::request_id::RequestId;
use crate::resilience::{Limiter, RetryBudget, backoff};
use crate::timing::{Outcome, Timings};

/// A retry is only worth making when this much of the deadline is left after its backoff.
const MIN_RETRY_WINDOW: Duration = Duration::from_millis(50);
/// The window over which the retry budget counts calls and retries.
const RETRY_BUDGET_WINDOW_MS: u64 = 10_000;

thread_local! {
    /// One budget per origin service, shared by every request the isolate serves: it is about
    /// the load we put on that origin, whichever request causes it.
    static RETRY_BUDGETS: RefCell<Vec<(Service, RetryBudget)>> = const { RefCell::new(Vec::new()) };
}

fn with_retry_budget<R>(
    policy: &CallPolicy,
    service: Service,
    use_budget: impl FnOnce(&mut RetryBudget) -> R,
) -> R {
    RETRY_BUDGETS.with(|cell| {
        let mut budgets = cell.borrow_mut();
        if let Some((_, budget)) = budgets.iter_mut().find(|(s, _)| *s == service) {
            return use_budget(budget);
        }
        let mut budget = RetryBudget::new(
            RETRY_BUDGET_WINDOW_MS,
            policy.retry_budget_percent,
            policy.retry_budget_floor,
        );
        let result = use_budget(&mut budget);
        budgets.push((service, budget));
        result
    })
}

fn now_ms() -> u64 {
    crate::platform::now_ms()
}

/// A uniformly random number in `[0, 1)` for backoff jitter.
fn random_fraction() -> f64 {
    let mut bytes = [0u8; 4];
    if crate::platform::fill_random(&mut bytes) {
        f64::from(u32::from_le_bytes(bytes)) / 4_294_967_296.0
    } else {
        0.5
    }
}

thread_local! {
    static INVOCATIONS: Cell<u32> = const { Cell::new(0) };
}

/// A number for each origin client made in this isolate (one per request); wraps after 2^32.
fn next_invocation_id() -> u32 {
    INVOCATIONS.with(|count| {
        let id = count.get().wrapping_add(1);
        count.set(id);
        id
    })
}

/// The limits of one Worker invocation, shared by all its origin calls.
#[derive(Debug)]
struct Invocation {
    /// Tells this invocation's exchanges from other requests' in the platform's timer groups.
    id: u32,
    deadline_ms: u64,
    subrequests_left: Cell<u32>,
    connections: Limiter,
}

impl Invocation {
    fn take_subrequest(&self) -> bool {
        let left = self.subrequests_left.get();
        if left == 0 {
            return false;
        }
        self.subrequests_left.set(left - 1);
        true
    }

    fn remaining(&self) -> Duration {
        Duration::from_millis(self.deadline_ms.saturating_sub(now_ms()))
    }
}

/// How a successful call got its answer, for `Server-Timing`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Route {
    Direct,
    Retried,
    Hedged,
}

type Exchange = Result<(u16, Vec<u8>), Failure>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verb {
    Get,
    Post,
    Delete,
}

impl Verb {
    fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Delete => "DELETE",
        }
    }
}

/// One origin request: a read, or a write with a JSON body.
#[derive(Clone, Copy, Debug)]
pub struct Call<'a> {
    method: Verb,
    path_and_query: &'a str,
    body: Option<&'a [u8]>,
    idempotency_key: Option<&'a str>,
}

impl<'a> Call<'a> {
    pub fn get(path_and_query: &'a str) -> Self {
        Self {
            method: Verb::Get,
            path_and_query,
            body: None,
            idempotency_key: None,
        }
    }

    /// A POST with a JSON body.
    pub fn post(path_and_query: &'a str, body: &'a [u8]) -> Self {
        Self {
            method: Verb::Post,
            path_and_query,
            body: Some(body),
            idempotency_key: None,
        }
    }

    pub fn delete(path_and_query: &'a str) -> Self {
        Self {
            method: Verb::Delete,
            path_and_query,
            body: None,
            idempotency_key: None,
        }
    }

    /// Passes the client's `Idempotency-Key` on: the origin then applies a retried write once.
    pub fn idempotency_key(self, key: Option<&'a str>) -> Self {
        Self {
            idempotency_key: key,
            ..self
        }
    }

    /// Safe to send again: a read, or a write the origin deduplicates by its key.
    fn is_idempotent(&self) -> bool {
        self.method == Verb::Get || self.idempotency_key.is_some()
    }
}

/// Records a logical call in `Server-Timing` when it ends, including when the fan-out drops it
/// unfinished (then as cancelled).
struct CallRecord<'a> {
    timings: &'a Timings,
    name: &'static str,
    started_ms: u64,
    outcome: Option<Outcome>,
}

impl Drop for CallRecord<'_> {
    fn drop(&mut self) {
        let elapsed = now_ms().saturating_sub(self.started_ms);
        let outcome = self.outcome.unwrap_or(Outcome::Cancelled);
        self.timings.record(self.name, elapsed as f64, outcome);
    }
}

#[derive(Clone, Debug)]
pub struct OriginClient {
    config: Rc<OriginConfig>,
    request_id: RequestId,
    timings: Timings,
    invocation: Rc<Invocation>,
}

impl OriginClient {
    /// A client for one invocation that started at `started_ms`, whose deadline counts from then.
    pub fn new(
        config: Rc<OriginConfig>,
        request_id: RequestId,
        timings: Timings,
        started_ms: u64,
    ) -> Self {
        let policy = &config.policy;
        let deadline = u64::try_from(policy.deadline.as_millis()).unwrap_or(u64::MAX);
        let invocation = Rc::new(Invocation {
            id: next_invocation_id(),
            deadline_ms: started_ms.saturating_add(deadline),
            subrequests_left: Cell::new(policy.subrequest_limit),
            connections: Limiter::new(policy.max_connections),
        });
        Self {
            config,
            request_id,
            timings,
            invocation,
        }
    }

    /// Time left before the request's deadline.
    pub fn remaining(&self) -> Duration {
        self.invocation.remaining()
    }

    /// `GET {service base}{path_and_query}`, decoded from JSON into `T`.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        service: Service,
        path_and_query: &str,
    ) -> Result<T, OriginError> {
        self.send_json(service, Call::get(path_and_query)).await
    }

    /// Sends `call` to `service`; the answer decoded from JSON into `T`.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        service: Service,
        call: Call<'_>,
    ) -> Result<T, OriginError> {
        let mut record = CallRecord {
            timings: &self.timings,
            name: service.name(),
            started_ms: now_ms(),
            outcome: None,
        };
        // The origin's circuit breaker: open, the call fails at once.
        let Some(pass) = breakers::admit(service, self.config.policy.breaker, now_ms()) else {
            record.outcome = Some(Outcome::Open);
            return Err(OriginError::new(service, Failure::CircuitOpen));
        };
        let (exchange, route) = self.call(service, call).await;
        let result = exchange
            .map_err(|failure| OriginError::new(service, failure))
            .and_then(|(status, body)| decode(service, status, &body));
        let failed = result
            .as_ref()
            .is_err_and(|error| error.failure.counts_against_origin());
        pass.finish(failed, now_ms());
        record.outcome = Some(match (&result, route) {
            (Ok(_), Route::Direct) => Outcome::Ok,
            (Ok(_), Route::Retried) => Outcome::Retried,
            (Ok(_), Route::Hedged) => Outcome::Hedged,
            (Err(error), _) => error.failure.outcome(),
        });
        result
    }

    /// One logical call: attempts and retries, until an answer worth keeping or no time left.
    async fn call(&self, service: Service, call: Call<'_>) -> (Exchange, Route) {
        let Some(settings) = self.config.service(service) else {
            return (Err(Failure::Internal), Route::Direct);
        };
        let policy = &self.config.policy;
        let url = format!("{}{}", settings.base_url, call.path_and_query);
        with_retry_budget(policy, service, |budget| budget.record_call(now_ms()));
        let mut retries = 0;
        loop {
            let (exchange, hedged) = self.attempt(service, &url, call, settings).await;
            let route = match (hedged, retries) {
                (true, _) => Route::Hedged,
                (false, 0) => Route::Direct,
                (false, _) => Route::Retried,
            };
            let failure = match &exchange {
                Ok((status, _)) if (200..300).contains(status) => None,
                Ok((status, _)) => Some(Failure::Status(*status)),
                Err(failure) => Some(*failure),
            };
            if !call.is_idempotent()
                || !failure.is_some_and(Failure::is_retryable)
                || retries >= policy.max_retries
            {
                return (exchange, route);
            }
            let cap = policy.retry_backoff.saturating_mul(8);
            let pause = backoff(retries, policy.retry_backoff, cap, random_fraction());
            if self.invocation.remaining() < pause + MIN_RETRY_WINDOW
                || !with_retry_budget(policy, service, |budget| budget.try_retry(now_ms()))
            {
                return (exchange, route);
            }
            if !pause.is_zero() {
                Delay::from(pause).await;
            }
            retries += 1;
        }
    }

    /// One attempt; for a hedged service, a second identical exchange joins a slow first one and
    /// the first answer wins. Returns whether the hedge won.
    async fn attempt(
        &self,
        service: Service,
        url: &str,
        call: Call<'_>,
        settings: &ServiceConfig,
    ) -> (Exchange, bool) {
        let window = settings.timeout.min(self.invocation.remaining());
        let hedge = settings
            .hedge_after
            .filter(|after| *after < window && call.method == Verb::Get);
        let Some(hedge_after) = hedge else {
            return (self.exchange(url, call, settings.timeout).await, false);
        };
        let _connection = self.invocation.connections.acquire().await;
        let mut first = match self.start(url, call, settings.timeout) {
            Ok(first) => first,
            Err(failure) => return (Err(failure), false),
        };
        // The hedge's delay is the platform's timer too; an answer before it ends the wait.
        if let Some(exchanged) = first.finish_within(hedge_after).await {
            return (answer(exchanged), false);
        }
        // A hedge is extra load like a retry, and spends the same budget.
        let policy = &self.config.policy;
        if !with_retry_budget(policy, service, |budget| budget.try_retry(now_ms())) {
            return (answer(first.finish().await), false);
        }
        // Waiting for a connection for the hedge, the first answer may still come.
        let _second_connection = {
            let (answered, connection) = (
                pin!(first.finish()),
                pin!(self.invocation.connections.acquire()),
            );
            match select(answered, connection).await {
                Either::Left((answered, _)) => return (answer(answered), false),
                Either::Right((connection, _)) => connection,
            }
        };
        let mut second = match self.start(url, call, settings.timeout) {
            Ok(second) => second,
            Err(_) => return (answer(first.finish().await), false),
        };
        let outcome = {
            let (a, b) = (pin!(first.finish()), pin!(second.finish()));
            match select(a, b).await {
                Either::Left((first_answer, other)) => match answer(first_answer) {
                    Ok(found) => (Ok(found), false),
                    // A failure is no answer: wait for the other one.
                    Err(_) => (answer(other.await), true),
                },
                Either::Right((second_answer, other)) => match answer(second_answer) {
                    Ok(found) => (Ok(found), true),
                    Err(_) => (answer(other.await), false),
                },
            }
        };
        // Whichever is still running is dropped here, which aborts its fetch.
        outcome
    }

    /// One HTTP exchange: request sent and whole body read within `timeout` (and the deadline).
    async fn exchange(&self, url: &str, call: Call<'_>, timeout: Duration) -> Exchange {
        let _connection = self.invocation.connections.acquire().await;
        let mut exchange = self.start(url, call, timeout)?;
        answer(exchange.finish().await)
    }

    /// Starts an exchange, counted against the invocation's subrequests; its timeout is cut to
    /// what is left of the deadline. The caller holds a connection for it.
    fn start(
        &self,
        url: &str,
        call: Call<'_>,
        timeout: Duration,
    ) -> Result<platform::Exchange, Failure> {
        if !self.invocation.take_subrequest() {
            return Err(Failure::OverBudget);
        }
        let timeout = timeout.min(self.invocation.remaining());
        if timeout.is_zero() {
            return Err(Failure::Timeout);
        }
        Ok(platform::Exchange::start(
            self.invocation.id,
            url,
            call.method.as_str(),
            self.request_id.as_str(),
            call.idempotency_key,
            call.body,
            timeout,
        ))
    }
}

/// An exchange's end as the call sees it.
fn answer(exchanged: Exchanged) -> Exchange {
    match exchanged {
        Exchanged::Answered { status, body } => Ok((status, body)),
        Exchanged::TimedOut => Err(Failure::Timeout),
        Exchanged::Unreachable => Err(Failure::Unreachable),
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
    // Checked as UTF-8 once, then parsed as text: `from_slice` checks each string it keeps
    // separately, which cost a product page more than the whole-body check does. Structs are
    // read from objects only (see `objects`).
    std::str::from_utf8(body)
        .ok()
        .and_then(|text| super::objects::from_str(text).ok())
        .ok_or_else(|| OriginError::new(service, Failure::BadBody))
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
            // Not UTF-8, even where no field is read.
            b"{\"list_price_minor\": 12, \"currency\": \"EUR\", \"note\": \"\xff\"}",
        ] {
            let error = decode::<Price>(Service::Pricing, 200, body).unwrap_err();
            assert_eq!(error.failure, Failure::BadBody);
        }
    }
}
