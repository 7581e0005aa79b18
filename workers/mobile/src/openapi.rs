//! This Worker's OpenAPI document, generated from its view types and handler annotations by the
//! test below, committed as `workers/mobile/openapi.json`, and served at `GET /openapi.json`.
//! `make openapi` rewrites the file after a change; the test fails while it is out of date.

use bff_shared::openapi::BearerToken;
use utoipa::OpenApi;

/// Signed-in endpoints take a bearer token of the `mobile` audience.
const SIGNED_IN: BearerToken = BearerToken { audience: "mobile" };

#[derive(OpenApi)]
#[openapi(
    info(
        title = "bff-mobile",
        description = "The mobile app's BFF: small bodies, cursor pagination, sparse fieldsets, Save-Data.",
        version = "1"
    ),
    paths(
        crate::home::get,
        crate::listing::get,
        crate::product_page::get,
        crate::reviews::get,
        crate::description::get,
        bff_shared::openapi::paths::me,
        bff_shared::openapi::paths::cart,
        bff_shared::openapi::paths::add_item,
        bff_shared::openapi::paths::remove_item,
        bff_shared::openapi::paths::checkout,
        bff_shared::openapi::paths::purge,
        bff_shared::openapi::paths::openapi
    ),
    modifiers(&SIGNED_IN),
    components(schemas(bff_shared::openapi::ErrorResponse))
)]
pub struct ApiDoc;

/// The document as served.
pub fn document() -> Result<String, serde_json::Error> {
    ApiDoc::openapi().to_pretty_json().map(|json| json + "\n")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use utoipa::OpenApi;

    #[test]
    fn committed_document_matches_the_code() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
        bff_shared::openapi::check_document(&super::document().unwrap(), &path).unwrap();
    }

    /// Every route the Worker serves is described, and nothing else is.
    #[test]
    fn document_describes_exactly_the_route_table() {
        let mut routes: Vec<(String, String)> = crate::APP
            .routes
            .iter()
            .map(|(method, pattern, _)| ((*method).to_owned(), (*pattern).to_owned()))
            .collect();
        routes.sort();
        let described = bff_shared::openapi::operations_of(&super::ApiDoc::openapi());
        assert_eq!(described, routes);
    }
}
