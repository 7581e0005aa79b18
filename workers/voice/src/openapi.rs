//! This Worker's OpenAPI document, generated from its answer types by the test below, committed
//! as `workers/voice/openapi.json` and served at `GET /openapi.json` (`make openapi` rewrites it).

use bff_shared::openapi::{BearerToken, paths};
use utoipa::OpenApi;

const SIGNED_IN: BearerToken = BearerToken { audience: "voice" };

#[derive(OpenApi)]
#[openapi(
    info(
        title = "bff-voice",
        description = "The voice assistant's BFF: spoken answers, a display card, a checkout confirmed aloud.",
        version = "1"
    ),
    paths(
        crate::product_page::get,
        crate::search::get,
        crate::cart::cart,
        crate::cart::add,
        crate::cart::checkout,
        paths::me,
        paths::remove_item,
        paths::purge,
        paths::openapi
    ),
    modifiers(&SIGNED_IN),
    components(schemas(bff_shared::openapi::ErrorResponse))
)]
pub struct ApiDoc;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_is_committed_and_describes_exactly_the_routes() {
        let routes = <crate::Voice as bff_shared::storefront::Storefront>::APP.routes;
        let manifest = env!("CARGO_MANIFEST_DIR");
        bff_shared::openapi::check_worker(&ApiDoc::openapi(), routes, manifest).unwrap();
    }
}
