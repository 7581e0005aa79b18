//! Calling the origin microservices: where they are, how calls fail, and the client itself.

mod breakers;
mod client;
mod config;
mod failure;
mod objects;
mod service;

pub use client::{Call, OriginClient};
pub use config::{CallPolicy, ConfigErrors, DEFAULT_TIMEOUT, OriginConfig, ServiceConfig};
pub use failure::{Failure, OriginError};
pub use service::Service;
