//! Deterministic data behind every origin: same id, same bytes, on every run
//! and machine.

pub mod catalog;
pub mod categories;
pub mod inventory;
pub mod pricing;
pub mod recommendations;
pub mod reviews;
pub mod seed;
pub mod text;
pub mod users;
