//! The orders service: checkout turns the cart into an order, once per idempotency key.

use serde::{Deserialize, Serialize};

use super::carts::Line;
use super::users::UserId;
use crate::origin::{Call, Failure, OriginClient, OriginError, Service};

#[derive(Clone, Debug, Deserialize)]
pub struct Order {
    pub order_id: String,
    pub status: String,
    pub items: Vec<Line>,
    pub total_minor: u64,
    pub currency: String,
    pub created_at: String,
}

#[derive(Serialize)]
struct PlaceOrder<'a> {
    user_id: &'a str,
}

#[derive(Clone, Copy)]
pub struct Orders<'a>(&'a OriginClient);

impl OriginClient {
    pub fn orders(&self) -> Orders<'_> {
        Orders(self)
    }
}

impl Orders<'_> {
    pub async fn place(self, user: &UserId, idempotency_key: &str) -> Result<Order, OriginError> {
        let body = serde_json::to_vec(&PlaceOrder {
            user_id: user.as_str(),
        })
        .map_err(|_| OriginError::new(Service::Orders, Failure::Internal))?;
        let call = Call::post("/orders", &body).idempotency_key(Some(idempotency_key));
        self.0.send_json(Service::Orders, call).await
    }
}
