//! The only mutable business data: carts and orders. `reset` puts it back to
//! the seed (every seed user with an empty cart, no orders).

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Serialize;

use crate::data::{pricing, seed, users};

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Line {
    pub product_id: u32,
    pub quantity: u32,
    pub unit_price_minor: u64,
    pub line_total_minor: u64,
}

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct CartView {
    pub user_id: String,
    pub items: Vec<Line>,
    pub subtotal_minor: u64,
    pub currency: &'static str,
    pub version: u64,
}

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Order {
    pub order_id: String,
    pub user_id: String,
    pub status: &'static str,
    pub items: Vec<Line>,
    pub total_minor: u64,
    pub currency: &'static str,
    pub created_at: String,
}

#[derive(Default, Clone)]
struct Cart {
    /// (product_id, quantity) in insertion order.
    items: Vec<(u32, u32)>,
    version: u64,
}

#[derive(Default)]
struct Inner {
    carts: HashMap<String, Cart>,
    orders: Vec<Order>,
    orders_created: u64,
}

#[derive(Default)]
pub struct Store {
    inner: Mutex<Inner>,
}

pub const MAX_LINE_QUANTITY: u32 = 99;

#[derive(Debug, PartialEq, Eq)]
pub enum CartError {
    UnknownUser,
    NotInCart,
    QuantityLimit,
    CartEmpty,
}

fn lines(items: &[(u32, u32)]) -> Vec<Line> {
    items
        .iter()
        .map(|(product_id, quantity)| {
            let unit = pricing::price_for(*product_id).effective_minor();
            Line {
                product_id: *product_id,
                quantity: *quantity,
                unit_price_minor: unit,
                line_total_minor: unit * u64::from(*quantity),
            }
        })
        .collect()
}

fn view(user_id: &str, cart: &Cart) -> CartView {
    let items = lines(&cart.items);
    CartView {
        user_id: user_id.to_owned(),
        subtotal_minor: items.iter().map(|l| l.line_total_minor).sum(),
        items,
        currency: "EUR",
        version: cart.version,
    }
}

impl Store {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn reset(&self) {
        *self.lock() = Inner::default();
    }

    pub fn orders_created(&self) -> u64 {
        self.lock().orders_created
    }

    pub fn cart(&self, user_id: &str) -> Result<CartView, CartError> {
        users::by_id(user_id).ok_or(CartError::UnknownUser)?;
        let inner = self.lock();
        let empty = Cart::default();
        Ok(view(user_id, inner.carts.get(user_id).unwrap_or(&empty)))
    }

    /// Adds to a line; the product must already be known to exist.
    pub fn add_item(
        &self,
        user_id: &str,
        product_id: u32,
        quantity: u32,
    ) -> Result<CartView, CartError> {
        users::by_id(user_id).ok_or(CartError::UnknownUser)?;
        let mut inner = self.lock();
        let cart = inner.carts.entry(user_id.to_owned()).or_default();
        match cart.items.iter_mut().find(|(id, _)| *id == product_id) {
            Some((_, q)) => {
                let total = *q + quantity;
                if total > MAX_LINE_QUANTITY {
                    return Err(CartError::QuantityLimit);
                }
                *q = total;
            }
            None => cart.items.push((product_id, quantity)),
        }
        cart.version += 1;
        Ok(view(user_id, cart))
    }

    pub fn remove_item(&self, user_id: &str, product_id: u32) -> Result<CartView, CartError> {
        users::by_id(user_id).ok_or(CartError::UnknownUser)?;
        let mut inner = self.lock();
        let cart = inner.carts.entry(user_id.to_owned()).or_default();
        let before = cart.items.len();
        cart.items.retain(|(id, _)| *id != product_id);
        if cart.items.len() == before {
            return Err(CartError::NotInCart);
        }
        cart.version += 1;
        Ok(view(user_id, cart))
    }

    /// Turns the cart into an order and empties the cart, atomically.
    pub fn place_order(&self, user_id: &str) -> Result<Order, CartError> {
        users::by_id(user_id).ok_or(CartError::UnknownUser)?;
        let mut inner = self.lock();
        let cart = inner.carts.entry(user_id.to_owned()).or_default();
        if cart.items.is_empty() {
            return Err(CartError::CartEmpty);
        }
        let items = lines(&cart.items);
        cart.items.clear();
        cart.version += 1;
        inner.orders_created += 1;
        let order = Order {
            order_id: format!("ord-{}", 1000 + inner.orders_created),
            user_id: user_id.to_owned(),
            status: "confirmed",
            total_minor: items.iter().map(|l| l.line_total_minor).sum(),
            items,
            currency: "EUR",
            created_at: seed::rfc3339(seed::now_seconds()),
        };
        inner.orders.push(order.clone());
        Ok(order)
    }

    pub fn orders_of(&self, user_id: &str) -> Result<Vec<Order>, CartError> {
        users::by_id(user_id).ok_or(CartError::UnknownUser)?;
        Ok(self
            .lock()
            .orders
            .iter()
            .filter(|o| o.user_id == user_id)
            .cloned()
            .collect())
    }

    pub fn order(&self, order_id: &str) -> Option<Order> {
        self.lock()
            .orders
            .iter()
            .find(|o| o.order_id == order_id)
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cart_lifecycle() {
        let s = Store::default();
        let c = s.cart("usr-1").unwrap();
        assert!(c.items.is_empty());
        assert_eq!(c.version, 0);
        assert_eq!(s.cart("usr-404"), Err(CartError::UnknownUser));

        let c = s.add_item("usr-1", 1, 2).unwrap();
        let unit = pricing::price_for(1).effective_minor();
        assert_eq!(c.items[0].unit_price_minor, unit);
        assert_eq!(c.subtotal_minor, unit * 2);
        let c = s.add_item("usr-1", 1, 3).unwrap();
        assert_eq!(c.items[0].quantity, 5);
        assert_eq!(c.version, 2);
        assert_eq!(s.add_item("usr-1", 1, 95), Err(CartError::QuantityLimit));
        s.add_item("usr-1", 7, 1).unwrap();
        assert_eq!(s.remove_item("usr-1", 8), Err(CartError::NotInCart));
        let c = s.remove_item("usr-1", 1).unwrap();
        assert_eq!(c.items.len(), 1);

        let o = s.place_order("usr-1").unwrap();
        assert_eq!(o.order_id, "ord-1001");
        assert_eq!(o.total_minor, pricing::price_for(7).effective_minor());
        assert!(s.cart("usr-1").unwrap().items.is_empty());
        assert_eq!(s.place_order("usr-1"), Err(CartError::CartEmpty));
        assert_eq!(s.orders_of("usr-1").unwrap().len(), 1);
        assert_eq!(s.orders_created(), 1);
        assert!(s.order("ord-1001").is_some());

        s.reset();
        assert_eq!(s.orders_created(), 0);
        assert!(s.orders_of("usr-1").unwrap().is_empty());
    }
}
