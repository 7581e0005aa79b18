//! Typed clients of the origin services, one module per service.
//!
//! The payload types declare only the fields a frontend may see. Everything else an origin sends
//! (cost prices, supplier ids, warehouse ids, model scores) is dropped at deserialization, so an
//! internal field cannot reach a client by accident: there is no field to copy it from.

pub mod carts;
pub mod catalog;
pub mod identity;
pub mod inventory;
pub mod orders;
pub mod pricing;
pub mod recommendations;
pub mod reviews;
pub mod users;

/// `1,2,3` for the origins' batch endpoints.
fn join_ids(ids: &[u32]) -> String {
    ids.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
}
