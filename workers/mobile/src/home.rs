//! `GET /api/home` for the app's home screen: a few featured products, the top categories as
//! chips, and a short shelf of recommendations.

use bff_shared::pages::home::HomeSources;
use bff_shared::{BffError, Reply, Scope};
use serde::Serialize;

use crate::cards::ProductCard;
use crate::profile::PROFILE;

pub async fn get(scope: &Scope) -> Result<Reply, BffError> {
    let sources = HomeSources::gather(scope.origins()?, &PROFILE).await?;
    Reply::json(&HomeScreen::from(sources))
}

#[derive(Serialize)]
struct HomeScreen {
    featured: Vec<ProductCard>,
    categories: Vec<CategoryChip>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recommendations: Option<Vec<ProductCard>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    degraded: Vec<&'static str>,
}

#[derive(Serialize)]
struct CategoryChip {
    slug: String,
    name: String,
}

impl From<HomeSources> for HomeScreen {
    fn from(sources: HomeSources) -> Self {
        Self {
            featured: sources.featured.iter().map(ProductCard::from).collect(),
            categories: sources
                .categories
                .into_iter()
                .map(|category| CategoryChip {
                    slug: category.slug,
                    name: category.name,
                })
                .collect(),
            recommendations: sources
                .recommendations
                .map(|shelf| shelf.items.iter().map(ProductCard::from).collect()),
            degraded: sources.degraded,
        }
    }
}
