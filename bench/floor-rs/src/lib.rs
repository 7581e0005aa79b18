//! The floor's static answer (`bench/floor/worker.js`, `GET /static`) written with workers-rs and
//! nothing of this project: the rate-limit call, then a fixed JSON answer.
//!
//! `make bench` starts it fresh beside the floor to show what the first request of any Rust
//! Worker costs on this runtime before a line of a BFF runs: V8 compiles the wasm a request runs
//! on its first call, and the runtime drops that code again whenever another isolate starts in
//! the process, so start-up cannot do it ahead.

use worker::{Context, Env, Headers, Request, Response, Result, event};

#[event(fetch)]
async fn fetch(request: Request, env: Env, _ctx: Context) -> Result<Response> {
    let key = request
        .headers()
        .get("cf-connecting-ip")?
        .unwrap_or_else(|| "unknown".to_owned());
    let outcome = env.rate_limiter("RATE_LIMITER")?.limit(key).await?;
    let (body, status) = if outcome.success {
        (r#"{"ok":true}"#, 200)
    } else {
        (r#"{"error":"rate_limited"}"#, 429)
    };
    let headers = Headers::new();
    headers.set("content-type", "application/json; charset=utf-8")?;
    Ok(Response::ok(body)?
        .with_status(status)
        .with_headers(headers))
}
