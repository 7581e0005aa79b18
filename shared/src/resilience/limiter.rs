//! A concurrency limit for one Worker invocation: at most N origin connections open at once
//! (the platform allows six), the rest wait their turn instead of failing.
//!
//! A Worker invocation runs on one thread, so this is a plain counter with a waiting list rather
//! than an atomic semaphore.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

#[derive(Clone, Debug)]
pub struct Limiter(Rc<RefCell<State>>);

#[derive(Debug)]
struct State {
    available: usize,
    waiting: Vec<Waker>,
}

impl Limiter {
    pub fn new(permits: usize) -> Self {
        Self(Rc::new(RefCell::new(State {
            available: permits,
            waiting: Vec::new(),
        })))
    }

    /// Waits until a permit is free; the permit is returned when dropped.
    pub fn acquire(&self) -> Acquire {
        Acquire(self.clone())
    }
}

pub struct Acquire(Limiter);

impl Future for Acquire {
    type Output = Permit;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Permit> {
        let mut state = self.0.0.borrow_mut();
        if state.available > 0 {
            state.available -= 1;
            Poll::Ready(Permit(self.0.clone()))
        } else {
            state.waiting.push(cx.waker().clone());
            Poll::Pending
        }
    }
}

/// One open slot; dropping it lets a waiting call proceed.
#[derive(Debug)]
pub struct Permit(Limiter);

impl Drop for Permit {
    fn drop(&mut self) {
        let waiting = {
            let mut state = self.0.0.borrow_mut();
            state.available += 1;
            std::mem::take(&mut state.waiting)
        };
        // Wake every waiter: one takes the permit, the others queue again. Waking only one could
        // strand the rest if that one was dropped while waiting.
        for waker in waiting {
            waker.wake();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use futures::future::join_all;
    use std::cell::Cell;

    async fn yield_now() {
        let mut yielded = false;
        futures::future::poll_fn(|cx| {
            if yielded {
                Poll::Ready(())
            } else {
                yielded = true;
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        })
        .await;
    }

    #[test]
    fn never_more_than_the_limit_at_once() {
        let limiter = Limiter::new(2);
        let open = Cell::new(0);
        let peak = Cell::new(0);
        let finished = Cell::new(0);
        let task = || async {
            let _permit = limiter.acquire().await;
            open.set(open.get() + 1);
            peak.set(peak.get().max(open.get()));
            // Let the others run while this one holds its permit.
            yield_now().await;
            open.set(open.get() - 1);
            finished.set(finished.get() + 1);
        };
        block_on(join_all((0..7).map(|_| task())));
        assert_eq!(peak.get(), 2);
        assert_eq!(finished.get(), 7);
    }

    #[test]
    fn a_waiter_dropped_in_the_queue_strands_nobody() {
        let limiter = Limiter::new(1);
        let held = block_on(limiter.acquire());
        let mut abandoned = Box::pin(limiter.acquire());
        let waker = futures::task::noop_waker();
        assert!(
            abandoned
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending()
        );
        drop(abandoned);
        drop(held);
        let _again = block_on(limiter.acquire());
    }
}
