//! The product card the app shows wherever products are listed: a name, a thumbnail URL and,
//! when the source has one, a display price.

use bff_shared::origins::catalog::ProductSummary;
use bff_shared::origins::recommendations::Recommendation;
use bff_shared::shaping::{ImageView, Locale, Profile};
use serde::Serialize;

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
pub struct ProductCard {
    id: u32,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    price: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<ImageView>,
}

impl ProductCard {
    pub fn recommended(item: &Recommendation, profile: &Profile, locale: Locale) -> Self {
        Self {
            id: item.product_id,
            price: Some(item.price(locale).formatted),
            image: item
                .image(profile.card_image)
                .map(|image| ImageView::new(image, &item.name)),
            name: item.name.clone(),
        }
    }

    pub fn listed(product: &ProductSummary, profile: &Profile) -> Self {
        Self {
            id: product.id,
            name: product.name.clone(),
            price: None,
            image: product.images.first().and_then(|image| {
                image
                    .variant(profile.card_image)
                    .map(|variant| ImageView::new(variant, &image.alt))
            }),
        }
    }
}
