//! `GET /api/products/{id}` for the desktop product page: full description, the whole gallery in
//! large renditions with a zoom rendition, specs, rating histogram, ten full reviews, twelve
//! related products.

use std::collections::BTreeMap;

use bff_shared::cache::{CacheKey, Shaped};
use bff_shared::origins::catalog::{Image, ProductId};
use bff_shared::origins::reviews::ReviewPage;
use bff_shared::pages::product::ProductSources;
use bff_shared::shaping::{Availability, ImageSize, Locale, Money};
use bff_shared::{BffError, Reply, Scope};
use serde::Serialize;

use crate::cards::ProductCard;
use crate::profile::PROFILE;
use crate::reviews::ReviewItem;

#[cfg_attr(
    not(target_arch = "wasm32"),
    utoipa::path(
        get,
        path = "/api/products/{id}",
        summary = "The product page",
        params(("id" = u32, Path, description = "Product id, a positive whole number.")),
        responses(
            (status = 200, description = "The product page", body = ProductPage, headers(
                ("etag" = String, description = "Validator for `If-None-Match`."),
                ("x-bff-cache" = String, description = "HIT, MISS, STALE or BYPASS."),
                ("x-request-id" = String, description = "The request's id."),
                ("server-timing" = String, description = "One entry per origin call and the cache."),
            )),
            bff_shared::openapi::ReadFailures,
        )
    )
)]
pub async fn get(scope: &Scope, raw_id: &str) -> Result<Reply, BffError> {
    let id = ProductId::parse(raw_id)?;
    let locale = scope.locale();
    let key = CacheKey::new(PROFILE.frontend, "product")
        .param("id", id.get())
        .language(locale);
    let reply = scope
        .cached(key, move |origins| async move {
            let sources = ProductSources::gather(&origins, id, &PROFILE).await?;
            let degraded = !sources.degraded.is_empty();
            Shaped::json(&ProductPage::shape(sources, locale), degraded)
        })
        .await?;
    Ok(reply.varying_on("accept-language"))
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProductPage {
    id: u32,
    sku: String,
    slug: String,
    name: String,
    brand: String,
    category: Category,
    description: String,
    images: Vec<GalleryImage>,
    specs: Vec<Spec>,
    price: Price,
    availability: Stock,
    #[serde(skip_serializing_if = "Option::is_none")]
    reviews: Option<Reviews>,
    #[serde(skip_serializing_if = "Option::is_none")]
    related: Option<Vec<ProductCard>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    degraded: Vec<&'static str>,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
pub struct Category {
    slug: String,
    name: String,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GalleryImage {
    url: String,
    width: u32,
    height: u32,
    alt: String,
    zoom_url: Option<String>,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
pub struct Spec {
    name: String,
    value: String,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Price {
    current: Money,
    #[serde(skip_serializing_if = "Option::is_none")]
    was: Option<Money>,
    tax_included: bool,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Stock {
    state: Availability,
    #[serde(skip_serializing_if = "Option::is_none")]
    restock_eta: Option<String>,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Reviews {
    average_rating: f64,
    count: u32,
    histogram: BTreeMap<String, u32>,
    items: Vec<ReviewItem>,
    has_more: bool,
}

impl ProductPage {
    fn shape(sources: ProductSources, locale: Locale) -> Self {
        let ProductSources {
            product,
            price,
            stock,
            reviews,
            related,
            degraded,
        } = sources;
        let images = product
            .images
            .iter()
            .take(PROFILE.gallery_limit.unwrap_or(usize::MAX))
            .filter_map(gallery_image)
            .collect();
        Self {
            id: product.id,
            category: Category {
                slug: product.category_slug,
                name: product.category_name,
            },
            description: PROFILE.description.apply(&product.description).into_owned(),
            images,
            specs: product
                .specs
                .into_iter()
                .filter(|_| PROFILE.specs)
                .map(|spec| Spec {
                    name: spec.name,
                    value: spec.value,
                })
                .collect(),
            price: Price {
                current: price.current(locale),
                was: price.was(locale),
                tax_included: price.tax_included,
            },
            availability: Stock {
                state: stock.availability(),
                restock_eta: stock.restock_eta.clone(),
            },
            reviews: reviews.map(reviews_view),
            related: related.map(|r| {
                r.items
                    .iter()
                    .map(|item| ProductCard::recommended(item, locale))
                    .collect()
            }),
            degraded,
            sku: product.sku,
            slug: product.slug,
            name: product.name,
            brand: product.brand,
        }
    }
}

fn gallery_image(image: &Image) -> Option<GalleryImage> {
    let shown = image.variant(PROFILE.gallery_image)?;
    Some(GalleryImage {
        url: shown.url.clone(),
        width: shown.width,
        height: shown.height,
        alt: image.alt.clone(),
        zoom_url: image
            .variant(ImageSize::XLarge)
            .filter(|zoom| zoom.width > shown.width)
            .map(|zoom| zoom.url.clone()),
    })
}

fn reviews_view(page: ReviewPage) -> Reviews {
    Reviews {
        average_rating: page.average_rating,
        count: page.total,
        histogram: page.rating_histogram,
        has_more: page.next_offset.is_some(),
        items: page.items.into_iter().map(ReviewItem::from).collect(),
    }
}
