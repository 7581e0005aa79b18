use serde::Serialize;

use super::{get, product_id};
use crate::data::reviews::{self, Histogram, Review};
use crate::http::{Reply, Req, usize_param};
use crate::state::AppState;

const MAX_LIMIT: usize = 50;

#[derive(Serialize)]
struct Page {
    product_id: u32,
    total: u32,
    average_rating: f64,
    rating_histogram: Histogram,
    offset: usize,
    limit: usize,
    next_offset: Option<usize>,
    items: Vec<Review>,
}

pub fn handle(state: &AppState, req: &Req) -> Reply {
    match req.segs().as_slice() {
        ["products", id, "reviews"] => get(req, || page(state, req, id)),
        _ => Reply::not_found(),
    }
}

fn page(state: &AppState, req: &Req, raw: &str) -> Reply {
    let id = match product_id(state, raw, "product_not_found") {
        Ok(id) => id,
        Err(r) => return r,
    };
    let (offset, limit) = match (
        usize_param(req, "offset", 0, usize::MAX),
        usize_param(req, "limit", 10, MAX_LIMIT),
    ) {
        (Ok(o), Ok(l)) => (o, l),
        (Err(r), _) | (_, Err(r)) => return r,
    };
    let summary = reviews::summary(id);
    let total = usize::try_from(summary.total).unwrap_or(0);
    let end = offset.saturating_add(limit).min(total);
    let items = (offset.min(end)..end)
        .filter_map(|i| u32::try_from(i).ok())
        .map(|i| reviews::review(id, i, summary.total))
        .collect();
    Reply::ok(&Page {
        product_id: id,
        total: summary.total,
        average_rating: summary.average_rating,
        rating_histogram: summary.histogram,
        offset,
        limit,
        next_offset: (end < total).then_some(end),
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::Method;

    #[test]
    fn pages_through_reviews() {
        let state = AppState::for_tests();
        let call = |uri: &str| handle(&state, &Req::test(Method::GET, uri, ""));
        let pid = (1..=500).find(|p| reviews::total(*p) > 25).unwrap();
        let v = call(&format!("/reviews/products/{pid}/reviews?limit=10")).json_value();
        assert_eq!(v["items"].as_array().unwrap().len(), 10);
        assert_eq!(v["next_offset"], 10);
        assert_eq!(v["items"][0]["review_id"], format!("rev-{pid}-0"));
        let hist = &v["rating_histogram"];
        let sum: u64 = ["1", "2", "3", "4", "5"]
            .iter()
            .map(|k| hist[k].as_u64().unwrap())
            .sum();
        assert_eq!(sum, v["total"].as_u64().unwrap());

        let total = v["total"].as_u64().unwrap();
        let v = call(&format!(
            "/reviews/products/{pid}/reviews?offset={}&limit=100",
            total - 3
        ))
        .json_value();
        assert_eq!(v["items"].as_array().unwrap().len(), 3);
        assert!(v["next_offset"].is_null());
        assert_eq!(v["limit"], 50);

        assert_eq!(
            call("/reviews/products/0/reviews").json_value()["error"],
            "product_not_found"
        );
        assert_eq!(call("/reviews/products/1").status, 404);
    }
}
