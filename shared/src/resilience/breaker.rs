//! A circuit breaker per origin: after `failures` consecutive failed calls (errors, 5xx,
//! timeouts) within `window_ms`, the origin is *open* and calls to it fail at once for
//! `cool_down_ms`, instead of each waiting for its timeout. Then one trial call is let through
//! (*half-open*): its success closes the breaker, its failure opens it for another cool-down.
//!
//! A hung origin otherwise costs every request its full timeout; with the breaker, the requests
//! after the first few degrade (optional parts) or fail fast (required parts) until it is back.
//! Pure state with injected time, so it is tested natively; the origin client keeps one per
//! origin per isolate.

/// When a breaker opens and for how long. `failures == 0` turns breaking off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BreakerPolicy {
    pub failures: u32,
    pub window_ms: u64,
    pub cool_down_ms: u64,
}

impl Default for BreakerPolicy {
    fn default() -> Self {
        Self {
            failures: 5,
            window_ms: 10_000,
            cool_down_ms: 5_000,
        }
    }
}

impl BreakerPolicy {
    pub const fn enabled(&self) -> bool {
        self.failures > 0
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    Closed,
    Open,
    HalfOpen,
}

/// What a call may do now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admission {
    /// Call as usual.
    Call,
    /// Call: this is the one trial of a half-open breaker, and its outcome decides.
    Trial,
    /// Do not call: fail at once.
    Refuse,
}

/// A change worth a log line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Opened,
    Closed,
}

#[derive(Clone, Debug)]
pub struct Breaker {
    state: State,
    /// Consecutive failures, and when the first of them happened.
    streak: u32,
    streak_started_ms: u64,
    open_until_ms: u64,
    trial_running: bool,
}

impl Default for Breaker {
    fn default() -> Self {
        Self::new()
    }
}

impl Breaker {
    pub const fn new() -> Self {
        Self {
            state: State::Closed,
            streak: 0,
            streak_started_ms: 0,
            open_until_ms: 0,
            trial_running: false,
        }
    }

    pub const fn state(&self) -> State {
        self.state
    }

    /// Whether a call may go out at `now_ms`.
    pub fn admit(&mut self, policy: &BreakerPolicy, now_ms: u64) -> Admission {
        if !policy.enabled() {
            return Admission::Call;
        }
        match self.state {
            State::Closed => Admission::Call,
            State::Open if now_ms < self.open_until_ms => Admission::Refuse,
            State::Open | State::HalfOpen if !self.trial_running => {
                self.state = State::HalfOpen;
                self.trial_running = true;
                Admission::Trial
            }
            State::Open | State::HalfOpen => Admission::Refuse,
        }
    }

    /// Records how an admitted call ended at `now_ms`; returns the change of state, if any.
    pub fn record(
        &mut self,
        policy: &BreakerPolicy,
        admission: Admission,
        failed: bool,
        now_ms: u64,
    ) -> Option<Change> {
        match admission {
            Admission::Refuse => None,
            Admission::Trial => {
                self.trial_running = false;
                if failed {
                    self.open(policy, now_ms);
                    Some(Change::Opened)
                } else {
                    self.state = State::Closed;
                    self.streak = 0;
                    Some(Change::Closed)
                }
            }
            // Late answers of calls admitted before the breaker opened change nothing.
            Admission::Call if self.state != State::Closed || !policy.enabled() => None,
            Admission::Call if !failed => {
                self.streak = 0;
                None
            }
            Admission::Call => {
                let stale = now_ms.saturating_sub(self.streak_started_ms) > policy.window_ms;
                if self.streak == 0 || stale {
                    self.streak = 1;
                    self.streak_started_ms = now_ms;
                } else {
                    self.streak = self.streak.saturating_add(1);
                }
                if self.streak >= policy.failures {
                    self.open(policy, now_ms);
                    Some(Change::Opened)
                } else {
                    None
                }
            }
        }
    }

    /// A trial call that ended without an outcome (its request went away): the next call may
    /// try instead.
    pub fn abandon(&mut self, admission: Admission) {
        if admission == Admission::Trial {
            self.trial_running = false;
        }
    }

    fn open(&mut self, policy: &BreakerPolicy, now_ms: u64) {
        self.state = State::Open;
        self.streak = 0;
        self.open_until_ms = now_ms.saturating_add(policy.cool_down_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const POLICY: BreakerPolicy = BreakerPolicy {
        failures: 3,
        window_ms: 1_000,
        cool_down_ms: 5_000,
    };

    /// Admits a call at `now` and records its outcome; returns the admission and the change.
    fn call(breaker: &mut Breaker, now: u64, failed: bool) -> (Admission, Option<Change>) {
        let admission = breaker.admit(&POLICY, now);
        let change = breaker.record(&POLICY, admission, failed, now);
        (admission, change)
    }

    #[test]
    fn opens_after_consecutive_failures_within_the_window() {
        let mut breaker = Breaker::new();
        assert_eq!(call(&mut breaker, 0, true), (Admission::Call, None));
        assert_eq!(call(&mut breaker, 10, true), (Admission::Call, None));
        assert_eq!(
            call(&mut breaker, 20, true),
            (Admission::Call, Some(Change::Opened))
        );
        assert_eq!(breaker.state(), State::Open);
        assert_eq!(breaker.admit(&POLICY, 30), Admission::Refuse);
        assert_eq!(breaker.admit(&POLICY, 5_019), Admission::Refuse);
    }

    #[test]
    fn a_success_or_a_stale_streak_starts_counting_again() {
        let mut breaker = Breaker::new();
        call(&mut breaker, 0, true);
        call(&mut breaker, 10, true);
        call(&mut breaker, 20, false);
        assert_eq!(call(&mut breaker, 30, true).1, None);
        assert_eq!(call(&mut breaker, 40, true).1, None);
        // The third failure comes after the window of the streak's first: a new streak.
        assert_eq!(call(&mut breaker, 1_100, true).1, None);
        assert_eq!(breaker.state(), State::Closed);
        assert_eq!(call(&mut breaker, 1_110, true).1, None);
        assert_eq!(call(&mut breaker, 1_120, true).1, Some(Change::Opened));
    }

    #[test]
    fn after_the_cool_down_one_trial_decides() {
        let mut breaker = Breaker::new();
        for now in [0, 1, 2] {
            call(&mut breaker, now, true);
        }
        let trial = breaker.admit(&POLICY, 5_002);
        assert_eq!(trial, Admission::Trial);
        assert_eq!(breaker.state(), State::HalfOpen);
        // While the trial runs, everyone else still fails fast.
        assert_eq!(breaker.admit(&POLICY, 5_003), Admission::Refuse);
        assert_eq!(
            breaker.record(&POLICY, trial, false, 5_010),
            Some(Change::Closed)
        );
        assert_eq!(breaker.state(), State::Closed);
        assert_eq!(breaker.admit(&POLICY, 5_011), Admission::Call);
    }

    #[test]
    fn a_failed_trial_opens_for_another_cool_down() {
        let mut breaker = Breaker::new();
        for now in [0, 1, 2] {
            call(&mut breaker, now, true);
        }
        assert_eq!(
            call(&mut breaker, 6_000, true),
            (Admission::Trial, Some(Change::Opened))
        );
        assert_eq!(breaker.admit(&POLICY, 10_999), Admission::Refuse);
        assert_eq!(breaker.admit(&POLICY, 11_000), Admission::Trial);
    }

    #[test]
    fn an_abandoned_trial_lets_the_next_call_try() {
        let mut breaker = Breaker::new();
        for now in [0, 1, 2] {
            call(&mut breaker, now, true);
        }
        let trial = breaker.admit(&POLICY, 5_002);
        breaker.abandon(trial);
        assert_eq!(breaker.admit(&POLICY, 5_003), Admission::Trial);
    }

    #[test]
    fn late_answers_and_a_disabled_policy_change_nothing() {
        let mut breaker = Breaker::new();
        let early: Vec<Admission> = (0..5).map(|_| breaker.admit(&POLICY, 0)).collect();
        for (i, admission) in early.iter().take(3).enumerate() {
            breaker.record(&POLICY, *admission, true, i as u64);
        }
        assert_eq!(breaker.state(), State::Open);
        // Calls admitted before it opened come back: neither failure nor success counts.
        assert_eq!(breaker.record(&POLICY, early[3], false, 5), None);
        assert_eq!(breaker.record(&POLICY, early[4], true, 6), None);
        assert_eq!(breaker.state(), State::Open);

        let off = BreakerPolicy {
            failures: 0,
            ..POLICY
        };
        let mut breaker = Breaker::new();
        for now in 0..100 {
            let admission = breaker.admit(&off, now);
            assert_eq!(admission, Admission::Call);
            assert_eq!(breaker.record(&off, admission, true, now), None);
        }
    }

    #[test]
    fn extreme_clocks_do_not_overflow() {
        let mut breaker = Breaker::new();
        for _ in 0..3 {
            call(&mut breaker, u64::MAX, true);
        }
        assert_eq!(breaker.state(), State::Open);
        assert_eq!(breaker.admit(&POLICY, u64::MAX), Admission::Trial);
    }
}
