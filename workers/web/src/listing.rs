//! `GET /api/products?category=&q=&page=&limit=` for the web's category and search pages:
//! numbered pages, generous page sizes, cards with brand, price and availability.

use bff_shared::cache::Shaped;
use bff_shared::pages::listing::{self, ListedProduct, ListingSources};
use bff_shared::pagination::page_offset;
use bff_shared::shaping::{Availability, Locale, Money};
use bff_shared::{BffError, Reply, Scope, params};
use serde::Serialize;

use crate::cards::CardImage;
use crate::profile::PROFILE;

#[cfg_attr(
    not(target_arch = "wasm32"),
    utoipa::path(
        get,
        path = "/api/products",
        summary = "A page of products by category and/or search text",
        params(("category" = Option<String>, Query, description = "Category slug."), ("q" = Option<String>, Query, description = "Free-text search, at most 100 characters."), ("page" = Option<u32>, Query, description = "1-based page number (default 1)."), ("limit" = Option<u32>, Query, description = "Page size, 1–60 (default 24).")),
        responses(
            (status = 200, description = "A page of products by category and/or search text", body = ListingPage, headers(
                ("etag" = String, description = "Validator for `If-None-Match`."),
                ("x-bff-cache" = String, description = "HIT, MISS, STALE or BYPASS."),
                ("x-request-id" = String, description = "The request's id."),
                ("server-timing" = String, description = "One entry per origin call and the cache."),
            )),
            bff_shared::openapi::ReadFailures,
        )
    )
)]
pub async fn get(scope: &Scope) -> Result<Reply, BffError> {
    let page = params::page(scope.query().get("page"))?;
    let mut listing = listing::requested(scope.query(), &PROFILE)?;
    let limit = listing.limit;
    listing.offset = page_offset(page, limit)?;
    let locale = scope.locale();
    let key = listing::cache_key(PROFILE.frontend, &listing).language(locale);
    let reply = scope
        .cached(key, move |origins| async move {
            let sources = ListingSources::gather(&origins, &listing).await?;
            let degraded = !sources.degraded.is_empty();
            let view = ListingPage {
                page,
                page_size: limit,
                total_items: sources.total,
                total_pages: sources.total.div_ceil(limit),
                items: sources
                    .items
                    .into_iter()
                    .map(|listed| ListingCard::shape(listed, locale))
                    .collect(),
                degraded: sources.degraded,
            };
            Shaped::json(&view, degraded)
        })
        .await?;
    Ok(reply.varying_on("accept-language"))
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ListingPage {
    items: Vec<ListingCard>,
    page: u32,
    page_size: u32,
    total_items: u32,
    total_pages: u32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    degraded: Vec<&'static str>,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
pub struct ListingCard {
    id: u32,
    name: String,
    slug: String,
    brand: String,
    image: Option<CardImage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    price: Option<CardPrice>,
    #[serde(skip_serializing_if = "Option::is_none")]
    availability: Option<Availability>,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
pub struct CardPrice {
    current: Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    was: Option<Money>,
}

impl ListingCard {
    fn shape(listed: ListedProduct, locale: Locale) -> Self {
        let ListedProduct {
            product,
            price,
            availability,
        } = listed;
        Self {
            image: product
                .image(PROFILE.card_image)
                .map(CardImage::from_variant),
            price: price.map(|price| CardPrice {
                current: price.current(locale),
                was: price.was(locale),
            }),
            availability,
            id: product.id,
            name: product.name,
            slug: product.slug,
            brand: product.brand,
        }
    }
}
