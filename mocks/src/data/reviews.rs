//! Reviews are generated on demand from `(product_id, index)`; only ratings are
//! computed for the whole product, so the histogram and average always agree
//! with the items a client pages through.

use rand::Rng;
use rand::seq::SliceRandom;
use serde::Serialize;

use super::catalog;
use super::seed::{self, pick};
use super::text::{self, fill};

const LATEST: (i64, u32, u32) = (2026, 11, 10);

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Review {
    pub review_id: String,
    pub rating: u8,
    pub title: String,
    pub body: String,
    pub author_display_name: String,
    pub author_user_id: String,
    pub created_at: String,
    pub verified_purchase: bool,
    pub helpful_votes: u32,
    pub moderation_score: f64,
}

#[derive(Serialize, Clone, Debug, PartialEq, Default)]
pub struct Histogram {
    #[serde(rename = "1")]
    pub one: u32,
    #[serde(rename = "2")]
    pub two: u32,
    #[serde(rename = "3")]
    pub three: u32,
    #[serde(rename = "4")]
    pub four: u32,
    #[serde(rename = "5")]
    pub five: u32,
}

pub struct Summary {
    pub total: u32,
    pub average_rating: f64,
    pub histogram: Histogram,
}

/// Number of reviews of a product: many have a few, some have hundreds.
pub fn total(product_id: u32) -> u32 {
    let mut rng = seed::rng("reviews.total", &[u64::from(product_id)]);
    let r: f64 = rng.random();
    if r < 0.12 {
        0
    } else if r < 0.5 {
        rng.random_range(1..=20)
    } else if r < 0.85 {
        rng.random_range(21..=120)
    } else {
        rng.random_range(121..=300)
    }
}

pub fn rating(product_id: u32, index: u32) -> u8 {
    let quality: f64 = seed::rng("reviews.quality", &[u64::from(product_id)]).random();
    let mut rng = seed::rng("reviews.rating", &[u64::from(product_id), u64::from(index)]);
    let weights = [
        0.10 - 0.07 * quality,
        0.10 - 0.06 * quality,
        0.17 - 0.07 * quality,
        0.28,
        0.25 + 0.45 * quality,
    ];
    let sum: f64 = weights.iter().sum();
    let mut x = rng.random::<f64>() * sum;
    for (stars, w) in (1u8..).zip(weights) {
        if x < w {
            return stars;
        }
        x -= w;
    }
    5
}

pub fn summary(product_id: u32) -> Summary {
    let total = total(product_id);
    let mut histogram = Histogram::default();
    let mut sum = 0u64;
    for i in 0..total {
        let r = rating(product_id, i);
        sum += u64::from(r);
        match r {
            1 => histogram.one += 1,
            2 => histogram.two += 1,
            3 => histogram.three += 1,
            4 => histogram.four += 1,
            _ => histogram.five += 1,
        }
    }
    let average_rating = if total == 0 {
        0.0
    } else {
        (sum as f64 * 100.0 / f64::from(total)).round() / 100.0
    };
    Summary {
        total,
        average_rating,
        histogram,
    }
}

fn body<R: Rng + ?Sized>(rng: &mut R, stars: u8, vars: &[(&str, &str)]) -> String {
    let target = {
        let u: f64 = rng.random();
        80 + (1_000.0 * u * u) as usize
    };
    let mut main: Vec<&str> = match stars {
        5 => text::REVIEW_POSITIVE.to_vec(),
        4 => {
            let mut v = text::REVIEW_POSITIVE.to_vec();
            v.shuffle(rng);
            v.truncate(6);
            v.extend(text::REVIEW_NEUTRAL.iter().take(2));
            v
        }
        3 => {
            let mut v = text::REVIEW_NEUTRAL.to_vec();
            v.extend(text::REVIEW_POSITIVE.iter().take(2));
            v.extend(text::REVIEW_NEGATIVE.iter().take(2));
            v
        }
        2 => {
            let mut v = text::REVIEW_NEGATIVE.to_vec();
            v.extend(text::REVIEW_NEUTRAL.iter().take(3));
            v
        }
        _ => text::REVIEW_NEGATIVE.to_vec(),
    };
    main.shuffle(rng);
    let mut details = text::REVIEW_DETAILS.to_vec();
    details.shuffle(rng);

    let mut out = String::new();
    let push = |out: &mut String, s: &str| -> bool {
        let s = fill(s, vars);
        let extra = s.len() + usize::from(!out.is_empty());
        if out.len() + extra > 1_200 {
            return false;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&s);
        true
    };
    if rng.random_bool(0.7) {
        push(&mut out, pick(rng, text::REVIEW_OPENERS));
    }
    while out.len() < target {
        let next = if !details.is_empty() && (main.is_empty() || rng.random_bool(0.3)) {
            details.pop()
        } else {
            main.pop()
        };
        match next {
            Some(s) => {
                if !push(&mut out, s) {
                    break;
                }
            }
            None => break,
        }
    }
    out
}

/// Review `index` (0 = newest) of a product; callers check `index < total`.
pub fn review(product_id: u32, index: u32, total: u32) -> Review {
    let stars = rating(product_id, index);
    let mut rng = seed::rng("reviews.item", &[u64::from(product_id), u64::from(index)]);
    let cat = catalog::category_of(product_id);
    let noun = catalog::noun_in_sentence(cat.noun);
    let brand = catalog::names(product_id).brand;
    let vars = [("noun", noun.as_str()), ("brand", brand)];

    let titles = text::REVIEW_TITLES
        .get(usize::from(stars.saturating_sub(1)))
        .copied()
        .unwrap_or(&[]);
    let title = pick(&mut rng, titles).to_owned();
    let body = body(&mut rng, stars, &vars);

    let first = pick(&mut rng, text::FIRST_NAMES);
    let initial = char::from(b'A' + rng.random_range(0..26u8));
    let created = catalog::created_secs(product_id);
    let latest = seed::epoch_seconds(LATEST.0, LATEST.1, LATEST.2);
    let span = (latest - created).max(86_400) as f64;
    let frac: f64 = rng.random();
    let offset = (f64::from(index) + frac) * span / f64::from(total.max(1));
    let created_at = latest - offset as i64;
    let helpful = {
        let u: f64 = rng.random();
        (u * u * u * 150.0) as u32
    };
    Review {
        review_id: format!("rev-{product_id}-{index}"),
        rating: stars,
        title,
        body,
        author_display_name: format!("{first} {initial}."),
        author_user_id: format!("usr-{}", rng.random_range(1_000..100_000)),
        created_at: seed::rfc3339(created_at),
        verified_purchase: rng.random_bool(0.8),
        helpful_votes: helpful,
        moderation_score: f64::from(rng.random_range(50..=100u32)) / 100.0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_matches_generated_items() {
        for pid in 1..=60 {
            let s = summary(pid);
            let items: Vec<_> = (0..s.total).map(|i| review(pid, i, s.total)).collect();
            let count = |n| items.iter().filter(|r| r.rating == n).count() as u32;
            assert_eq!(s.histogram.one, count(1));
            assert_eq!(s.histogram.two, count(2));
            assert_eq!(s.histogram.three, count(3));
            assert_eq!(s.histogram.four, count(4));
            assert_eq!(s.histogram.five, count(5));
            if s.total > 0 {
                let sum: u32 = items.iter().map(|r| u32::from(r.rating)).sum();
                let avg = f64::from(sum) / f64::from(s.total);
                assert!((avg - s.average_rating).abs() <= 0.005 + 1e-9);
            }
            for w in items.windows(2) {
                assert!(w[0].created_at >= w[1].created_at);
            }
        }
    }

    #[test]
    fn bodies_are_realistic_and_deterministic() {
        let mut totals = Vec::new();
        for pid in 1..=200 {
            let t = total(pid);
            totals.push(t);
            assert!(t <= 300);
            for i in 0..t.min(5) {
                let r = review(pid, i, t);
                assert_eq!(r, review(pid, i, t));
                assert!((80..=1200).contains(&r.body.len()), "{}", r.body.len());
                assert!(!r.body.contains('{'));
                assert!((1..=5).contains(&r.rating));
            }
        }
        assert!(totals.contains(&0));
        assert!(totals.iter().any(|t| *t > 120));
    }
}
