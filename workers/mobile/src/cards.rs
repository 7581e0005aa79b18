//! The product card the app shows wherever products are listed: a name, a thumbnail URL and,
//! when the source has one, a display price.

use bff_shared::origins::catalog::ProductSummary;
use bff_shared::origins::recommendations::Recommendation;
use serde::Serialize;

use crate::profile::PROFILE;

#[derive(Serialize)]
pub struct ProductCard {
    id: u32,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    price: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<String>,
}

impl From<&Recommendation> for ProductCard {
    fn from(item: &Recommendation) -> Self {
        Self {
            id: item.product_id,
            name: item.name.clone(),
            price: Some(item.price().formatted),
            image: item
                .image(PROFILE.card_image)
                .map(|image| image.url.clone()),
        }
    }
}

impl From<&ProductSummary> for ProductCard {
    fn from(product: &ProductSummary) -> Self {
        Self {
            id: product.id,
            name: product.name.clone(),
            price: None,
            image: product
                .image(PROFILE.card_image)
                .map(|image| image.url.clone()),
        }
    }
}
