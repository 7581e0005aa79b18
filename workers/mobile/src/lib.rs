//! The mobile app's BFF: one round trip and a small body per screen, for a phone on a slow,
//! metered network. Shared mechanisms come from `bff-shared`; this crate holds only the mobile
//! team's routes, profile and view models.

mod product_page;
mod profile;

use bff_shared::origin::Service;
use bff_shared::routing::Routes;
use bff_shared::{BffError, Reply, Scope};
use worker::{Context, Env, Request, Response, event};

/// The origins this Worker calls; their settings are read from its vars.
const ORIGINS: &[Service] = &[
    Service::Catalog,
    Service::Pricing,
    Service::Inventory,
    Service::Reviews,
    Service::Recommendations,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Route {
    ProductPage,
}

const ROUTES: &[(&str, &str, Route)] = &[("GET", "/api/products/:id", Route::ProductPage)];

#[event(fetch)]
async fn fetch(request: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    console_error_panic_hook::set_once();
    let scope = Scope::begin(&request, &env, ORIGINS);
    let outcome = dispatch(&scope).await;
    scope.finish(outcome)
}

async fn dispatch(scope: &Scope) -> Result<Reply, BffError> {
    let routes = Routes::new(ROUTES).map_err(|_| BffError::internal("route_table_invalid"))?;
    let found = routes.find(scope.method(), scope.path())?;
    match found.route {
        Route::ProductPage => product_page::get(scope, found.param("id")).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_table_is_valid() {
        let routes = Routes::new(ROUTES).unwrap();
        assert_eq!(
            routes.find("GET", "/api/products/1").unwrap().route,
            Route::ProductPage
        );
    }
}
