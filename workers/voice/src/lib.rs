//! The voice assistant's BFF (smart speaker, car): every answer is what the assistant says — a
//! short `speech`, a `reprompt` where a follow-up is natural, and a small `display` card.
//! Shared mechanisms come from `bff-shared`; this crate holds the voice team's routes, answers
//! and speech.

mod answer;
mod cart;
#[cfg(test)]
mod openapi;
mod product_page;
mod profile;
mod search;
mod speech;

use bff_shared::auth::User;
use bff_shared::origin::Service;
use bff_shared::routing::Found;
use bff_shared::storefront::{Answer, Route, Storefront};
use bff_shared::{App, BffError, Reply, Scope};

/// The voice team's own answers; account and cart removal are the storefront's common ones, and
/// the cart, adding to it and checkout are spoken (see `cart.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Own {
    ProductPage,
    Search,
}

struct Voice;

impl Storefront for Voice {
    type Own = Own;
    const FRONTEND: &'static str = profile::PROFILE.frontend;
    const OPENAPI: &'static str = include_str!("../openapi.json");
    const APP: App<Route<Own>> = App {
        origins: &Service::ALL,
        routes: bff_shared::storefront_routes![
            "GET" "/api/products/:id" => Own::ProductPage,
            "GET" "/api/search" => Own::Search,
        ],
        cache: profile::CACHE,
        browser_origin: false,
    };

    /// Account linking: a bearer JWT from the identity service, audience `voice`.
    async fn signed_in(scope: &Scope) -> Result<User, BffError> {
        bff_shared::auth::bearer::authenticate(scope, "voice").await
    }

    fn own<'a>(scope: &'a Scope, route: Own, found: &'a Found<Route<Own>>) -> Answer<'a> {
        match route {
            Own::ProductPage => Box::pin(product_page::get(scope, found.param("id"))),
            Own::Search => Box::pin(search::get(scope)),
        }
    }

    async fn cart(scope: &Scope, user: &User) -> Result<Reply, BffError> {
        cart::cart(scope, user).await
    }

    async fn add_to_cart(scope: &Scope, user: &User) -> Result<Reply, BffError> {
        cart::add(scope, user).await
    }

    async fn checkout(scope: &Scope, user: &User) -> Result<Reply, BffError> {
        cart::checkout(scope, user).await
    }
}

bff_shared::storefront_worker!(Voice);
