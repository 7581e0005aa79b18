//! `GET /api/products/{id}` for the phone's product screen: only what the screen shows, with
//! image URLs as plain strings and reviews cut to a preview.

use bff_shared::cache::{CacheKey, Shaped};
use bff_shared::origins::catalog::ProductId;
use bff_shared::origins::reviews::ReviewPage;
use bff_shared::pages::product::ProductSources;
use bff_shared::shaping::{Availability, Money, Profile};
use bff_shared::{BffError, Reply, Scope};
use serde::Serialize;

use crate::cards::ProductCard;
use crate::fields;
use crate::profile;
use crate::reviews::{Rating, ReviewPreview};

#[cfg_attr(
    not(target_arch = "wasm32"),
    utoipa::path(
        get,
        path = "/api/products/{id}",
        summary = "The product screen",
        params(("id" = u32, Path, description = "Product id, a positive whole number."), ("fields" = Option<String>, Query, description = "Sparse fieldset: comma-separated dotted paths, e.g. `id,name,price.formatted`."), ("save-data" = Option<String>, Header, description = "`on` for the Save-Data variant: smaller images, no optional sections.")),
        responses(
            (status = 200, description = "The product screen", body = ProductScreen, headers(
                ("etag" = String, description = "Validator for `If-None-Match`."),
                ("x-bff-cache" = String, description = "HIT, MISS, STALE or BYPASS."),
                ("x-request-id" = String, description = "The request's id."),
                ("server-timing" = String, description = "One entry per origin call and the cache."),
            )),
            bff_shared::openapi::ReadFailures,
        )
    )
)]
pub async fn get(scope: &Scope, raw_id: &str) -> Result<Reply, BffError> {
    let id = ProductId::parse(raw_id)?;
    let fields = fields::requested(scope, fields::PRODUCT)?;
    let (profile, variant) = profile::for_request(scope.save_data());
    let key = CacheKey::new(profile.frontend, "product")
        .param("id", id.get())
        .variant(variant);
    let reply = scope
        .cached(key, move |origins| async move {
            let sources = ProductSources::gather(&origins, id, profile).await?;
            let degraded = !sources.degraded.is_empty();
            Shaped::json(&ProductScreen::shape(sources, profile), degraded)
        })
        .await?;
    Ok(reply.select(fields.as_ref())?.varying_on("save-data"))
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProductScreen {
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

impl ProductScreen {
    fn shape(sources: ProductSources, profile: &Profile) -> Self {
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
            .take(profile.gallery_limit.unwrap_or(usize::MAX))
            .filter_map(|image| image.variant(profile.gallery_image))
            .map(|variant| variant.url.clone())
            .collect();
        let (rating, reviews) = match reviews {
            Some(page) => {
                let (rating, previews) = review_previews(page, profile);
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
            description: profile.description.apply(&product.description).into_owned(),
            rating,
            reviews,
            related: related.map(|r| {
                r.items
                    .iter()
                    .map(|item| ProductCard::recommended(item, profile))
                    .collect()
            }),
            degraded,
            name: product.name,
            brand: product.brand,
        }
    }
}

fn review_previews(page: ReviewPage, profile: &Profile) -> (Rating, Vec<ReviewPreview>) {
    let rating = Rating::of(&page);
    let previews = page
        .items
        .into_iter()
        .map(|review| ReviewPreview::shape(review, profile))
        .collect();
    (rating, previews)
}
