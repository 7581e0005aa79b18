//! This Worker's OpenAPI document, generated from its view types and handler annotations by the
//! test below, committed as `workers/mobile/openapi.json`, and served at `GET /openapi.json`.
//! `make openapi` rewrites the file after a change; the test fails while it is out of date.

use utoipa::OpenApi;

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
        crate::reviews::get
    ),
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

    #[test]
    fn committed_document_matches_the_code() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
        bff_shared::openapi::check_document(&super::document().unwrap(), &path).unwrap();
    }
}
