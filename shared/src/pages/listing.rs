//! Product listings (by category and/or text): one catalog page, then prices and stock for all of
//! its products in one batched call per origin, at once. Prices are required (a listing without
//! prices is no listing); availability is optional (`degraded: ["availability"]`).

use crate::cache::CacheKey;
use crate::error::BffError;
use crate::fanout::{Parts, optional, required, try_join};
use crate::origin::OriginClient;
use crate::origins::catalog::{ListingQuery, ProductSummary};
use crate::origins::pricing::Price;
use crate::params::{self, Query};
use crate::shaping::Availability;
use crate::shaping::Profile;

pub const AVAILABILITY: &str = "availability";

/// The listing a request asks for (`category`, `q`, `limit`), validated and normalized, at
/// offset 0: the frontend then places it by page number or cursor.
pub fn requested(query: &Query, profile: &Profile) -> Result<ListingQuery, BffError> {
    Ok(ListingQuery {
        category: params::category(query.get("category"))?,
        text: params::text(query.get("q"))?,
        offset: 0,
        limit: params::limit(
            query.get("limit"),
            profile.listing_page_size,
            profile.listing_max_page_size,
        )?,
    })
}

/// The cache key of one page of a listing: spellings of one query share it.
pub fn cache_key(frontend: &'static str, listing: &ListingQuery) -> CacheKey {
    CacheKey::new(frontend, "listing")
        .param("category", listing.category.clone().unwrap_or_default())
        .param("q", &listing.text)
        .param("offset", listing.offset)
        .param("limit", listing.limit)
}

#[derive(Debug)]
pub struct ListedProduct {
    pub product: ProductSummary,
    /// `None` if the pricing origin has no price for it.
    pub price: Option<Price>,
    /// `None` if the inventory origin did not answer (or has no record).
    pub availability: Option<Availability>,
}

#[derive(Debug)]
pub struct ListingSources {
    pub items: Vec<ListedProduct>,
    /// Products matching the query, over all pages.
    pub total: u32,
    pub degraded: Vec<&'static str>,
}

impl ListingSources {
    pub async fn gather(origins: &OriginClient, query: &ListingQuery) -> Result<Self, BffError> {
        let listing = origins.catalog().list(query).await.map_err(|error| {
            if error.is_not_found() {
                BffError::not_found("category_not_found", "There is no such category.")
            } else {
                BffError::from(error)
            }
        })?;
        let mut parts = Parts::default();
        if listing.items.is_empty() {
            return Ok(Self {
                items: Vec::new(),
                total: listing.total,
                degraded: parts.into_degraded(),
            });
        }
        let ids: Vec<u32> = listing.items.iter().map(|product| product.id).collect();
        let (prices, stocks) = try_join!(
            required(origins.pricing().prices(&ids)),
            optional(origins.inventory().stocks(&ids)),
        )?;
        let stocks = parts.optional(AVAILABILITY, stocks).unwrap_or_default();
        let items = listing
            .items
            .into_iter()
            .map(|product| ListedProduct {
                price: prices.iter().find(|p| p.product_id == product.id).cloned(),
                availability: stocks
                    .iter()
                    .find(|s| s.product_id == product.id)
                    .map(|stock| stock.availability()),
                product,
            })
            .collect();
        Ok(Self {
            items,
            total: listing.total,
            degraded: parts.into_degraded(),
        })
    }
}
