//! Product generation and the in-memory catalog index.
//!
//! Full products are generated on first use and cached; the index only keeps
//! what listing, search and recommendations need for every product, so memory
//! stays small even for large `--products` values.

use std::sync::{Arc, OnceLock};

use rand::Rng;
use rand::seq::SliceRandom;
use serde::Serialize;

use super::categories::{self, CATEGORIES, COLOURS, Category, ORIGINS};
use super::pricing;
use super::seed::{self, pick};
use super::text::{self, fill};

pub const IMAGE_SIZES: [(&str, u32); 5] = [
    ("thumb", 160),
    ("small", 320),
    ("medium", 640),
    ("large", 1280),
    ("xlarge", 2048),
];

const IMAGE_VIEWS: &[&str] = &[
    "front view",
    "side view",
    "back view",
    "detail close-up",
    "in use",
    "top view",
    "lifestyle shot",
    "packaging",
];

const EXTRA_TAGS: &[&str] = &[
    "bestseller",
    "new-arrival",
    "eco-friendly",
    "limited-edition",
    "staff-pick",
    "gift-idea",
];

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct ImageVariant {
    pub size: &'static str,
    pub url: String,
    pub width: u32,
    pub height: u32,
}

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Image {
    pub image_id: String,
    pub alt: String,
    pub variants: Vec<ImageVariant>,
}

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Spec {
    pub name: &'static str,
    pub value: String,
}

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Product {
    pub id: u32,
    pub sku: String,
    pub slug: String,
    pub name: String,
    pub brand: &'static str,
    pub category_id: u32,
    pub category_slug: &'static str,
    pub category_name: &'static str,
    pub description: String,
    pub short_description: String,
    pub images: Vec<Image>,
    pub specs: Vec<Spec>,
    pub tags: Vec<&'static str>,
    pub created_at: String,
    pub updated_at: String,
    pub cost_price_minor: u64,
    pub supplier_id: String,
    pub supplier_sku: String,
    pub margin_class: &'static str,
    pub internal_notes: String,
}

/// Listing shape. Internal fields are included on purpose: real origins are
/// sloppy about this and BFFs must strip them.
#[derive(Serialize, Debug)]
pub struct ProductSummary<'a> {
    pub id: u32,
    pub sku: &'a str,
    pub slug: &'a str,
    pub name: &'a str,
    pub brand: &'a str,
    pub category_slug: &'a str,
    pub short_description: &'a str,
    pub images: &'a [Image],
    pub cost_price_minor: u64,
    pub supplier_id: &'a str,
}

impl Product {
    pub fn summary(&self) -> ProductSummary<'_> {
        ProductSummary {
            id: self.id,
            sku: &self.sku,
            slug: &self.slug,
            name: &self.name,
            brand: self.brand,
            category_slug: self.category_slug,
            short_description: &self.short_description,
            images: self.images.get(..1).unwrap_or(&[]),
            cost_price_minor: self.cost_price_minor,
            supplier_id: &self.supplier_id,
        }
    }
}

/// 0-based index into `CATEGORIES`, spread pseudo-randomly so every category
/// gets a similar share of ids.
pub fn category_index(id: u32) -> usize {
    let len = u64::try_from(CATEGORIES.len()).unwrap_or(1).max(1);
    usize::try_from(seed::seed("catalog.category", &[u64::from(id)]) % len).unwrap_or(0)
}

pub fn category_of(id: u32) -> &'static Category {
    // The index is always in range; fall back to the first row to stay total.
    CATEGORIES.get(category_index(id)).unwrap_or(&CATEGORIES[0])
}

pub struct Names {
    pub brand: &'static str,
    pub series: &'static str,
    pub qualifier: &'static str,
    pub name: String,
    pub slug: String,
}

pub fn names(id: u32) -> Names {
    let cat = category_of(id);
    let mut rng = seed::rng("catalog.name", &[u64::from(id)]);
    let brand = pick(&mut rng, text::BRANDS);
    let series = pick(&mut rng, text::SERIES);
    let suffix = pick(&mut rng, text::SUFFIXES);
    let qualifier = if rng.random_bool(0.75) {
        pick(&mut rng, cat.qualifiers)
    } else {
        ""
    };
    let name = [brand, series, suffix, qualifier, cat.noun]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    let slug = seed::slugify(&name);
    Names {
        brand,
        series,
        qualifier,
        name,
        slug,
    }
}

/// Lowercases a noun for use inside a sentence, keeping acronyms such as "TV".
pub fn noun_in_sentence(noun: &str) -> String {
    noun.split(' ')
        .map(|w| {
            if w.len() > 1 && w.chars().all(|c| c.is_ascii_uppercase()) {
                w.to_owned()
            } else {
                w.to_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn image_url(id: u32, index: usize, size: &str) -> String {
    format!("https://img.shop.test/p/{id}/{index}/{size}.jpg")
}

pub fn image_variants(id: u32, index: usize, sizes: &[(&'static str, u32)]) -> Vec<ImageVariant> {
    sizes
        .iter()
        .map(|(size, px)| ImageVariant {
            size,
            url: image_url(id, index, size),
            width: *px,
            height: *px,
        })
        .collect()
}

/// Creation time in seconds since the epoch; reviews are spread after it.
pub fn created_secs(id: u32) -> i64 {
    let mut rng = seed::rng("catalog.dates", &[u64::from(id)]);
    let start = seed::epoch_seconds(2022, 1, 1);
    let end = seed::epoch_seconds(2025, 10, 31);
    rng.random_range(start..end)
}

fn updated_secs(id: u32, created: i64) -> i64 {
    let mut rng = seed::rng("catalog.updated", &[u64::from(id)]);
    let latest = seed::epoch_seconds(2026, 11, 1);
    (created + rng.random_range(3_600..400 * 86_400)).min(latest)
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn description(id: u32, n: &Names, cat: &Category) -> (String, String) {
    let mut rng = seed::rng("catalog.description", &[u64::from(id)]);
    let noun = noun_in_sentence(cat.noun);
    let benefit = pick(&mut rng, text::BENEFITS);
    let audience = pick(&mut rng, text::AUDIENCES);
    let use_ = pick(&mut rng, text::USES);
    let vars = [
        ("name", n.name.as_str()),
        ("brand", n.brand),
        ("noun", noun.as_str()),
        ("benefit", benefit),
        ("audience", audience),
        ("use", use_),
    ];
    let group = cat.family.group();
    let mut group_pool = text::group_sentences(group).to_vec();
    group_pool.shuffle(&mut rng);
    let mut generic_pool = text::GENERIC.to_vec();
    generic_pool.shuffle(&mut rng);

    let mut paragraphs: Vec<Vec<String>> = vec![Vec::new(), Vec::new(), Vec::new()];
    let take = |pool: &mut Vec<&str>, para: &mut Vec<String>| {
        if let Some(t) = pool.pop() {
            para.push(fill(t, &vars));
        }
    };
    let intro = pick(&mut rng, text::INTROS);
    if let Some(p) = paragraphs.get_mut(0) {
        p.push(fill(intro, &vars));
        take(&mut group_pool, p);
        take(&mut group_pool, p);
    }
    if let Some(p) = paragraphs.get_mut(1) {
        for _ in 0..3 {
            take(&mut generic_pool, p);
        }
    }
    if let Some(p) = paragraphs.get_mut(2) {
        take(&mut group_pool, p);
        take(&mut group_pool, p);
        take(&mut generic_pool, p);
    }
    let closing = fill(pick(&mut rng, text::CLOSINGS), &vars);
    let target = rng.random_range(1_100..1_700);
    let len = |ps: &Vec<Vec<String>>| -> usize {
        ps.iter().flatten().map(|s| s.len() + 1).sum::<usize>() + closing.len()
    };
    while len(&paragraphs) < target && !(group_pool.is_empty() && generic_pool.is_empty()) {
        let para_index = rng.random_range(1..3);
        let from_group =
            !group_pool.is_empty() && (generic_pool.is_empty() || rng.random_bool(0.4));
        if let Some(p) = paragraphs.get_mut(para_index) {
            if from_group {
                take(&mut group_pool, p);
            } else {
                take(&mut generic_pool, p);
            }
        }
    }
    let mut desc = paragraphs
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.join(" "))
        .collect::<Vec<_>>()
        .join("\n\n");
    desc.push_str("\n\n");
    desc.push_str(&closing);

    let features = text::short_features(group);
    let f1 = pick(&mut rng, features);
    let mut f2 = pick(&mut rng, features);
    if f2 == f1 {
        f2 = "a two-year warranty";
    }
    let lead = if n.qualifier.is_empty() {
        format!("A {noun}")
    } else {
        format!("{} {noun}", capitalise(n.qualifier))
    };
    let mut short = format!("{lead} from {} with {f1} and {f2}.", n.brand);
    if rng.random_bool(0.5) {
        short.push_str(&format!(" Ideal for {audience} and {use_}."));
    }
    (desc, short)
}

fn specs(id: u32, n: &Names, cat: &Category) -> Vec<Spec> {
    let mut rng = seed::rng("catalog.specs", &[u64::from(id)]);
    let total: usize = rng.random_range(6..=12);
    let mut family = categories::family_specs(cat.family, &mut rng);
    family.shuffle(&mut rng);
    let k = family.len().min(total.saturating_sub(2));
    family.truncate(k);

    let grams = rng.random_range(cat.weight_g.0..=cat.weight_g.1);
    let weight = if grams >= 1000 {
        format!("{:.2} kg", f64::from(grams) / 1000.0)
    } else {
        format!("{grams} g")
    };
    // Scale the box with the weight so a face cream is not the size of a desk.
    let side = f64::from(grams).cbrt() * 1.6;
    let mut edge = || (side * rng.random_range(0.5..1.9)).round().max(1.0);
    let dims = format!("{} × {} × {} cm", edge(), edge(), edge());
    let brand_code: String = n.brand.chars().take(2).collect::<String>().to_uppercase();
    let series_initial: String = n.series.chars().take(1).collect();
    let model = format!(
        "{brand_code}-{series_initial}{}-{:04}",
        rng.random_range(1..10),
        rng.random_range(0..10_000)
    );
    let ean = format!("40{:011}", rng.random_range(0..100_000_000_000u64));
    let generic = [
        ("Weight", weight),
        ("Dimensions", dims),
        ("Colour", pick(&mut rng, COLOURS).to_owned()),
        (
            "Warranty",
            pick(&mut rng, &["2 years", "3 years", "5 years"]).to_owned(),
        ),
        ("Model number", model),
        ("Country of origin", pick(&mut rng, ORIGINS).to_owned()),
        ("EAN", ean),
    ];
    family
        .into_iter()
        .chain(generic.into_iter().take(total - k))
        .map(|(name, value)| Spec { name, value })
        .collect()
}

fn images(id: u32, name: &str) -> Vec<Image> {
    let mut rng = seed::rng("catalog.images", &[u64::from(id)]);
    let count = rng.random_range(4..=8);
    let mut views = IMAGE_VIEWS.get(1..).unwrap_or(&[]).to_vec();
    views.shuffle(&mut rng);
    (1..=count)
        .map(|index| {
            let view = if index == 1 {
                IMAGE_VIEWS.first().copied().unwrap_or("")
            } else {
                views.get(index - 2).copied().unwrap_or("detail")
            };
            Image {
                image_id: format!("img-{id}-{index}"),
                alt: format!("{name} – {view}"),
                variants: image_variants(id, index, &IMAGE_SIZES),
            }
        })
        .collect()
}

fn tags(id: u32, cat: &Category) -> Vec<&'static str> {
    let mut rng = seed::rng("catalog.tags", &[u64::from(id)]);
    let mut own = cat.tags.to_vec();
    own.shuffle(&mut rng);
    let k = rng.random_range(2..=own.len().min(4));
    own.truncate(k);
    let extra = rng.random_range(0..=2);
    let mut pool = EXTRA_TAGS.to_vec();
    pool.shuffle(&mut rng);
    own.extend(pool.into_iter().take(extra));
    own
}

/// Generates product `id` from scratch. Callers check the id is in range.
pub fn generate(id: u32) -> Product {
    let cat = category_of(id);
    let category_id = u32::try_from(category_index(id) + 1).unwrap_or(1);
    let n = names(id);
    let (description, short_description) = description(id, &n, cat);
    let created = created_secs(id);
    let price = pricing::price_for(id);

    let mut rng = seed::rng("catalog.internal", &[u64::from(id)]);
    let supplier = rng.random_range(1..=180);
    let supplier_id = format!("SUP-{supplier:04}");
    let supplier_sku = format!("{supplier_id}-{:05}", rng.random_range(10_000..100_000));
    let note = pick(&mut rng, text::INTERNAL_NOTES);
    let n_value = rng.random_range(3..30).to_string();
    let q_value = rng.random_range(1..=4).to_string();
    let internal_notes = fill(note, &[("n", &n_value), ("q", &q_value)]);

    Product {
        id,
        sku: format!("SKU-{id:06}"),
        images: images(id, &n.name),
        specs: specs(id, &n, cat),
        tags: tags(id, cat),
        slug: n.slug,
        name: n.name,
        brand: n.brand,
        category_id,
        category_slug: cat.slug,
        category_name: cat.name,
        description,
        short_description,
        created_at: seed::rfc3339(created),
        updated_at: seed::rfc3339(updated_secs(id, created)),
        cost_price_minor: price.cost_price_minor,
        supplier_id,
        supplier_sku,
        margin_class: pricing::margin_class(price.margin_bp),
        internal_notes,
    }
}

/// What every product contributes to the always-resident index.
pub struct Entry {
    pub name: String,
    pub slug: String,
    /// Lowercased name (which starts with the brand) for `q` search.
    pub search: String,
}

pub struct Catalog {
    count: u32,
    entries: Vec<Entry>,
    by_category: Vec<Vec<u32>>,
    cache: Vec<OnceLock<Arc<Product>>>,
}

impl Catalog {
    pub fn new(count: u32) -> Self {
        let mut by_category = vec![Vec::new(); CATEGORIES.len()];
        let entries = (1..=count)
            .map(|id| {
                let n = names(id);
                let category = category_index(id);
                if let Some(list) = by_category.get_mut(category) {
                    list.push(id);
                }
                Entry {
                    search: format!("{} {}", n.name.to_lowercase(), n.brand.to_lowercase()),
                    name: n.name,
                    slug: n.slug,
                }
            })
            .collect();
        Self {
            count,
            entries,
            by_category,
            cache: (0..count).map(|_| OnceLock::new()).collect(),
        }
    }

    pub fn count(&self) -> u32 {
        self.count
    }

    pub fn contains(&self, id: u32) -> bool {
        id >= 1 && id <= self.count
    }

    pub fn entry(&self, id: u32) -> Option<&Entry> {
        let index = usize::try_from(id.checked_sub(1)?).ok()?;
        self.entries.get(index)
    }

    pub fn product(&self, id: u32) -> Option<Arc<Product>> {
        let index = usize::try_from(id.checked_sub(1)?).ok()?;
        let slot = self.cache.get(index)?;
        Some(Arc::clone(slot.get_or_init(|| Arc::new(generate(id)))))
    }

    /// Product ids of a category (0-based index), in id order.
    pub fn ids_in_category(&self, category: usize) -> &[u32] {
        self.by_category.get(category).map_or(&[], Vec::as_slice)
    }

    /// Ids matching the optional category and case-insensitive text query, in id order.
    pub fn search(&self, category: Option<usize>, q: Option<&str>) -> Vec<u32> {
        let needle = q.map(|q| q.trim().to_lowercase()).filter(|q| !q.is_empty());
        let matches = |id: &u32| match (&needle, self.entry(*id)) {
            (None, _) => true,
            (Some(n), Some(e)) => e.search.contains(n.as_str()),
            (Some(_), None) => false,
        };
        match category {
            Some(c) => self
                .ids_in_category(c)
                .iter()
                .copied()
                .filter(|id| matches(id))
                .collect(),
            None => (1..=self.count).filter(|id| matches(id)).collect(),
        }
    }

    /// A stable pick of products; a shorter list is a prefix of a longer one.
    pub fn featured(&self, limit: usize) -> Vec<u32> {
        sample_ids(
            self.count,
            &mut seed::rng("catalog.featured", &[]),
            limit,
            &[],
        )
    }
}

/// Distinct random ids in `1..=count`, skipping `exclude`, drawn one at a time
/// so the first `k` of a longer draw equal a draw of `k`.
pub fn sample_ids<R: Rng + ?Sized>(
    count: u32,
    rng: &mut R,
    limit: usize,
    exclude: &[u32],
) -> Vec<u32> {
    let available = usize::try_from(count)
        .unwrap_or(usize::MAX)
        .saturating_sub(exclude.len());
    let want = limit.min(available);
    let mut out: Vec<u32> = Vec::with_capacity(want);
    let mut attempts = 0usize;
    while out.len() < want && attempts < 64 * want + 64 && count > 0 {
        attempts += 1;
        let id = rng.random_range(1..=count);
        if !exclude.contains(&id) && !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_id_same_json() {
        for id in [1, 2, 77, 4999] {
            let a = serde_json::to_string(&generate(id)).unwrap();
            let b = serde_json::to_string(&generate(id)).unwrap();
            assert_eq!(a, b);
        }
        assert_ne!(
            serde_json::to_string(&generate(1)).unwrap(),
            serde_json::to_string(&generate(2)).unwrap()
        );
    }

    #[test]
    fn descriptions_are_long_and_varied() {
        let mut firsts = std::collections::HashSet::new();
        for id in 1..=600 {
            let p = generate(id);
            assert!(
                p.description.len() >= 1024,
                "id {id}: {}",
                p.description.len()
            );
            assert!(!p.short_description.is_empty());
            assert!(!p.description.contains('{'), "unfilled placeholder in {id}");
            firsts.insert(p.description.chars().take(60).collect::<String>());
        }
        assert!(firsts.len() > 300);
    }

    #[test]
    fn images_specs_and_tags_have_expected_shape() {
        for id in 1..=300 {
            let p = generate(id);
            assert!((4..=8).contains(&p.images.len()));
            for (i, img) in p.images.iter().enumerate() {
                assert_eq!(img.image_id, format!("img-{id}-{}", i + 1));
                let sizes: Vec<_> = img.variants.iter().map(|v| v.size).collect();
                assert_eq!(sizes, ["thumb", "small", "medium", "large", "xlarge"]);
                assert_eq!(img.variants[0].width, 160);
                assert_eq!(img.variants[4].width, 2048);
                assert!(
                    img.variants[2]
                        .url
                        .ends_with(&format!("/p/{id}/{}/medium.jpg", i + 1))
                );
            }
            assert!((6..=12).contains(&p.specs.len()), "{}", p.specs.len());
            assert!((2..=6).contains(&p.tags.len()));
            assert!(p.created_at <= p.updated_at);
        }
    }

    #[test]
    fn names_match_full_generation_and_categories_fill_up() {
        let catalog = Catalog::new(5000);
        for id in [1, 10, 4321] {
            let p = catalog.product(id).unwrap();
            let e = catalog.entry(id).unwrap();
            assert_eq!(p.name, e.name);
            assert_eq!(p.slug, e.slug);
            assert!(p.name.starts_with(p.brand));
            assert_eq!(p.category_slug, CATEGORIES[category_index(id)].slug);
            assert_eq!(p.category_id as usize, category_index(id) + 1);
        }
        for c in 0..CATEGORIES.len() {
            assert!(catalog.ids_in_category(c).len() > 50);
        }
        assert!(catalog.product(0).is_none());
        assert!(catalog.product(5001).is_none());
    }

    #[test]
    fn search_is_case_insensitive() {
        let catalog = Catalog::new(2000);
        let brand = names(1).brand;
        let hits = catalog.search(None, Some(&brand.to_uppercase()));
        assert!(hits.contains(&1));
        assert!(hits.windows(2).all(|w| w[0] < w[1]));
        let c = category_index(1);
        assert!(catalog.search(Some(c), None).contains(&1));
    }

    #[test]
    fn featured_is_prefix_stable() {
        let catalog = Catalog::new(5000);
        let small = catalog.featured(6);
        let big = catalog.featured(12);
        assert_eq!(small.len(), 6);
        assert_eq!(&big[..6], &small[..]);
        assert_eq!(Catalog::new(3).featured(10).len(), 3);
    }
}
