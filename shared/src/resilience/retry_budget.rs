//! The retry budget: retries may add at most a fixed share to the calls made over a sliding
//! window (plus a small floor, so a quiet isolate can still retry a one-off failure). When an
//! origin is down, every call fails and wants a retry; the budget keeps us from doubling the load
//! on it exactly when it can least take it.

use std::collections::VecDeque;

#[derive(Debug)]
pub struct RetryBudget {
    window_ms: u64,
    percent: u32,
    floor: u32,
    calls: VecDeque<u64>,
    retries: VecDeque<u64>,
}

impl RetryBudget {
    pub fn new(window_ms: u64, percent: u32, floor: u32) -> Self {
        Self {
            window_ms,
            percent,
            floor,
            calls: VecDeque::new(),
            retries: VecDeque::new(),
        }
    }

    /// Counts a first attempt (not a retry) made at `now_ms`.
    pub fn record_call(&mut self, now_ms: u64) {
        self.forget_before(now_ms);
        self.calls.push_back(now_ms);
    }

    /// Takes one retry from the budget if it allows one at `now_ms`.
    pub fn try_retry(&mut self, now_ms: u64) -> bool {
        self.forget_before(now_ms);
        let calls = u64::try_from(self.calls.len()).unwrap_or(u64::MAX);
        let allowed = u64::from(self.floor) + calls * u64::from(self.percent) / 100;
        if u64::try_from(self.retries.len()).unwrap_or(u64::MAX) < allowed {
            self.retries.push_back(now_ms);
            true
        } else {
            false
        }
    }

    fn forget_before(&mut self, now_ms: u64) {
        let horizon = now_ms.saturating_sub(self.window_ms);
        for times in [&mut self.calls, &mut self.retries] {
            while times.front().is_some_and(|t| *t < horizon) {
                times.pop_front();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_floor_allows_a_few_retries_without_traffic() {
        let mut budget = RetryBudget::new(10_000, 10, 2);
        assert!(budget.try_retry(0));
        assert!(budget.try_retry(1));
        assert!(!budget.try_retry(2));
    }

    #[test]
    fn retries_stay_within_the_share_of_calls() {
        let mut budget = RetryBudget::new(10_000, 10, 0);
        let mut granted = 0;
        for t in 0..200 {
            budget.record_call(t);
            if budget.try_retry(t) {
                granted += 1;
            }
        }
        assert_eq!(granted, 20);
    }

    #[test]
    fn the_window_slides() {
        let mut budget = RetryBudget::new(1_000, 10, 1);
        assert!(budget.try_retry(0));
        assert!(!budget.try_retry(500));
        assert!(budget.try_retry(1_600));
        for t in 1_600..1_650 {
            budget.record_call(t);
        }
        // floor 1 (used) + 10% of 50 calls = 5 more.
        let granted = (0..10).filter(|_| budget.try_retry(1_650)).count();
        assert_eq!(granted, 5);
    }
}
