//! Shaping: what differs between frontends is declared as a [`Profile`], and these mechanisms
//! apply it, so a new frontend writes a profile rather than copying shaping code.
//!
//! Also the display conventions every frontend shares: money from minor units, availability as a
//! state rather than warehouse counts. They format what the origins decided; they decide nothing.

use std::borrow::Cow;

use serde::Serialize;

pub use crate::locale::Locale;

/// The image renditions the catalog publishes, smallest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ImageSize {
    Thumb,
    Small,
    Medium,
    Large,
    XLarge,
}

impl ImageSize {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Thumb => "thumb",
            Self::Small => "small",
            Self::Medium => "medium",
            Self::Large => "large",
            Self::XLarge => "xlarge",
        }
    }
}

/// How much of a text a frontend shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextLimit {
    Full,
    /// At most this many characters, cut at a word boundary, ellipsis included.
    Chars(usize),
}

impl TextLimit {
    pub fn apply(self, text: &str) -> Cow<'_, str> {
        match self {
            Self::Full => Cow::Borrowed(text),
            Self::Chars(max) => truncate_at_word(text, max),
        }
    }
}

/// Everything the pages of one frontend are shaped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Profile {
    /// Name of the frontend; part of cache keys and logs.
    pub frontend: &'static str,
    /// Rendition of the product gallery images.
    pub gallery_image: ImageSize,
    /// How many gallery images are sent; `None` sends all.
    pub gallery_limit: Option<usize>,
    /// Rendition of product cards (related products, lists).
    pub card_image: ImageSize,
    pub description: TextLimit,
    pub reviews_on_product_page: u32,
    pub review_text: TextLimit,
    pub related_products: u32,
    /// Whether the specs table is part of the product page.
    pub specs: bool,
    pub home_featured: u32,
    pub home_recommendations: u32,
    /// How many categories the home page lists; `None` lists all.
    pub home_categories: Option<usize>,
    /// Products per listing page when the client does not say, and the most it may ask for.
    pub listing_page_size: u32,
    pub listing_max_page_size: u32,
    /// Reviews per page of the reviews endpoint.
    pub reviews_page_size: u32,
}

impl Profile {
    /// A small-screen starting point for a new frontend, which names itself and adjusts the
    /// rest: one medium image, short texts, the rating without reviews, no related products.
    pub const COMPACT: Self = Self {
        frontend: "",
        gallery_image: ImageSize::Medium,
        gallery_limit: Some(1),
        card_image: ImageSize::Thumb,
        description: TextLimit::Chars(200),
        reviews_on_product_page: 1,
        review_text: TextLimit::Chars(120),
        related_products: 0,
        specs: false,
        home_featured: 6,
        home_recommendations: 0,
        home_categories: Some(8),
        listing_page_size: 10,
        listing_max_page_size: 20,
        reviews_page_size: 10,
    };
}

/// Cuts `text` to at most `max_chars` characters, at the last word boundary that fits, and marks
/// the cut with an ellipsis. A single word longer than the limit is cut mid-word.
pub fn truncate_at_word(text: &str, max_chars: usize) -> Cow<'_, str> {
    const ELLIPSIS: char = '…';
    if text.chars().count() <= max_chars {
        return Cow::Borrowed(text);
    }
    if max_chars == 0 {
        return Cow::Borrowed("");
    }
    let keep = max_chars - 1;
    let cut = text
        .char_indices()
        .nth(keep)
        .map_or(text.len(), |(index, _)| index);
    let head = &text[..cut];
    let at_boundary = text[cut..].starts_with(char::is_whitespace);
    let head = if at_boundary {
        head
    } else {
        match head.rfind(char::is_whitespace) {
            Some(space) if space > 0 => &head[..space],
            _ => head,
        }
    };
    let head = head
        .trim_end_matches(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | ':' | '.' | '-'));
    let mut out = String::with_capacity(head.len() + ELLIPSIS.len_utf8());
    out.push_str(head);
    out.push(ELLIPSIS);
    Cow::Owned(out)
}

/// A display-ready amount of money.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
pub struct Money {
    /// Decimal string in major units, e.g. `"1299.00"`; exact, unlike a float.
    pub amount: String,
    pub currency: String,
    /// Ready to show, e.g. `"€1,299.00"`.
    pub formatted: String,
}

impl Money {
    /// `minor` units of `currency`, written for the shopper's `locale`; `amount` is the same in
    /// every locale.
    pub fn from_minor(minor: u64, currency: &str, locale: Locale) -> Self {
        let exponent = minor_unit_exponent(currency);
        let scale = 10u64.pow(exponent);
        let major = minor / scale;
        let fraction = minor % scale;
        let digits = exponent as usize;
        let amount = if exponent == 0 {
            major.to_string()
        } else {
            format!("{major}.{fraction:0digits$}")
        };
        let grouped = locale.number(major, fraction, digits);
        Self {
            amount,
            currency: currency.to_owned(),
            formatted: locale.with_currency(&grouped, currency_symbol(currency), currency),
        }
    }
}

fn minor_unit_exponent(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "ISK" => 0,
        _ => 2,
    }
}

fn currency_symbol(currency: &str) -> Option<&'static str> {
    match currency {
        "EUR" => Some("€"),
        "USD" => Some("$"),
        "GBP" => Some("£"),
        "JPY" => Some("¥"),
        _ => None,
    }
}

/// An image as every screen needs it: where it is, the space to reserve, and what it shows for
/// people who cannot see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
pub struct ImageView {
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub alt: String,
}

impl ImageView {
    pub fn new(variant: &crate::origins::catalog::ImageVariant, alt: &str) -> Self {
        Self {
            url: variant.url.clone(),
            width: variant.width,
            height: variant.height,
            alt: alt.to_owned(),
        }
    }
}

/// A product's star rating as a screen shows it: one decimal is all a star row needs.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
pub struct Rating {
    pub average: f64,
    pub count: u32,
}

impl Rating {
    pub fn of(page: &crate::origins::reviews::ReviewPage) -> Self {
        Self {
            average: (page.average_rating * 10.0).round() / 10.0,
            count: page.total,
        }
    }
}

/// Stock as a screen shows it: the state, the words for it, the count when few are left (the
/// origin's own low-stock rule decides "few"), and when an out-of-stock product comes back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StockView {
    pub state: Availability,
    /// Ready to show: "In stock", "Only 3 left", "Out of stock", "Available to order".
    pub label: String,
    /// Units left, only when low.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    /// When it is expected back (ISO date), only when none are left and the origin knows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restock_date: Option<String>,
}

impl StockView {
    pub fn new(state: Availability, available_units: u64, restock_date: Option<&str>) -> Self {
        let (label, count) = match state {
            Availability::InStock => ("In stock".to_owned(), None),
            Availability::LowStock => (
                format!("Only {available_units} left"),
                Some(available_units),
            ),
            Availability::OutOfStock => ("Out of stock".to_owned(), None),
            Availability::Backorder => ("Available to order".to_owned(), None),
        };
        let out = matches!(state, Availability::OutOfStock | Availability::Backorder);
        Self {
            state,
            label,
            count,
            restock_date: restock_date
                .filter(|_| out)
                .map(|date| date.chars().take(10).collect()),
        }
    }
}

/// What a shopper needs to know about stock, without warehouse detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    InStock,
    LowStock,
    OutOfStock,
    Backorder,
}

impl Availability {
    /// `low_stock_threshold` and `backorderable` are the inventory origin's rules, applied as given.
    pub fn from_stock(available_units: u64, low_stock_threshold: u64, backorderable: bool) -> Self {
        match available_units {
            0 if backorderable => Self::Backorder,
            0 => Self::OutOfStock,
            n if n <= low_stock_threshold => Self::LowStock,
            _ => Self::InStock,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_untouched() {
        assert_eq!(truncate_at_word("Great sound.", 12), "Great sound.");
        assert!(matches!(truncate_at_word("Great", 80), Cow::Borrowed(_)));
    }

    #[test]
    fn cuts_at_the_last_word_that_fits() {
        let text = "Great sound, comfortable fit and a battery that lasts all week.";
        let cut = truncate_at_word(text, 20);
        assert_eq!(cut, "Great sound…");
        assert!(cut.chars().count() <= 20);
    }

    #[test]
    fn keeps_a_word_ending_exactly_at_the_limit() {
        assert_eq!(truncate_at_word("abcd efgh ijkl", 5), "abcd…");
        assert_eq!(truncate_at_word("abc defgh", 8), "abc…");
    }

    #[test]
    fn cuts_a_giant_word_mid_word_and_respects_multibyte_text() {
        assert_eq!(truncate_at_word("Donaudampfschifffahrt", 6), "Donau…");
        let cut = truncate_at_word("Größe über alles schön", 11);
        assert_eq!(cut, "Größe über…");
        assert!(cut.chars().count() <= 11);
    }

    #[test]
    fn limit_zero_gives_nothing() {
        assert_eq!(truncate_at_word("anything", 0), "");
    }

    #[test]
    fn money_from_minor_units() {
        let price = Money::from_minor(129_900, "EUR", Locale::En);
        assert_eq!(price.amount, "1299.00");
        assert_eq!(price.formatted, "€1,299.00");
        assert_eq!(Money::from_minor(5, "USD", Locale::En).formatted, "$0.05");
        assert_eq!(
            Money::from_minor(1500, "JPY", Locale::En).formatted,
            "¥1,500"
        );
        assert_eq!(
            Money::from_minor(1_234_567, "CHF", Locale::En).formatted,
            "12,345.67 CHF"
        );
    }

    #[test]
    fn money_in_each_language_keeps_its_amount() {
        let formatted: Vec<String> = Locale::ALL
            .into_iter()
            .map(|locale| {
                let money = Money::from_minor(129_900, "EUR", locale);
                assert_eq!(money.amount, "1299.00");
                money.formatted
            })
            .collect();
        assert_eq!(
            formatted,
            [
                "€1,299.00",
                "1.299,00\u{a0}€",
                "1\u{202f}299,00\u{a0}€",
                "€\u{a0}1.299,00"
            ]
        );
    }

    #[test]
    fn stock_views_say_what_a_screen_shows() {
        let low = StockView::new(Availability::LowStock, 3, Some("2026-12-01"));
        assert_eq!((low.label.as_str(), low.count), ("Only 3 left", Some(3)));
        assert_eq!(low.restock_date, None);
        let out = StockView::new(Availability::OutOfStock, 0, Some("2026-12-01T00:00:00Z"));
        assert_eq!(out.label, "Out of stock");
        assert_eq!(out.restock_date.as_deref(), Some("2026-12-01"));
        assert_eq!(out.count, None);
        let plenty = StockView::new(Availability::InStock, 300, None);
        assert_eq!((plenty.label.as_str(), plenty.count), ("In stock", None));
    }

    #[test]
    fn availability_follows_the_origin_thresholds() {
        assert_eq!(
            Availability::from_stock(0, 5, false),
            Availability::OutOfStock
        );
        assert_eq!(
            Availability::from_stock(0, 5, true),
            Availability::Backorder
        );
        assert_eq!(
            Availability::from_stock(5, 5, false),
            Availability::LowStock
        );
        assert_eq!(Availability::from_stock(6, 5, false), Availability::InStock);
    }

    proptest::proptest! {
        /// Any origin text cut to any limit: at most that many characters, the text itself when
        /// it fits, and otherwise a start of it followed by the ellipsis.
        #[test]
        fn a_cut_is_a_start_of_the_text_within_the_limit(text in "\\PC{0,300}", max in 0usize..250) {
            let cut = truncate_at_word(&text, max);
            proptest::prop_assert!(cut.chars().count() <= max);
            if text.chars().count() <= max {
                proptest::prop_assert_eq!(cut.as_ref(), text.as_str());
            } else if max > 0 {
                let start = cut.strip_suffix('…');
                proptest::prop_assert!(start.is_some_and(|start| text.starts_with(start)));
            } else {
                proptest::prop_assert_eq!(cut.as_ref(), "");
            }
        }
    }
}
