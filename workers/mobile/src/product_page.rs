//! `GET /api/products/{id}` for the phone's product screen: only what the screen shows, with
//! image URLs as plain strings and reviews cut to a preview.

use bff_shared::cache::{CacheKey, Shaped};
use bff_shared::origins::catalog::ProductId;
use bff_shared::origins::reviews::ReviewPage;
use bff_shared::pages::product::ProductSources;
use bff_shared::shaping::{ImageView, Locale, Money, Profile, StockView};
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
    let locale = scope.locale();
    let key = CacheKey::new(profile.frontend, "product")
        .param("id", id.get())
        .language(locale)
        .variant(variant);
    let reply = scope
        .cached(key, move |origins| async move {
            let sources = ProductSources::gather(&origins, id, profile).await?;
            let degraded = !sources.degraded.is_empty();
            Shaped::json(&ProductScreen::shape(sources, profile, locale), degraded)
        })
        .await?;
    Ok(reply
        .select(fields.as_ref())
        .await?
        .varying_on("save-data")
        .varying_on("accept-language"))
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
    availability: StockView,
    images: Vec<ImageView>,
    /// The start of the description; the whole of it is at `/api/products/{id}/description`.
    description: String,
    /// The description was cut: offer "read more".
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    description_cut: bool,
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
    fn shape(sources: ProductSources, profile: &Profile, locale: Locale) -> Self {
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
            .filter_map(|image| {
                image
                    .variant(profile.gallery_image)
                    .map(|variant| ImageView::new(variant, &image.alt))
            })
            .collect();
        let (description, description_cut) = description_start(&product.description, profile);
        let (rating, reviews) = match reviews {
            Some(page) => {
                let (rating, previews) = review_previews(page, profile);
                (Some(rating), Some(previews))
            }
            None => (None, None),
        };
        Self {
            id: product.id,
            price: price.current(locale),
            was_price: price.was(locale),
            availability: stock.view(),
            images,
            description,
            description_cut,
            rating,
            reviews,
            related: related.map(|r| {
                r.items
                    .iter()
                    .map(|item| ProductCard::recommended(item, profile, locale))
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

/// The start of a description as the screen shows it, and whether it was cut (the screen then
/// offers "read more"). Told by the text, not by its length: a cut ends in an ellipsis of three
/// bytes, so a description only a character or two over the limit comes out longer than it was.
fn description_start(description: &str, profile: &Profile) -> (String, bool) {
    let start = profile.description.apply(description);
    let cut = start != description;
    (start.into_owned(), cut)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_description_within_the_limit_is_whole_and_not_cut() {
        let text = "Small, light and quiet.";
        assert_eq!(
            description_start(text, &profile::PROFILE),
            (text.to_owned(), false)
        );
    }

    #[test]
    fn a_description_just_over_the_limit_is_cut_though_the_cut_is_longer_in_bytes() {
        // 201 characters: cut before the last word, 199 letters and an ellipsis are 202 bytes.
        let text = format!("{} b", "a".repeat(199));
        let (start, cut) = description_start(&text, &profile::PROFILE);
        assert!(start.len() > text.len());
        assert_eq!(start, format!("{}…", "a".repeat(199)));
        assert!(cut);
    }
}
