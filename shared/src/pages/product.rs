//! The product page: catalog, price and stock are required; reviews and related products are
//! optional, so a slow reviews service costs the page its reviews, not the page.

use crate::error::BffError;
use crate::fanout::{Parts, optional_if, required, try_join};
use crate::origin::{OriginClient, OriginError};
use crate::origins::catalog::{Product, ProductId};
use crate::origins::inventory::Stock;
use crate::origins::pricing::Price;
use crate::origins::recommendations::Recommendations;
use crate::origins::reviews::ReviewPage;
use crate::shaping::Profile;

/// Part names as they appear in a response's `degraded` list.
pub const REVIEWS: &str = "reviews";
pub const RELATED: &str = "related";

/// What the origins said about one product, before any frontend shapes it.
#[derive(Debug)]
pub struct ProductSources {
    pub product: Product,
    pub price: Price,
    pub stock: Stock,
    pub reviews: Option<ReviewPage>,
    pub related: Option<Recommendations>,
    /// Optional parts that failed, for the response's `degraded` list.
    pub degraded: Vec<&'static str>,
}

impl ProductSources {
    /// Calls the five origins at once and settles their answers.
    pub async fn gather(
        origins: &OriginClient,
        id: ProductId,
        profile: &Profile,
    ) -> Result<Self, BffError> {
        // An origin that does not know the product means the product does not exist.
        let or_not_found = |error: OriginError| {
            if error.is_not_found() {
                id.not_found()
            } else {
                BffError::from(error)
            }
        };
        let (product, price, stock, reviews, related) = try_join!(
            required(async { origins.catalog().product(id).await.map_err(or_not_found) }),
            required(async { origins.pricing().price(id).await.map_err(or_not_found) }),
            required(async { origins.inventory().stock(id).await.map_err(or_not_found) }),
            optional_if(
                profile.reviews_on_product_page > 0,
                origins
                    .reviews()
                    .page(id, 0, profile.reviews_on_product_page)
            ),
            optional_if(
                profile.related_products > 0,
                origins
                    .recommendations()
                    .related(id, profile.related_products)
            ),
        )?;
        let mut parts = Parts::default();
        let reviews = parts.optional(REVIEWS, reviews).flatten();
        let related = parts.optional(RELATED, related).flatten();
        Ok(Self {
            product,
            price,
            stock,
            reviews,
            related,
            degraded: parts.into_degraded(),
        })
    }
}

/// A page of a product's reviews (the reviews endpoint). The product's existence is the reviews
/// origin's word: its 404 is the client's 404.
pub async fn review_page(
    origins: &OriginClient,
    id: ProductId,
    offset: u32,
    limit: u32,
) -> Result<ReviewPage, BffError> {
    origins
        .reviews()
        .page(id, offset, limit)
        .await
        .map_err(|error| {
            if error.is_not_found() {
                id.not_found()
            } else {
                BffError::from(error)
            }
        })
}
