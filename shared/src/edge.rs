//! The life of one request in a BFF Worker: what every handler gets (a request id, an origin
//! client that times its calls, the cache) and how every answer leaves (JSON, `x-request-id`,
//! `Server-Timing`, `ETag` and 304, `x-bff-cache`, one log line), so that no handler can forget
//! any of it.

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use worker::{Context, Date, Env, Headers, KvStore, Request, Response, console_error, console_log};

use crate::auth::csrf::{self, AllowedOrigins};
use crate::auth::{backchannel, session};
use crate::cache::{self, CacheConfig, CacheStatus, Windows};
use crate::error::{BffError, ErrorKind};
use crate::fields::FieldSet;
use crate::origin::{OriginClient, OriginConfig, Service};
use crate::pagination::CursorSigner;
use crate::params::Query;
use crate::request_id::{self, RequestId};
use crate::routing::{Found, Routes};
use crate::timing::{self, Timings};

/// The KV namespace binding every Worker caches in.
pub const CACHE_BINDING: &str = "BFF_CACHE";

/// The rate limiter binding (`[[ratelimits]]`); without it, requests are not limited.
pub const RATE_LIMIT_BINDING: &str = "RATE_LIMITER";

/// What a Worker declares about itself.
pub struct App<R: 'static> {
    /// The origins it calls; their settings are read from its vars.
    pub origins: &'static [Service],
    pub routes: &'static [(&'static str, &'static str, R)],
    /// Default cache windows per cached route, overridable from its vars.
    pub cache: &'static [(&'static str, Windows)],
    /// The Worker serves a browser app, signed in with the BFF-held session cookie, at the
    /// origins in its `ALLOWED_ORIGIN` var (a comma-separated list): CORS admits those origins
    /// (with credentials) and nothing else; requests with the cookie, and writes, must carry
    /// `X-CSRF: 1`, and writes must come from one of them (CSRF); signed-in requests are rate
    /// limited per user. Without it, no CORS is allowed at all and no origin check is needed
    /// (no ambient credentials).
    pub browser_origin: bool,
}

/// Serves one request of a Worker: routes it, lets `handle` answer the matched route, and
/// finishes the response. Everything around the handler is the same for every frontend.
pub async fn serve<R: Copy>(
    request: Request,
    env: &Env,
    ctx: Context,
    app: &App<R>,
    handle: impl AsyncFn(&Scope, Found<R>) -> Result<Reply, BffError>,
) -> worker::Result<Response> {
    let scope = Scope::begin(request, env, ctx, app);
    let outcome = match admit(&scope).await {
        Err(error) => Err(error),
        Ok(Some(preflight)) => Ok(preflight),
        Ok(None) => match Routes::new(app.routes) {
            Ok(routes) => match routes.find(scope.method(), scope.path()) {
                Ok(found) => match check_origin(&scope) {
                    Ok(()) => handle(&scope, found).await,
                    Err(error) => Err(error),
                },
                Err(error) => Err(error),
            },
            Err(invalid) => {
                console_error!("route table: {}", invalid.0);
                Err(BffError::internal("route_table_invalid"))
            }
        },
    };
    scope.finish(outcome)
}

/// The largest value of a request header the BFF reads. The platform takes far larger headers
/// (128 KB in all); none of ours is legitimately over a few hundred bytes, and checking here, up
/// front, keeps oversized values away from parsers, KV keys and origin requests.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;

/// The request headers the BFF reads.
const READ_HEADERS: &[&str] = &[
    "authorization",
    "cookie",
    "content-type",
    "content-length",
    "idempotency-key",
    "if-none-match",
    "origin",
    "referer",
    "save-data",
    "cf-connecting-ip",
    request_id::HEADER,
];

/// 431 when a header the BFF reads is over [`MAX_HEADER_BYTES`].
fn check_header_sizes(scope: &Scope) -> Result<(), BffError> {
    for name in READ_HEADERS {
        if scope
            .header(name)
            .is_some_and(|value| value.len() > MAX_HEADER_BYTES)
        {
            return Err(BffError::new(
                ErrorKind::HeaderTooLarge,
                "header_too_large",
                format!("The {name} header may be at most {MAX_HEADER_BYTES} bytes."),
            ));
        }
    }
    Ok(())
}

/// What every request passes before routing: the rate limit, header sizes and CORS preflight.
/// `Some` answers a preflight.
async fn admit(scope: &Scope) -> Result<Option<Reply>, BffError> {
    if let Ok(limiter) = scope.env.rate_limiter(RATE_LIMIT_BINDING) {
        let allowed = limiter
            .limit(rate_limit_key(scope).await)
            .await
            .map(|outcome| outcome.success);
        if matches!(allowed, Ok(false)) {
            return Err(BffError::new(
                ErrorKind::RateLimited,
                "rate_limited",
                "Too many requests; try again in a minute.",
            ));
        }
    }
    check_header_sizes(scope)?;
    let origin = scope.header("origin");
    if scope.method() == "OPTIONS" {
        return match (&scope.allowed_origins, &origin) {
            (Some(allowed), Some(origin)) if allowed.contains(origin) => {
                Ok(Some(Reply::preflight()))
            }
            _ => Err(BffError::new(
                ErrorKind::Forbidden,
                "cors_origin_not_allowed",
                "Cross-origin requests from this origin are not allowed.",
            )),
        };
    }
    Ok(None)
}

/// Who a request counts against in the rate limit: a signed-in shopper of a browser app by
/// user id (whichever address they come from), anyone else by client IP. The session is only
/// looked up for a request that could pass the CSRF check, so a forged request cannot make the
/// session object note activity.
async fn rate_limit_key(scope: &Scope) -> String {
    if scope.allowed_origins.is_some()
        && session::carries_cookie(scope)
        && csrf::require_header(scope.header(csrf::HEADER).as_deref()).is_ok()
        && let Ok(current) = session::current(scope).await
    {
        return format!("user:{}", current.user_id);
    }
    let client = scope
        .header("cf-connecting-ip")
        .unwrap_or_else(|| "unknown".to_owned());
    format!("ip:{client}")
}

/// CSRF defence of a browser app: a routed request that carries the session cookie, and every
/// routed write, must carry `X-CSRF: 1`; a write must also come from an allowed origin.
/// Operator endpoints (`/__admin/…`) and the identity service's back-channel logout are
/// server-to-server calls without cookies, and are exempt.
fn check_origin(scope: &Scope) -> Result<(), BffError> {
    let Some(allowed) = &scope.allowed_origins else {
        return Ok(());
    };
    if scope.path().starts_with("/__admin/") || scope.path() == backchannel::PATH {
        return Ok(());
    }
    let write = csrf::is_write(scope.method());
    if write || session::carries_cookie(scope) {
        csrf::require_header(scope.header(csrf::HEADER).as_deref())?;
    }
    if write {
        csrf::check(
            scope.header("origin").as_deref(),
            scope.header("referer").as_deref(),
            allowed,
        )?;
    }
    Ok(())
}

/// A handler's successful answer, before the common headers are added.
#[derive(Debug)]
pub struct Reply {
    status: u16,
    body: Vec<u8>,
    etag: Option<String>,
    cache: Option<CacheStatus>,
    /// Request headers the body depends on (`Vary`).
    vary: Vec<&'static str>,
    cookie: Option<String>,
    /// Further response headers a handler sets (such as `Clear-Site-Data`).
    headers: Vec<(&'static str, &'static str)>,
    private: bool,
}

impl Reply {
    /// A JSON answer that is not cached (and carries no validator).
    pub fn json<T: Serialize>(value: &T) -> Result<Self, BffError> {
        serde_json::to_vec(value)
            .map(|body| Self {
                status: 200,
                body,
                etag: None,
                cache: None,
                vary: Vec::new(),
                cookie: None,
                headers: Vec::new(),
                private: false,
            })
            .map_err(|_| BffError::internal("response_encoding_failed"))
    }

    /// A fixed JSON document (such as the API description), with an `ETag`.
    pub fn document(json: &'static str) -> Self {
        Self {
            status: 200,
            body: json.as_bytes().to_vec(),
            etag: Some(cache::etag(json.as_bytes())),
            cache: None,
            vary: Vec::new(),
            cookie: None,
            headers: Vec::new(),
            private: false,
        }
    }

    /// A cacheable answer: it carries its `ETag` and how the cache answered.
    pub fn cacheable(body: Vec<u8>, etag: String, cache: CacheStatus) -> Self {
        Self {
            status: 200,
            body,
            etag: Some(etag),
            cache: Some(cache),
            vary: Vec::new(),
            cookie: None,
            headers: Vec::new(),
            private: false,
        }
    }

    /// Keeps only the requested fields (sparse fieldsets); the `ETag` follows the new body.
    pub fn select(self, fields: Option<&FieldSet>) -> Result<Self, BffError> {
        let Some(fields) = fields else {
            return Ok(self);
        };
        let failed = |_| BffError::internal("response_encoding_failed");
        let full: serde_json::Value = serde_json::from_slice(&self.body).map_err(failed)?;
        let body = serde_json::to_vec(&fields.apply(&full)).map_err(failed)?;
        Ok(Self {
            etag: self.etag.map(|_| cache::etag(&body)),
            body,
            ..self
        })
    }

    /// Merges a personal part into a (cached, public) JSON body: sets `field` to `value`,
    /// recomputes the `ETag`, and marks the answer private. The cache entry stays public.
    pub fn with_personal_field(
        self,
        field: &str,
        value: serde_json::Value,
    ) -> Result<Self, BffError> {
        let failed = |_| BffError::internal("response_encoding_failed");
        let mut body: serde_json::Value = serde_json::from_slice(&self.body).map_err(failed)?;
        if let Some(object) = body.as_object_mut() {
            object.insert(field.to_owned(), value);
        }
        let body = serde_json::to_vec(&body).map_err(failed)?;
        Ok(Self {
            etag: self.etag.map(|_| cache::etag(&body)),
            body,
            private: true,
            ..self
        })
    }

    /// Personal data: `Cache-Control: private, no-store`, so no shared cache (nor ours) keeps it.
    pub fn private(mut self) -> Self {
        self.private = true;
        self
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// Adds a `Set-Cookie` header.
    pub fn with_cookie(mut self, cookie: String) -> Self {
        self.cookie = Some(cookie);
        self
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: &'static str, value: &'static str) -> Self {
        self.headers.push((name, value));
        self
    }

    /// The answer to an allowed CORS preflight.
    fn preflight() -> Self {
        Self {
            status: 204,
            body: Vec::new(),
            etag: None,
            cache: None,
            vary: Vec::new(),
            cookie: None,
            headers: Vec::new(),
            private: false,
        }
    }

    /// Names a request header the body depends on (`Vary`), e.g. `save-data`.
    pub fn varying_on(mut self, header: &'static str) -> Self {
        if !self.vary.contains(&header) {
            self.vary.push(header);
        }
        self
    }
}

/// Everything a handler may use for the request it serves.
pub struct Scope {
    request_id: RequestId,
    timings: Timings,
    method: String,
    path: String,
    headers: Headers,
    query: Query,
    /// Taken out when a handler reads the body.
    request: RefCell<Option<Request>>,
    env: Env,
    started_ms: u64,
    origins: Result<OriginClient, BffError>,
    cache_config: Result<CacheConfig, BffError>,
    kv: Option<KvStore>,
    ctx: Context,
    /// The browser apps' origins, for CORS and CSRF (see [`App::browser_origin`]).
    allowed_origins: Option<AllowedOrigins>,
    /// The request's session, once looked up.
    session: session::Memo,
}

impl Scope {
    /// Starts a request: settles its id and reads the Worker's settings, reporting every
    /// configuration problem at once.
    pub fn begin<R>(request: Request, env: &Env, ctx: Context, app: &App<R>) -> Self {
        let started_ms = Date::now().as_millis();
        let headers = request.headers().clone();
        let incoming_id = headers.get(request_id::HEADER).ok().flatten();
        let request_id = RequestId::from_header(incoming_id.as_deref());
        let timings = Timings::default();
        let var = |name: &str| env.var(name).ok().map(|value| value.to_string());
        let origins = OriginConfig::from_vars(app.origins, var)
            .map(|config| {
                OriginClient::new(
                    Rc::new(config),
                    request_id.clone(),
                    timings.clone(),
                    started_ms,
                )
            })
            .map_err(|errors| {
                console_error!("{errors}");
                BffError::internal("misconfigured")
            });
        let cache_config = CacheConfig::from_vars(app.cache, var).map_err(|errors| {
            console_error!("invalid cache configuration: {}", errors.0.join("; "));
            BffError::internal("misconfigured")
        });
        let query = request
            .url()
            .map(|url| {
                Query::new(
                    url.query_pairs()
                        .map(|(key, value)| (key.into_owned(), value.into_owned())),
                )
            })
            .unwrap_or_default();
        Self {
            request_id,
            timings,
            query,
            // As the client sent it: `Request::method` maps methods it does not know to GET.
            method: request.inner().method(),
            path: request.path(),
            headers,
            request: RefCell::new(Some(request)),
            env: env.clone(),
            started_ms,
            origins,
            cache_config,
            kv: env.kv(CACHE_BINDING).ok(),
            ctx,
            allowed_origins: app.browser_origin.then(|| {
                AllowedOrigins::parse(&var("ALLOWED_ORIGIN").unwrap_or_default()).unwrap_or_else(
                    |error| {
                        console_error!("{error}: browser writes will be refused");
                        AllowedOrigins::none()
                    },
                )
            }),
            session: session::Memo::default(),
        }
    }

    pub fn request_id(&self) -> &RequestId {
        &self.request_id
    }

    pub fn method(&self) -> &str {
        &self.method
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// A request header, if present and readable.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).ok().flatten()
    }

    /// The request's query parameters.
    pub fn query(&self) -> &Query {
        &self.query
    }

    /// A var of the Worker, if set.
    pub fn var(&self, name: &str) -> Option<String> {
        self.env.var(name).ok().map(|value| value.to_string())
    }

    /// The Worker's bindings, for mechanisms that reach them directly (Durable Objects).
    pub(crate) fn env(&self) -> &Env {
        &self.env
    }

    /// The request's session lookup, kept for the rest of the request.
    pub(crate) fn session_memo(&self) -> &session::Memo {
        &self.session
    }

    /// A secret (or, in local development, a var) of the Worker, if set and not empty.
    pub fn secret(&self, name: &str) -> Option<String> {
        let value = match self.env.secret(name) {
            Ok(secret) => secret.to_string(),
            Err(_) => self.env.var(name).ok()?.to_string(),
        };
        (!value.is_empty()).then_some(value)
    }

    /// The signer of this Worker's pagination cursors, keyed by its `CURSOR_SECRET`.
    pub fn cursor_signer(&self) -> Result<CursorSigner, BffError> {
        match self.secret("CURSOR_SECRET") {
            Some(secret) if secret.len() >= 16 => Ok(CursorSigner::new(&secret)),
            _ => {
                console_error!("CURSOR_SECRET must be set, at least 16 characters");
                Err(BffError::internal("misconfigured"))
            }
        }
    }

    /// Reads the request body as JSON of type `T`: 415 unless it is declared JSON, 413 over
    /// `limit` bytes, 400 if it is not JSON, 422 if it is JSON of the wrong shape.
    pub async fn json_body<T: DeserializeOwned>(&self, limit: usize) -> Result<T, BffError> {
        let body = self.body_of("application/json", limit).await?;
        serde_json::from_slice(&body).map_err(|error| {
            if error.is_data() {
                BffError::new(
                    ErrorKind::Unprocessable,
                    "invalid_fields",
                    "The body's fields are missing or of the wrong type.",
                )
            } else {
                BffError::bad_request("malformed_json", "The body is not valid JSON.")
            }
        })
    }

    /// Reads the request body as a form (`application/x-www-form-urlencoded`): 415 unless it is
    /// declared so, 413 over `limit` bytes. The fields in order, decoded.
    pub async fn form_body(&self, limit: usize) -> Result<Vec<(String, String)>, BffError> {
        let body = self
            .body_of("application/x-www-form-urlencoded", limit)
            .await?;
        Ok(form_urlencoded::parse(&body).into_owned().collect())
    }

    /// The request body, if it is declared as `media_type` (else 415) and at most `limit` bytes
    /// (else 413, refused before reading when the declared length already says so).
    async fn body_of(&self, media_type: &str, limit: usize) -> Result<Vec<u8>, BffError> {
        let content_type = self.header("content-type").unwrap_or_default();
        let declared_type = content_type.split(';').next().unwrap_or("").trim();
        if !declared_type.eq_ignore_ascii_case(media_type) {
            return Err(BffError::new(
                ErrorKind::UnsupportedMediaType,
                "unsupported_media_type",
                format!("Send the body as {media_type}."),
            ));
        }
        let too_large = || {
            BffError::new(
                ErrorKind::PayloadTooLarge,
                "payload_too_large",
                format!("The body may be at most {limit} bytes."),
            )
        };
        let declared = self
            .header("content-length")
            .and_then(|length| length.trim().parse::<usize>().ok());
        if declared.is_some_and(|length| length > limit) {
            return Err(too_large());
        }
        let taken = self.request.borrow_mut().take();
        let mut request = taken.ok_or_else(|| BffError::internal("body_already_read"))?;
        let body = request
            .bytes()
            .await
            .map_err(|_| BffError::bad_request("unreadable_body", "The body could not be read."))?;
        if body.len() > limit {
            return Err(too_large());
        }
        Ok(body)
    }

    /// The shopper's language for display (money), from `Accept-Language`.
    pub fn locale(&self) -> crate::locale::Locale {
        crate::locale::Locale::from_accept_language(self.header("accept-language").as_deref())
    }

    /// Whether the client asked to save data (`Save-Data: on`).
    pub fn save_data(&self) -> bool {
        self.header("save-data")
            .is_some_and(|value| value.trim().eq_ignore_ascii_case("on"))
    }

    /// The origin client, or the configuration error that prevents one.
    pub fn origins(&self) -> Result<&OriginClient, BffError> {
        self.origins.as_ref().map_err(Clone::clone)
    }

    pub fn timings(&self) -> &Timings {
        &self.timings
    }

    pub fn cache_config(&self) -> Result<&CacheConfig, BffError> {
        self.cache_config.as_ref().map_err(Clone::clone)
    }

    /// The Worker's KV cache namespace, if bound.
    pub fn kv(&self) -> Option<&KvStore> {
        self.kv.as_ref()
    }

    /// Another KV namespace of the Worker, if bound.
    pub fn kv_binding(&self, binding: &str) -> Option<KvStore> {
        self.env.kv(binding).ok()
    }

    /// Time left before the request's deadline.
    pub fn remaining(&self) -> std::time::Duration {
        match &self.origins {
            Ok(origins) => origins.remaining(),
            Err(_) => std::time::Duration::ZERO,
        }
    }

    /// Runs `work` after the response is sent, keeping the invocation alive until it is done.
    pub fn wait_until(&self, work: impl Future<Output = ()> + 'static) {
        self.ctx.wait_until(work);
    }

    /// Answers from the cache or the origins; see [`cache::read_through`].
    pub async fn cached<F, Fut>(&self, key: cache::CacheKey, produce: F) -> Result<Reply, BffError>
    where
        F: FnOnce(OriginClient) -> Fut + 'static,
        Fut: Future<Output = Result<cache::Shaped, BffError>> + 'static,
    {
        cache::read_through(self, key, produce).await
    }

    /// Turns the handler's outcome into the response, with the headers every response carries.
    pub fn finish(self, outcome: Result<Reply, BffError>) -> worker::Result<Response> {
        let elapsed_ms = Date::now().as_millis().saturating_sub(self.started_ms);
        let headers = Headers::new();
        headers.set("content-type", "application/json; charset=utf-8")?;
        headers.set("x-content-type-options", "nosniff")?;
        headers.set(
            "strict-transport-security",
            "max-age=63072000; includeSubDomains",
        )?;
        headers.set("x-frame-options", "DENY")?;
        headers.set(
            "content-security-policy",
            "default-src 'none'; frame-ancestors 'none'",
        )?;
        headers.set("referrer-policy", "no-referrer")?;
        headers.set(request_id::HEADER, self.request_id.as_str())?;
        if let (Some(allowed), Some(origin)) = (&self.allowed_origins, self.header("origin"))
            && allowed.contains(&origin)
        {
            headers.set("access-control-allow-origin", &origin)?;
            headers.set("access-control-allow-credentials", "true")?;
            headers.set("access-control-allow-methods", "GET, POST, DELETE, OPTIONS")?;
            headers.set(
                "access-control-allow-headers",
                "content-type, idempotency-key, if-none-match, x-csrf, x-request-id",
            )?;
            headers.set(
                "access-control-expose-headers",
                "etag, server-timing, x-bff-cache, x-request-id",
            )?;
            headers.set("access-control-max-age", "600")?;
            headers.append("vary", "origin")?;
        }
        let (mut status, mut body, error_code, cache_status) = match outcome {
            Ok(reply) => {
                if let Some(etag) = &reply.etag {
                    headers.set("etag", etag)?;
                    // Revalidate every time: with the ETag that costs a 304, not a body.
                    headers.set("cache-control", "no-cache")?;
                }
                if let Some(cache) = reply.cache {
                    headers.set(cache::HEADER, cache.as_str())?;
                }
                for vary in &reply.vary {
                    headers.append("vary", vary)?;
                }
                if reply.private {
                    headers.set("cache-control", "private, no-store")?;
                }
                if let Some(cookie) = &reply.cookie {
                    headers.set("set-cookie", cookie)?;
                }
                for (name, value) in &reply.headers {
                    headers.set(name, value)?;
                }
                (reply.status, reply.body, None, reply.cache)
            }
            Err(error) => {
                headers.set("cache-control", "no-store")?;
                if error.kind() == ErrorKind::RateLimited {
                    headers.set("retry-after", "60")?;
                }
                if let Some(allow) = error.allow() {
                    headers.set("allow", allow)?;
                }
                let body = serde_json::to_vec(&error.body(self.request_id.as_str()))
                    .unwrap_or_else(|_| b"{\"error\":{\"code\":\"internal\"}}".to_vec());
                (error.status(), body, Some(error.code()), None)
            }
        };
        let not_modified = status == 200
            && headers.get("etag").ok().flatten().is_some_and(|etag| {
                self.header("if-none-match")
                    .is_some_and(|wanted| cache::if_none_match(&wanted, &etag))
            });
        if not_modified {
            status = 304;
            body = Vec::new();
        }
        if !self.timings.is_empty() {
            headers.set(
                timing::HEADER,
                &self.timings.header_value(elapsed_ms as f64),
            )?;
        }
        self.log(status, elapsed_ms, error_code, cache_status);
        Ok(Response::from_bytes(body)?
            .with_status(status)
            .with_headers(headers))
    }

    /// One structured line per request. Paths and origin outcomes only: no query string, no
    /// headers, no bodies, so nothing personal reaches the logs.
    fn log(&self, status: u16, duration_ms: u64, error: Option<&str>, cache: Option<CacheStatus>) {
        let origins: Vec<OriginLog<'_>> = self
            .timings
            .entries()
            .into_iter()
            .map(|entry| OriginLog {
                name: entry.name,
                outcome: entry.desc,
                duration_ms: entry.duration_ms,
            })
            .collect();
        let line = RequestLog {
            request_id: self.request_id.as_str(),
            method: &self.method,
            path: &self.path,
            status,
            duration_ms,
            cache: cache.map(CacheStatus::as_str),
            error,
            origins,
        };
        if let Ok(line) = serde_json::to_string(&line) {
            console_log!("{line}");
        }
    }
}

#[derive(Serialize)]
struct RequestLog<'a> {
    request_id: &'a str,
    method: &'a str,
    path: &'a str,
    status: u16,
    duration_ms: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    cache: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    origins: Vec<OriginLog<'a>>,
}

#[derive(Serialize)]
struct OriginLog<'a> {
    name: &'a str,
    outcome: &'a str,
    duration_ms: f64,
}
