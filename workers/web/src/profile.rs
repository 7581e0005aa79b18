//! What the desktop web page shows: everything, at large sizes.

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
};
