use super::per_product;
use crate::data::inventory::stock_for;
use crate::http::{Reply, Req};
use crate::state::AppState;

pub fn handle(state: &AppState, req: &Req) -> Reply {
    per_product(state, req, "stock", "stock_not_found", stock_for)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::Method;

    #[test]
    fn stock() {
        let state = AppState::for_tests();
        let call = |uri: &str| handle(&state, &Req::test(Method::GET, uri, ""));
        let v = call("/inventory/stock/1").json_value();
        assert_eq!(v["product_id"], 1);
        assert!(
            v["warehouses"][0]["warehouse_id"]
                .as_str()
                .unwrap()
                .starts_with("wh-")
        );
        assert_eq!(
            call("/inventory/stock/9999").json_value()["error"],
            "stock_not_found"
        );
        assert_eq!(call("/inventory/stock/x").status, 400);
        let v = call("/inventory/stock?ids=1,2,3").json_value();
        assert_eq!(v["items"].as_array().unwrap().len(), 3);
    }
}
