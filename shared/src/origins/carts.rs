//! The carts service: a shopper's cart, changed only through idempotent writes.

use serde::{Deserialize, Serialize};

use super::users::UserId;
use crate::origin::{Call, Failure, OriginClient, OriginError, Service};

#[derive(Clone, Debug, Deserialize)]
pub struct Cart {
    pub items: Vec<Line>,
    pub subtotal_minor: u64,
    pub currency: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Line {
    pub product_id: u32,
    pub quantity: u32,
    pub unit_price_minor: u64,
    pub line_total_minor: u64,
}

#[derive(Serialize)]
struct AddItem {
    product_id: u32,
    quantity: u32,
}

#[derive(Clone, Copy)]
pub struct Carts<'a>(&'a OriginClient);

impl OriginClient {
    pub fn carts(&self) -> Carts<'_> {
        Carts(self)
    }
}

impl Carts<'_> {
    pub async fn get(self, user: &UserId) -> Result<Cart, OriginError> {
        let path = format!("/carts/{}", user.as_str());
        self.0.get_json(Service::Carts, &path).await
    }

    pub async fn add(
        self,
        user: &UserId,
        product_id: u32,
        quantity: u32,
        idempotency_key: Option<&str>,
    ) -> Result<Cart, OriginError> {
        let path = format!("/carts/{}/items", user.as_str());
        let body = serde_json::to_vec(&AddItem {
            product_id,
            quantity,
        })
        .map_err(|_| OriginError::new(Service::Carts, Failure::Internal))?;
        let call = Call::post(&path, &body).idempotency_key(idempotency_key);
        self.0.send_json(Service::Carts, call).await
    }

    pub async fn remove(
        self,
        user: &UserId,
        product_id: u32,
        idempotency_key: Option<&str>,
    ) -> Result<Cart, OriginError> {
        let path = format!("/carts/{}/items/{product_id}", user.as_str());
        let call = Call::delete(&path).idempotency_key(idempotency_key);
        self.0.send_json(Service::Carts, call).await
    }
}
