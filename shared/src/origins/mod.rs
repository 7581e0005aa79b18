//! Typed clients of the origin services, one module per service.
//!
//! The payload types declare only the fields a frontend may see. Everything else an origin sends
//! (cost prices, supplier ids, warehouse ids, model scores) is dropped at deserialization, so an
//! internal field cannot reach a client by accident: there is no field to copy it from.

pub mod catalog;
pub mod inventory;
pub mod pricing;
pub mod recommendations;
pub mod reviews;
