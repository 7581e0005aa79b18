use hyper::{Method, StatusCode};
use serde_json::Value;

use super::carts::cart_error;
use crate::control::Service;
use crate::http::{Items, Reply, Req, allow};
use crate::state::AppState;

pub async fn handle(state: &AppState, req: &Req) -> Reply {
    match req.segs().as_slice() {
        ["orders"] => match req.method {
            Method::POST => create(state, req).await,
            Method::GET => list(state, req),
            _ => allow(req, &[Method::GET, Method::POST]).unwrap_or_else(Reply::not_found),
        },
        ["orders", id] => {
            allow(req, &[Method::GET]).unwrap_or_else(|| match state.store.order(id) {
                Some(o) => Reply::ok(&o),
                None => Reply::error(StatusCode::NOT_FOUND, "order_not_found"),
            })
        }
        _ => Reply::not_found(),
    }
}

async fn create(state: &AppState, req: &Req) -> Reply {
    let Some(key) = req.header("idempotency-key").filter(|k| !k.is_empty()) else {
        return Reply::error(StatusCode::BAD_REQUEST, "idempotency_key_required");
    };
    let user = serde_json::from_slice::<Value>(&req.body)
        .ok()
        .and_then(|v| v.get("user_id")?.as_str().map(str::to_owned));
    let Some(user) = user else {
        return Reply::error(StatusCode::BAD_REQUEST, "invalid_body");
    };
    state
        .idempotency
        .run(Service::Orders, &user, key, req, || {
            match state.store.place_order(&user) {
                Ok(order) => Reply::json(StatusCode::CREATED, &order),
                Err(e) => cart_error(e),
            }
        })
        .await
}

fn list(state: &AppState, req: &Req) -> Reply {
    let Some(user) = req.query("user_id").filter(|u| !u.is_empty()) else {
        return Reply::error(StatusCode::BAD_REQUEST, "user_id_required");
    };
    match state.store.orders_of(user) {
        Ok(items) => Reply::ok(&Items { items }),
        Err(e) => cart_error(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn order_req(key: Option<&str>, body: &str) -> Req {
        let r = Req::test(Method::POST, "/orders/orders", body);
        match key {
            Some(k) => r.with_header("idempotency-key", k),
            None => r,
        }
    }

    #[tokio::test]
    async fn creates_orders_exactly_once() {
        let state = AppState::for_tests();
        let body = r#"{"user_id":"usr-1"}"#;
        assert_eq!(
            handle(&state, &order_req(None, body)).await.json_value()["error"],
            "idempotency_key_required"
        );
        assert_eq!(
            handle(&state, &order_req(Some("a"), body))
                .await
                .json_value()["error"],
            "cart_empty"
        );
        assert_eq!(
            handle(&state, &order_req(Some("b"), "{}")).await.status,
            400
        );

        state.store.add_item("usr-1", 3, 2).unwrap();
        let first = handle(&state, &order_req(Some("k"), body)).await;
        assert_eq!(first.status, StatusCode::CREATED);
        let v = first.json_value();
        assert_eq!(v["order_id"], "ord-1001");
        assert_eq!(v["status"], "confirmed");
        assert_eq!(v["items"][0]["quantity"], 2);
        let again = handle(&state, &order_req(Some("k"), body)).await;
        assert_eq!(again.status, StatusCode::CREATED);
        assert_eq!(again.body, first.body);
        assert_eq!(state.store.orders_created(), 1);
        assert!(state.store.cart("usr-1").unwrap().items.is_empty());

        let list = handle(
            &state,
            &Req::test(Method::GET, "/orders/orders?user_id=usr-1", ""),
        )
        .await;
        assert_eq!(list.json_value()["items"].as_array().unwrap().len(), 1);
        let one = handle(
            &state,
            &Req::test(Method::GET, "/orders/orders/ord-1001", ""),
        )
        .await;
        assert_eq!(one.status, 200);
        assert_eq!(
            handle(&state, &Req::test(Method::GET, "/orders/orders", ""))
                .await
                .status,
            400
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_duplicate_orders() {
        let state = Arc::new(AppState::for_tests());
        state.store.add_item("usr-2", 4, 1).unwrap();
        let mut handles = Vec::new();
        for _ in 0..12 {
            let state = Arc::clone(&state);
            handles.push(tokio::spawn(async move {
                handle(&state, &order_req(Some("dup"), r#"{"user_id":"usr-2"}"#)).await
            }));
        }
        let mut replies = Vec::new();
        for h in handles {
            replies.push(h.await.unwrap());
        }
        assert!(replies.iter().all(|r| r.status == StatusCode::CREATED));
        assert!(replies.windows(2).all(|w| w[0].body == w[1].body));
        assert_eq!(state.store.orders_created(), 1);
    }
}
