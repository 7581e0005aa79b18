use hyper::StatusCode;

use super::{MAX_BATCH, get, product_id};
use crate::data::inventory::stock_for;
use crate::http::{Items, Reply, Req, ids_param};
use crate::state::AppState;

pub fn handle(state: &AppState, req: &Req) -> Reply {
    match req.segs().as_slice() {
        ["stock"] => get(req, || batch(state, req)),
        ["stock", id] => get(req, || match product_id(state, id, "stock_not_found") {
            Ok(id) => Reply::ok(&stock_for(id)),
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
                .map(stock_for)
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
