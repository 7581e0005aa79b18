//! `GET /api/products/{id}` for the phone's product screen: only what the screen shows, with
//! image URLs as plain strings and reviews cut to a preview.

use bff_shared::origins::catalog::ProductId;
use bff_shared::origins::reviews::{Review, ReviewPage};
use bff_shared::pages::product::ProductSources;
use bff_shared::shaping::{Availability, Money};
use bff_shared::{BffError, Reply, Scope};
use serde::Serialize;

use crate::cards::ProductCard;
use crate::profile::PROFILE;

pub async fn get(scope: &Scope, raw_id: &str) -> Result<Reply, BffError> {
    let id = ProductId::parse(raw_id)?;
    let sources = ProductSources::gather(scope.origins()?, id, &PROFILE).await?;
    Reply::json(&ProductScreen::from(sources))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProductScreen {
    id: u32,
    name: String,
    brand: String,
    price: Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    was_price: Option<Money>,
    availability: Availability,
    images: Vec<String>,
    description: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    rating: Option<Rating>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reviews: Option<Vec<ReviewPreview>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    related: Option<Vec<ProductCard>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    degraded: Vec<&'static str>,
}

#[derive(Serialize)]
struct Rating {
    average: f64,
    count: u32,
}

#[derive(Serialize)]
struct ReviewPreview {
    rating: u8,
    title: String,
    text: String,
    author: String,
}

impl From<ProductSources> for ProductScreen {
    fn from(sources: ProductSources) -> Self {
        let ProductSources {
            product,
            price,
            stock,
            reviews,
            related,
            degraded,
        } = sources;
        let images = product
            .images
            .iter()
            .take(PROFILE.gallery_limit.unwrap_or(usize::MAX))
            .filter_map(|image| image.variant(PROFILE.gallery_image))
            .map(|variant| variant.url.clone())
            .collect();
        let (rating, reviews) = match reviews {
            Some(page) => {
                let (rating, previews) = review_previews(page);
                (Some(rating), Some(previews))
            }
            None => (None, None),
        };
        Self {
            id: product.id,
            price: price.current(),
            was_price: price.was(),
            availability: stock.availability(),
            images,
            description: PROFILE.description.apply(&product.description).into_owned(),
            rating,
            reviews,
            related: related.map(|r| r.items.iter().map(ProductCard::from).collect()),
            degraded,
            name: product.name,
            brand: product.brand,
        }
    }
}

fn review_previews(page: ReviewPage) -> (Rating, Vec<ReviewPreview>) {
    let rating = Rating {
        average: (page.average_rating * 10.0).round() / 10.0,
        count: page.total,
    };
    let previews = page.items.into_iter().map(review_preview).collect();
    (rating, previews)
}

fn review_preview(review: Review) -> ReviewPreview {
    ReviewPreview {
        text: PROFILE.review_text.apply(&review.body).into_owned(),
        rating: review.rating,
        title: review.title,
        author: review.author_display_name,
    }
}
