//! The mobile app's BFF: one round trip and a small body per screen, for a phone on a slow,
//! metered network. Shared mechanisms come from `bff-shared`; this crate holds only the mobile
//! team's routes, profile and view models.

mod cards;
mod description;
mod fields;
mod home;
mod listing;
#[cfg(test)]
mod openapi;
mod product_page;
mod profile;
mod reviews;

use bff_shared::auth::User;
use bff_shared::cache;
use bff_shared::origin::Service;
use bff_shared::pages::account;
use bff_shared::{App, Reply, serve};
use worker::{Context, Env, Request, Response, event};

/// The API description, generated from the view types (see `openapi.rs`).
const OPENAPI: &str = include_str!("../openapi.json");

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Route {
    AddToCart,
    CachePurge,
    Cart,
    Checkout,
    Description,
    Home,
    Listing,
    Me,
    OpenApi,
    ProductPage,
    RemoveFromCart,
    Reviews,
}

const APP: App<Route> = App {
    origins: &[
        Service::Catalog,
        Service::Pricing,
        Service::Inventory,
        Service::Reviews,
        Service::Recommendations,
        Service::Users,
        Service::Carts,
        Service::Orders,
        Service::Identity,
    ],
    routes: &[
        ("GET", "/api/home", Route::Home),
        ("GET", "/openapi.json", Route::OpenApi),
        ("GET", "/api/products", Route::Listing),
        ("GET", "/api/products/:id", Route::ProductPage),
        ("GET", "/api/products/:id/reviews", Route::Reviews),
        ("GET", "/api/products/:id/description", Route::Description),
        ("GET", "/api/me", Route::Me),
        ("GET", "/api/cart", Route::Cart),
        ("POST", "/api/cart/items", Route::AddToCart),
        (
            "DELETE",
            "/api/cart/items/:productId",
            Route::RemoveFromCart,
        ),
        ("POST", "/api/checkout", Route::Checkout),
        ("POST", "/__admin/cache/purge", Route::CachePurge),
    ],
    cache: profile::CACHE,
    browser_origin: false,
};

/// The app's flavour: a bearer JWT from the identity service, audience `mobile`.
async fn signed_in(scope: &bff_shared::Scope) -> Result<User, bff_shared::BffError> {
    bff_shared::auth::bearer::authenticate(scope, "mobile").await
}

/// The shopper, on a public page, if a valid token says who; otherwise anonymous.
async fn signed_in_if_any(scope: &bff_shared::Scope) -> Option<User> {
    scope.header("authorization")?;
    signed_in(scope).await.ok()
}

#[event(fetch)]
async fn fetch(request: Request, env: Env, ctx: Context) -> worker::Result<Response> {
    console_error_panic_hook::set_once();
    serve(request, &env, ctx, &APP, async |scope, found| {
        match found.route {
            Route::AddToCart => account::add_item(scope, &signed_in(scope).await?).await,
            Route::CachePurge => cache::purge(scope, profile::PROFILE.frontend).await,
            Route::Cart => account::cart(scope, &signed_in(scope).await?).await,
            Route::Checkout => account::checkout(scope, &signed_in(scope).await?).await,
            Route::Description => description::get(scope, found.param("id")).await,
            Route::Home => home::get(scope, signed_in_if_any(scope).await).await,
            Route::Listing => listing::get(scope).await,
            Route::Me => account::me(scope, &signed_in(scope).await?).await,
            Route::OpenApi => Ok(Reply::document(OPENAPI)),
            Route::ProductPage => product_page::get(scope, found.param("id")).await,
            Route::RemoveFromCart => {
                let user = signed_in(scope).await?;
                account::remove_item(scope, &user, found.param("productId")).await
            }
            Route::Reviews => reviews::get(scope, found.param("id")).await,
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use bff_shared::routing::Routes;

    #[test]
    fn route_table_is_valid() {
        let routes = Routes::new(APP.routes).unwrap();
        assert_eq!(
            routes.find("GET", "/api/products/1").unwrap().route,
            Route::ProductPage
        );
    }
}
