//! `GET /api/home` for the app's home screen: a few featured products, the top categories as
//! chips, and a short shelf of recommendations.

use bff_shared::auth::User;
use bff_shared::cache::{CacheKey, Shaped};
use bff_shared::pages::home::{self, HomeSources};
use bff_shared::shaping::{Locale, Profile};
use bff_shared::{BffError, Reply, Scope};
use serde::Serialize;

use crate::cards::ProductCard;
use crate::fields;
use crate::profile;

#[cfg_attr(
    not(target_arch = "wasm32"),
    utoipa::path(
        get,
        path = "/api/home",
        summary = "The home screen",
        params(("fields" = Option<String>, Query, description = "Sparse fieldset: comma-separated dotted paths, e.g. `id,name,price.formatted`."), ("save-data" = Option<String>, Header, description = "`on` for the Save-Data variant: smaller images, no optional sections.")),
        responses(
            (status = 200, description = "The home screen", body = HomeScreen, headers(
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
    let fields = fields::requested(scope, fields::HOME)?;
    let (profile, variant) = profile::for_request(scope.save_data());
    let locale = scope.locale();
    let key = CacheKey::new(profile.frontend, "home")
        .language(locale)
        .variant(variant);
    let reply = home::serve(
        scope,
        key,
        move |origins| async move {
            let sources = HomeSources::gather(&origins, profile).await?;
            let degraded = !sources.degraded.is_empty();
            Shaped::json(&HomeScreen::shape(sources, profile, locale), degraded)
        },
        user,
        profile,
        |mine| {
            mine.items
                .iter()
                .map(|item| ProductCard::recommended(item, profile, locale))
                .collect()
        },
    )
    .await?;
    Ok(reply
        .select(fields.as_ref())
        .await?
        .varying_on("save-data")
        .varying_on("accept-language"))
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
pub struct HomeScreen {
    featured: Vec<ProductCard>,
    categories: Vec<CategoryChip>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recommendations: Option<Vec<ProductCard>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    degraded: Vec<&'static str>,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
pub struct CategoryChip {
    slug: String,
    name: String,
}

impl HomeScreen {
    fn shape(sources: HomeSources, profile: &Profile, locale: Locale) -> Self {
        Self {
            featured: sources
                .featured
                .iter()
                .map(|product| ProductCard::listed(product, profile))
                .collect(),
            categories: sources
                .categories
                .into_iter()
                .map(|category| CategoryChip {
                    slug: category.slug,
                    name: category.name,
                })
                .collect(),
            recommendations: sources.recommendations.map(|shelf| {
                shelf
                    .items
                    .iter()
                    .map(|item| ProductCard::recommended(item, profile, locale))
                    .collect()
            }),
            degraded: sources.degraded,
        }
    }
}
