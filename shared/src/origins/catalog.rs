//! The catalog service: product data, images, specs, categories.

use serde::Deserialize;

use crate::error::BffError;
use crate::origin::{OriginClient, OriginError, Service};
use crate::shaping::ImageSize;

/// A product id as the public API accepts it: a positive integer, written plainly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProductId(u32);

impl ProductId {
    pub fn parse(raw: &str) -> Result<Self, BffError> {
        let invalid = || {
            BffError::bad_request(
                "invalid_product_id",
                "A product id is a positive whole number, such as 42.",
            )
        };
        if raw.is_empty() || raw.len() > 10 || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid());
        }
        match raw.parse::<u32>() {
            Ok(id) if id > 0 => Ok(Self(id)),
            _ => Err(invalid()),
        }
    }

    pub const fn get(self) -> u32 {
        self.0
    }

    /// The error a handler gives when the catalog does not know this id.
    pub fn not_found(self) -> BffError {
        BffError::not_found(
            "product_not_found",
            format!("No product has id {}.", self.0),
        )
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct Product {
    pub id: u32,
    pub sku: String,
    pub slug: String,
    pub name: String,
    pub brand: String,
    pub category_slug: String,
    pub category_name: String,
    pub description: String,
    pub short_description: String,
    pub images: Vec<Image>,
    pub specs: Vec<Spec>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Image {
    pub alt: String,
    pub variants: Vec<ImageVariant>,
}

impl Image {
    /// The rendition of `size`, or the closest one the catalog has.
    pub fn variant(&self, size: ImageSize) -> Option<&ImageVariant> {
        closest_variant(&self.variants, size)
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct ImageVariant {
    pub size: String,
    pub url: String,
    pub width: u32,
    pub height: u32,
}

/// Picks `size` if present, else the smallest larger one, else the largest smaller one.
pub fn closest_variant(variants: &[ImageVariant], size: ImageSize) -> Option<&ImageVariant> {
    const ORDER: [ImageSize; 5] = [
        ImageSize::Thumb,
        ImageSize::Small,
        ImageSize::Medium,
        ImageSize::Large,
        ImageSize::XLarge,
    ];
    let find = |wanted: ImageSize| variants.iter().find(|v| v.size == wanted.as_str());
    find(size)
        .or_else(|| ORDER.iter().filter(|s| **s > size).find_map(|s| find(*s)))
        .or_else(|| {
            ORDER
                .iter()
                .rev()
                .filter(|s| **s < size)
                .find_map(|s| find(*s))
        })
}

/// A product as lists show it (featured, listings): no description, one image.
#[derive(Clone, Debug, Deserialize)]
pub struct ProductSummary {
    pub id: u32,
    pub slug: String,
    pub name: String,
    pub brand: String,
    pub category_slug: String,
    pub short_description: String,
    pub images: Vec<Image>,
}

impl ProductSummary {
    /// The rendition of `size` of the product's first image.
    pub fn image(&self, size: ImageSize) -> Option<&ImageVariant> {
        self.images.first().and_then(|image| image.variant(size))
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct Category {
    pub slug: String,
    pub name: String,
    pub product_count: u32,
}

/// One page of a catalog listing.
#[derive(Clone, Debug, Deserialize)]
pub struct Listing {
    pub items: Vec<ProductSummary>,
    pub total: u32,
}

/// What a listing asks the catalog for, already validated and normalized.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ListingQuery {
    pub category: Option<String>,
    /// Free text; empty for none.
    pub text: String,
    pub offset: u32,
    pub limit: u32,
}

impl ListingQuery {
    /// Identifies the result set regardless of the page: what a cursor is bound to.
    pub fn result_set_key(&self) -> String {
        format!(
            "category={}&q={}",
            self.category.as_deref().unwrap_or(""),
            self.text
        )
    }
}

/// The `{"items": [...]}` envelope of the catalog's list endpoints.
#[derive(Clone, Debug, Deserialize)]
pub struct Items<T> {
    pub items: Vec<T>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Spec {
    pub name: String,
    pub value: String,
}

#[derive(Clone, Copy)]
pub struct Catalog<'a>(&'a OriginClient);

impl OriginClient {
    pub fn catalog(&self) -> Catalog<'_> {
        Catalog(self)
    }
}

impl Catalog<'_> {
    pub async fn product(self, id: ProductId) -> Result<Product, OriginError> {
        self.0
            .get_json(Service::Catalog, &format!("/products/{}", id.get()))
            .await
    }

    /// The merchandising team's featured products, in their order.
    pub async fn featured(self, limit: u32) -> Result<Vec<ProductSummary>, OriginError> {
        let path = format!("/featured?limit={limit}");
        let featured: Items<ProductSummary> = self.0.get_json(Service::Catalog, &path).await?;
        Ok(featured.items)
    }

    /// A page of products by category and/or text, in catalog order.
    pub async fn list(self, query: &ListingQuery) -> Result<Listing, OriginError> {
        let mut params = form_urlencoded::Serializer::new(String::new());
        if let Some(category) = &query.category {
            params.append_pair("category", category);
        }
        if !query.text.is_empty() {
            params.append_pair("q", &query.text);
        }
        params.append_pair("offset", &query.offset.to_string());
        params.append_pair("limit", &query.limit.to_string());
        let path = format!("/products?{}", params.finish());
        self.0.get_json(Service::Catalog, &path).await
    }

    /// The summaries of `ids`, in one call; ids the catalog does not know are left out.
    pub async fn summaries(self, ids: &[u32]) -> Result<Vec<ProductSummary>, OriginError> {
        let path = format!("/products?ids={}", super::join_ids(ids));
        let found: Items<ProductSummary> = self.0.get_json(Service::Catalog, &path).await?;
        Ok(found.items)
    }

    pub async fn categories(self) -> Result<Vec<Category>, OriginError> {
        let categories: Items<Category> = self.0.get_json(Service::Catalog, "/categories").await?;
        Ok(categories.items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_ids_are_plain_positive_integers() {
        assert_eq!(ProductId::parse("42").unwrap().get(), 42);
        assert_eq!(ProductId::parse("4294967295").unwrap().get(), u32::MAX);
        for bad in [
            "",
            "0",
            "-1",
            "+1",
            "1.0",
            "abc",
            "1e3",
            " 1",
            "4294967296",
            "99999999999",
        ] {
            let error = ProductId::parse(bad).unwrap_err();
            assert_eq!(
                (error.status(), error.code()),
                (400, "invalid_product_id"),
                "{bad:?}"
            );
        }
    }

    fn variant(size: &str) -> ImageVariant {
        ImageVariant {
            size: size.to_owned(),
            url: format!("https://img.test/{size}.jpg"),
            width: 1,
            height: 1,
        }
    }

    #[test]
    fn closest_variant_prefers_exact_then_larger_then_smaller() {
        let all = [variant("thumb"), variant("medium"), variant("large")];
        let pick = |size| closest_variant(&all, size).map(|v| v.size.as_str());
        assert_eq!(pick(ImageSize::Medium), Some("medium"));
        assert_eq!(pick(ImageSize::Small), Some("medium"));
        assert_eq!(pick(ImageSize::XLarge), Some("large"));
        assert_eq!(
            closest_variant(&[], ImageSize::Small).map(|v| v.width),
            None
        );
    }

    #[test]
    fn internal_catalog_fields_are_not_kept() {
        let body = r#"{"id":1,"sku":"SKU-1","slug":"s","name":"n","brand":"b",
            "category_slug":"c","category_name":"C","description":"d","short_description":"sd",
            "images":[],"specs":[],"cost_price_minor":4210,"supplier_id":"SUP-0042"}"#;
        let product: Product = serde_json::from_str(body).unwrap();
        let debug = format!("{product:?}");
        assert!(!debug.contains("SUP-0042") && !debug.contains("4210"));
    }
}
