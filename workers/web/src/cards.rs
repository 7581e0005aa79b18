//! The product card the web shows wherever products are listed (related, featured, recommended).

use bff_shared::origins::catalog::{ImageVariant, ProductSummary};
use bff_shared::origins::recommendations::Recommendation;
use bff_shared::shaping::{Locale, Money};
use serde::Serialize;

use crate::profile::PROFILE;

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
pub struct ProductCard {
    id: u32,
    name: String,
    slug: String,
    image: Option<CardImage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    price: Option<Money>,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
pub struct CardImage {
    url: String,
    width: u32,
    height: u32,
}

impl CardImage {
    pub fn from_variant(image: &ImageVariant) -> Self {
        Self {
            url: image.url.clone(),
            width: image.width,
            height: image.height,
        }
    }
}

impl ProductCard {
    /// A recommended product, its price written for the shopper's language.
    pub fn recommended(item: &Recommendation, locale: Locale) -> Self {
        Self {
            id: item.product_id,
            name: item.name.clone(),
            slug: item.slug.clone(),
            image: item.image(PROFILE.card_image).map(CardImage::from_variant),
            price: Some(item.price(locale)),
        }
    }
}

impl From<&ProductSummary> for ProductCard {
    fn from(product: &ProductSummary) -> Self {
        Self {
            id: product.id,
            name: product.name.clone(),
            slug: product.slug.clone(),
            image: product
                .image(PROFILE.card_image)
                .map(CardImage::from_variant),
            price: None,
        }
    }
}
