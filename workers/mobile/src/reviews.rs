//! `GET /api/products/{id}/reviews?cursor=&limit=` for the app's reviews screen: previews cut to
//! the profile's length, paged by opaque cursor.

use bff_shared::cache::{CacheKey, Shaped};
use bff_shared::origins::catalog::ProductId;
use bff_shared::origins::reviews::Review;
use bff_shared::pages::product::review_page;
use bff_shared::shaping::Profile;
pub use bff_shared::shaping::Rating;
use bff_shared::{BffError, Reply, Scope, params};
use serde::Serialize;

use crate::fields;
use crate::profile::PROFILE;

#[cfg_attr(
    not(target_arch = "wasm32"),
    utoipa::path(
        get,
        path = "/api/products/{id}/reviews",
        summary = "A page of a product's reviews",
        params(("id" = u32, Path, description = "Product id, a positive whole number."), ("cursor" = Option<String>, Query, description = "Opaque cursor from the previous page's `nextCursor`."), ("limit" = Option<u32>, Query, description = "Page size, 1–20 (default 10)."), ("fields" = Option<String>, Query, description = "Sparse fieldset: comma-separated dotted paths, e.g. `id,name,price.formatted`.")),
        responses(
            (status = 200, description = "A page of a product's reviews", body = ReviewsScreen, headers(
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
    let fields = fields::requested(scope, fields::REVIEWS)?;
    let query = scope.query();
    let limit = params::limit(query.get("limit"), PROFILE.reviews_page_size, 20)?;
    let signer = scope.cursor_signer()?;
    let result_set = format!("reviews:{}", id.get());
    let offset = match query.get("cursor") {
        Some(cursor) => signer.decode(cursor, &result_set)?,
        None => 0,
    };
    let key = CacheKey::new(PROFILE.frontend, "reviews")
        .param("id", id.get())
        .param("offset", offset)
        .param("limit", limit);
    let reply = scope
        .cached(key, move |origins| async move {
            let page = review_page(&origins, id, offset, limit).await?;
            let next_cursor = page
                .next_offset
                .map(|next| signer.encode(next, &result_set));
            let view = ReviewsScreen {
                rating: Rating::of(&page),
                items: page
                    .items
                    .into_iter()
                    .map(|review| ReviewPreview::shape(review, &PROFILE))
                    .collect(),
                next_cursor,
            };
            Shaped::json(&view, false)
        })
        .await?;
    reply.select(fields.as_ref()).await
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReviewsScreen {
    rating: Rating,
    items: Vec<ReviewPreview>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReviewPreview {
    rating: u8,
    title: String,
    text: String,
    author: String,
    /// The day it was written (ISO date).
    date: String,
    /// The author bought the product here.
    verified: bool,
}

impl ReviewPreview {
    pub fn shape(review: Review, profile: &Profile) -> Self {
        Self {
            text: profile.review_text.apply(&review.body).into_owned(),
            rating: review.rating,
            title: review.title,
            author: review.author_display_name,
            date: review.created_at.chars().take(10).collect(),
            verified: review.verified_purchase,
        }
    }
}
