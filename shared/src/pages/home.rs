//! The home page: featured products and categories from the catalog are required; the
//! recommendations are optional, so a failing recommender costs the page one shelf.

use crate::error::BffError;
use crate::fanout::{Parts, optional_if, required, try_join};
use crate::origin::OriginClient;
use crate::origins::catalog::{Category, ProductSummary};
use crate::origins::recommendations::Recommendations;
use crate::shaping::Profile;

/// Part name as it appears in a response's `degraded` list.
pub const RECOMMENDATIONS: &str = "recommendations";

#[derive(Debug)]
pub struct HomeSources {
    pub featured: Vec<ProductSummary>,
    pub categories: Vec<Category>,
    pub recommendations: Option<Recommendations>,
    pub degraded: Vec<&'static str>,
}

impl HomeSources {
    pub async fn gather(origins: &OriginClient, profile: &Profile) -> Result<Self, BffError> {
        let (featured, mut categories, recommendations) = try_join!(
            required(origins.catalog().featured(profile.home_featured)),
            required(origins.catalog().categories()),
            optional_if(
                profile.home_recommendations > 0,
                origins
                    .recommendations()
                    .popular(profile.home_recommendations)
            ),
        )?;
        let mut parts = Parts::default();
        if let Some(limit) = profile.home_categories {
            categories.truncate(limit);
        }
        let recommendations = parts.optional(RECOMMENDATIONS, recommendations).flatten();
        Ok(Self {
            featured,
            categories,
            recommendations,
            degraded: parts.into_degraded(),
        })
    }
}

/// The signed-in shopper's own recommendations, fetched live for merging into the cached public
/// page. `None` (and the public shelf stays) if the recommender fails.
pub async fn personal_recommendations(
    origins: &OriginClient,
    user: &crate::auth::User,
    profile: &Profile,
) -> Option<Recommendations> {
    if profile.home_recommendations == 0 {
        return None;
    }
    origins
        .recommendations()
        .for_user(&user.id, profile.home_recommendations)
        .await
        .ok()
}
