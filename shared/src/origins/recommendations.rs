//! The recommendations service: product cards related to a product.

use serde::Deserialize;

use super::catalog::{ImageVariant, ProductId, closest_variant};
use crate::origin::{OriginClient, OriginError, Service};
use crate::shaping::{ImageSize, Locale, Money};

#[derive(Clone, Debug, Deserialize)]
pub struct Recommendations {
    pub items: Vec<Recommendation>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Recommendation {
    pub product_id: u32,
    pub name: String,
    pub slug: String,
    pub image_variants: Vec<ImageVariant>,
    pub price_minor: u64,
    pub currency: String,
}

impl Recommendation {
    pub fn image(&self, size: ImageSize) -> Option<&ImageVariant> {
        closest_variant(&self.image_variants, size)
    }

    pub fn price(&self, locale: Locale) -> Money {
        Money::from_minor(self.price_minor, &self.currency, locale)
    }
}

#[derive(Clone, Copy)]
pub struct RecommendationsClient<'a>(&'a OriginClient);

impl OriginClient {
    pub fn recommendations(&self) -> RecommendationsClient<'_> {
        RecommendationsClient(self)
    }
}

impl RecommendationsClient<'_> {
    pub async fn related(self, id: ProductId, limit: u32) -> Result<Recommendations, OriginError> {
        let path = format!("/products/{}/related?limit={limit}", id.get());
        self.0.get_json(Service::Recommendations, &path).await
    }

    /// Picks for one signed-in shopper: personal, so never cached.
    pub async fn for_user(
        self,
        user: &super::users::UserId,
        limit: u32,
    ) -> Result<Recommendations, OriginError> {
        let path = format!("/users/{}/home?limit={limit}", user.as_str());
        self.0.get_json(Service::Recommendations, &path).await
    }

    /// What is popular with everyone (the home page of a shopper who is not signed in).
    pub async fn popular(self, limit: u32) -> Result<Recommendations, OriginError> {
        let path = format!("/home?limit={limit}");
        self.0.get_json(Service::Recommendations, &path).await
    }
}
