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
