//! The home page: featured products and categories from the catalog are required; the
//! recommendations are optional, so a failing recommender costs the page one shelf.

use std::future::Future;

use serde::Serialize;

use crate::auth::User;
use crate::cache::{CacheKey, Shaped};
use crate::edge::{Reply, Scope};
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

/// Answers the home page: the public part through the cache (`produce` builds it), and for a
/// signed-in shopper their own recommendations, fetched live at the same time, shaped by
/// `shelf` and merged in as `recommendations`. That answer is private; the cache entry stays
/// public. If the personal fetch fails, the public shelf stays.
pub async fn serve<F, Fut, S>(
    scope: &Scope,
    key: CacheKey,
    produce: F,
    user: Option<User>,
    profile: &Profile,
    shelf: impl FnOnce(&Recommendations) -> Vec<S>,
) -> Result<Reply, BffError>
where
    F: FnOnce(OriginClient) -> Fut + 'static,
    Fut: Future<Output = Result<Shaped, BffError>> + 'static,
    S: Serialize,
{
    let origins = scope.origins()?;
    let (public, personal) = futures::join!(scope.cached(key, produce), async {
        match &user {
            Some(user) if profile.home_recommendations > 0 => origins
                .recommendations()
                .for_user(&user.id, profile.home_recommendations)
                .await
                .ok(),
            _ => None,
        }
    });
    let public = public?;
    match (user, personal) {
        (None, _) => Ok(public),
        (Some(_), None) => Ok(public.private()),
        (Some(_), Some(mine)) => {
            let shelf = serde_json::to_value(shelf(&mine))
                .map_err(|_| BffError::internal("response_encoding_failed"))?;
            public.with_personal_field(RECOMMENDATIONS, shelf).await
        }
    }
}
