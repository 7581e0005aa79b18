use super::per_product;
use crate::data::pricing::price_for;
use crate::http::{Reply, Req};
use crate::state::AppState;

pub fn handle(state: &AppState, req: &Req) -> Reply {
    per_product(state, req, "prices", "price_not_found", price_for)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::Method;

    #[test]
    fn prices() {
        let state = AppState::for_tests();
        let call = |uri: &str| handle(&state, &Req::test(Method::GET, uri, ""));
        let v = call("/pricing/prices/1").json_value();
        assert_eq!(v["product_id"], 1);
        assert_eq!(v["currency"], "EUR");
        assert_eq!(
            v["cost_price_minor"].as_u64().unwrap(),
            state.catalog.product(1).unwrap().cost_price_minor
        );
        assert_eq!(
            call("/pricing/prices/0").json_value()["error"],
            "price_not_found"
        );
        let v = call("/pricing/prices?ids=2,1,100000").json_value();
        assert_eq!(v["items"].as_array().unwrap().len(), 2);
        assert_eq!(v["items"][0]["product_id"], 2);
        assert_eq!(call("/pricing/prices").status, 400);
    }
}
