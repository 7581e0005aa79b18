//! Fan-out: a page is several origin calls made at once, each a required or an optional part.
//!
//! The calls themselves run concurrently with `futures::join!` (re-exported here as [`join`]):
//! every call is started before any is awaited, so the page costs the slowest call, not the sum.
//! [`Parts`] then settles the answers: a failed required part ends the request with its error, a
//! failed optional part is dropped and named in the response's `degraded` list.

pub use futures::join;

use crate::error::BffError;

/// Settles the results of one fan-out.
#[derive(Debug, Default)]
pub struct Parts {
    degraded: Vec<&'static str>,
}

impl Parts {
    /// A part the page cannot exist without: its failure is the request's failure.
    pub fn required<T, E>(&mut self, result: Result<T, E>) -> Result<T, BffError>
    where
        BffError: From<E>,
    {
        result.map_err(BffError::from)
    }

    /// A part the page can do without: its failure marks the response degraded under `name`.
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

    #[test]
    fn join_starts_every_call_before_any_finishes() {
        let log = RefCell::new(Vec::new());
        let step = |name| Step {
            name,
            log: &log,
            polled: false,
        };
        let (a, b, c) = block_on(async { join!(step("a"), step("b"), step("c")) });
        assert_eq!((a, b, c), ("a", "b", "c"));
        let log = log.into_inner();
        let first_end = log.iter().position(|e| e.starts_with("end")).unwrap();
        assert_eq!(first_end, 3, "{log:?}");
    }

    #[test]
    fn optional_failures_degrade_and_required_failures_fail() {
        let mut parts = Parts::default();
        let reviews: Result<u8, OriginError> =
            Err(OriginError::new(Service::Reviews, Failure::Timeout));
        assert_eq!(parts.optional("reviews", reviews), None);
        assert_eq!(parts.optional("related", Ok::<_, OriginError>(3)), Some(3));
        let catalog: Result<u8, OriginError> =
            Err(OriginError::new(Service::Catalog, Failure::Unreachable));
        assert_eq!(parts.required(catalog).unwrap_err().status(), 503);
        assert_eq!(parts.into_degraded(), vec!["reviews"]);
    }

    #[test]
    fn nothing_missing_means_not_degraded() {
        let mut parts = Parts::default();
        assert_eq!(parts.required(Ok::<_, OriginError>(1)).unwrap(), 1);
        assert!(parts.into_degraded().is_empty());
    }
}
