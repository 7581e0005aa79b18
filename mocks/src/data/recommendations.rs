//! Deterministic "model output": related products lean towards the same
//! category, home picks are a fixed draw, personal picks are keyed by user.

use rand::Rng;

use super::catalog::{self, Catalog};
use super::seed;

pub const MODEL_VERSION: &str = "reco-2026.11";

/// Ids with descending scores.
pub fn scored<R: Rng + ?Sized>(rng: &mut R, ids: Vec<u32>) -> Vec<(u32, f64)> {
    let mut score = rng.random_range(0.93..0.99);
    ids.into_iter()
        .map(|id| {
            let s = (score * 1000.0_f64).round() / 1000.0;
            score = (score - rng.random_range(0.004..0.04)).max(0.05);
            (id, s)
        })
        .collect()
}

pub fn related(catalog: &Catalog, product_id: u32, limit: usize) -> Vec<(u32, f64)> {
    let mut rng = seed::rng("reco.related", &[u64::from(product_id)]);
    let same = catalog.ids_in_category(catalog::category_index(product_id));
    let mut out: Vec<u32> = Vec::with_capacity(limit);
    let available = usize::try_from(catalog.count())
        .unwrap_or(usize::MAX)
        .saturating_sub(1);
    let want = limit.min(available);
    let mut attempts = 0usize;
    while out.len() < want && attempts < 64 * want + 64 {
        attempts += 1;
        let candidate = if !same.is_empty() && rng.random_bool(0.7) {
            same.get(rng.random_range(0..same.len())).copied()
        } else if catalog.count() > 0 {
            Some(rng.random_range(1..=catalog.count()))
        } else {
            None
        };
        if let Some(id) = candidate
            && id != product_id
            && !out.contains(&id)
        {
            out.push(id);
        }
    }
    scored(&mut rng, out)
}

pub fn home(catalog: &Catalog, limit: usize) -> Vec<(u32, f64)> {
    let mut rng = seed::rng("reco.home", &[]);
    let ids = catalog::sample_ids(catalog.count(), &mut rng, limit, &[]);
    scored(&mut rng, ids)
}

pub fn for_user(catalog: &Catalog, user_id: &str, limit: usize) -> Vec<(u32, f64)> {
    let mut rng = seed::rng("reco.user", &[seed::hash_str(user_id)]);
    let ids = catalog::sample_ids(catalog.count(), &mut rng, limit, &[]);
    scored(&mut rng, ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn related_excludes_self_and_is_stable() {
        let catalog = Catalog::new(5000);
        for pid in [1, 2, 3, 4000] {
            let a = related(&catalog, pid, 50);
            assert_eq!(a.len(), 50);
            assert_eq!(a, related(&catalog, pid, 50));
            assert!(a.iter().all(|(id, _)| *id != pid));
            assert!(a.windows(2).all(|w| w[0].1 >= w[1].1));
        }
        let tiny = Catalog::new(3);
        assert_eq!(related(&tiny, 1, 12).len(), 2);
        assert_ne!(
            for_user(&catalog, "usr-1", 12),
            for_user(&catalog, "usr-2", 12)
        );
        assert_eq!(home(&catalog, 12), home(&catalog, 12));
    }
}
