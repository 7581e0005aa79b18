//! `GET /api/home` for the desktop home page: featured products, every category with its size,
//! and a shelf of recommendations.

use bff_shared::auth::User;
use bff_shared::cache::{CacheKey, Shaped};
use bff_shared::pages::home::{self, HomeSources};
use bff_shared::{BffError, Reply, Scope};
use serde::Serialize;

use crate::cards::ProductCard;
use crate::profile::PROFILE;

#[cfg_attr(
    not(target_arch = "wasm32"),
    utoipa::path(
        get,
        path = "/api/home",
        summary = "The home page",
        params(),
        responses(
            (status = 200, description = "The home page", body = HomePage, headers(
                ("etag" = String, description = "Validator for `If-None-Match`."),
                ("x-bff-cache" = String, description = "HIT, MISS, STALE or BYPASS."),
                ("x-request-id" = String, description = "The request's id."),
                ("server-timing" = String, description = "One entry per origin call and the cache."),
            )),
            bff_shared::openapi::ReadFailures,
        )
    )
)]
pub async fn get(scope: &Scope, user: Option<User>) -> Result<Reply, BffError> {
    let key = CacheKey::new(PROFILE.frontend, "home");
    home::serve(
        scope,
        key,
        |origins| async move {
            let sources = HomeSources::gather(&origins, &PROFILE).await?;
            let degraded = !sources.degraded.is_empty();
            Shaped::json(&HomePage::from(sources), degraded)
        },
        user,
        &PROFILE,
        |mine| mine.items.iter().map(ProductCard::from).collect(),
    )
    .await
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
pub struct HomePage {
    featured: Vec<ProductCard>,
    categories: Vec<CategoryLink>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recommendations: Option<Vec<ProductCard>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    degraded: Vec<&'static str>,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CategoryLink {
    slug: String,
    name: String,
    product_count: u32,
}

impl From<HomeSources> for HomePage {
    fn from(sources: HomeSources) -> Self {
        Self {
            featured: sources.featured.iter().map(ProductCard::from).collect(),
            categories: sources
                .categories
                .into_iter()
                .map(|category| CategoryLink {
                    slug: category.slug,
                    name: category.name,
                    product_count: category.product_count,
                })
                .collect(),
            recommendations: sources
                .recommendations
                .map(|shelf| shelf.items.iter().map(ProductCard::from).collect()),
            degraded: sources.degraded,
        }
    }
}
