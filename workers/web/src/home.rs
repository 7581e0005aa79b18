//! `GET /api/home` for the desktop home page: featured products, every category with its size,
//! and a shelf of recommendations.

use bff_shared::cache::{CacheKey, Shaped};
use bff_shared::pages::home::HomeSources;
use bff_shared::{BffError, Reply, Scope};
use serde::Serialize;

use crate::cards::ProductCard;
use crate::profile::PROFILE;

pub async fn get(scope: &Scope) -> Result<Reply, BffError> {
    let key = CacheKey::new(PROFILE.frontend, "home");
    scope
        .cached(key, |origins| async move {
            let sources = HomeSources::gather(&origins, &PROFILE).await?;
            let degraded = !sources.degraded.is_empty();
            Shaped::json(&HomePage::from(sources), degraded)
        })
        .await
}

#[derive(Serialize)]
struct HomePage {
    featured: Vec<ProductCard>,
    categories: Vec<CategoryLink>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recommendations: Option<Vec<ProductCard>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    degraded: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CategoryLink {
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
