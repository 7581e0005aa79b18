//! Aggregations: which origin parts make up a page, and which of them the page can do without.
//!
//! The parts of a page are the same for every frontend; how each frontend presents them is its
//! own view model. A frontend's profile sets the sizes of what is fetched.

pub mod account;
pub mod home;
pub mod listing;
pub mod product;
