//! Per-warehouse stock: BFFs must aggregate it and hide warehouse ids.

use rand::Rng;
use rand::seq::index;
use serde::Serialize;

use super::seed;

const WAREHOUSES: &[&str] = &[
    "wh-fra-1", "wh-ber-1", "wh-ham-2", "wh-ams-1", "wh-waw-1", "wh-mad-1", "wh-mil-1",
];

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct WarehouseStock {
    pub warehouse_id: &'static str,
    pub on_hand: u32,
    pub reserved: u32,
}

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Stock {
    pub product_id: u32,
    pub warehouses: Vec<WarehouseStock>,
    pub low_stock_threshold: u32,
    pub backorderable: bool,
    pub restock_eta: Option<String>,
}

#[cfg(test)]
impl Stock {
    pub fn available(&self) -> u32 {
        self.warehouses
            .iter()
            .map(|w| w.on_hand.saturating_sub(w.reserved))
            .sum()
    }
}

fn eta<R: Rng + ?Sized>(rng: &mut R) -> String {
    seed::date_only(seed::epoch_seconds(2026, 11, 20) + rng.random_range(0..90) * 86_400)
}

/// Stock of product `id`; callers check the id is in the catalog.
/// Roughly 70 % plenty, 15 % low and 15 % sold out.
pub fn stock_for(id: u32) -> Stock {
    let mut rng = seed::rng("inventory", &[u64::from(id)]);
    let count = rng.random_range(2..=4);
    let mut picked = index::sample(&mut rng, WAREHOUSES.len(), count).into_vec();
    picked.sort_unstable();
    let threshold = rng.random_range(3..=10);
    let roll = rng.random_range(0..100);

    let mut warehouses: Vec<WarehouseStock> = picked
        .iter()
        .filter_map(|i| WAREHOUSES.get(*i))
        .map(|wh| {
            let reserved = rng.random_range(0..=3);
            WarehouseStock {
                warehouse_id: wh,
                on_hand: reserved,
                reserved,
            }
        })
        .collect();
    let slots = warehouses.len().max(1);
    let (extra, backorderable, restock_eta) = match roll {
        0..70 => {
            let extra = rng.random_range(threshold + 1..=400);
            (extra, false, None)
        }
        70..85 => {
            let extra = rng.random_range(1..=threshold);
            let eta = rng.random_bool(0.4).then(|| eta(&mut rng));
            (extra, false, eta)
        }
        _ => {
            let back = rng.random_bool(0.4);
            let eta = rng.random_bool(0.7).then(|| eta(&mut rng));
            (0, back, eta)
        }
    };
    for _ in 0..extra {
        let i = rng.random_range(0..slots);
        if let Some(w) = warehouses.get_mut(i) {
            w.on_hand += 1;
        }
    }
    Stock {
        product_id: id,
        warehouses,
        low_stock_threshold: threshold,
        backorderable,
        restock_eta,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_mix_is_realistic() {
        let (mut zero, mut low, mut plenty) = (0, 0, 0);
        for id in 1..=2000 {
            let s = stock_for(id);
            assert_eq!(s, stock_for(id));
            assert!((2..=4).contains(&s.warehouses.len()));
            assert!(s.warehouses.iter().all(|w| w.on_hand >= w.reserved));
            match s.available() {
                0 => zero += 1,
                a if a <= s.low_stock_threshold => low += 1,
                _ => plenty += 1,
            }
        }
        assert!((200..400).contains(&zero), "{zero}");
        assert!((200..400).contains(&low), "{low}");
        assert!((1200..1600).contains(&plenty), "{plenty}");
    }
}
