//! Product listings (by category and/or text): one catalog page, then prices and stock for all of
//! its products in one batched call per origin, at once. Prices are required (a listing without
//! prices is no listing); availability is optional (`degraded: ["availability"]`).

use crate::error::BffError;
use crate::fanout::{Parts, optional, required, try_join};
use crate::origin::OriginClient;
use crate::origins::catalog::{ListingQuery, ProductSummary};
use crate::origins::pricing::Price;
use crate::shaping::Availability;

pub const AVAILABILITY: &str = "availability";

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
