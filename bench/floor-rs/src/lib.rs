//! The bench's floor (`bench/floor/worker.js`) written with workers-rs and nothing of this
//! project, the way its documentation shows: what a Rust Worker pays for the platform's
//! unavoidable work before a line of a BFF runs.
//!
//! Every request first takes the rate-limit call, then:
//! - `GET /miss/{id}?reviews=R&related=K`: the product page's origin fetches, all at once, with
//!   their bodies read (the reviews and related calls only when R or K is above zero);
//! - `GET /hit?key=K`: one KV read with its metadata, the value as the answer;
//! - `GET /static`: a fixed JSON answer, for the cold start.
//!
//! `make bench` sets it beside the floor on the floor's own requests. On a first request it shows
//! what any Rust Worker costs on this runtime: V8 compiles the wasm a request runs on its first
//! call, and the runtime drops that code again whenever another isolate starts in the process,
//! so start-up cannot do it ahead.

use std::future::Future;
use std::pin::Pin;

use futures::future::try_join_all;
use serde::Deserialize;
use worker::{Context, Env, Fetch, Headers, Request, RequestInit, Response, Result, Url, event};

#[event(fetch)]
async fn fetch(request: Request, env: Env, _ctx: Context) -> Result<Response> {
    let key = request
        .headers()
        .get("cf-connecting-ip")?
        .unwrap_or_else(|| "unknown".to_owned());
    if !env.rate_limiter("RATE_LIMITER")?.limit(key).await?.success {
        return json(r#"{"error":"rate_limited"}"#.into(), 429);
    }
    // Routed on the path workers-rs keeps, and each page's future boxed behind `dyn`: the static
    // answer's first request then compiles only its own code, as the JS floor's does, which makes
    // it the least a Rust Worker's first request can cost.
    let path = request.path();
    let mut segments = path.trim_start_matches('/').split('/');
    let page: Page<'_> = match (segments.next(), segments.next()) {
        (Some("static"), _) => return json(r#"{"ok":true}"#.into(), 200),
        (Some("miss"), Some(id)) => Box::pin(miss(&env, id, &request)),
        (Some("hit"), _) => Box::pin(hit(&env, &request)),
        _ => return json(r#"{"error":"not_found"}"#.into(), 404),
    };
    page.await
}

type Page<'a> = Pin<Box<dyn Future<Output = Result<Response>> + 'a>>;

async fn miss(env: &Env, id: &str, request: &Request) -> Result<Response> {
    let url = request.url()?;
    let base = env.var("ORIGIN_BASE_URL")?.to_string();
    let reviews = count(&url, "reviews");
    let related = count(&url, "related");
    let mut paths = vec![
        format!("/catalog/products/{id}"),
        format!("/pricing/prices/{id}"),
        format!("/inventory/stock/{id}"),
    ];
    if reviews > 0 {
        paths.push(format!(
            "/reviews/products/{id}/reviews?offset=0&limit={reviews}"
        ));
    }
    if related > 0 {
        paths.push(format!(
            "/recommendations/products/{id}/related?limit={related}"
        ));
    }
    let base = &base;
    let bodies = try_join_all(paths.iter().map(|path| async move {
        let headers = Headers::new();
        headers.set("accept", "application/json")?;
        let mut init = RequestInit::new();
        init.with_headers(headers);
        let request = Request::new_with_init(&format!("{base}{path}"), &init)?;
        let mut response = Fetch::Request(request).send().await?;
        Ok::<_, worker::Error>(response.bytes().await?.len())
    }))
    .await?;
    let sizes: Vec<String> = bodies.iter().map(usize::to_string).collect();
    json(format!(r#"{{"bytes":[{}]}}"#, sizes.join(",")), 200)
}

/// The part of a cached entry's metadata the floor answers with.
#[derive(Deserialize)]
struct EntryMetadata {
    etag: Option<String>,
}

async fn hit(env: &Env, request: &Request) -> Result<Response> {
    let key = request
        .url()?
        .query_pairs()
        .find(|(name, _)| name == "key")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    let (value, metadata) = env
        .kv("BFF_CACHE")?
        .get(&key)
        .bytes_with_metadata::<EntryMetadata>()
        .await?;
    let Some(value) = value else {
        return json(r#"{"error":"not_cached"}"#.into(), 404);
    };
    let headers = json_headers()?;
    headers.set(
        "etag",
        &metadata.and_then(|meta| meta.etag).unwrap_or_default(),
    )?;
    Ok(Response::from_bytes(value)?.with_headers(headers))
}

fn count(url: &Url, name: &str) -> u32 {
    url.query_pairs()
        .find(|(key, _)| key == name)
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0)
}

fn json_headers() -> Result<Headers> {
    let headers = Headers::new();
    headers.set("content-type", "application/json; charset=utf-8")?;
    Ok(headers)
}

fn json(body: String, status: u16) -> Result<Response> {
    Ok(Response::ok(body)?
        .with_status(status)
        .with_headers(json_headers()?))
}
