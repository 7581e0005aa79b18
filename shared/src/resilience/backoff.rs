//! Backoff between retries: exponential with full jitter, so that many isolates retrying the same
//! failed origin spread out instead of arriving together.

use std::time::Duration;

/// The pause before retry number `retry` (0 for the first retry): a uniformly random share
/// (`random` in `[0, 1)`) of `base * 2^retry`, at most `cap`.
pub fn backoff(retry: u32, base: Duration, cap: Duration, random: f64) -> Duration {
    let ceiling = base.saturating_mul(1u32 << retry.min(16)).min(cap);
    ceiling.mul_f64(random.clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_millis(20);
    const CAP: Duration = Duration::from_millis(200);

    #[test]
    fn grows_exponentially_up_to_the_cap() {
        assert_eq!(backoff(0, BASE, CAP, 0.999_999).as_millis(), 19);
        assert_eq!(backoff(1, BASE, CAP, 0.999_999).as_millis(), 39);
        assert_eq!(backoff(2, BASE, CAP, 0.999_999).as_millis(), 79);
        assert_eq!(backoff(5, BASE, CAP, 1.0), CAP);
        assert_eq!(backoff(40, BASE, CAP, 1.0), CAP);
    }

    #[test]
    fn jitter_spans_zero_to_the_ceiling() {
        assert_eq!(backoff(3, BASE, CAP, 0.0), Duration::ZERO);
        assert_eq!(backoff(3, BASE, CAP, 0.5), Duration::from_millis(80));
        assert_eq!(backoff(3, BASE, CAP, -1.0), Duration::ZERO);
        assert_eq!(backoff(3, BASE, CAP, 7.0), Duration::from_millis(160));
    }
}
