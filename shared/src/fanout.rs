//! Fan-out: a page is several origin calls made at once, each a required or an optional part.
//!
//! The calls run concurrently under `futures::try_join!` (re-exported here): every call is started
//! before any is awaited, so the page costs its slowest call, not the sum. A [`required`] part that
//! fails ends the fan-out at once; the calls still running are dropped, which aborts their
//! fetches, so a failed page answers without waiting for its slowest part. An [`optional`] part
//! never fails the fan-out; [`Parts`] settles it afterwards, naming it in `degraded` if it failed.

use std::future::Future;

pub use futures::try_join;

use crate::error::BffError;

/// A part the page cannot exist without: its failure is the request's failure.
pub async fn required<T, E>(call: impl Future<Output = Result<T, E>>) -> Result<T, BffError>
where
    BffError: From<E>,
{
    call.await.map_err(BffError::from)
}

/// A part the page can do without: its outcome is kept for [`Parts::optional`] to settle.
pub async fn optional<T, E>(
    call: impl Future<Output = Result<T, E>>,
) -> Result<Result<T, E>, BffError> {
    Ok(call.await)
}

/// An optional part that a frontend's profile may not want at all: then it is not called and
/// the page is not degraded for its absence.
pub async fn optional_if<T, E>(
    wanted: bool,
    call: impl Future<Output = Result<T, E>>,
) -> Result<Result<Option<T>, E>, BffError> {
    if wanted {
        Ok(call.await.map(Some))
    } else {
        Ok(Ok(None))
    }
}

/// Settles the optional parts of one fan-out.
#[derive(Debug, Default)]
pub struct Parts {
    degraded: Vec<&'static str>,
}

impl Parts {
    /// Keeps an optional part's value, or marks the response degraded under `name`.
    pub fn optional<T, E>(&mut self, name: &'static str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(_) => {
                if !self.degraded.contains(&name) {
                    self.degraded.push(name);
                }
                None
            }
        }
    }

    /// Names of the optional parts that are missing, in the order they were settled.
    pub fn into_degraded(self) -> Vec<&'static str> {
        self.degraded
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::origin::{Failure, OriginError, Service};
    use futures::executor::block_on;
    use std::cell::RefCell;
    use std::future::Future;
    use std::pin::Pin;
    use std::task::{Context, Poll};

    /// A future that is pending on its first poll, recording when it was first polled.
    struct Step<'a> {
        name: &'static str,
        log: &'a RefCell<Vec<String>>,
        polled: bool,
    }

    impl Future for Step<'_> {
        type Output = &'static str;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
            if self.polled {
                self.log.borrow_mut().push(format!("end {}", self.name));
                Poll::Ready(self.name)
            } else {
                self.polled = true;
                self.log.borrow_mut().push(format!("start {}", self.name));
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }

    async fn ok_step(step: Step<'_>) -> Result<&'static str, OriginError> {
        Ok(step.await)
    }

    #[test]
    fn every_call_starts_before_any_finishes() {
        let log = RefCell::new(Vec::new());
        let step = |name| Step {
            name,
            log: &log,
            polled: false,
        };
        let joined = block_on(async {
            try_join!(
                required(ok_step(step("a"))),
                optional(ok_step(step("b"))),
                required(ok_step(step("c"))),
            )
        });
        let (a, b, c) = joined.unwrap();
        assert_eq!((a, b.unwrap(), c), ("a", "b", "c"));
        let log = log.into_inner();
        let first_end = log.iter().position(|e| e.starts_with("end")).unwrap();
        assert_eq!(first_end, 3, "{log:?}");
    }

    #[test]
    fn a_failed_required_part_ends_the_fan_out_without_waiting() {
        let log = RefCell::new(Vec::new());
        let slow = Step {
            name: "slow",
            log: &log,
            polled: false,
        };
        let failed =
            async { Err::<u8, _>(OriginError::new(Service::Catalog, Failure::Unreachable)) };
        let joined = block_on(async { try_join!(optional(ok_step(slow)), required(failed)) });
        assert_eq!(joined.unwrap_err().status(), 503);
        assert_eq!(log.into_inner(), vec!["start slow"]);
    }

    #[test]
    fn optional_failures_degrade() {
        let mut parts = Parts::default();
        let reviews: Result<u8, OriginError> =
            Err(OriginError::new(Service::Reviews, Failure::Timeout));
        assert_eq!(parts.optional("reviews", reviews), None);
        assert_eq!(parts.optional("related", Ok::<_, OriginError>(3)), Some(3));
        assert_eq!(parts.into_degraded(), vec!["reviews"]);
    }

    #[test]
    fn nothing_missing_means_not_degraded() {
        let mut parts = Parts::default();
        assert_eq!(parts.optional("reviews", Ok::<_, OriginError>(1)), Some(1));
        assert!(parts.into_degraded().is_empty());
    }
}
