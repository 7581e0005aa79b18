//! `Server-Timing`: what each origin call cost, visible in the browser's devtools and in logs.
//!
//! Origin calls of one request run concurrently and each records its own entry, so the recorder
//! is a shared, cheaply cloned handle (a Worker request runs on one thread).

use std::cell::RefCell;
use std::fmt::Write as _;
use std::rc::Rc;

pub const HEADER: &str = "server-timing";

/// How one timed step ended; lands in the entry's `desc`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Timeout,
    Status,
    Unreachable,
    BadBody,
    /// Succeeded on a retry.
    Retried,
    /// Succeeded through the hedged (second) request.
    Hedged,
    /// Not sent: the invocation's subrequest budget was spent.
    Skipped,
    /// Abandoned because a required part of the same page had already failed.
    Cancelled,
    /// Not sent: the origin's circuit breaker is open.
    Open,
}

impl Outcome {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Timeout => "timeout",
            Self::Status => "status",
            Self::Unreachable => "unreachable",
            Self::BadBody => "bad-body",
            Self::Retried => "retried",
            Self::Hedged => "hedged",
            Self::Skipped => "skipped",
            Self::Cancelled => "cancelled",
            Self::Open => "open",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub name: &'static str,
    pub duration_ms: f64,
    /// An [`Outcome`] for origin calls; the cache's own words (`hit`, `stale-if-error`, …) for it.
    pub desc: &'static str,
}

/// Collects entries from the concurrent steps of one request.
#[derive(Clone, Debug, Default)]
pub struct Timings(Rc<RefCell<Vec<Entry>>>);

impl Timings {
    pub fn record(&self, name: &'static str, duration_ms: f64, outcome: Outcome) {
        self.record_desc(name, duration_ms, outcome.as_str());
    }

    pub fn record_desc(&self, name: &'static str, duration_ms: f64, desc: &'static str) {
        self.0.borrow_mut().push(Entry {
            name,
            duration_ms,
            desc,
        });
    }

    pub fn entries(&self) -> Vec<Entry> {
        self.0.borrow().clone()
    }

    pub fn is_empty(&self) -> bool {
        self.0.borrow().is_empty()
    }

    /// The header value, with a closing `total` entry for the whole request.
    pub fn header_value(&self, total_ms: f64) -> String {
        let mut value = String::new();
        for entry in self.0.borrow().iter() {
            let _ = write!(
                value,
                "{};dur={};desc=\"{}\", ",
                entry.name,
                Tenths(entry.duration_ms),
                entry.desc
            );
        }
        let _ = write!(value, "total;dur={}", Tenths(total_ms));
        value
    }
}

/// Milliseconds with one decimal, rounded; negative or not a number counts as zero. Written by
/// hand: the general float formatting is some 14 KB of wasm and slow, for a number that is, on
/// this platform, a whole number of milliseconds anyway.
struct Tenths(f64);

impl std::fmt::Display for Tenths {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tenths = (self.0 * 10.0).round();
        let tenths = if tenths.is_finite() && tenths > 0.0 {
            tenths.min(u64::MAX as f64) as u64
        } else {
            0
        };
        write!(f, "{}.{}", tenths / 10, tenths % 10)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_one_entry_per_step_then_total() {
        let timings = Timings::default();
        let handle = timings.clone();
        handle.record("catalog", 12.34, Outcome::Ok);
        handle.record("reviews", 250.0, Outcome::Timeout);
        assert_eq!(
            timings.header_value(260.05),
            "catalog;dur=12.3;desc=\"ok\", reviews;dur=250.0;desc=\"timeout\", total;dur=260.1"
        );
    }

    #[test]
    fn durations_have_one_decimal_and_no_negatives() {
        let timings = Timings::default();
        timings.record("a", -3.0, Outcome::Ok);
        timings.record("b", f64::NAN, Outcome::Ok);
        timings.record("c", 0.04, Outcome::Ok);
        timings.record("d", 1234.56, Outcome::Ok);
        assert_eq!(
            timings.header_value(f64::INFINITY),
            "a;dur=0.0;desc=\"ok\", b;dur=0.0;desc=\"ok\", c;dur=0.0;desc=\"ok\", \
             d;dur=1234.6;desc=\"ok\", total;dur=0.0"
        );
    }

    #[test]
    fn empty_recorder_still_reports_total() {
        assert_eq!(Timings::default().header_value(1.0), "total;dur=1.0");
    }
}
