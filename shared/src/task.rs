//! Runs each request's future, polled at once when the fetch handler is called and again right
//! from the platform callback that woke it.
//!
//! The general executor (`js_sys::futures`) polls a task only from a microtask it queues on every
//! wake: for a product page, a `queueMicrotask` crossing and a crossing back for each of its
//! origin answers, and one more to start. Profiles of a cache HIT showed those hops among the
//! largest costs left. Here the first poll happens inside the fetch call, and a wake from
//! [`crate::platform`]'s notifier (an answer arriving) polls inside that same callback. A wake
//! from anywhere else (a timer, another task's poll) could arrive while Rust code is running,
//! so it only marks the task and queues one microtask to poll it: a task is never polled while
//! another poll is on the stack.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use worker::js_sys::Promise;
use worker::wasm_bindgen::{self, JsValue, closure::Closure, prelude::wasm_bindgen};

#[wasm_bindgen(module = "/js/platform.js")]
extern "C" {
    #[wasm_bindgen(js_name = startTask)]
    fn js_start_task(slot: u32) -> Promise;
    #[wasm_bindgen(js_name = finishTask)]
    fn js_finish_task(slot: u32, value: &JsValue);
    #[wasm_bindgen(js_name = setRunner)]
    fn js_set_runner(runner: &Closure<dyn FnMut()>);
    #[wasm_bindgen(js_name = scheduleRun)]
    fn js_schedule_run();
}

type Boxed = Pin<Box<dyn Future<Output = JsValue>>>;

struct Task {
    /// Out while it is being polled.
    future: Option<Boxed>,
    waker: Waker,
}

#[derive(Default)]
struct Tasks {
    slots: Vec<Option<Task>>,
    /// Woken tasks waiting to be polled, by slot.
    woken: Vec<usize>,
}

thread_local! {
    static TASKS: RefCell<Tasks> = RefCell::new(Tasks::default());
    /// A poll is on the stack: wakes are queued, never polled in place.
    static POLLING: Cell<bool> = const { Cell::new(false) };
    static RUN_SCHEDULED: Cell<bool> = const { Cell::new(false) };
    /// Inside a platform callback that polls what it wakes when it is done.
    static IN_CALLBACK: Cell<bool> = const { Cell::new(false) };
    static RUNNER_SET: Cell<bool> = const { Cell::new(false) };
    /// The platform clock as read during the poll on the stack (see [`turn_clock`]).
    static TURN_CLOCK: Cell<Option<u64>> = const { Cell::new(None) };
}

/// The platform clock, read at most once per poll: on Cloudflare the clock stands still while
/// code runs and moves only with I/O, so every read within one poll gives the same value there.
/// A product page read it some 37 times a request, each a call out of wasm. Local workerd lets
/// the clock run during code; a poll then sees the time it started at, as it would deployed.
/// Outside a poll (start-up, a Durable Object's handler) every read asks the platform.
pub(crate) fn turn_clock(read: impl FnOnce() -> u64) -> u64 {
    if !POLLING.with(Cell::get) {
        return read();
    }
    TURN_CLOCK.with(|clock| {
        clock.get().unwrap_or_else(|| {
            let now = read();
            clock.set(Some(now));
            now
        })
    })
}

/// Starts `future` as a task and returns the promise of its value: what a fetch handler returns.
pub fn run(future: impl Future<Output = JsValue> + 'static) -> Promise {
    ensure_runner();
    let slot = TASKS.with(|tasks| {
        let mut tasks = tasks.borrow_mut();
        let slot = match tasks.slots.iter().position(Option::is_none) {
            Some(free) => free,
            None => {
                tasks.slots.push(None);
                tasks.slots.len() - 1
            }
        };
        tasks.slots[slot] = Some(Task {
            future: Some(Box::pin(future)),
            waker: Waker::from(Arc::new(SlotWaker(slot))),
        });
        slot
    });
    // Before the first poll, which may finish the task at once.
    let promise = js_start_task(slot_id(slot));
    poll_now_or_later(slot);
    promise
}

/// Slots are few (one per request in flight), far below `u32::MAX`.
fn slot_id(slot: usize) -> u32 {
    u32::try_from(slot).unwrap_or(u32::MAX)
}

/// Runs `wakes` (a platform callback waking what waited for it), then polls the woken tasks
/// right away, unless a poll is on the stack.
pub(crate) fn in_callback<R>(wakes: impl FnOnce() -> R) -> R {
    let outer = IN_CALLBACK.with(|inside| inside.replace(true));
    let result = wakes();
    IN_CALLBACK.with(|inside| inside.set(outer));
    if !outer {
        run_woken();
    }
    result
}

/// Polls the woken tasks, when no poll is on the stack.
fn run_woken() {
    if POLLING.with(Cell::get) {
        return;
    }
    while let Some(slot) = TASKS.with(|tasks| tasks.borrow_mut().woken.pop()) {
        poll(slot);
    }
}

fn poll_now_or_later(slot: usize) {
    if POLLING.with(Cell::get) {
        wake(slot);
    } else {
        poll(slot);
        run_woken();
    }
}

/// One poll of the task in `slot`; a finished task resolves its promise and frees its slot.
fn poll(slot: usize) {
    let Some((mut future, waker)) = TASKS.with(|tasks| {
        let mut tasks = tasks.borrow_mut();
        tasks.woken.retain(|woken| *woken != slot);
        let task = tasks.slots.get_mut(slot).and_then(Option::as_mut)?;
        Some((task.future.take()?, task.waker.clone()))
    }) else {
        return;
    };
    let mut cx = Context::from_waker(&waker);
    let outcome = polling(|| future.as_mut().poll(&mut cx));
    let finished = TASKS.with(|tasks| {
        let mut tasks = tasks.borrow_mut();
        match outcome {
            Poll::Ready(value) => tasks
                .slots
                .get_mut(slot)
                .and_then(Option::take)
                .map(|_| value),
            Poll::Pending => {
                if let Some(task) = tasks.slots.get_mut(slot).and_then(Option::as_mut) {
                    task.future = Some(future);
                }
                None
            }
        }
    });
    if let Some(value) = finished {
        js_finish_task(slot_id(slot), &value);
    }
}

/// Runs `poll` as the poll on the stack; the clock it read is forgotten after it.
fn polling<T>(poll: impl FnOnce() -> T) -> T {
    POLLING.with(|polling| polling.set(true));
    let outcome = poll();
    POLLING.with(|polling| polling.set(false));
    TURN_CLOCK.with(|clock| clock.set(None));
    outcome
}

/// Marks the task in `slot` woken; outside the notifier, one microtask polls what is woken.
fn wake(slot: usize) {
    TASKS.with(|tasks| {
        let mut tasks = tasks.borrow_mut();
        if !tasks.woken.contains(&slot) {
            tasks.woken.push(slot);
        }
    });
    let polled_soon = IN_CALLBACK.with(Cell::get) && !POLLING.with(Cell::get);
    if !polled_soon && !RUN_SCHEDULED.with(|scheduled| scheduled.replace(true)) {
        js_schedule_run();
    }
}

fn ensure_runner() {
    if RUNNER_SET.with(|set| set.replace(true)) {
        return;
    }
    let runner = Closure::<dyn FnMut()>::new(|| {
        RUN_SCHEDULED.with(|scheduled| scheduled.set(false));
        run_woken();
    });
    js_set_runner(&runner);
    // It lives as long as the isolate.
    runner.forget();
}

/// A task's waker is its slot number; slots are reused only after their task has finished, and
/// a stale wake of a reused slot costs one extra poll of a future that is then simply pending.
struct SlotWaker(usize);

impl Wake for SlotWaker {
    fn wake(self: Arc<Self>) {
        wake(self.0);
    }

    fn wake_by_ref(self: &Arc<Self>) {
        wake(self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clock that gives a later time on every read.
    fn ticking() -> impl Fn() -> u64 {
        let reads = Cell::new(0);
        move || {
            reads.set(reads.get() + 1);
            1_000 + reads.get()
        }
    }

    #[test]
    fn the_clock_is_read_once_per_poll_and_afresh_in_the_next() {
        let clock = ticking();
        let (first, again) = polling(|| (turn_clock(&clock), turn_clock(&clock)));
        assert_eq!(first, again, "one poll sees one time");
        let next = polling(|| turn_clock(&clock));
        assert!(next > first, "the next poll reads the clock again");
    }

    #[test]
    fn outside_a_poll_every_read_asks_the_clock() {
        let clock = ticking();
        let first = turn_clock(&clock);
        assert!(turn_clock(&clock) > first);
    }
}
