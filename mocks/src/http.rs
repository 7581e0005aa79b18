//! Transport-neutral request and reply types. Handlers work on fully read
//! requests and produce `Reply` values, which keeps them testable without a
//! socket and lets the router count response bytes in one place.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde::Serialize;

/// Request bodies above this are rejected; the origins only take small JSON documents.
const MAX_BODY: usize = 1 << 20;

pub struct Req {
    pub method: Method,
    pub path: String,
    /// Path segments after the service segment, percent-decoded, empties dropped.
    pub segments: Vec<String>,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Req {
    /// Reads the whole request; `Err` carries the reply to send instead.
    pub async fn read(req: Request<Incoming>) -> Result<Self, Reply> {
        let (parts, body) = req.into_parts();
        let body = match Limited::new(body, MAX_BODY).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(e) => {
                return Err(if e.is::<http_body_util::LengthLimitError>() {
                    Reply::error(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
                } else {
                    Reply::error(StatusCode::BAD_REQUEST, "unreadable_body")
                });
            }
        };
        Ok(Self::from_parts(
            parts.method,
            &parts.uri,
            parts.headers,
            body,
        ))
    }

    pub fn from_parts(method: Method, uri: &hyper::Uri, headers: HeaderMap, body: Bytes) -> Self {
        let path = uri.path().to_owned();
        let segments = path_segments(&path).into_iter().skip(1).collect();
        let query = uri.query().map(parse_query).unwrap_or_default();
        Self {
            method,
            path,
            segments,
            query,
            headers,
            body,
        }
    }

    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn segs(&self) -> Vec<&str> {
        self.segments.iter().map(String::as_str).collect()
    }
}

#[cfg(test)]
impl Req {
    pub fn test(method: Method, uri: &str, body: &str) -> Self {
        let uri: hyper::Uri = uri.parse().unwrap();
        Self::from_parts(method, &uri, HeaderMap::new(), Bytes::from(body.to_owned()))
    }

    pub fn with_header(mut self, name: &'static str, value: &str) -> Self {
        self.headers
            .insert(name, HeaderValue::from_str(value).unwrap());
        self
    }
}

pub fn path_segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect()
}

pub fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (
                percent_decode(&k.replace('+', " ")),
                percent_decode(&v.replace('+', " ")),
            )
        })
        .collect()
}

pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes.get(i).copied().unwrap_or(0);
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `{"items": [...]}` with the items' own key order (a `json!` detour
/// would sort keys alphabetically).
#[derive(Serialize)]
pub struct Items<T: Serialize> {
    pub items: T,
}

#[derive(Clone, Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Bytes,
    pub content_type: &'static str,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl Reply {
    pub fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(body) => Self::raw(status, Bytes::from(body)),
            Err(_) => Self::raw(
                StatusCode::INTERNAL_SERVER_ERROR,
                Bytes::from_static(br#"{"error":"serialization_failed"}"#),
            ),
        }
    }

    pub fn ok<T: Serialize + ?Sized>(value: &T) -> Self {
        Self::json(StatusCode::OK, value)
    }

    pub fn raw(status: StatusCode, body: Bytes) -> Self {
        Self {
            status,
            body,
            content_type: "application/json",
            headers: Vec::new(),
        }
    }

    pub fn error(status: StatusCode, code: &str) -> Self {
        Self::json(status, &serde_json::json!({ "error": code }))
    }

    pub fn not_found() -> Self {
        Self::error(StatusCode::NOT_FOUND, "not_found")
    }

    pub fn method_not_allowed(allow: &[Method]) -> Self {
        let mut reply = Self::error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
        let list = allow
            .iter()
            .map(Method::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        if let Ok(v) = HeaderValue::from_str(&list) {
            reply.headers.push((header::ALLOW, v));
        }
        reply
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    pub fn into_response(self) -> Response<Full<Bytes>> {
        let mut resp = Response::new(Full::new(self.body));
        *resp.status_mut() = self.status;
        let headers = resp.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(self.content_type),
        );
        for (name, value) in self.headers {
            headers.append(name, value);
        }
        resp
    }

    #[cfg(test)]
    pub fn json_value(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

/// Answers 405 unless the method is allowed; `None` means go ahead.
pub fn allow(req: &Req, methods: &[Method]) -> Option<Reply> {
    if methods.contains(&req.method) {
        None
    } else {
        Some(Reply::method_not_allowed(methods))
    }
}

/// Parses a `limit`/`offset` style parameter.
pub fn usize_param(req: &Req, name: &str, default: usize, max: usize) -> Result<usize, Reply> {
    match req.query(name) {
        None | Some("") => Ok(default.min(max)),
        Some(v) => v
            .parse::<usize>()
            .map(|n| n.min(max))
            .map_err(|_| Reply::error(StatusCode::BAD_REQUEST, &format!("bad_{name}"))),
    }
}

/// Parses a comma separated `ids` parameter.
pub fn ids_param(raw: &str, max: usize) -> Result<Vec<u32>, Reply> {
    let ids: Vec<&str> = raw
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if ids.len() > max {
        return Err(Reply::error(StatusCode::BAD_REQUEST, "too_many_ids"));
    }
    ids.iter()
        .map(|s| {
            s.parse::<u32>()
                .map_err(|_| Reply::error(StatusCode::BAD_REQUEST, "bad_product_id"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_decoding() {
        let q = parse_query("q=aurora%20x2&category=head+phones&flag&x=%zz");
        assert_eq!(q[0], ("q".into(), "aurora x2".into()));
        assert_eq!(q[1], ("category".into(), "head phones".into()));
        assert_eq!(q[2], ("flag".into(), String::new()));
        assert_eq!(q[3], ("x".into(), "%zz".into()));
    }

    #[test]
    fn request_segments_skip_service() {
        let r = Req::test(Method::GET, "/catalog/products/7/?limit=3", "");
        assert_eq!(r.segs(), ["products", "7"]);
        assert_eq!(usize_param(&r, "limit", 20, 100).unwrap(), 3);
        assert_eq!(usize_param(&r, "offset", 0, usize::MAX).unwrap(), 0);
    }

    #[test]
    fn ids_parsing() {
        assert_eq!(ids_param("1, 2,3,", 100).unwrap(), vec![1, 2, 3]);
        assert_eq!(ids_param("1,x", 100).unwrap_err().status, 400);
        let many = (1..=101)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(ids_param(&many, 100).unwrap_err().status, 400);
    }
}
