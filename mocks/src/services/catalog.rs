use std::sync::Arc;

use hyper::StatusCode;
use serde_json::json;

use super::{MAX_BATCH, get, product_id};
use crate::data::catalog::Product;
use crate::data::categories::{self, CATEGORIES};
use crate::http::{Items, Reply, Req, ids_param, usize_param};
use crate::state::AppState;

pub fn handle(state: &AppState, req: &Req) -> Reply {
    match req.segs().as_slice() {
        ["products"] => get(req, || list(state, req)),
        ["products", id] => get(req, || detail(state, id)),
        ["categories"] => get(req, || categories(state)),
        ["featured"] => get(req, || featured(state, req)),
        _ => Reply::not_found(),
    }
}

fn detail(state: &AppState, raw: &str) -> Reply {
    match product_id(state, raw, "product_not_found") {
        Ok(id) => match state.catalog.product(id) {
            Some(p) => Reply::ok(&*p),
            None => Reply::error(StatusCode::NOT_FOUND, "product_not_found"),
        },
        Err(reply) => reply,
    }
}

fn products(state: &AppState, ids: &[u32]) -> Vec<Arc<Product>> {
    ids.iter()
        .filter_map(|id| state.catalog.product(*id))
        .collect()
}

fn summaries(products: &[Arc<Product>]) -> Vec<crate::data::catalog::ProductSummary<'_>> {
    products.iter().map(|p| p.summary()).collect()
}

#[derive(serde::Serialize)]
struct Page<T: serde::Serialize> {
    items: T,
    total: usize,
    offset: usize,
    limit: usize,
}

fn list(state: &AppState, req: &Req) -> Reply {
    if let Some(raw) = req.query("ids") {
        let ids = match ids_param(raw, MAX_BATCH) {
            Ok(ids) => ids,
            Err(reply) => return reply,
        };
        let found = products(state, &ids);
        return Reply::ok(&Items {
            items: summaries(&found),
        });
    }
    let category = match req.query("category").filter(|c| !c.is_empty()) {
        None => None,
        Some(slug) => match categories::by_slug(slug) {
            Some((id, _)) => Some(usize::try_from(id).unwrap_or(1) - 1),
            None => return Reply::error(StatusCode::NOT_FOUND, "category_not_found"),
        },
    };
    let (offset, limit) = match (
        usize_param(req, "offset", 0, usize::MAX),
        usize_param(req, "limit", 20, MAX_BATCH),
    ) {
        (Ok(o), Ok(l)) => (o, l),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let ids = state.catalog.search(category, req.query("q"));
    let page: Vec<u32> = ids.iter().skip(offset).take(limit).copied().collect();
    let found = products(state, &page);
    Reply::ok(&Page {
        items: summaries(&found),
        total: ids.len(),
        offset,
        limit,
    })
}

fn categories(state: &AppState) -> Reply {
    let items: Vec<_> = CATEGORIES
        .iter()
        .enumerate()
        .map(|(i, c)| {
            json!({
                "id": i + 1,
                "slug": c.slug,
                "name": c.name,
                "product_count": state.catalog.ids_in_category(i).len(),
            })
        })
        .collect();
    Reply::ok(&json!({ "items": items }))
}

fn featured(state: &AppState, req: &Req) -> Reply {
    let limit = match usize_param(req, "limit", 12, MAX_BATCH) {
        Ok(l) => l,
        Err(r) => return r,
    };
    let found = products(state, &state.catalog.featured(limit));
    Reply::ok(&Items {
        items: summaries(&found),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::Method;

    fn call(state: &AppState, uri: &str) -> Reply {
        handle(state, &Req::test(Method::GET, uri, ""))
    }

    #[test]
    fn product_detail_and_errors() {
        let state = AppState::for_tests();
        let r = call(&state, "/catalog/products/1");
        assert_eq!(r.status, 200);
        let v = r.json_value();
        assert_eq!(v["id"], 1);
        assert_eq!(v["sku"], "SKU-000001");
        assert!(v["description"].as_str().unwrap().len() >= 1024);
        assert_eq!(call(&state, "/catalog/products/1").body, r.body);
        assert_eq!(
            call(&state, "/catalog/products/0").json_value()["error"],
            "product_not_found"
        );
        assert_eq!(call(&state, "/catalog/products/501").status, 404);
        assert_eq!(
            call(&state, "/catalog/products/abc").json_value()["error"],
            "bad_product_id"
        );
        assert_eq!(call(&state, "/catalog/nope").status, 404);
        let r = handle(&state, &Req::test(Method::POST, "/catalog/products/1", ""));
        assert_eq!(r.status, 405);
    }

    #[test]
    fn listing_search_and_batches() {
        let state = AppState::for_tests();
        let v = call(&state, "/catalog/products?category=headphones&limit=5").json_value();
        let items = v["items"].as_array().unwrap();
        assert!(items.len() <= 5 && !items.is_empty());
        assert!(items.iter().all(|i| i["category_slug"] == "headphones"));
        assert!(items[0]["images"].as_array().unwrap().len() == 1);
        assert!(items[0]["cost_price_minor"].is_u64());
        assert_eq!(v["limit"], 5);
        let total = v["total"].as_u64().unwrap();
        let v2 = call(
            &state,
            &format!("/catalog/products?category=headphones&offset={}", total - 1),
        )
        .json_value();
        assert_eq!(v2["items"].as_array().unwrap().len(), 1);

        assert_eq!(
            call(&state, "/catalog/products?category=zzz").json_value()["error"],
            "category_not_found"
        );
        assert_eq!(
            call(&state, "/catalog/products?limit=1000").json_value()["limit"],
            100
        );
        assert_eq!(call(&state, "/catalog/products?limit=x").status, 400);

        let brand = crate::data::catalog::names(3).brand.to_lowercase();
        let v = call(&state, &format!("/catalog/products?q={brand}&limit=100")).json_value();
        assert!(v["items"].as_array().unwrap().iter().any(|i| i["id"] == 3));

        let v = call(&state, "/catalog/products?ids=3,1,9999,2").json_value();
        let ids: Vec<_> = v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_u64().unwrap())
            .collect();
        assert_eq!(ids, [3, 1, 2]);

        let v = call(&state, "/catalog/categories").json_value();
        let cats = v["items"].as_array().unwrap();
        assert!(cats.len() >= 30);
        let sum: u64 = cats
            .iter()
            .map(|c| c["product_count"].as_u64().unwrap())
            .sum();
        assert_eq!(sum, 500);

        let v = call(&state, "/catalog/featured?limit=4").json_value();
        assert_eq!(v["items"].as_array().unwrap().len(), 4);
    }
}
