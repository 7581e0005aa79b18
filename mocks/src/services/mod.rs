//! One module per origin; each maps the path below its service segment to a handler.

pub mod carts;
pub mod catalog;
pub mod identity;
pub mod inventory;
pub mod orders;
pub mod pricing;
pub mod recommendations;
pub mod reviews;
pub mod users;

use hyper::{Method, StatusCode};
use serde::Serialize;

use crate::control::Service;
use crate::http::{Items, Reply, Req, allow, ids_param};
use crate::state::AppState;

pub async fn dispatch(state: &AppState, service: Service, req: &Req) -> Reply {
    match service {
        Service::Catalog => catalog::handle(state, req),
        Service::Pricing => pricing::handle(state, req),
        Service::Inventory => inventory::handle(state, req),
        Service::Reviews => reviews::handle(state, req),
        Service::Recommendations => recommendations::handle(state, req),
        Service::Users => users::handle(req),
        Service::Carts => carts::handle(state, req).await,
        Service::Orders => orders::handle(state, req).await,
        Service::Identity => identity::handle(state, req),
    }
}

/// Runs `f` for GET, answers 405 otherwise.
pub fn get(req: &Req, f: impl FnOnce() -> Reply) -> Reply {
    allow(req, &[Method::GET]).unwrap_or_else(f)
}

/// Resolves a product id path segment: 400 when not a number, 404 (with
/// `not_found_code`) when outside the catalog.
pub fn product_id(state: &AppState, raw: &str, not_found_code: &str) -> Result<u32, Reply> {
    let n: u64 = raw
        .parse()
        .map_err(|_| Reply::error(StatusCode::BAD_REQUEST, "bad_product_id"))?;
    u32::try_from(n)
        .ok()
        .filter(|id| state.catalog.contains(*id))
        .ok_or_else(|| Reply::error(StatusCode::NOT_FOUND, not_found_code))
}

/// Maximum ids accepted by the batch endpoints.
pub const MAX_BATCH: usize = 100;

/// A resource with one document per product, served singly (`/{resource}/{id}`) or batched
/// (`/{resource}?ids=1,2,3`, unknown ids skipped), as pricing and inventory both do.
pub fn per_product<T: Serialize>(
    state: &AppState,
    req: &Req,
    resource: &str,
    not_found_code: &str,
    document: fn(u32) -> T,
) -> Reply {
    match req.segs().as_slice() {
        [name] if *name == resource => get(req, || batch(state, req, document)),
        [name, id] if *name == resource => {
            get(req, || match product_id(state, id, not_found_code) {
                Ok(id) => Reply::ok(&document(id)),
                Err(reply) => reply,
            })
        }
        _ => Reply::not_found(),
    }
}

fn batch<T: Serialize>(state: &AppState, req: &Req, document: fn(u32) -> T) -> Reply {
    let Some(raw) = req.query("ids") else {
        return Reply::error(StatusCode::BAD_REQUEST, "ids_required");
    };
    match ids_param(raw, MAX_BATCH) {
        Ok(ids) => {
            let items: Vec<T> = ids
                .into_iter()
                .filter(|id| state.catalog.contains(*id))
                .map(document)
                .collect();
            Reply::ok(&Items { items })
        }
        Err(reply) => reply,
    }
}
