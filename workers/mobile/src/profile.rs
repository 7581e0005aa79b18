//! What the phone's product screen shows: small images, a short description, three short
//! reviews, six related products, no specs table.

use bff_shared::shaping::{ImageSize, Profile, TextLimit};

pub const PROFILE: Profile = Profile {
    frontend: "mobile",
    gallery_image: ImageSize::Small,
    gallery_limit: Some(4),
    card_image: ImageSize::Thumb,
    description: TextLimit::Chars(280),
    reviews_on_product_page: 3,
    review_text: TextLimit::Chars(160),
    related_products: 6,
    specs: false,
    home_featured: 6,
    home_recommendations: 6,
    home_categories: Some(8),
};
