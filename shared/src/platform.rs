//! The platform calls on every request's path, each one call into JavaScript
//! (`shared/js/platform.js`) instead of the dozens the general-purpose bindings make.
//!
//! Profiles of the Workers' isolates showed most of a request's CPU time in the crossings between
//! wasm and JavaScript, not in Rust: every string encoded across, every handle, every closure.
//! Reading an origin's body through a stream reader chunk by chunk, aborting every finished
//! fetch, a wasm timer per call for its timeout, building headers one `set` at a time, getting
//! each of a KV binding's five methods on every request: each was a crossing or several. Here
//! the request's head and the response's headers cross as one string each, an origin exchange is
//! one object the platform runs (its timeout is the platform's `AbortSignal.timeout`), and a KV
//! value a HIT sends on is a stream that never enters wasm memory.
//!
//! The bindings exist on `wasm32` only; native builds (the unit tests) never reach them.

use std::time::Duration;

use worker::js_sys::{Promise, Uint8Array};
use worker::wasm_bindgen::{self, JsValue, prelude::wasm_bindgen};
use worker::wasm_bindgen_futures::JsFuture;
use worker::web_sys;

#[wasm_bindgen(module = "/js/platform.js")]
extern "C" {
    #[wasm_bindgen(js_name = readHeaders)]
    fn js_read_headers(names: &str);
    #[wasm_bindgen(js_name = requestHead)]
    fn js_request_head(request: &web_sys::Request) -> String;
    #[wasm_bindgen(js_name = requestBody)]
    fn js_request_body(request: &web_sys::Request) -> Promise;
    #[wasm_bindgen(js_name = respond)]
    fn js_respond(
        status: u16,
        head: &str,
        bytes: Option<&[u8]>,
        stream: &JsValue,
    ) -> web_sys::Response;
    #[wasm_bindgen(js_name = rateLimited)]
    fn js_rate_limited(env: &JsValue, binding: &str, key: &str) -> Promise;

    type OriginExchange;
    #[wasm_bindgen(constructor)]
    fn new(
        url: &str,
        method: &str,
        request_id: &str,
        idempotency_key: Option<&str>,
        body: Option<&[u8]>,
        timeout_ms: f64,
    ) -> OriginExchange;
    #[wasm_bindgen(method, getter)]
    fn done(this: &OriginExchange) -> Promise;
    #[wasm_bindgen(method, js_name = settledWithin)]
    fn settled_within(this: &OriginExchange, ms: f64) -> Promise;
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
    fn js_cache_read(env: &JsValue, binding: &str, key: &str) -> Promise;
    #[wasm_bindgen(js_name = readStream)]
    fn js_read_stream(stream: &JsValue) -> Promise;
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
    ) -> Promise;
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
    bytes_of(JsFuture::from(js_request_body(request)).await.ok()?)
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
    let refused = JsFuture::from(js_rate_limited(env, binding, key)).await;
    refused
        .ok()
        .and_then(|value| value.as_bool())
        .unwrap_or(false)
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
    inner: OriginExchange,
    settled: bool,
}

impl Exchange {
    pub fn start(
        url: &str,
        method: &str,
        request_id: &str,
        idempotency_key: Option<&str>,
        body: Option<&[u8]>,
        timeout: Duration,
    ) -> Self {
        let timeout_ms = timeout.as_secs_f64() * 1000.0;
        Self {
            inner: OriginExchange::new(url, method, request_id, idempotency_key, body, timeout_ms),
            settled: false,
        }
    }

    /// Waits for the exchange to settle.
    pub async fn finish(&mut self) -> Exchanged {
        let outcome = JsFuture::from(self.inner.done()).await;
        self.settled = true;
        // The codes of platform.js: 0 answered, 1 timed out, anything else unreachable.
        match outcome.ok().and_then(|code| code.as_f64()) {
            Some(0.0) => match self.inner.take_body() {
                Some(body) => Exchanged::Answered {
                    status: self.inner.status(),
                    body: body.to_vec(),
                },
                None => Exchanged::Unreachable,
            },
            Some(1.0) => Exchanged::TimedOut,
            _ => Exchanged::Unreachable,
        }
    }

    /// Whether the exchange settles within `wait` (the hedge's delay); it keeps running either way.
    pub async fn settles_within(&self, wait: Duration) -> bool {
        let within = JsFuture::from(self.inner.settled_within(wait.as_secs_f64() * 1000.0)).await;
        within
            .ok()
            .and_then(|value| value.as_bool())
            .unwrap_or(true)
    }
}

impl Drop for Exchange {
    fn drop(&mut self) {
        if !self.settled {
            self.inner.cancel();
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
        let found = JsFuture::from(js_cache_read(env, binding, key))
            .await
            .ok()?;
        if found.is_null() || found.is_undefined() {
            return None;
        }
        let entry: CacheEntry = wasm_bindgen::JsCast::unchecked_into(found);
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
        let put = js_cache_put(env, binding, key, bytes, meta, ttl_seconds as f64);
        let stored = JsFuture::from(put).await;
        stored
            .ok()
            .and_then(|value| value.as_bool())
            .unwrap_or(false)
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
            Self::Stream(stream) => bytes_of(JsFuture::from(js_read_stream(&stream)).await.ok()?),
        }
    }

    /// Lets an unsent stream go.
    pub fn discard(self) {
        if let Self::Stream(stream) = self {
            js_cancel_stream(&stream);
        }
    }
}

fn bytes_of(value: JsValue) -> Option<Vec<u8>> {
    if value.is_null() || value.is_undefined() {
        return None;
    }
    Some(wasm_bindgen::JsCast::unchecked_into::<Uint8Array>(value).to_vec())
}
