//! What the desktop web page shows: everything, at large sizes.

use bff_shared::cache::{STANDARD_WINDOWS, Windows};
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

/// Cache windows per route: the platform's standard ones (see the README), overridable per
/// environment by `CACHE_<ROUTE>_*_MS` vars.
pub const CACHE: &[(&str, Windows)] = STANDARD_WINDOWS;
