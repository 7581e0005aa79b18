use hyper::{Method, StatusCode};
use serde_json::Value;

use crate::control::Service;
use crate::http::{Reply, Req, allow};
use crate::state::AppState;
use crate::store::{CartError, MAX_LINE_QUANTITY};

pub async fn handle(state: &AppState, req: &Req) -> Reply {
    match req.segs().as_slice() {
        ["carts", user] => {
            allow(req, &[Method::GET]).unwrap_or_else(|| cart_reply(state.store.cart(user)))
        }
        ["carts", user, "items"] => {
            if let Some(r) = allow(req, &[Method::POST]) {
                return r;
            }
            idempotent(state, req, user, || add(state, user, &req.body)).await
        }
        ["carts", user, "items", product] => {
            if let Some(r) = allow(req, &[Method::DELETE]) {
                return r;
            }
            idempotent(state, req, user, || remove(state, user, product)).await
        }
        _ => Reply::not_found(),
    }
}

/// Runs a write exactly once per `Idempotency-Key` when the client sends one.
async fn idempotent(state: &AppState, req: &Req, user: &str, op: impl FnOnce() -> Reply) -> Reply {
    match req.header("idempotency-key").filter(|k| !k.is_empty()) {
        Some(key) => {
            state
                .idempotency
                .run(Service::Carts, user, key, req, op)
                .await
        }
        None => op(),
    }
}

pub fn cart_error(e: CartError) -> Reply {
    match e {
        CartError::UnknownUser => Reply::error(StatusCode::NOT_FOUND, "user_not_found"),
        CartError::NotInCart => Reply::error(StatusCode::NOT_FOUND, "item_not_found"),
        CartError::QuantityLimit => {
            Reply::error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_quantity")
        }
        CartError::CartEmpty => Reply::error(StatusCode::UNPROCESSABLE_ENTITY, "cart_empty"),
    }
}

fn cart_reply<T: serde::Serialize>(r: Result<T, CartError>) -> Reply {
    match r {
        Ok(v) => Reply::ok(&v),
        Err(e) => cart_error(e),
    }
}

fn add(state: &AppState, user: &str, body: &[u8]) -> Reply {
    let parsed: Option<(u64, i64)> = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| Some((v.get("product_id")?.as_u64()?, v.get("quantity")?.as_i64()?)));
    let Some((product_id, quantity)) = parsed else {
        return Reply::error(StatusCode::BAD_REQUEST, "invalid_body");
    };
    let Some(quantity) = u32::try_from(quantity)
        .ok()
        .filter(|q| (1..=MAX_LINE_QUANTITY).contains(q))
    else {
        return Reply::error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_quantity");
    };
    let Some(product_id) = u32::try_from(product_id)
        .ok()
        .filter(|id| state.catalog.contains(*id))
    else {
        return Reply::error(StatusCode::NOT_FOUND, "product_not_found");
    };
    cart_reply(state.store.add_item(user, product_id, quantity))
}

fn remove(state: &AppState, user: &str, product: &str) -> Reply {
    match product.parse::<u32>() {
        Ok(id) => cart_reply(state.store.remove_item(user, id)),
        Err(_) => Reply::error(StatusCode::BAD_REQUEST, "bad_product_id"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn cart_endpoints() {
        let state = AppState::for_tests();
        let post = |body: &str| Req::test(Method::POST, "/carts/carts/usr-1/items", body);
        let v = handle(&state, &Req::test(Method::GET, "/carts/carts/usr-1", ""))
            .await
            .json_value();
        assert_eq!(v["items"].as_array().unwrap().len(), 0);
        assert_eq!(v["currency"], "EUR");

        let r = handle(&state, &post(r#"{"product_id":1,"quantity":2}"#)).await;
        assert_eq!(r.status, 200);
        assert_eq!(r.json_value()["items"][0]["quantity"], 2);
        assert_eq!(
            handle(&state, &post(r#"{"product_id":1}"#)).await.status,
            400
        );
        assert_eq!(handle(&state, &post("nope")).await.status, 400);
        assert_eq!(
            handle(&state, &post(r#"{"product_id":1,"quantity":"2"}"#))
                .await
                .status,
            400
        );
        assert_eq!(
            handle(&state, &post(r#"{"product_id":1,"quantity":0}"#))
                .await
                .status,
            422
        );
        assert_eq!(
            handle(&state, &post(r#"{"product_id":1,"quantity":100}"#))
                .await
                .status,
            422
        );
        assert_eq!(
            handle(&state, &post(r#"{"product_id":1,"quantity":-1}"#))
                .await
                .status,
            422
        );
        assert_eq!(
            handle(&state, &post(r#"{"product_id":9999,"quantity":1}"#))
                .await
                .status,
            404
        );
        let unknown = Req::test(
            Method::POST,
            "/carts/carts/usr-77/items",
            r#"{"product_id":1,"quantity":1}"#,
        );
        assert_eq!(handle(&state, &unknown).await.status, 404);

        let del = |p: &str| Req::test(Method::DELETE, &format!("/carts/carts/usr-1/items/{p}"), "");
        assert_eq!(handle(&state, &del("2")).await.status, 404);
        assert_eq!(handle(&state, &del("x")).await.status, 400);
        let v = handle(&state, &del("1")).await.json_value();
        assert_eq!(v["items"].as_array().unwrap().len(), 0);
        assert_eq!(
            handle(&state, &Req::test(Method::PUT, "/carts/carts/usr-1", ""))
                .await
                .status,
            405
        );
    }

    #[tokio::test]
    async fn idempotency_key_executes_once() {
        let state = AppState::for_tests();
        let post = |body: &str| {
            Req::test(Method::POST, "/carts/carts/usr-2/items", body)
                .with_header("idempotency-key", "k-1")
        };
        let a = handle(&state, &post(r#"{"product_id":5,"quantity":2}"#)).await;
        let b = handle(&state, &post(r#"{"quantity":2,"product_id":5}"#)).await;
        assert_eq!(a.body, b.body);
        let v = handle(&state, &Req::test(Method::GET, "/carts/carts/usr-2", ""))
            .await
            .json_value();
        assert_eq!(v["items"][0]["quantity"], 2);
        let c = handle(&state, &post(r#"{"product_id":5,"quantity":3}"#)).await;
        assert_eq!(c.status, 422);
        assert_eq!(c.json_value()["error"], "idempotency_key_reused");
    }
}
