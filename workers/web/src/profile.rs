//! What the desktop web page shows: everything, at large sizes.

use bff_shared::cache::Windows;
use bff_shared::shaping::{ImageSize, Profile, TextLimit};

pub const PROFILE: Profile = Profile {
    frontend: "web",
    gallery_image: ImageSize::Large,
    gallery_limit: None,
    card_image: ImageSize::Medium,
    description: TextLimit::Full,
    reviews_on_product_page: 10,
    review_text: TextLimit::Full,
    related_products: 12,
    specs: true,
    home_featured: 12,
    home_recommendations: 12,
    home_categories: None,
    listing_page_size: 24,
    listing_max_page_size: 60,
    reviews_page_size: 20,
};

/// Default cache windows per route (overridable by `CACHE_<ROUTE>_*_MS` vars): product data
/// changes slowly; the home page's merchandising a little faster. Both may be served stale for a
/// day when the origins are down rather than fail.
pub const CACHE: &[(&str, Windows)] = &[
    (
        "product",
        Windows {
            fresh_ms: 60_000,
            grace_ms: 300_000,
            max_stale_ms: 86_400_000,
        },
    ),
    (
        "listing",
        Windows {
            fresh_ms: 60_000,
            grace_ms: 300_000,
            max_stale_ms: 86_400_000,
        },
    ),
    (
        "reviews",
        Windows {
            fresh_ms: 120_000,
            grace_ms: 600_000,
            max_stale_ms: 86_400_000,
        },
    ),
    (
        "home",
        Windows {
            fresh_ms: 30_000,
            grace_ms: 300_000,
            max_stale_ms: 86_400_000,
        },
    ),
];
