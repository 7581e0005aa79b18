//! The desktop web storefront's BFF: complete product pages with large images, for the web
//! team's screens. Shared mechanisms come from `bff-shared`; this crate holds only the web's
//! routes, profile and view models.

mod cards;
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

/// The session Durable Object classes (`SessionObject`, one per session; `UserSessions`, one
/// per user), exported from this Worker's bundle for its `SESSIONS` and `USER_SESSIONS`
/// bindings.
pub use bff_shared::auth::session_object::SessionObject;
pub use bff_shared::auth::user_sessions::UserSessions;

/// The web team's own pages and its BFF-held session; account, cart and checkout are the
/// storefront's common ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Own {
    BackchannelLogout,
    Home,
    Listing,
    Login,
    Logout,
    ProductPage,
    Reviews,
    Session,
}

struct Web;

impl Storefront for Web {
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
            "POST" "/auth/login" => Own::Login,
            "POST" "/auth/logout" => Own::Logout,
            "GET" "/auth/session" => Own::Session,
            "POST" "/auth/backchannel-logout" => Own::BackchannelLogout,
        ],
        cache: profile::CACHE,
        browser_origin: true,
    };

    /// The web's flavour: the BFF-held session behind the cookie.
    async fn signed_in(scope: &Scope) -> Result<User, BffError> {
        bff_shared::auth::session::authenticate(scope).await
    }

    fn own<'a>(scope: &'a Scope, route: Own, found: &'a Found<Route<Own>>) -> Answer<'a> {
        match route {
            Own::BackchannelLogout => Box::pin(bff_shared::auth::backchannel::handle(scope, "web")),
            Own::Home => {
                Box::pin(async { home::get(scope, Self::signed_in_if_any(scope).await).await })
            }
            Own::Listing => Box::pin(listing::get(scope)),
            Own::Login => Box::pin(bff_shared::auth::session::login(scope, "web")),
            Own::Logout => Box::pin(bff_shared::auth::session::logout(scope)),
            Own::ProductPage => Box::pin(product_page::get(scope, found.param("id"))),
            Own::Reviews => Box::pin(reviews::get(scope, found.param("id"))),
            Own::Session => Box::pin(bff_shared::auth::session::info(scope)),
        }
    }
}

bff_shared::storefront_worker!(Web);
