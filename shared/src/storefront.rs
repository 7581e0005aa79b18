//! A storefront BFF Worker, declared: the endpoints every frontend serves the same way (account,
//! cart, checkout, cache purge, the API description) are routed and handled here once; a
//! frontend names its own routes (its screens), its credential, and overrides a shared handler
//! only where its clients need something else (a voice checkout in two steps, say).
//!
//! ```ignore
//! struct Kiosk;
//! impl Storefront for Kiosk {
//!     type Own = Own;
//!     const APP: App<Route<Own>> = App { routes: bff_shared::storefront_routes![
//!         "GET" "/api/products/:id" => Own::ProductPage,
//!     ], .. };
//!     ...
//! }
//! ```

use std::future::Future;
use std::pin::Pin;

use crate::auth::User;
use crate::cache::BuiltTag;
use crate::edge::{App, Reply, Scope};
use crate::error::BffError;
use crate::pages::account;
use crate::routing::Found;

/// The endpoints every storefront BFF serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Common {
    OpenApi,
    Me,
    Cart,
    AddToCart,
    RemoveFromCart,
    Checkout,
    CachePurge,
}

/// A route of a storefront Worker: a common endpoint, or one of the frontend's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route<Own> {
    Common(Common),
    Own(Own),
}

/// A route table: the common endpoints, then the frontend's own rows
/// (`"GET" "/api/products/:id" => Own::ProductPage`).
#[macro_export]
macro_rules! storefront_routes {
    ($($method:literal $path:literal => $own:expr),* $(,)?) => {
        &[
            ("GET", "/openapi.json", $crate::storefront::Route::Common($crate::storefront::Common::OpenApi)),
            ("GET", "/api/me", $crate::storefront::Route::Common($crate::storefront::Common::Me)),
            ("GET", "/api/cart", $crate::storefront::Route::Common($crate::storefront::Common::Cart)),
            ("POST", "/api/cart/items", $crate::storefront::Route::Common($crate::storefront::Common::AddToCart)),
            ("DELETE", "/api/cart/items/:productId", $crate::storefront::Route::Common($crate::storefront::Common::RemoveFromCart)),
            ("POST", "/api/checkout", $crate::storefront::Route::Common($crate::storefront::Common::Checkout)),
            ("POST", "/__admin/cache/purge", $crate::storefront::Route::Common($crate::storefront::Common::CachePurge)),
            $(($method, $path, $crate::storefront::Route::Own($own)),)*
        ]
    };
}

/// One frontend's BFF. The provided handlers are the shared ones; override where the
/// frontend's clients need another answer.
pub trait Storefront: 'static {
    /// The frontend's own routes.
    type Own: Copy + 'static;
    /// Its origins, route table (built with [`storefront_routes!`]), cache windows, browser app.
    const APP: App<Route<Self::Own>>;
    /// Its name, as in cache keys and logs.
    const FRONTEND: &'static str;
    /// Its API description (`workers/<frontend>/openapi.json`).
    const OPENAPI: &'static str;
    /// The API description's `ETag`, computed at build time.
    const OPENAPI_TAG: BuiltTag = BuiltTag::of(Self::OPENAPI);

    /// The signed-in shopper, by the frontend's credential, or a 401.
    fn signed_in(scope: &Scope) -> impl Future<Output = Result<User, BffError>>;

    /// Answers one of the frontend's own routes: each arm boxes its handler's future
    /// (`Box::pin(product_page::get(scope, found.param("id")))`), so that each route is its own
    /// small state machine (see [`Answer`]).
    fn own<'a>(
        scope: &'a Scope,
        route: Self::Own,
        found: &'a Found<Route<Self::Own>>,
    ) -> Answer<'a>;

    fn me(scope: &Scope, user: &User) -> impl Future<Output = Result<Reply, BffError>> {
        account::me(scope, user)
    }

    fn cart(scope: &Scope, user: &User) -> impl Future<Output = Result<Reply, BffError>> {
        account::cart(scope, user)
    }

    fn add_to_cart(scope: &Scope, user: &User) -> impl Future<Output = Result<Reply, BffError>> {
        account::add_item(scope, user)
    }

    fn remove_from_cart(
        scope: &Scope,
        user: &User,
        product_id: &str,
    ) -> impl Future<Output = Result<Reply, BffError>> {
        account::remove_item(scope, user, product_id)
    }

    fn checkout(scope: &Scope, user: &User) -> impl Future<Output = Result<Reply, BffError>> {
        account::checkout(scope, user)
    }

    /// The shopper on a public page, if their credential is valid; otherwise anonymous.
    fn signed_in_if_any(scope: &Scope) -> impl Future<Output = Option<User>> {
        async move {
            if scope.header("authorization").is_none() && scope.header("cookie").is_none() {
                return None;
            }
            Self::signed_in(scope).await.ok()
        }
    }
}

/// A handler's answer, boxed: each route's future is its own small state machine, compiled by
/// the runtime when that route is first asked, instead of every route inlined into one that the
/// first request of an isolate must compile whole (it was some 70 KB of wasm).
pub type Answer<'a> = Pin<Box<dyn Future<Output = Result<Reply, BffError>> + 'a>>;

/// Answers a routed request of storefront `S`.
pub async fn handle<S: Storefront>(
    scope: &Scope,
    found: Found<Route<S::Own>>,
) -> Result<Reply, BffError> {
    let answer: Answer<'_> = match found.route {
        Route::Own(own) => return S::own(scope, own, &found).await,
        Route::Common(Common::OpenApi) => {
            Box::pin(async { Ok(Reply::document(S::OPENAPI, &S::OPENAPI_TAG)) })
        }
        Route::Common(Common::CachePurge) => Box::pin(crate::cache::purge(scope, S::FRONTEND)),
        Route::Common(Common::Me) => {
            Box::pin(async { S::me(scope, &S::signed_in(scope).await?).await })
        }
        Route::Common(Common::Cart) => {
            Box::pin(async { S::cart(scope, &S::signed_in(scope).await?).await })
        }
        Route::Common(Common::AddToCart) => {
            Box::pin(async { S::add_to_cart(scope, &S::signed_in(scope).await?).await })
        }
        Route::Common(Common::RemoveFromCart) => Box::pin(async move {
            let user = S::signed_in(scope).await?;
            S::remove_from_cart(scope, &user, found.param("productId")).await
        }),
        Route::Common(Common::Checkout) => {
            Box::pin(async { S::checkout(scope, &S::signed_in(scope).await?).await })
        }
    };
    answer.await
}

/// The request a Worker's fetch handler receives: the platform's own, read through
/// [`crate::platform`] rather than converted field by field on arrival.
pub type IncomingRequest = worker::web_sys::Request;
/// The response a Worker's fetch handler returns.
pub type OutgoingResponse = worker::web_sys::Response;

/// A storefront Worker's fetch handler, exported to the runtime: `storefront_worker!(Mobile);`
/// in the frontend's `lib.rs`. Each request runs as a task of [`crate::task`].
#[macro_export]
macro_rules! storefront_worker {
    ($storefront:ty) => {
        /// The fetch handler the runtime calls for every request.
        #[wasm_bindgen::prelude::wasm_bindgen]
        pub fn fetch(
            request: $crate::storefront::IncomingRequest,
            env: ::worker::Env,
            ctx: ::worker::worker_sys::Context,
        ) -> ::worker::js_sys::Promise {
            ::console_error_panic_hook::set_once();
            $crate::storefront::respond::<$storefront>(request, env, ctx)
        }

        /// What the entry module runs once per isolate, as it starts.
        #[wasm_bindgen::prelude::wasm_bindgen]
        pub struct Isolate {}

        #[wasm_bindgen::prelude::wasm_bindgen]
        impl Isolate {
            /// Reads and checks the Worker's settings before its first request (see
            /// `bff_shared::edge::start_isolate`).
            pub fn start(env: ::worker::Env) {
                ::console_error_panic_hook::set_once();
                $crate::storefront::start_isolate::<$storefront>(&env);
            }
        }

        /// The route table, for the tests beside it.
        #[cfg(test)]
        pub(crate) const FRONTEND_APP: &$crate::App<
            $crate::storefront::Route<<$storefront as $crate::storefront::Storefront>::Own>,
        > = &<$storefront as $crate::storefront::Storefront>::APP;

        #[cfg(test)]
        mod storefront_route_table {
            #[test]
            fn is_valid_and_serves_the_common_routes() {
                let routes = $crate::routing::Routes::new(super::FRONTEND_APP.routes)
                    .map_err(|invalid| invalid.0)
                    .unwrap();
                let cart = routes.find("GET", "/api/cart").map(|found| found.route);
                assert!(matches!(
                    cart,
                    Ok($crate::storefront::Route::Common(
                        $crate::storefront::Common::Cart
                    ))
                ));
            }
        }
    };
}

/// Answers one request of storefront `S` as a task: the promise of the response.
pub fn respond<S: Storefront>(
    request: IncomingRequest,
    env: worker::Env,
    ctx: worker::worker_sys::Context,
) -> worker::js_sys::Promise {
    crate::task::run(async move {
        let ctx = worker::Context::new(ctx);
        match serve::<S>(request, &env, ctx).await {
            Ok(response) => response.into(),
            Err(error) => {
                worker::console_error!("response not built: {error}");
                crate::platform::respond(
                    500,
                    "content-type\napplication/json\n",
                    &crate::platform::Body::Bytes(
                        b"{\"error\":{\"code\":\"internal\",\"message\":\"Internal error.\"}}"
                            .to_vec(),
                    ),
                )
                .into()
            }
        }
    })
}

/// Storefront `S`'s start-up work, once per isolate (see [`crate::edge::start_isolate`]).
pub fn start_isolate<S: Storefront>(env: &worker::Env) {
    crate::edge::start_isolate(env, &S::APP);
}

/// The Worker's fetch handler for storefront `S`.
pub async fn serve<S: Storefront>(
    request: IncomingRequest,
    env: &worker::Env,
    ctx: worker::Context,
) -> worker::Result<OutgoingResponse> {
    crate::edge::serve(request, env, ctx, &S::APP, handle::<S>).await
}
