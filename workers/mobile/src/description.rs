//! `GET /api/products/{id}/description` for the app's "read more" screen: the whole description
//! that the product screen only starts, cached like the product screen.

use bff_shared::cache::{CacheKey, Shaped};
use bff_shared::origin::OriginError;
use bff_shared::origins::catalog::ProductId;
use bff_shared::{BffError, Reply, Scope};
use serde::Serialize;

use crate::fields;
use crate::profile::PROFILE;

#[cfg_attr(
    not(target_arch = "wasm32"),
    utoipa::path(
        get,
        path = "/api/products/{id}/description",
        summary = "A product's whole description",
        params(("id" = u32, Path, description = "Product id, a positive whole number."), ("fields" = Option<String>, Query, description = "Sparse fieldset: comma-separated dotted paths.")),
        responses(
            (status = 200, description = "The whole description", body = DescriptionScreen, headers(
                ("etag" = String, description = "Validator for `If-None-Match`."),
                ("x-bff-cache" = String, description = "HIT, MISS, STALE or BYPASS."),
                ("x-request-id" = String, description = "The request's id."),
                ("server-timing" = String, description = "One entry per origin call and the cache."),
            )),
            bff_shared::openapi::ReadFailures,
        )
    )
)]
pub async fn get(scope: &Scope, raw_id: &str) -> Result<Reply, BffError> {
    let id = ProductId::parse(raw_id)?;
    let fields = fields::requested(scope, fields::DESCRIPTION)?;
    let key = CacheKey::new(PROFILE.frontend, "description").param("id", id.get());
    let reply = scope
        .cached(key, move |origins| async move {
            let product = origins
                .catalog()
                .product(id)
                .await
                .map_err(|error: OriginError| {
                    if error.is_not_found() {
                        id.not_found()
                    } else {
                        error.into()
                    }
                })?;
            let view = DescriptionScreen {
                id: product.id,
                name: product.name,
                description: product.description,
            };
            Shaped::json(&view, false)
        })
        .await?;
    reply.select(fields.as_ref()).await
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
pub struct DescriptionScreen {
    id: u32,
    name: String,
    description: String,
}
