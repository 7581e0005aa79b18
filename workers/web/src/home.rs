//! `GET /api/home` for the desktop home page: featured products, every category with its size,
//! and a shelf of recommendations.

use bff_shared::auth::User;
use bff_shared::cache::{CacheKey, Shaped};
use bff_shared::pages::home::{self, HomeSources};
use bff_shared::shaping::Locale;
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
    let locale = scope.locale();
    let key = CacheKey::new(PROFILE.frontend, "home").language(locale);
    let reply = home::serve(
        scope,
        key,
        move |origins| async move {
            let sources = HomeSources::gather(&origins, &PROFILE).await?;
            let degraded = !sources.degraded.is_empty();
            Shaped::json(&HomePage::shape(sources, locale), degraded)
        },
        user,
        &PROFILE,
        |mine| {
            mine.items
                .iter()
                .map(|item| ProductCard::recommended(item, locale))
                .collect()
        },
    )
    .await?;
    Ok(reply.varying_on("accept-language"))
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

impl HomePage {
    fn shape(sources: HomeSources, locale: Locale) -> Self {
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
            recommendations: sources.recommendations.map(|shelf| {
                shelf
                    .items
                    .iter()
                    .map(|item| ProductCard::recommended(item, locale))
                    .collect()
            }),
            degraded: sources.degraded,
        }
    }
}
