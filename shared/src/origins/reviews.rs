//! The reviews service: ratings summary and pages of reviews.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::catalog::ProductId;
use crate::origin::{OriginClient, OriginError, Service};

#[derive(Clone, Debug, Deserialize)]
pub struct ReviewPage {
    pub total: u32,
    pub average_rating: f64,
    pub rating_histogram: BTreeMap<String, u32>,
    pub items: Vec<Review>,
    pub next_offset: Option<u32>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Review {
    pub review_id: String,
    pub rating: u8,
    pub title: String,
    pub body: String,
    pub author_display_name: String,
    pub created_at: String,
    pub verified_purchase: bool,
    pub helpful_votes: u32,
}

#[derive(Clone, Copy)]
pub struct Reviews<'a>(&'a OriginClient);

impl OriginClient {
    pub fn reviews(&self) -> Reviews<'_> {
        Reviews(self)
    }
}

impl Reviews<'_> {
    pub async fn page(
        self,
        id: ProductId,
        offset: u32,
        limit: u32,
    ) -> Result<ReviewPage, OriginError> {
        let path = format!(
            "/products/{}/reviews?offset={offset}&limit={limit}",
            id.get()
        );
        self.0.get_json(Service::Reviews, &path).await
    }
}
