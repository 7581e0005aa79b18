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
use bff_shared::origin::Service;
use bff_shared::routing::Found;
use bff_shared::storefront::{Answer, Route, Storefront};
use bff_shared::{App, BffError, Scope};

/// The mobile team's own screens; account, cart and checkout are the storefront's common ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Own {
    Description,
    Home,
    Listing,
    ProductPage,
    Reviews,
}

struct Mobile;

impl Storefront for Mobile {
    type Own = Own;
    const FRONTEND: &'static str = profile::PROFILE.frontend;
    /// The API description, generated from the view types (see `openapi.rs`).
    const OPENAPI: &'static str = include_str!("../openapi.json");
    const APP: App<Route<Own>> = App {
        origins: &Service::ALL,
        routes: bff_shared::storefront_routes![
            "GET" "/api/home" => Own::Home,
            "GET" "/api/products" => Own::Listing,
            "GET" "/api/products/:id" => Own::ProductPage,
            "GET" "/api/products/:id/reviews" => Own::Reviews,
            "GET" "/api/products/:id/description" => Own::Description,
        ],
        cache: profile::CACHE,
        browser_origin: false,
    };

    /// The app's flavour: a bearer JWT from the identity service, audience `mobile`.
    async fn signed_in(scope: &Scope) -> Result<User, BffError> {
        bff_shared::auth::bearer::authenticate(scope, "mobile").await
    }

    fn own<'a>(scope: &'a Scope, route: Own, found: &'a Found<Route<Own>>) -> Answer<'a> {
        match route {
            Own::Description => Box::pin(description::get(scope, found.param("id"))),
            Own::Home => {
                Box::pin(async { home::get(scope, Self::signed_in_if_any(scope).await).await })
            }
            Own::Listing => Box::pin(listing::get(scope)),
            Own::ProductPage => Box::pin(product_page::get(scope, found.param("id"))),
            Own::Reviews => Box::pin(reviews::get(scope, found.param("id"))),
        }
    }
}

bff_shared::storefront_worker!(Mobile);
