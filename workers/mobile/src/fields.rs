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
    "availability.state",
    "availability.label",
    "availability.count",
    "availability.restockDate",
    "images",
    "images.url",
    "images.width",
    "images.height",
    "images.alt",
    "description",
    "descriptionCut",
    "rating",
    "rating.average",
    "rating.count",
    "reviews",
    "reviews.rating",
    "reviews.title",
    "reviews.text",
    "reviews.author",
    "reviews.date",
    "reviews.verified",
    "related",
    "related.id",
    "related.name",
    "related.price",
    "related.image",
    "related.image.url",
    "related.image.width",
    "related.image.height",
    "related.image.alt",
    "degraded",
];

pub const DESCRIPTION: &[&str] = &["id", "name", "description"];

pub const LISTING: &[&str] = &[
    "items",
    "items.id",
    "items.name",
    "items.price",
    "items.wasPrice",
    "items.image",
    "items.image.url",
    "items.image.width",
    "items.image.height",
    "items.image.alt",
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
    "items.date",
    "items.verified",
    "nextCursor",
];

pub const HOME: &[&str] = &[
    "featured",
    "featured.id",
    "featured.name",
    "featured.price",
    "featured.image",
    "featured.image.url",
    "featured.image.width",
    "featured.image.height",
    "featured.image.alt",
    "categories",
    "categories.slug",
    "categories.name",
    "recommendations",
    "recommendations.id",
    "recommendations.name",
    "recommendations.price",
    "recommendations.image",
    "recommendations.image.url",
    "recommendations.image.width",
    "recommendations.image.height",
    "recommendations.image.alt",
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

#[cfg(test)]
mod tests {
    use serde_json::Value;

    /// Every dotted property path of a component schema, looking through `$ref`, nullable
    /// `oneOf` and arrays, as `?fields=` addresses them.
    fn paths(document: &Value, schema: &Value, prefix: &str, out: &mut Vec<String>) {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            let name = reference.trim_start_matches("#/components/schemas/");
            return paths(
                document,
                &document["components"]["schemas"][name],
                prefix,
                out,
            );
        }
        if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
            for variant in variants {
                paths(document, variant, prefix, out);
            }
            return;
        }
        if let Some(items) = schema.get("items") {
            return paths(document, items, prefix, out);
        }
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                let path = if prefix.is_empty() {
                    name.clone()
                } else {
                    format!("{prefix}.{name}")
                };
                out.push(path.clone());
                paths(document, property, &path, out);
            }
        }
    }

    #[test]
    fn allowed_fields_are_exactly_the_views_properties() {
        let document: Value = serde_json::from_str(&crate::openapi::document().unwrap()).unwrap();
        for (view, allowed) in [
            ("ProductScreen", super::PRODUCT),
            ("ListingScreen", super::LISTING),
            ("ReviewsScreen", super::REVIEWS),
            ("HomeScreen", super::HOME),
            ("DescriptionScreen", super::DESCRIPTION),
        ] {
            let mut found = Vec::new();
            paths(
                &document,
                &document["components"]["schemas"][view],
                "",
                &mut found,
            );
            found.sort();
            let mut allowed: Vec<String> = allowed.iter().map(|s| (*s).to_owned()).collect();
            allowed.sort();
            assert_eq!(allowed, found, "{view}");
        }
    }
}
