//! The platform library of the storefront's Backends-for-Frontends.
//!
//! Each frontend (web, mobile, …) has its own Worker, owned by its team; the mechanisms they all
//! need live here so that a Worker holds only its routes, its profile and its view models:
//!
//! - [`origin`]: where the origins are, the client that calls them with timeouts, and how calls fail;
//! - [`origins`]: one typed client per origin service, keeping only public fields;
//! - [`fanout`]: concurrent origin calls as required and optional parts;
//! - [`pages`]: which parts make up each page;
//! - [`shaping`]: per-frontend profiles and the display conventions they share;
//! - [`cache`]: the read-through cache on Workers KV, with stale-while-revalidate and
//!   stale-if-error, coalesced per isolate;
//! - [`error`]: the one error type and its one mapping to HTTP;
//! - [`auth`]: per-frontend authentication (bearer JWTs, BFF-held sessions) and CSRF checks;
//! - [`routing`], [`edge`]: from request to response, with request ids and `Server-Timing`;
//! - [`platform`]: the platform calls on every request's path, each one crossing into JavaScript.

pub mod auth;
pub mod cache;
pub mod confirmation;
pub mod edge;
pub mod error;
pub mod fanout;
pub mod fields;
pub mod locale;
#[cfg(not(target_arch = "wasm32"))]
pub mod openapi;
pub mod origin;
pub mod origins;
pub mod pages;
pub mod pagination;
pub mod params;
pub mod platform;
pub mod request_id;
pub mod resilience;
pub mod routing;
pub mod shaping;
pub mod storefront;
pub mod task;
pub mod timing;

pub use edge::{App, Reply, Scope, serve};
pub use error::{BffError, ErrorKind};
