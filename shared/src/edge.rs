//! The life of one request in a BFF Worker: what every handler gets (a request id, an origin
//! client that times its calls, the cache) and how every answer leaves (JSON, `x-request-id`,
//! `Server-Timing`, `ETag` and 304, `x-bff-cache`, one log line), so that no handler can forget
//! any of it.

use std::cell::{Cell, OnceCell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use worker::{Context, Env, KvStore, console_error, web_sys};

use crate::auth::csrf::{self, AllowedOrigins};
use crate::auth::{backchannel, session};
use crate::cache::{self, CacheConfig, CacheStatus, Windows};
use crate::error::{BffError, ErrorKind};
use crate::fields::FieldSet;
use crate::origin::{OriginClient, OriginConfig, Service};
use crate::pagination::CursorSigner;
use crate::params::Query;
use crate::platform::{self, Body};
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
    request: web_sys::Request,
    env: &Env,
    ctx: Context,
    app: &App<R>,
    handle: impl AsyncFn(&Scope, Found<R>) -> Result<Reply, BffError>,
) -> worker::Result<web_sys::Response> {
    let scope = Scope::begin(request, env, ctx, app);
    let outcome = match admit(&scope).await {
        Err(error) => Err(error),
        Ok(Some(preflight)) => Ok(preflight),
        Ok(None) => match &scope.settings.routes {
            Ok(routes) => match routes.find(scope.method(), scope.path()) {
                Ok(found) => match check_origin(&scope) {
                    // Boxed: the handlers' state machines stay out of this one (see
                    // `storefront::handle`).
                    Ok(()) => {
                        let answer: Pin<Box<dyn Future<Output = Result<Reply, BffError>> + '_>> =
                            Box::pin(handle(&scope, found.map(|row| app.routes[row].2)));
                        answer.await
                    }
                    Err(error) => Err(error),
                },
                Err(error) => Err(error),
            },
            Err(invalid) => {
                console_error!("route table: {invalid}");
                Err(BffError::internal("route_table_invalid"))
            }
        },
    };
    Ok(scope.finish(outcome))
}

/// What a Worker reads from its vars and bindings, once per isolate: the vars cannot change
/// within one, and reading and validating some fifty of them on every request cost more than
/// most handlers do.
struct Settings {
    origins: Result<Rc<OriginConfig>, String>,
    cache: Result<CacheConfig, String>,
    /// The browser apps' origins, for CORS and CSRF (see [`App::browser_origin`]).
    allowed_origins: Option<AllowedOrigins>,
    /// Why `ALLOWED_ORIGIN` could not be read (then no origin is allowed).
    browser_origins_problem: Option<String>,
    /// Rows of the Worker's route table, by index.
    routes: Result<Routes<usize>, String>,
    has_cache: bool,
    has_rate_limiter: bool,
    /// Vars and secrets as read so far: `(name, value)`.
    vars: RefCell<Vec<(String, Option<String>)>>,
}

thread_local! {
    static SETTINGS: OnceCell<Rc<Settings>> = const { OnceCell::new() };
}

/// Reads and checks the Worker's settings as its isolate starts, before any request (the entry
/// module calls it): a misconfigured deploy shows in the log at once, every problem together, not
/// at its first request. It also takes that work, and the runtime's first log line, off the
/// isolate's first request.
pub fn start_isolate<R: Copy>(env: &Env, app: &App<R>) {
    Settings::install(env, app);
}

/// The line the settings are reported in, once per isolate.
#[derive(Serialize)]
struct IsolateLog<'a> {
    event: &'static str,
    configuration: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    problems: Vec<&'a str>,
}

impl Settings {
    /// The isolate's settings: read at its start (see [`start_isolate`]), or now if that did
    /// not run.
    fn of_isolate<R: Copy>(env: &Env, app: &App<R>) -> Rc<Self> {
        SETTINGS
            .with(|cell| cell.get().cloned())
            .unwrap_or_else(|| Self::install(env, app))
    }

    /// Reads the settings, reports them in the `isolate_start` line and keeps them for the
    /// isolate. Called from two places on purpose: wasm-opt folds a function into its only
    /// caller, and folded into the per-request lookup this once-per-isolate code (12 KB) was
    /// compiled by every isolate's first request.
    #[inline(never)]
    fn install<R: Copy>(env: &Env, app: &App<R>) -> Rc<Self> {
        SETTINGS.with(|cell| {
            cell.get_or_init(|| {
                let settings = Self::read(env, app);
                settings.report();
                Rc::new(settings)
            })
            .clone()
        })
    }

    /// Every problem the settings have, in one log line.
    fn report(&self) {
        let problems: Vec<&str> = [
            self.origins.as_ref().err(),
            self.cache.as_ref().err(),
            self.routes.as_ref().err(),
            self.browser_origins_problem.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
        let line = IsolateLog {
            event: "isolate_start",
            configuration: if problems.is_empty() {
                "valid"
            } else {
                "invalid"
            },
            problems,
        };
        if let Ok(line) = serde_json::to_string(&line) {
            web_sys::console::log_1(&line.into());
        }
    }

    // Not inlined: it runs once per isolate and would only weigh on every request's code.
    #[inline(never)]
    fn read<R: Copy>(env: &Env, app: &App<R>) -> Self {
        platform::read_headers(READ_HEADERS);
        let var = |name: &str| env.var(name).ok().map(|value| value.to_string());
        let rows: Vec<(&'static str, &'static str, usize)> = app
            .routes
            .iter()
            .enumerate()
            .map(|(row, (method, pattern, _))| (*method, *pattern, row))
            .collect();
        let (allowed_origins, browser_origins_problem) = if app.browser_origin {
            match AllowedOrigins::parse(&var("ALLOWED_ORIGIN").unwrap_or_default()) {
                Ok(allowed) => (Some(allowed), None),
                Err(error) => (
                    Some(AllowedOrigins::none()),
                    Some(format!("{error}: browser writes will be refused")),
                ),
            }
        } else {
            (None, None)
        };
        Self {
            origins: OriginConfig::from_vars(app.origins, var)
                .map(Rc::new)
                .map_err(|errors| errors.to_string()),
            cache: CacheConfig::from_vars(app.cache, var)
                .map_err(|errors| format!("invalid cache configuration: {}", errors.0.join("; "))),
            allowed_origins,
            browser_origins_problem,
            routes: Routes::new(&rows).map_err(|invalid| invalid.0),
            has_cache: env.kv(CACHE_BINDING).is_ok(),
            has_rate_limiter: env.rate_limiter(RATE_LIMIT_BINDING).is_ok(),
            vars: RefCell::new(Vec::new()),
        }
    }

    /// A var or secret, read once: `read` fetches it the first time.
    fn remembered(&self, name: &str, read: impl FnOnce() -> Option<String>) -> Option<String> {
        if let Some((_, value)) = self.vars.borrow().iter().find(|(known, _)| known == name) {
            return value.clone();
        }
        let value = read();
        self.vars
            .borrow_mut()
            .push((name.to_owned(), value.clone()));
        value
    }
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
    "accept-language",
    csrf::HEADER,
    request_id::HEADER,
];

/// 431 when a header the BFF reads is over [`MAX_HEADER_BYTES`].
fn check_header_sizes(scope: &Scope) -> Result<(), BffError> {
    for (name, value) in READ_HEADERS.iter().zip(&scope.head.headers) {
        if value
            .as_ref()
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
    if scope.settings.has_rate_limiter
        && platform::rate_limited(&scope.env, RATE_LIMIT_BINDING, &rate_limit_key(scope).await)
            .await
    {
        return Err(BffError::new(
            ErrorKind::RateLimited,
            "rate_limited",
            "Too many requests; try again in a minute.",
        ));
    }
    check_header_sizes(scope)?;
    let origin = scope.header("origin");
    if scope.method() == "OPTIONS" {
        return match (&scope.settings.allowed_origins, &origin) {
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
    if scope.settings.allowed_origins.is_some()
        && session::carries_cookie(scope)
        && csrf::require_header(scope.header(csrf::HEADER).as_deref()).is_ok()
        && let Ok(user_id) = signed_in_user(scope).await
    {
        return format!("user:{user_id}");
    }
    let client = scope.header("cf-connecting-ip");
    let client = client.as_deref().unwrap_or("unknown");
    // Pushed, not `format!` or `concat`: every request runs this, and their machinery is code
    // an isolate's first request would compile only for it.
    let mut key = String::with_capacity(3 + client.len());
    key.push_str("ip:");
    key.push_str(client);
    key
}

/// The session's user, looked up boxed: the session machinery (a Durable Object call) stays out
/// of the state machine every request of every frontend runs, and is compiled only by a Worker
/// that has sessions, when it first needs it.
fn signed_in_user(scope: &Scope) -> Pin<Box<dyn Future<Output = Result<String, BffError>> + '_>> {
    Box::pin(async { session::current(scope).await.map(|current| current.user_id) })
}

/// CSRF defence of a browser app: a routed request that carries the session cookie, and every
/// routed write, must carry `X-CSRF: 1`; a write must also come from an allowed origin.
/// Operator endpoints (`/__admin/…`) and the identity service's back-channel logout are
/// server-to-server calls without cookies, and are exempt.
fn check_origin(scope: &Scope) -> Result<(), BffError> {
    let Some(allowed) = &scope.settings.allowed_origins else {
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
    body: Body,
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
    fn with_body(
        status: u16,
        body: Body,
        etag: Option<String>,
        cache: Option<CacheStatus>,
    ) -> Self {
        Self {
            status,
            body,
            etag,
            cache,
            vary: Vec::new(),
            cookie: None,
            headers: Vec::new(),
            private: false,
        }
    }

    /// A JSON answer that is not cached (and carries no validator).
    pub fn json<T: Serialize>(value: &T) -> Result<Self, BffError> {
        serde_json::to_vec(value)
            .map(|body| Self::with_body(200, Body::Bytes(body), None, None))
            .map_err(|_| BffError::internal("response_encoding_failed"))
    }

    /// A fixed JSON document built into the Worker (its API description), with the `ETag`
    /// computed when the Worker was built.
    pub fn document(json: &'static str, etag: &cache::BuiltTag) -> Self {
        Self::with_body(
            200,
            Body::Bytes(json.as_bytes().to_vec()),
            Some(etag.as_str().to_owned()),
            None,
        )
    }

    /// A cacheable answer: it carries its `ETag` and how the cache answered.
    pub fn cacheable(body: Vec<u8>, etag: String, cache: CacheStatus) -> Self {
        Self::with_body(200, Body::Bytes(body), Some(etag), Some(cache))
    }

    /// A cacheable answer whose body is a cached value, passed on unread.
    pub(crate) fn cached(body: Body, etag: String, cache: CacheStatus) -> Self {
        Self::with_body(200, body, Some(etag), Some(cache))
    }

    /// The body as JSON, read in when it is a cached stream.
    async fn body_json(&mut self) -> Result<serde_json::Value, BffError> {
        let failed = || BffError::internal("response_encoding_failed");
        let body = std::mem::replace(&mut self.body, Body::Bytes(Vec::new()));
        let bytes = body.into_bytes().await.ok_or_else(failed)?;
        serde_json::from_slice(&bytes).map_err(|_| failed())
    }

    fn with_json(self, value: &serde_json::Value) -> Result<Self, BffError> {
        let body = serde_json::to_vec(value)
            .map_err(|_| BffError::internal("response_encoding_failed"))?;
        Ok(Self {
            etag: self.etag.as_ref().map(|_| cache::etag(&body)),
            body: Body::Bytes(body),
            ..self
        })
    }

    /// Keeps only the requested fields (sparse fieldsets); the `ETag` follows the new body.
    /// Without a fieldset, a cached body is sent on as it is, never read into the Worker.
    pub async fn select(mut self, fields: Option<&FieldSet>) -> Result<Self, BffError> {
        let Some(fields) = fields else {
            return Ok(self);
        };
        let full = self.body_json().await?;
        self.with_json(&fields.apply(&full))
    }

    /// Merges a personal part into a (cached, public) JSON body: sets `field` to `value`,
    /// recomputes the `ETag`, and marks the answer private. The cache entry stays public.
    pub async fn with_personal_field(
        mut self,
        field: &str,
        value: serde_json::Value,
    ) -> Result<Self, BffError> {
        let mut body = self.body_json().await?;
        if let Some(object) = body.as_object_mut() {
            object.insert(field.to_owned(), value);
        }
        let mut merged = self.with_json(&body)?;
        merged.private = true;
        Ok(merged)
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
        Self::with_body(204, Body::Bytes(Vec::new()), None, None)
    }

    /// Names a request header the body depends on (`Vary`), e.g. `save-data`.
    pub fn varying_on(mut self, header: &'static str) -> Self {
        if !self.vary.contains(&header) {
            self.vary.push(header);
        }
        self
    }
}

/// The response's headers as one block of `name\nvalue\n` pairs, for [`platform::respond`].
#[derive(Default)]
struct HeaderBlock(String);

impl HeaderBlock {
    fn add(&mut self, name: &str, value: &str) {
        // A value with a line break would split the block (and is no valid header value).
        if value.contains(['\n', '\r']) {
            console_error!("response header {name} dropped: its value holds a line break");
            return;
        }
        // Pushed, not `write!`: the formatting machinery cost more than the copy.
        self.0.push_str(name);
        self.0.push('\n');
        self.0.push_str(value);
        self.0.push('\n');
    }
}

/// The request line and the headers the BFF reads, taken from the platform in one call.
struct RequestHead {
    method: String,
    path: String,
    query: Query,
    /// Values of [`READ_HEADERS`], in its order.
    headers: Vec<Option<String>>,
}

impl RequestHead {
    /// Not the platform's shape: read what is needed the long way. Kept out of line: it never
    /// runs on the platform, and inlined it is code every isolate's first request compiles.
    #[cold]
    #[inline(never)]
    fn read_slowly(request: &web_sys::Request) -> Self {
        let url = request.url();
        let (path, query) = split_url(&url);
        Self {
            method: request.method(),
            path: path.to_owned(),
            query: Query::new(form_urlencoded::parse(query.as_bytes()).into_owned()),
            headers: READ_HEADERS
                .iter()
                .map(|name| request.headers().get(name).ok().flatten())
                .collect(),
        }
    }

    /// Parses what [`platform::request_head`] returns; `None` if it is not of that shape.
    fn parse(head: &str) -> Option<Self> {
        let mut lines = head.split('\n');
        let method = lines.next()?.to_owned();
        let url = lines.next()?;
        let headers: Vec<Option<String>> = lines
            .map(|line| (line != "\0").then(|| line.to_owned()))
            .collect();
        if headers.len() != READ_HEADERS.len() {
            return None;
        }
        let (path, query) = split_url(url);
        Some(Self {
            method,
            path: path.to_owned(),
            query: Query::new(form_urlencoded::parse(query.as_bytes()).into_owned()),
            headers,
        })
    }
}

/// The path and the query string of an absolute URL as the platform serializes it.
fn split_url(url: &str) -> (&str, &str) {
    // A byte search: `str::find` with a string pattern brings 2 KB of searcher code onto every
    // request's path.
    let after_scheme = url
        .as_bytes()
        .windows(3)
        .position(|window| window == b"://")
        .map_or(0, |at| at + 3);
    let rest = &url[after_scheme..];
    let target = rest.find('/').map_or("/", |at| &rest[at..]);
    let target = target.split('#').next().unwrap_or(target);
    match target.split_once('?') {
        Some((path, query)) => (path, query),
        None => (target, ""),
    }
}

/// Everything a handler may use for the request it serves.
pub struct Scope {
    request_id: RequestId,
    timings: Timings,
    head: RequestHead,
    request: web_sys::Request,
    body_read: Cell<bool>,
    env: Env,
    settings: Rc<Settings>,
    started_ms: u64,
    origins: Result<OriginClient, BffError>,
    kv: OnceCell<Option<KvStore>>,
    ctx: Context,
    /// The request's session, once looked up.
    session: session::Memo,
}

impl Scope {
    /// Starts a request: settles its id and takes the Worker's settings (read and checked on
    /// the isolate's first request, every problem reported at once).
    pub fn begin<R: Copy>(
        request: web_sys::Request,
        env: &Env,
        ctx: Context,
        app: &App<R>,
    ) -> Self {
        let started_ms = crate::platform::now_ms();
        let settings = Settings::of_isolate(env, app);
        let head = RequestHead::parse(&platform::request_head(&request))
            .unwrap_or_else(|| RequestHead::read_slowly(&request));
        let incoming_id = read_header(&head, &request, request_id::HEADER);
        let request_id = RequestId::from_header(incoming_id.as_deref());
        let timings = Timings::default();
        let origins = match &settings.origins {
            Ok(config) => Ok(OriginClient::new(
                config.clone(),
                request_id.clone(),
                timings.clone(),
                started_ms,
            )),
            Err(errors) => {
                console_error!("{errors}");
                Err(BffError::internal("misconfigured"))
            }
        };
        Self {
            request_id,
            timings,
            head,
            request,
            body_read: Cell::new(false),
            env: env.clone(),
            settings,
            started_ms,
            origins,
            kv: OnceCell::new(),
            ctx,
            session: session::Memo::default(),
        }
    }

    pub fn request_id(&self) -> &RequestId {
        &self.request_id
    }

    /// As the client sent it: the platform's own method string, never mapped.
    pub fn method(&self) -> &str {
        &self.head.method
    }

    pub fn path(&self) -> &str {
        &self.head.path
    }

    /// A request header, if present and readable.
    pub fn header(&self, name: &str) -> Option<String> {
        read_header(&self.head, &self.request, name)
    }

    /// The request's query parameters.
    pub fn query(&self) -> &Query {
        &self.head.query
    }

    /// A var of the Worker, if set.
    pub fn var(&self, name: &str) -> Option<String> {
        let key = format!("var:{name}");
        self.settings.remembered(&key, || {
            self.env.var(name).ok().map(|value| value.to_string())
        })
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
        let key = format!("secret:{name}");
        let value = self
            .settings
            .remembered(&key, || match self.env.secret(name) {
                Ok(secret) => Some(secret.to_string()),
                Err(_) => self.env.var(name).ok().map(|value| value.to_string()),
            })?;
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
        if self.body_read.replace(true) {
            return Err(BffError::internal("body_already_read"));
        }
        let body = platform::request_body(&self.request).await.ok_or_else(|| {
            BffError::bad_request("unreadable_body", "The body could not be read.")
        })?;
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
        self.settings.cache.as_ref().map_err(|errors| {
            console_error!("{errors}");
            BffError::internal("misconfigured")
        })
    }

    /// Whether the Worker has its KV cache namespace bound.
    pub(crate) fn has_cache(&self) -> bool {
        self.settings.has_cache
    }

    /// The Worker's KV cache namespace, if bound.
    pub fn kv(&self) -> Option<&KvStore> {
        self.kv
            .get_or_init(|| self.env.kv(CACHE_BINDING).ok())
            .as_ref()
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
    #[inline(never)]
    pub fn finish(self, outcome: Result<Reply, BffError>) -> web_sys::Response {
        let elapsed_ms = crate::platform::now_ms().saturating_sub(self.started_ms);
        let mut headers = HeaderBlock::default();
        // One `Vary` header listing every request header the answer depends on.
        let mut vary: Vec<&str> = Vec::new();
        headers.add("content-type", "application/json; charset=utf-8");
        headers.add("x-content-type-options", "nosniff");
        headers.add(
            "strict-transport-security",
            "max-age=63072000; includeSubDomains",
        );
        headers.add("x-frame-options", "DENY");
        headers.add(
            "content-security-policy",
            "default-src 'none'; frame-ancestors 'none'",
        );
        headers.add("referrer-policy", "no-referrer");
        headers.add(request_id::HEADER, self.request_id.as_str());
        if let Some(allowed) = &self.settings.allowed_origins
            && let Some(origin) = self.header("origin")
            && allowed.contains(&origin)
        {
            headers.add("access-control-allow-origin", &origin);
            headers.add("access-control-allow-credentials", "true");
            headers.add("access-control-allow-methods", "GET, POST, DELETE, OPTIONS");
            headers.add(
                "access-control-allow-headers",
                "content-type, idempotency-key, if-none-match, x-csrf, x-request-id",
            );
            headers.add(
                "access-control-expose-headers",
                "etag, server-timing, x-bff-cache, x-request-id",
            );
            headers.add("access-control-max-age", "600");
            vary.push("origin");
        }
        let (mut status, body, etag, error_code, cache_status) = match outcome {
            Ok(reply) => {
                if let Some(etag) = &reply.etag {
                    headers.add("etag", etag);
                }
                if reply.private {
                    headers.add("cache-control", "private, no-store");
                } else if reply.etag.is_some() {
                    // Revalidate every time: with the ETag that costs a 304, not a body.
                    headers.add("cache-control", "no-cache");
                }
                if let Some(cache) = reply.cache {
                    headers.add(cache::HEADER, cache.as_str());
                }
                vary.extend(reply.vary.iter().copied());
                if let Some(cookie) = &reply.cookie {
                    headers.add("set-cookie", cookie);
                }
                for (name, value) in &reply.headers {
                    headers.add(name, value);
                }
                (reply.status, reply.body, reply.etag, None, reply.cache)
            }
            Err(error) => {
                headers.add("cache-control", "no-store");
                if error.kind() == ErrorKind::RateLimited {
                    headers.add("retry-after", "60");
                }
                if let Some(allow) = error.allow() {
                    headers.add("allow", allow);
                }
                let body = serde_json::to_vec(&error.body(self.request_id.as_str()))
                    .unwrap_or_else(|_| b"{\"error\":{\"code\":\"internal\"}}".to_vec());
                (
                    error.status(),
                    Body::Bytes(body),
                    None,
                    Some(error.code()),
                    None,
                )
            }
        };
        let not_modified = status == 200
            && etag.as_ref().is_some_and(|etag| {
                self.header("if-none-match")
                    .is_some_and(|wanted| cache::if_none_match(&wanted, etag))
            });
        if not_modified {
            // The platform side sends no body with a 304 (and lets a cached stream go).
            status = 304;
        }
        if !vary.is_empty() {
            headers.add("vary", &vary.join(", "));
        }
        if !self.timings.is_empty() {
            headers.add(
                timing::HEADER,
                &self.timings.header_value(elapsed_ms as f64),
            );
        }
        self.log(status, elapsed_ms, error_code, cache_status);
        platform::respond(status, &headers.0, &body)
    }

    /// One structured line per request. Paths and origin outcomes only: no query string, no
    /// headers, no bodies, so nothing personal reaches the logs.
    #[inline(never)]
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
            method: self.method(),
            path: self.path(),
            status,
            duration_ms,
            cache: cache.map(CacheStatus::as_str),
            error,
            origins,
        };
        if let Ok(line) = serde_json::to_string(&line) {
            web_sys::console::log_1(&line.into());
        }
    }
}

/// A request header: from the head read up front, or the platform's headers for one not in it.
fn read_header(head: &RequestHead, request: &web_sys::Request, name: &str) -> Option<String> {
    match READ_HEADERS
        .iter()
        .position(|known| known.eq_ignore_ascii_case(name))
    {
        Some(index) => head.headers.get(index).cloned().flatten(),
        None => request.headers().get(name).ok().flatten(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn splits_the_platform_url_into_path_and_query() {
        assert_eq!(
            split_url("http://bff.test/api/products?q=a%20b&limit=3"),
            ("/api/products", "q=a%20b&limit=3")
        );
        assert_eq!(split_url("https://shop.example.com"), ("/", ""));
        assert_eq!(split_url("http://h/a?x=1#frag"), ("/a", "x=1"));
        assert_eq!(split_url("http://h/a#frag?not=query"), ("/a", ""));
    }

    #[test]
    fn reads_the_head_the_platform_sends() {
        let mut head = String::from("POST\nhttp://bff.test/api/cart/items?x=1");
        for name in READ_HEADERS {
            head.push('\n');
            head.push_str(if *name == "cookie" { "a=b" } else { "\0" });
        }
        let parsed = RequestHead::parse(&head).unwrap();
        assert_eq!(parsed.method, "POST");
        assert_eq!(parsed.path, "/api/cart/items");
        assert_eq!(parsed.query.get("x"), Some("1"));
        let cookie = READ_HEADERS.iter().position(|n| *n == "cookie").unwrap();
        assert_eq!(parsed.headers[cookie].as_deref(), Some("a=b"));
        assert_eq!(parsed.headers.iter().flatten().count(), 1);
    }

    #[test]
    fn refuses_a_head_of_another_shape() {
        assert!(RequestHead::parse("GET").is_none());
        assert!(RequestHead::parse("GET\nhttp://h/\nonly-one-header").is_none());
    }

    #[test]
    fn the_header_block_holds_name_value_lines() {
        let mut block = HeaderBlock::default();
        block.add("etag", "\"abc\"");
        assert_eq!(block.0, "etag\n\"abc\"\n");
    }

    proptest! {
        #[test]
        fn any_url_splits_without_panicking(url in ".{0,200}") {
            let (path, query) = split_url(&url);
            prop_assert!(path.starts_with('/'));
            prop_assert!(!query.contains('#'));
        }

        #[test]
        fn any_head_parses_or_is_refused(head in "(.|\n){0,400}") {
            let _ = RequestHead::parse(&head);
        }
    }
}
