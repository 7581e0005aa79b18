//! The per-isolate circuit breakers, one per origin service (see [`crate::resilience::Breaker`]),
//! and the log line each time one opens or closes.

use std::cell::RefCell;

use serde::Serialize;
use worker::console_log;

use super::Service;
use crate::resilience::{Admission, Breaker, BreakerPolicy, Change};

thread_local! {
    /// Shared by every request the isolate serves: an origin's health is not per request.
    static BREAKERS: RefCell<Vec<(Service, Breaker)>> = const { RefCell::new(Vec::new()) };
}

fn with_breaker<R>(service: Service, use_breaker: impl FnOnce(&mut Breaker) -> R) -> R {
    BREAKERS.with(|cell| {
        let mut breakers = cell.borrow_mut();
        if let Some((_, breaker)) = breakers.iter_mut().find(|(s, _)| *s == service) {
            return use_breaker(breaker);
        }
        let mut breaker = Breaker::new();
        let result = use_breaker(&mut breaker);
        breakers.push((service, breaker));
        result
    })
}

/// A call the breaker let through; [`Pass::finish`] reports its outcome. Dropped unfinished
/// (the page no longer needed it), it frees a trial slot and counts as nothing.
pub(crate) struct Pass {
    service: Service,
    policy: BreakerPolicy,
    admission: Admission,
    finished: bool,
}

/// Lets a call to `service` through, or `None` when its breaker is open.
pub(crate) fn admit(service: Service, policy: BreakerPolicy, now_ms: u64) -> Option<Pass> {
    let admission = with_breaker(service, |breaker| breaker.admit(&policy, now_ms));
    (admission != Admission::Refuse).then_some(Pass {
        service,
        policy,
        admission,
        finished: false,
    })
}

impl Pass {
    pub(crate) fn finish(mut self, failed: bool, now_ms: u64) {
        self.finished = true;
        let change = with_breaker(self.service, |breaker| {
            breaker.record(&self.policy, self.admission, failed, now_ms)
        });
        if let Some(change) = change {
            log(self.service, change, &self.policy);
        }
    }
}

impl Drop for Pass {
    fn drop(&mut self) {
        if !self.finished {
            with_breaker(self.service, |breaker| breaker.abandon(self.admission));
        }
    }
}

#[derive(Serialize)]
struct BreakerLog<'a> {
    breaker: &'a str,
    state: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    cool_down_ms: Option<u64>,
}

fn log(service: Service, change: Change, policy: &BreakerPolicy) {
    let line = BreakerLog {
        breaker: service.name(),
        state: match change {
            Change::Opened => "open",
            Change::Closed => "closed",
        },
        cool_down_ms: (change == Change::Opened).then_some(policy.cool_down_ms),
    };
    if let Ok(line) = serde_json::to_string(&line) {
        console_log!("{line}");
    }
}
