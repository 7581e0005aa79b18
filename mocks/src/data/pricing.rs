//! Prices in integer minor units; catalog's `cost_price_minor` is taken from here
//! so the two services agree, as they would in a real estate.

use rand::Rng;
use serde::Serialize;

use super::catalog;
use super::seed;

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Price {
    pub product_id: u32,
    pub currency: &'static str,
    pub list_price_minor: u64,
    pub sale_price_minor: Option<u64>,
    pub tax_included: bool,
    pub valid_until: Option<String>,
    pub price_rule_id: String,
    pub cost_price_minor: u64,
    pub margin_bp: i64,
}

impl Price {
    /// What a shopper pays: the sale price when there is one.
    pub fn effective_minor(&self) -> u64 {
        self.sale_price_minor.unwrap_or(self.list_price_minor)
    }
}

pub fn margin_class(margin_bp: i64) -> &'static str {
    match margin_bp {
        4500.. => "A",
        3000..4500 => "B",
        1500..3000 => "C",
        _ => "D",
    }
}

/// Price of product `id`; callers check the id is in the catalog.
pub fn price_for(id: u32) -> Price {
    let cat = catalog::category_of(id);
    let mut rng = seed::rng("pricing", &[u64::from(id)]);
    let mut euros = u64::from(rng.random_range(cat.price_eur.0..=cat.price_eur.1));
    if euros >= 100 {
        euros = euros / 10 * 10 + 9;
    }
    let list = euros * 100 + 99;
    let cost_ratio_pm: u64 = rng.random_range(380..=720);
    let cost = list * cost_ratio_pm / 1000;

    let on_sale = rng.random_bool(0.25);
    let pct_off: u64 = rng.random_range(10..=40);
    let has_end = rng.random_bool(0.8);
    let end_day = rng.random_range(0..45);
    let rule: u32 = rng.random_range(1..=60);

    let sale = on_sale.then(|| {
        let floor = cost + cost / 20;
        let mut sale = (list * (100 - pct_off) / 100).max(floor);
        sale = sale / 100 * 100 + 99;
        if sale >= list {
            sale = list.saturating_sub(100);
        }
        sale
    });
    let valid_until = match sale {
        Some(_) if has_end => Some(seed::rfc3339(
            seed::epoch_seconds(2026, 12, 1) + end_day * 86_400 + 86_399,
        )),
        _ => None,
    };
    let price_rule_id = if sale.is_some() {
        format!("rule-{rule}")
    } else {
        format!("rule-base-{}", catalog::category_index(id) + 1)
    };
    let effective = sale.unwrap_or(list);
    let margin_bp = if effective == 0 {
        0
    } else {
        let diff = i128::from(effective) - i128::from(cost);
        i64::try_from(diff * 10_000 / i128::from(effective)).unwrap_or(0)
    };
    Price {
        product_id: id,
        currency: "EUR",
        list_price_minor: list,
        sale_price_minor: sale,
        tax_included: true,
        valid_until,
        price_rule_id,
        cost_price_minor: cost,
        margin_bp,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_consistent() {
        let mut on_sale = 0;
        for id in 1..=2000 {
            let p = price_for(id);
            assert_eq!(p, price_for(id));
            assert_eq!(p.list_price_minor % 100, 99);
            assert!(p.cost_price_minor < p.list_price_minor);
            if let Some(s) = p.sale_price_minor {
                on_sale += 1;
                assert!(s < p.list_price_minor);
                assert!(s > p.cost_price_minor);
                assert!(p.price_rule_id.starts_with("rule-"));
            } else {
                assert!(p.valid_until.is_none());
            }
            assert!(p.margin_bp > 0);
        }
        assert!((400..600).contains(&on_sale), "{on_sale}");
    }

    #[test]
    fn catalog_cost_matches_pricing() {
        for id in [1, 5, 999] {
            assert_eq!(
                catalog::generate(id).cost_price_minor,
                price_for(id).cost_price_minor
            );
        }
    }
}
