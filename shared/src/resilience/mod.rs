//! What keeps a page answering when origins misbehave: a deadline for the whole request, retries
//! with jittered backoff under an isolate-wide budget, a circuit breaker per origin, and
//! per-invocation limits on subrequests and open connections. Pure logic with injected clocks and randomness, so it is tested natively;
//! the origin client applies it.

mod backoff;
mod breaker;
mod limiter;
mod retry_budget;

pub use backoff::backoff;
pub use breaker::{Admission, Breaker, BreakerPolicy, Change, State};
pub use limiter::{Limiter, Permit};
pub use retry_budget::RetryBudget;
