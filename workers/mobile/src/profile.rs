//! What the phone's product screen shows: small images, a short description, three short
//! reviews, six related products, no specs table.

use bff_shared::cache::{STANDARD_WINDOWS, Windows};
use bff_shared::shaping::{ImageSize, Profile, TextLimit};

pub const PROFILE: Profile = Profile {
    frontend: "mobile",
    gallery_image: ImageSize::Small,
    gallery_limit: Some(4),
    card_image: ImageSize::Thumb,
    description: TextLimit::Chars(200),
    reviews_on_product_page: 3,
    review_text: TextLimit::Chars(120),
    related_products: 4,
    specs: false,
    home_featured: 6,
    home_recommendations: 6,
    home_categories: Some(8),
    listing_page_size: 10,
    listing_max_page_size: 20,
    reviews_page_size: 10,
};

/// With `Save-Data: on`: thumbnails, two of them, and the optional sections (reviews, related
/// products, recommendations) left out, so their origins are not even called.
pub const SAVE_DATA_PROFILE: Profile = Profile {
    gallery_image: ImageSize::Thumb,
    gallery_limit: Some(2),
    reviews_on_product_page: 0,
    related_products: 0,
    home_featured: 4,
    home_recommendations: 0,
    ..PROFILE
};

/// The profile a request asks for.
pub fn for_request(save_data: bool) -> (&'static Profile, &'static str) {
    if save_data {
        (&SAVE_DATA_PROFILE, "save-data")
    } else {
        (&PROFILE, "default")
    }
}

/// Cache windows per route: the platform's standard ones (see the README), overridable per
/// environment by `CACHE_<ROUTE>_*_MS` vars.
pub const CACHE: &[(&str, Windows)] = STANDARD_WINDOWS;
