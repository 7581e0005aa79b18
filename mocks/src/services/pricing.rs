use hyper::StatusCode;

use super::{MAX_BATCH, get, product_id};
use crate::data::pricing::price_for;
use crate::http::{Items, Reply, Req, ids_param};
use crate::state::AppState;

pub fn handle(state: &AppState, req: &Req) -> Reply {
    match req.segs().as_slice() {
        ["prices"] => get(req, || batch(state, req)),
        ["prices", id] => get(req, || match product_id(state, id, "price_not_found") {
            Ok(id) => Reply::ok(&price_for(id)),
            Err(reply) => reply,
        }),
        _ => Reply::not_found(),
    }
}

fn batch(state: &AppState, req: &Req) -> Reply {
    let Some(raw) = req.query("ids") else {
        return Reply::error(StatusCode::BAD_REQUEST, "ids_required");
    };
    match ids_param(raw, MAX_BATCH) {
        Ok(ids) => {
            let items: Vec<_> = ids
                .into_iter()
                .filter(|id| state.catalog.contains(*id))
                .map(price_for)
                .collect();
            Reply::ok(&Items { items })
        }
        Err(reply) => reply,
    }
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
