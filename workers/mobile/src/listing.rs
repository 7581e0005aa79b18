//! `GET /api/products?category=&q=&cursor=&limit=` for the app's category and search screens:
//! small pages, opaque cursors, compact cards.

use bff_shared::cache::Shaped;
use bff_shared::pages::listing::{self, ListedProduct, ListingSources};
use bff_shared::shaping::{Availability, ImageView, Locale, Profile};
use bff_shared::{BffError, Reply, Scope};
use serde::Serialize;

use crate::{fields, profile};

#[cfg_attr(
    not(target_arch = "wasm32"),
    utoipa::path(
        get,
        path = "/api/products",
        summary = "A page of products by category and/or search text",
        params(("category" = Option<String>, Query, description = "Category slug."), ("q" = Option<String>, Query, description = "Free-text search, at most 100 characters."), ("cursor" = Option<String>, Query, description = "Opaque cursor from the previous page's `nextCursor`."), ("limit" = Option<u32>, Query, description = "Page size, 1–20 (default 10)."), ("fields" = Option<String>, Query, description = "Sparse fieldset: comma-separated dotted paths, e.g. `id,name,price.formatted`."), ("save-data" = Option<String>, Header, description = "`on` for the Save-Data variant: smaller images, no optional sections.")),
        responses(
            (status = 200, description = "A page of products by category and/or search text", body = ListingScreen, headers(
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
    let fields = fields::requested(scope, fields::LISTING)?;
    let (profile, variant) = profile::for_request(scope.save_data());
    let mut listing = listing::requested(scope.query(), profile)?;
    let limit = listing.limit;
    let signer = scope.cursor_signer()?;
    let result_set = listing.result_set_key();
    if let Some(cursor) = scope.query().get("cursor") {
        listing.offset = signer.decode(cursor, &result_set)?;
    }
    let locale = scope.locale();
    let key = listing::cache_key(profile.frontend, &listing)
        .language(locale)
        .variant(variant);
    let reply = scope
        .cached(key, move |origins| async move {
            let sources = ListingSources::gather(&origins, &listing).await?;
            let next = listing.offset.saturating_add(limit);
            let view = ListingScreen {
                next_cursor: (next < sources.total).then(|| signer.encode(next, &result_set)),
                total: sources.total,
                items: sources
                    .items
                    .into_iter()
                    .map(|listed| ListingCard::shape(listed, profile, locale))
                    .collect(),
                degraded: sources.degraded,
            };
            let degraded = !view.degraded.is_empty();
            Shaped::json(&view, degraded)
        })
        .await?;
    Ok(reply
        .select(fields.as_ref())
        .await?
        .varying_on("save-data")
        .varying_on("accept-language"))
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ListingScreen {
    items: Vec<ListingCard>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_cursor: Option<String>,
    total: u32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    degraded: Vec<&'static str>,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ListingCard {
    id: u32,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    price: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    was_price: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<ImageView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    availability: Option<Availability>,
}

impl ListingCard {
    fn shape(listed: ListedProduct, profile: &Profile, locale: Locale) -> Self {
        let ListedProduct {
            product,
            price,
            availability,
        } = listed;
        Self {
            id: product.id,
            image: product.images.first().and_then(|image| {
                image
                    .variant(profile.card_image)
                    .map(|variant| ImageView::new(variant, &image.alt))
            }),
            name: product.name,
            price: price.as_ref().map(|price| price.current(locale).formatted),
            was_price: price
                .and_then(|price| price.was(locale))
                .map(|was| was.formatted),
            availability,
        }
    }
}
