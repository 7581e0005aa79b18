//! Calling the session Durable Objects: a JSON POST to one object by name, inside the Worker's
//! own script (the URL's host is never resolved; only its path reaches the object).

use serde::Serialize;
use serde::de::DeserializeOwned;
use worker::{Env, Headers, Method, Request, RequestInit};

use crate::request_id;

/// The answer of an object: its status and body.
pub(crate) struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON of type `T`, if it is.
    pub fn json<T: DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_slice(&self.body).ok()
    }
}

/// `POST {path}` with `body` to the object named `name` in namespace `binding`.
pub(crate) async fn call(
    env: &Env,
    binding: &str,
    name: &str,
    path: &str,
    body: &impl Serialize,
    request_id: &str,
) -> worker::Result<Answer> {
    let stub = env
        .durable_object(binding)?
        .id_from_name(name)?
        .get_stub()?;
    let json = serde_json::to_string(body)?;
    let headers = Headers::new();
    headers.set("content-type", "application/json")?;
    headers.set(request_id::HEADER, request_id)?;
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(json.into()));
    let request = Request::new_with_init(&format!("https://object.internal{path}"), &init)?;
    let mut response = stub.fetch_with_request(request).await?;
    Ok(Answer {
        status: response.status_code(),
        body: response.bytes().await?,
    })
}
