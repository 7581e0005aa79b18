//! `GET /api/products/{id}/reviews?page=&limit=` for the web's "all reviews" view: numbered
//! pages of full reviews.

use bff_shared::cache::{CacheKey, Shaped};
use bff_shared::origins::catalog::ProductId;
use bff_shared::origins::reviews::Review;
use bff_shared::pages::product::review_page;
use bff_shared::pagination::page_offset;
use bff_shared::{BffError, Reply, Scope, params};
use serde::Serialize;

use crate::profile::PROFILE;

#[cfg_attr(
    not(target_arch = "wasm32"),
    utoipa::path(
        get,
        path = "/api/products/{id}/reviews",
        summary = "A page of a product's reviews",
        params(("id" = u32, Path, description = "Product id, a positive whole number."), ("page" = Option<u32>, Query, description = "1-based page number (default 1)."), ("limit" = Option<u32>, Query, description = "Page size, 1–50 (default 20).")),
        responses(
            (status = 200, description = "A page of a product's reviews", body = ReviewsPage, headers(
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
    let query = scope.query();
    let page = params::page(query.get("page"))?;
    let limit = params::limit(query.get("limit"), PROFILE.reviews_page_size, 50)?;
    let offset = page_offset(page, limit)?;
    let key = CacheKey::new(PROFILE.frontend, "reviews")
        .param("id", id.get())
        .param("offset", offset)
        .param("limit", limit);
    scope
        .cached(key, move |origins| async move {
            let reviews = review_page(&origins, id, offset, limit).await?;
            let total_pages = reviews.total.div_ceil(limit);
            let view = ReviewsPage {
                average_rating: reviews.average_rating,
                items: reviews.items.into_iter().map(ReviewItem::from).collect(),
                page,
                page_size: limit,
                total_items: reviews.total,
                total_pages,
            };
            Shaped::json(&view, false)
        })
        .await
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReviewsPage {
    average_rating: f64,
    items: Vec<ReviewItem>,
    page: u32,
    page_size: u32,
    total_items: u32,
    total_pages: u32,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ReviewItem {
    id: String,
    rating: u8,
    title: String,
    body: String,
    author: String,
    date: String,
    verified_purchase: bool,
    helpful_votes: u32,
}

impl From<Review> for ReviewItem {
    fn from(review: Review) -> Self {
        Self {
            body: PROFILE.review_text.apply(&review.body).into_owned(),
            id: review.review_id,
            rating: review.rating,
            title: review.title,
            author: review.author_display_name,
            date: review.created_at,
            verified_purchase: review.verified_purchase,
            helpful_votes: review.helpful_votes,
        }
    }
}
