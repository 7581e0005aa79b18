//! What the voice answers draw on: the product's name, price, stock and rating, one small image.

use bff_shared::cache::{STANDARD_WINDOWS, Windows};
use bff_shared::shaping::{ImageSize, Profile};

pub const PROFILE: Profile = Profile {
    frontend: "voice",
    gallery_image: ImageSize::Small,
    listing_page_size: 3,
    listing_max_page_size: 3,
    ..Profile::COMPACT
};

/// How long a spoken checkout total may be confirmed.
pub const CONFIRMATION_LIFETIME_MS: u64 = 2 * 60 * 1000;

pub const CACHE: &[(&str, Windows)] = STANDARD_WINDOWS;
