//! This Worker's OpenAPI document, generated from its view types and handler annotations by the
//! test below, committed as `workers/web/openapi.json`, and served at `GET /openapi.json`.
//! `make openapi` rewrites the file after a change; the test fails while it is out of date.

use bff_shared::openapi::CookieSession;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "bff-web",
        description = "The desktop web storefront's BFF: complete pages, page-number pagination.",
        version = "1"
    ),
    paths(
        crate::home::get,
        crate::listing::get,
        crate::product_page::get,
        crate::reviews::get,
        bff_shared::openapi::paths::me,
        bff_shared::openapi::paths::cart,
        bff_shared::openapi::paths::add_item,
        bff_shared::openapi::paths::remove_item,
        bff_shared::openapi::paths::checkout,
        bff_shared::openapi::paths::login,
        bff_shared::openapi::paths::logout,
        bff_shared::openapi::paths::session,
        bff_shared::openapi::paths::backchannel_logout,
        bff_shared::openapi::paths::purge,
        bff_shared::openapi::paths::openapi
    ),
    modifiers(&CookieSession),
    components(schemas(bff_shared::openapi::ErrorResponse))
)]
pub struct ApiDoc;

#[cfg(test)]
mod tests {
    use utoipa::OpenApi;

    #[test]
    fn document_is_committed_and_describes_exactly_the_routes() {
        let routes = crate::FRONTEND_APP.routes;
        let manifest = env!("CARGO_MANIFEST_DIR");
        bff_shared::openapi::check_worker(&super::ApiDoc::openapi(), routes, manifest).unwrap();
    }
}
