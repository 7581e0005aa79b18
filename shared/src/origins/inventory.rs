//! The inventory service: stock per warehouse, reduced here to what a shopper needs.

use serde::Deserialize;

use super::catalog::{Items, ProductId};
use super::join_ids;
use crate::origin::{OriginClient, OriginError, Service};
use crate::shaping::{Availability, StockView};

#[derive(Clone, Debug, Deserialize)]
pub struct Stock {
    pub product_id: u32,
    warehouses: Vec<WarehouseStock>,
    low_stock_threshold: u64,
    backorderable: bool,
    pub restock_eta: Option<String>,
}

/// Counts only: which warehouse holds them is internal.
#[derive(Clone, Debug, Deserialize)]
struct WarehouseStock {
    on_hand: u64,
    reserved: u64,
}

impl Stock {
    pub fn available_units(&self) -> u64 {
        self.warehouses
            .iter()
            .map(|w| w.on_hand.saturating_sub(w.reserved))
            .sum()
    }

    /// The stock as a screen shows it.
    pub fn view(&self) -> StockView {
        StockView::new(
            self.availability(),
            self.available_units(),
            self.restock_eta.as_deref(),
        )
    }

    pub fn availability(&self) -> Availability {
        Availability::from_stock(
            self.available_units(),
            self.low_stock_threshold,
            self.backorderable,
        )
    }
}

#[derive(Clone, Copy)]
pub struct Inventory<'a>(&'a OriginClient);

impl OriginClient {
    pub fn inventory(&self) -> Inventory<'_> {
        Inventory(self)
    }
}

impl Inventory<'_> {
    pub async fn stock(self, id: ProductId) -> Result<Stock, OriginError> {
        self.0
            .get_json(Service::Inventory, &format!("/stock/{}", id.get()))
            .await
    }

    /// Stock of many products in one call.
    pub async fn stocks(self, ids: &[u32]) -> Result<Vec<Stock>, OriginError> {
        let path = format!("/stock?ids={}", join_ids(ids));
        let batch: Items<Stock> = self.0.get_json(Service::Inventory, &path).await?;
        Ok(batch.items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_free_units_across_warehouses() {
        let body = r#"{"product_id":1,"warehouses":[
            {"warehouse_id":"wh-fra-1","on_hand":3,"reserved":1},
            {"warehouse_id":"wh-ams-2","on_hand":1,"reserved":4}],
            "low_stock_threshold":5,"backorderable":false,"restock_eta":null}"#;
        let stock: Stock = serde_json::from_str(body).unwrap();
        assert_eq!(stock.available_units(), 2);
        assert_eq!(stock.availability(), Availability::LowStock);
        assert!(!format!("{stock:?}").contains("wh-"));
    }
}
