//! The product page: catalog, price and stock are required; reviews and related products are
//! optional, so a slow reviews service costs the page its reviews, not the page.

use crate::error::BffError;
use crate::fanout::{Parts, join};
use crate::origin::OriginClient;
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
        let (product, price, stock, reviews, related) = join!(
            origins.catalog().product(id),
            origins.pricing().price(id),
            origins.inventory().stock(id),
            origins
                .reviews()
                .page(id, 0, profile.reviews_on_product_page),
            origins
                .recommendations()
                .related(id, profile.related_products),
        );
        let mut parts = Parts::default();
        // The catalog decides whether the product exists; its 404 is the client's 404.
        let product = parts.required(product.map_err(|error| {
            if error.is_not_found() {
                id.not_found()
            } else {
                BffError::from(error)
            }
        }))?;
        let price = parts.required(price)?;
        let stock = parts.required(stock)?;
        let reviews = parts.optional(REVIEWS, reviews);
        let related = parts.optional(RELATED, related);
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
