//! The fields each endpoint's `?fields=` may name (syntax in `bff_shared::fields`): every
//! property of its view, as dotted paths. A unit test checks these lists against the views'
//! OpenAPI schemas, so they cannot drift apart.

use bff_shared::fields::FieldSet;
use bff_shared::{BffError, Scope};

pub const PRODUCT: &[&str] = &[
    "id",
    "name",
    "brand",
    "price",
    "price.amount",
    "price.currency",
    "price.formatted",
    "wasPrice",
    "wasPrice.amount",
    "wasPrice.currency",
    "wasPrice.formatted",
    "availability",
    "images",
    "description",
    "rating",
    "rating.average",
    "rating.count",
    "reviews",
    "reviews.rating",
    "reviews.title",
    "reviews.text",
    "reviews.author",
    "related",
    "related.id",
    "related.name",
    "related.price",
    "related.image",
    "degraded",
];

pub const LISTING: &[&str] = &[
    "items",
    "items.id",
    "items.name",
    "items.price",
    "items.wasPrice",
    "items.image",
    "items.availability",
    "nextCursor",
    "total",
    "degraded",
];

pub const REVIEWS: &[&str] = &[
    "rating",
    "rating.average",
    "rating.count",
    "items",
    "items.rating",
    "items.title",
    "items.text",
    "items.author",
    "nextCursor",
];

pub const HOME: &[&str] = &[
    "featured",
    "featured.id",
    "featured.name",
    "featured.price",
    "featured.image",
    "categories",
    "categories.slug",
    "categories.name",
    "recommendations",
    "recommendations.id",
    "recommendations.name",
    "recommendations.price",
    "recommendations.image",
    "degraded",
];

/// The fieldset the request asks for, if any.
pub fn requested(scope: &Scope, allowed: &[&str]) -> Result<Option<FieldSet>, BffError> {
    scope
        .query()
        .get("fields")
        .map(|raw| FieldSet::parse(raw, allowed))
        .transpose()
}
