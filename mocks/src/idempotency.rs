//! Exactly-once execution of writes keyed by `Idempotency-Key`.
//!
//! A slot is created under the map lock before anything runs, and the
//! operation runs while holding the slot's async lock, so a concurrent
//! duplicate waits for the first execution and then replays its answer
//! instead of running again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use hyper::StatusCode;
use hyper::header::{HeaderName, HeaderValue};

use crate::control::Service;
use crate::http::{Reply, Req};

type Key = (Service, String, String);

struct Slot {
    fingerprint: Vec<u8>,
    result: tokio::sync::Mutex<Option<Reply>>,
}

#[derive(Default)]
pub struct Idempotency {
    slots: Mutex<HashMap<Key, Arc<Slot>>>,
}

/// What makes two requests "the same": method, path and body, with JSON
/// bodies compared structurally so key order and whitespace do not matter.
pub fn fingerprint(req: &Req) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(req.method.as_str().as_bytes());
    out.push(b' ');
    out.extend_from_slice(req.path.as_bytes());
    out.push(b'\n');
    match serde_json::from_slice::<serde_json::Value>(&req.body) {
        Ok(v) => out.extend_from_slice(v.to_string().as_bytes()),
        Err(_) => out.extend_from_slice(&req.body),
    }
    out
}

impl Idempotency {
    pub fn clear(&self) {
        self.slots.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// Runs `op` once per `(service, user, key)`; later calls replay the stored reply.
    pub async fn run<F>(&self, service: Service, user: &str, key: &str, req: &Req, op: F) -> Reply
    where
        F: FnOnce() -> Reply,
    {
        let fp = fingerprint(req);
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(
                slots
                    .entry((service, user.to_owned(), key.to_owned()))
                    .or_insert_with(|| {
                        Arc::new(Slot {
                            fingerprint: fp.clone(),
                            result: tokio::sync::Mutex::new(None),
                        })
                    }),
            )
        };
        if slot.fingerprint != fp {
            return Reply::error(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused");
        }
        let mut stored = slot.result.lock().await;
        if let Some(reply) = stored.as_ref() {
            return reply.clone().with_header(
                HeaderName::from_static("idempotent-replayed"),
                HeaderValue::from_static("true"),
            );
        }
        let reply = op();
        *stored = Some(reply.clone());
        reply
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::Method;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn req(body: &str) -> Req {
        Req::test(Method::POST, "/carts/carts/usr-1/items", body)
    }

    #[tokio::test]
    async fn replays_and_detects_reuse() {
        let store = Idempotency::default();
        let runs = AtomicUsize::new(0);
        let op = || {
            runs.fetch_add(1, Ordering::SeqCst);
            Reply::ok(&serde_json::json!({"n": 1}))
        };
        let a = store
            .run(Service::Carts, "usr-1", "k1", &req(r#"{"a":1,"b":2}"#), op)
            .await;
        let b = store
            .run(
                Service::Carts,
                "usr-1",
                "k1",
                &req(r#"{ "b":2, "a":1 }"#),
                || {
                    runs.fetch_add(1, Ordering::SeqCst);
                    Reply::ok(&2)
                },
            )
            .await;
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(a.body, b.body);
        assert!(b.headers.iter().any(|(n, _)| n == "idempotent-replayed"));

        let c = store
            .run(Service::Carts, "usr-1", "k1", &req(r#"{"a":2}"#), || {
                Reply::ok(&3)
            })
            .await;
        assert_eq!(c.status, StatusCode::UNPROCESSABLE_ENTITY);

        // Keys are scoped by service and user.
        store
            .run(Service::Orders, "usr-1", "k1", &req("{}"), || Reply::ok(&4))
            .await;
        store
            .run(Service::Carts, "usr-2", "k1", &req("{}"), || Reply::ok(&5))
            .await;

        store.clear();
        let d = store
            .run(Service::Carts, "usr-1", "k1", &req(r#"{"a":2}"#), || {
                Reply::ok(&6)
            })
            .await;
        assert_eq!(d.status, StatusCode::OK);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_duplicates_execute_once() {
        let store = Arc::new(Idempotency::default());
        let runs = Arc::new(AtomicUsize::new(0));
        let mut handles = Vec::new();
        for _ in 0..16 {
            let store = Arc::clone(&store);
            let runs = Arc::clone(&runs);
            handles.push(tokio::spawn(async move {
                let r = req(r#"{"product_id":1}"#);
                store
                    .run(Service::Orders, "usr-1", "same", &r, || {
                        let n = runs.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(std::time::Duration::from_millis(20));
                        Reply::ok(&n)
                    })
                    .await
                    .body
            }));
        }
        let mut bodies = Vec::new();
        for h in handles {
            bodies.push(h.await.unwrap());
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert!(bodies.windows(2).all(|w| w[0] == w[1]));
    }
}
