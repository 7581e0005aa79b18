//! The platform calls on every request's path, each one call into JavaScript
//! (`shared/js/platform.js`) instead of the dozens the general-purpose bindings make.
//!
//! Profiles of the Workers' isolates showed most of a request's CPU time in the crossings between
//! wasm and JavaScript, not in Rust: every string encoded across, every handle, every closure.
//! Reading an origin's body through a stream reader chunk by chunk, aborting every finished
//! fetch, a wasm timer per call for its timeout, building headers one `set` at a time, getting
//! each of a KV binding's five methods on every request, two closures made and released for
//! every promise awaited: each was a crossing or several. Here the request's head and the
//! response's headers cross as one string each, an origin exchange is one object the platform
//! runs (its timeout a platform timer shared by the calls due together), a KV value a HIT sends
//! on is a stream that never enters wasm memory, and a promise is waited on through one
//! long-lived notifier ([`Settled`]).
//!
//! The bindings exist on `wasm32` only; native builds (the unit tests) never reach them.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use worker::js_sys::Uint8Array;
use worker::wasm_bindgen::{self, JsCast, JsValue, closure::Closure, prelude::wasm_bindgen};
use worker::web_sys;

#[wasm_bindgen(module = "/js/platform.js")]
extern "C" {
    #[wasm_bindgen(js_name = setNotifier)]
    fn js_set_notifier(notifier: &Closure<dyn FnMut(u32) -> bool>);
    #[wasm_bindgen(js_name = take)]
    fn js_take(id: u32) -> JsValue;
    #[wasm_bindgen(js_name = readHeaders)]
    fn js_read_headers(names: &str);
    #[wasm_bindgen(js_name = requestHead)]
    fn js_request_head(request: &web_sys::Request) -> String;
    #[wasm_bindgen(js_name = requestBody)]
    fn js_request_body(request: &web_sys::Request) -> u32;
    #[wasm_bindgen(js_name = respond)]
    fn js_respond(
        status: u16,
        head: &str,
        bytes: Option<&[u8]>,
        stream: &JsValue,
    ) -> web_sys::Response;
    #[wasm_bindgen(js_name = rateLimited)]
    fn js_rate_limited(env: &JsValue, binding: &str, key: &str) -> u32;
    #[wasm_bindgen(js_name = fillRandom)]
    fn js_fill_random(bytes: &mut [u8]) -> bool;

    type OriginExchange;
    #[wasm_bindgen(catch, constructor)]
    fn new(
        invocation: u32,
        url: &str,
        method: &str,
        request_id: &str,
        idempotency_key: Option<&str>,
        body: Option<&[u8]>,
        timeout_ms: f64,
    ) -> Result<OriginExchange, JsValue>;
    #[wasm_bindgen(method)]
    fn track(this: &OriginExchange) -> u32;
    #[wasm_bindgen(method, js_name = trackWithin)]
    fn track_within(this: &OriginExchange, ms: f64) -> u32;
    #[wasm_bindgen(method)]
    fn cancel(this: &OriginExchange);
    #[wasm_bindgen(method, getter)]
    fn status(this: &OriginExchange) -> u16;
    #[wasm_bindgen(method, js_name = takeBody)]
    fn take_body(this: &OriginExchange) -> Option<Uint8Array>;

    type CacheEntry;
    #[wasm_bindgen(method, getter)]
    fn meta(this: &CacheEntry) -> String;
    #[wasm_bindgen(method, getter)]
    fn value(this: &CacheEntry) -> JsValue;
    #[wasm_bindgen(js_name = cacheRead)]
    fn js_cache_read(env: &JsValue, binding: &str, key: &str) -> u32;
    #[wasm_bindgen(js_name = readStream)]
    fn js_read_stream(stream: &JsValue) -> u32;
    #[wasm_bindgen(js_name = cancelStream)]
    fn js_cancel_stream(stream: &JsValue);
    #[wasm_bindgen(js_name = cachePut)]
    fn js_cache_put(
        env: &JsValue,
        binding: &str,
        key: &str,
        bytes: &[u8],
        meta: &str,
        ttl: f64,
    ) -> u32;
}

/// Promises being waited on, by the number the JavaScript side gave them.
#[derive(Default)]
struct Waiting {
    entries: Vec<(u32, Slot)>,
}

enum Slot {
    Pending(Option<Waker>),
    Settled,
}

thread_local! {
    static WAITING: RefCell<Waiting> = RefCell::new(Waiting::default());
    static NOTIFIER_SET: Cell<bool> = const { Cell::new(false) };
}

/// Installs the notifier once per isolate: it marks a promise settled and wakes its waiter, and
/// says whether anyone still waits (if not, the JavaScript side drops the value).
fn ensure_notifier() {
    if NOTIFIER_SET.with(|set| set.replace(true)) {
        return;
    }
    let notifier = Closure::<dyn FnMut(u32) -> bool>::new(|id: u32| {
        let woken = WAITING.with(|waiting| {
            let mut waiting = waiting.try_borrow_mut().ok()?;
            let (_, slot) = waiting.entries.iter_mut().find(|(known, _)| *known == id)?;
            match std::mem::replace(slot, Slot::Settled) {
                Slot::Pending(waker) => Some(waker),
                Slot::Settled => Some(None),
            }
        });
        let Some(waker) = woken else {
            return false;
        };
        // A request's task polls right here, in this callback (see `task`).
        crate::task::in_callback(|| waker.map(Waker::wake));
        true
    });
    js_set_notifier(&notifier);
    // It lives as long as the isolate.
    notifier.forget();
}

/// The value of a promise the JavaScript side tracks under `id`, once it has settled. Dropped
/// before, it stops waiting and the value is let go.
pub struct Settled {
    id: u32,
    done: bool,
}

impl Settled {
    fn new(id: u32) -> Self {
        WAITING.with(|waiting| {
            waiting.borrow_mut().entries.push((id, Slot::Pending(None)));
        });
        Self { id, done: false }
    }

    fn forget(&self) {
        WAITING.with(|waiting| {
            if let Ok(mut waiting) = waiting.try_borrow_mut() {
                waiting.entries.retain(|(known, _)| *known != self.id);
            }
        });
    }
}

impl Future for Settled {
    type Output = JsValue;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<JsValue> {
        let settled = WAITING.with(|waiting| {
            let mut waiting = waiting.borrow_mut();
            match waiting
                .entries
                .iter_mut()
                .find(|(known, _)| *known == self.id)
            {
                Some((_, Slot::Settled)) | None => true,
                Some((_, Slot::Pending(waker))) => {
                    *waker = Some(cx.waker().clone());
                    false
                }
            }
        });
        if !settled {
            return Poll::Pending;
        }
        self.forget();
        self.done = true;
        Poll::Ready(js_take(self.id))
    }
}

impl Drop for Settled {
    fn drop(&mut self) {
        if !self.done {
            self.forget();
        }
    }
}

/// Waits for the promise the JavaScript side tracks under the number `track` returns.
fn settled(track: impl FnOnce() -> u32) -> Settled {
    ensure_notifier();
    Settled::new(track())
}

/// Milliseconds since the epoch, by the platform's clock (which, on Workers, advances with I/O),
/// read once per poll of a request's task ([`crate::task::turn_clock`]).
pub fn now_ms() -> u64 {
    crate::task::turn_clock(read_clock)
}

/// A static call: `worker::Date::now()` builds a JS `Date` object every time.
fn read_clock() -> u64 {
    let now = worker::js_sys::Date::now();
    if now.is_finite() && now > 0.0 {
        now as u64
    } else {
        0
    }
}

/// Fills `bytes` from the platform's CSPRNG (WebCrypto's `getRandomValues`, at most 64 KiB);
/// false if it failed. One call: the `getrandom` crate's browser-and-Node lookup cost every
/// isolate's first request 2 KB of wasm to compile, and seven imports at start-up.
#[cfg(target_arch = "wasm32")]
pub fn fill_random(bytes: &mut [u8]) -> bool {
    js_fill_random(bytes)
}

/// Natively (the unit tests), the operating system's.
#[cfg(not(target_arch = "wasm32"))]
pub fn fill_random(bytes: &mut [u8]) -> bool {
    getrandom::getrandom(bytes).is_ok()
}

/// Tells the JavaScript side which request headers [`request_head`] reads (once per isolate).
pub fn read_headers(names: &[&str]) {
    js_read_headers(&names.join("\n"));
}

/// The method, the URL and the values of the headers set with [`read_headers`], in that order,
/// one per line (`"\0"` for an absent header).
pub fn request_head(request: &web_sys::Request) -> String {
    js_request_head(request)
}

/// The request's body, read whole; `None` if it cannot be read.
pub async fn request_body(request: &web_sys::Request) -> Option<Vec<u8>> {
    bytes_of(settled(|| js_request_body(request)).await)
}

/// What a response carries.
#[derive(Debug)]
pub enum Body {
    Bytes(Vec<u8>),
    /// A stream the platform passes through (a KV value).
    Stream(JsValue),
}

/// Builds the response: `head` holds the headers as `name\nvalue\n` pairs.
pub fn respond(status: u16, head: &str, body: &Body) -> web_sys::Response {
    match body {
        Body::Bytes(bytes) => js_respond(status, head, Some(bytes), &JsValue::UNDEFINED),
        Body::Stream(stream) => js_respond(status, head, None, stream),
    }
}

/// Whether the rate limiter bound as `binding` refuses `key` (never, without the binding or
/// when it fails).
pub async fn rate_limited(env: &worker::Env, binding: &str, key: &str) -> bool {
    let refused = settled(|| js_rate_limited(env, binding, key)).await;
    refused.as_bool().unwrap_or(false)
}

/// How an origin exchange ended.
#[derive(Debug)]
pub enum Exchanged {
    Answered { status: u16, body: Vec<u8> },
    TimedOut,
    Unreachable,
}

/// One HTTP exchange with an origin, run by the platform from the moment it is started: the
/// request sent, the whole body read, all within `timeout`. Dropped before it has settled, it
/// is aborted (a lost hedge, a page that already failed); once settled, it costs nothing more.
pub struct Exchange {
    inner: Option<OriginExchange>,
    settled: bool,
}

impl Exchange {
    /// `invocation` numbers the request the exchange belongs to: the platform cancels a
    /// request's timers when it ends, so only exchanges of one invocation share a timer.
    pub fn start(
        invocation: u32,
        url: &str,
        method: &str,
        request_id: &str,
        idempotency_key: Option<&str>,
        body: Option<&[u8]>,
        timeout: Duration,
    ) -> Self {
        let timeout_ms = timeout.as_secs_f64() * 1000.0;
        let inner = OriginExchange::new(
            invocation,
            url,
            method,
            request_id,
            idempotency_key,
            body,
            timeout_ms,
        )
        .ok();
        Self {
            inner,
            settled: false,
        }
    }

    /// Waits for the exchange to settle.
    pub async fn finish(&mut self) -> Exchanged {
        let Some(inner) = &self.inner else {
            return Exchanged::Unreachable;
        };
        let outcome = settled(|| inner.track()).await;
        self.settle(outcome).unwrap_or(Exchanged::Unreachable)
    }

    /// Waits at most `wait` (a hedge's delay) for the exchange to settle: `None` if it is still
    /// running, and it keeps running.
    pub async fn finish_within(&mut self, wait: Duration) -> Option<Exchanged> {
        let Some(inner) = &self.inner else {
            return Some(Exchanged::Unreachable);
        };
        let outcome = settled(|| inner.track_within(wait.as_secs_f64() * 1000.0)).await;
        self.settle(outcome)
    }

    /// The codes of platform.js: 0 answered, 1 timed out, 4 still running, else unreachable.
    fn settle(&mut self, outcome: JsValue) -> Option<Exchanged> {
        let code = outcome.as_f64();
        if code == Some(4.0) {
            return None;
        }
        self.settled = true;
        let inner = self.inner.as_ref()?;
        Some(match code {
            Some(0.0) => match inner.take_body() {
                Some(body) => Exchanged::Answered {
                    status: inner.status(),
                    body: body.to_vec(),
                },
                None => Exchanged::Unreachable,
            },
            Some(1.0) => Exchanged::TimedOut,
            _ => Exchanged::Unreachable,
        })
    }
}

impl Drop for Exchange {
    fn drop(&mut self) {
        if let (false, Some(inner)) = (self.settled, &self.inner) {
            inner.cancel();
        }
    }
}

/// A KV entry read with its metadata; its value is a stream that stays out of wasm until asked.
#[derive(Debug)]
pub struct KvEntry {
    /// The entry's metadata, as JSON.
    pub meta: String,
    value: Option<JsValue>,
}

impl KvEntry {
    /// Reads `key` from the KV namespace bound as `binding`: `None` when it has no entry (or no
    /// metadata), or the read failed (logged).
    pub async fn read(env: &worker::Env, binding: &str, key: &str) -> Option<Self> {
        let found = settled(|| js_cache_read(env, binding, key)).await;
        if found.is_null() || found.is_undefined() {
            return None;
        }
        let entry: CacheEntry = found.unchecked_into();
        Some(Self {
            meta: entry.meta(),
            value: Some(entry.value()),
        })
    }

    /// Stores `bytes` under `key` in the KV namespace bound as `binding`, with `meta` (JSON) as
    /// its metadata, expiring after `ttl_seconds`; whether it was stored (failures are logged).
    pub async fn write(
        env: &worker::Env,
        binding: &str,
        key: &str,
        bytes: &[u8],
        meta: &str,
        ttl_seconds: u64,
    ) -> bool {
        let stored =
            settled(|| js_cache_put(env, binding, key, bytes, meta, ttl_seconds as f64)).await;
        stored.as_bool().unwrap_or(false)
    }

    /// The value, to pass on as a response body unread.
    pub fn into_body(mut self) -> Body {
        match self.value.take() {
            Some(stream) => Body::Stream(stream),
            None => Body::Bytes(Vec::new()),
        }
    }
}

impl Drop for KvEntry {
    fn drop(&mut self) {
        if let Some(stream) = self.value.take() {
            js_cancel_stream(&stream);
        }
    }
}

impl Body {
    /// The body's bytes, reading a stream whole; `None` if it cannot be read.
    pub async fn into_bytes(self) -> Option<Vec<u8>> {
        match self {
            Self::Bytes(bytes) => Some(bytes),
            Self::Stream(stream) => bytes_of(settled(|| js_read_stream(&stream)).await),
        }
    }
}

fn bytes_of(value: JsValue) -> Option<Vec<u8>> {
    if value.is_null() || value.is_undefined() {
        return None;
    }
    Some(value.unchecked_into::<Uint8Array>().to_vec())
}
