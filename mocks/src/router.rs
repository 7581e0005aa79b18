//! Entry point for every request: control API, or service routing wrapped in
//! stats and fault injection.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use serde_json::json;

use crate::control::{FaultMode, Service};
use crate::control_api;
use crate::http::{Reply, Req, path_segments};
use crate::services;
use crate::state::AppState;

/// Returned to hyper to make it drop the connection without a response.
#[derive(Debug)]
pub struct ResetConnection;

impl fmt::Display for ResetConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection reset by fault injection")
    }
}

impl std::error::Error for ResetConnection {}

/// The "hang" fault waits this long, i.e. until the client gives up.
const HANG: Duration = Duration::from_secs(3600);

/// The detail is deliberately a secret-looking internal address: BFFs must
/// never pass origin error bodies through to clients.
pub fn injected_error(status: StatusCode) -> Reply {
    Reply::json(
        status,
        &json!({
            "error": "injected",
            "detail": "upstream internal detail: db-7.internal:5432",
        }),
    )
}

fn garbage() -> Reply {
    Reply::raw(
        StatusCode::OK,
        Bytes::from_static(b"<html>oops \x00\xff\xfe{\"items\":[1,2,"),
    )
}

pub async fn handle(
    state: Arc<AppState>,
    req: Request<Incoming>,
    reset: Arc<AtomicBool>,
) -> Result<Response<Full<Bytes>>, ResetConnection> {
    let first = path_segments(req.uri().path()).into_iter().next();
    let Some(first) = first else {
        return Ok(Reply::not_found().into_response());
    };
    if first == "__control" {
        let reply = match Req::read(req).await {
            Ok(req) => control_api::handle(&state, &req),
            Err(reply) => reply,
        };
        return Ok(reply.into_response());
    }
    let Some(service) = Service::from_name(&first) else {
        return Ok(Reply::not_found().into_response());
    };

    let request_id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let _in_flight = state.control.begin(service, request_id);
    let fault = state.control.take_fault(service);
    if fault.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.latency_ms)).await;
    }
    let reply = match fault.mode {
        FaultMode::Ok => match Req::read(req).await {
            Ok(req) => services::dispatch(&state, service, &req).await,
            Err(reply) => reply,
        },
        FaultMode::Status(code) => injected_error(code),
        FaultMode::Garbage => garbage(),
        FaultMode::Hang => {
            tokio::time::sleep(HANG).await;
            Reply::error(StatusCode::GATEWAY_TIMEOUT, "hang_elapsed")
        }
        FaultMode::Reset => {
            reset.store(true, Ordering::SeqCst);
            return Err(ResetConnection);
        }
    };
    state.control.add_bytes(service, reply.body.len());
    Ok(reply.into_response())
}
