//! The pricing service: the price the shopper pays, decided by the origin.

use serde::Deserialize;

use super::catalog::{Items, ProductId};
use super::join_ids;
use crate::origin::{OriginClient, OriginError, Service};
use crate::shaping::{Locale, Money};

#[derive(Clone, Debug, Deserialize)]
pub struct Price {
    pub product_id: u32,
    pub currency: String,
    pub list_price_minor: u64,
    pub sale_price_minor: Option<u64>,
    pub tax_included: bool,
}

impl Price {
    /// What the shopper pays now.
    pub fn current(&self, locale: Locale) -> Money {
        Money::from_minor(
            self.sale_price_minor.unwrap_or(self.list_price_minor),
            &self.currency,
            locale,
        )
    }

    /// The struck-through list price, when the product is on sale.
    pub fn was(&self, locale: Locale) -> Option<Money> {
        self.sale_price_minor
            .filter(|sale| *sale < self.list_price_minor)
            .map(|_| Money::from_minor(self.list_price_minor, &self.currency, locale))
    }
}

#[derive(Clone, Copy)]
pub struct Pricing<'a>(&'a OriginClient);

impl OriginClient {
    pub fn pricing(&self) -> Pricing<'_> {
        Pricing(self)
    }
}

impl Pricing<'_> {
    pub async fn price(self, id: ProductId) -> Result<Price, OriginError> {
        self.0
            .get_json(Service::Pricing, &format!("/prices/{}", id.get()))
            .await
    }

    /// Prices of many products in one call (a listing never calls once per product).
    pub async fn prices(self, ids: &[u32]) -> Result<Vec<Price>, OriginError> {
        let path = format!("/prices?ids={}", join_ids(ids));
        let batch: Items<Price> = self.0.get_json(Service::Pricing, &path).await?;
        Ok(batch.items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn price(list: u64, sale: Option<u64>) -> Price {
        Price {
            product_id: 1,
            currency: "EUR".into(),
            list_price_minor: list,
            sale_price_minor: sale,
            tax_included: true,
        }
    }

    #[test]
    fn sale_price_is_current_and_list_price_is_was() {
        let on_sale = price(12_999, Some(9_999));
        assert_eq!(on_sale.current(Locale::En).formatted, "€99.99");
        assert_eq!(
            on_sale.was(Locale::En).map(|m| m.formatted),
            Some("€129.99".into())
        );
        let regular = price(12_999, None);
        assert_eq!(regular.current(Locale::De).amount, "129.99");
        assert_eq!(regular.was(Locale::En), None);
    }
}
