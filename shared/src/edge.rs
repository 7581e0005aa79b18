//! The life of one request in a BFF Worker: what every handler gets (a request id, an origin
//! client that times its calls) and how every answer leaves (JSON, `x-request-id`,
//! `Server-Timing`, one log line), so that no handler can forget any of it.

use std::rc::Rc;

use serde::Serialize;
use worker::{Date, Env, Headers, Request, Response, console_error, console_log};

use crate::error::BffError;
use crate::origin::{OriginClient, OriginConfig, Service};
use crate::request_id::{self, RequestId};
use crate::routing::{Found, Routes};
use crate::timing::{self, Timings};

/// What a Worker declares about itself: the origins it calls and its route table.
pub struct App<R: 'static> {
    pub origins: &'static [Service],
    pub routes: &'static [(&'static str, &'static str, R)],
}

/// Serves one request of a Worker: routes it, lets `handle` answer the matched route, and
/// finishes the response. Everything around the handler is the same for every frontend.
pub async fn serve<R: Copy>(
    request: Request,
    env: &Env,
    app: &App<R>,
    handle: impl AsyncFn(&Scope, Found<R>) -> Result<Reply, BffError>,
) -> worker::Result<Response> {
    let scope = Scope::begin(&request, env, app.origins);
    let outcome = match Routes::new(app.routes) {
        Ok(routes) => match routes.find(scope.method(), scope.path()) {
            Ok(found) => handle(&scope, found).await,
            Err(error) => Err(error),
        },
        Err(invalid) => {
            console_error!("route table: {}", invalid.0);
            Err(BffError::internal("route_table_invalid"))
        }
    };
    scope.finish(outcome)
}

/// A handler's successful answer, before the common headers are added.
#[derive(Debug)]
pub struct Reply {
    status: u16,
    body: Vec<u8>,
}

impl Reply {
    pub fn json<T: Serialize>(value: &T) -> Result<Self, BffError> {
        serde_json::to_vec(value)
            .map(|body| Self { status: 200, body })
            .map_err(|_| BffError::internal("response_encoding_failed"))
    }
}

/// Everything a handler may use for the request it serves.
pub struct Scope {
    request_id: RequestId,
    timings: Timings,
    method: String,
    path: String,
    started_ms: u64,
    origins: Result<OriginClient, BffError>,
}

impl Scope {
    /// Starts a request: settles its id and reads the origin settings of `services`.
    pub fn begin(request: &Request, env: &Env, services: &[Service]) -> Self {
        let started_ms = Date::now().as_millis();
        let incoming_id = request.headers().get(request_id::HEADER).ok().flatten();
        let request_id = RequestId::from_header(incoming_id.as_deref());
        let timings = Timings::default();
        let origins = OriginConfig::from_vars(services, |name| {
            env.var(name).ok().map(|value| value.to_string())
        })
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
        Self {
            request_id,
            timings,
            method: request.method().to_string(),
            path: request.path(),
            started_ms,
            origins,
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

    /// The origin client, or the configuration error that prevents one.
    pub fn origins(&self) -> Result<&OriginClient, BffError> {
        self.origins.as_ref().map_err(Clone::clone)
    }

    /// Turns the handler's outcome into the response, with the headers every response carries.
    pub fn finish(self, outcome: Result<Reply, BffError>) -> worker::Result<Response> {
        let elapsed_ms = Date::now().as_millis().saturating_sub(self.started_ms);
        let (status, body, error_code) = match outcome {
            Ok(reply) => (reply.status, reply.body, None),
            Err(error) => {
                let body = serde_json::to_vec(&error.body(self.request_id.as_str()))
                    .unwrap_or_else(|_| b"{\"error\":{\"code\":\"internal\"}}".to_vec());
                (error.status(), body, Some(error.code()))
            }
        };
        self.log(status, elapsed_ms, error_code);

        let headers = Headers::new();
        headers.set("content-type", "application/json; charset=utf-8")?;
        headers.set("x-content-type-options", "nosniff")?;
        headers.set(request_id::HEADER, self.request_id.as_str())?;
        if !self.timings.is_empty() {
            headers.set(
                timing::HEADER,
                &self.timings.header_value(elapsed_ms as f64),
            )?;
        }
        Ok(Response::from_bytes(body)?
            .with_status(status)
            .with_headers(headers))
    }

    /// One structured line per request. Paths and origin outcomes only: no query string, no
    /// headers, no bodies, so nothing personal reaches the logs.
    fn log(&self, status: u16, duration_ms: u64, error: Option<&str>) {
        let origins: Vec<OriginLog<'_>> = self
            .timings
            .entries()
            .into_iter()
            .map(|entry| OriginLog {
                name: entry.name,
                outcome: entry.outcome.as_str(),
                duration_ms: entry.duration_ms,
            })
            .collect();
        let line = RequestLog {
            request_id: self.request_id.as_str(),
            method: &self.method,
            path: &self.path,
            status,
            duration_ms,
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
    error: Option<&'a str>,
    origins: Vec<OriginLog<'a>>,
}

#[derive(Serialize)]
struct OriginLog<'a> {
    name: &'a str,
    outcome: &'a str,
    duration_ms: f64,
}
