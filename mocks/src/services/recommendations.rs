use serde::Serialize;

use super::{get, product_id};
use crate::data::catalog::{self, IMAGE_SIZES, ImageVariant};
use crate::data::pricing::price_for;
use crate::data::recommendations::{self as reco, MODEL_VERSION};
use crate::http::{Reply, Req, usize_param};
use crate::state::AppState;

const MAX_LIMIT: usize = 50;

#[derive(Serialize)]
struct Item {
    product_id: u32,
    name: String,
    slug: String,
    image_variants: Vec<ImageVariant>,
    price_minor: u64,
    currency: &'static str,
    score: f64,
}

#[derive(Serialize)]
struct Answer<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    product_id: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<&'a str>,
    model_version: &'static str,
    items: Vec<Item>,
}

pub fn handle(state: &AppState, req: &Req) -> Reply {
    match req.segs().as_slice() {
        ["products", id, "related"] => get(req, || related(state, req, id)),
        ["home"] => get(req, || {
            with_limit(req, |limit| {
                answer(state, None, None, reco::home(&state.catalog, limit))
            })
        }),
        ["users", user, "home"] => get(req, || {
            with_limit(req, |limit| {
                answer(
                    state,
                    None,
                    Some(user),
                    reco::for_user(&state.catalog, user, limit),
                )
            })
        }),
        _ => Reply::not_found(),
    }
}

fn with_limit(req: &Req, f: impl FnOnce(usize) -> Reply) -> Reply {
    match usize_param(req, "limit", 12, MAX_LIMIT) {
        Ok(limit) => f(limit),
        Err(r) => r,
    }
}

fn related(state: &AppState, req: &Req, raw: &str) -> Reply {
    match product_id(state, raw, "product_not_found") {
        Ok(id) => with_limit(req, |limit| {
            answer(
                state,
                Some(id),
                None,
                reco::related(&state.catalog, id, limit),
            )
        }),
        Err(r) => r,
    }
}

fn answer(
    state: &AppState,
    product_id: Option<u32>,
    user_id: Option<&str>,
    picks: Vec<(u32, f64)>,
) -> Reply {
    let sizes = IMAGE_SIZES.get(..3).unwrap_or(&IMAGE_SIZES);
    let items = picks
        .into_iter()
        .filter_map(|(id, score)| {
            let entry = state.catalog.entry(id)?;
            Some(Item {
                product_id: id,
                name: entry.name.clone(),
                slug: entry.slug.clone(),
                image_variants: catalog::image_variants(id, 1, sizes),
                price_minor: price_for(id).effective_minor(),
                currency: "EUR",
                score,
            })
        })
        .collect();
    Reply::ok(&Answer {
        product_id,
        user_id,
        model_version: MODEL_VERSION,
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::Method;

    #[test]
    fn related_items_match_catalog_and_pricing() {
        let state = AppState::for_tests();
        let call = |uri: &str| handle(&state, &Req::test(Method::GET, uri, ""));
        let v = call("/recommendations/products/1/related?limit=12").json_value();
        let items = v["items"].as_array().unwrap();
        assert_eq!(items.len(), 12);
        assert_eq!(v["model_version"], MODEL_VERSION);
        for i in items {
            let id = u32::try_from(i["product_id"].as_u64().unwrap()).unwrap();
            assert_ne!(id, 1);
            let p = state.catalog.product(id).unwrap();
            assert_eq!(i["name"], p.name);
            assert_eq!(i["slug"], p.slug);
            assert_eq!(
                i["price_minor"].as_u64().unwrap(),
                price_for(id).effective_minor()
            );
            assert_eq!(
                serde_json::to_value(&p.images[0].variants[..3]).unwrap(),
                i["image_variants"]
            );
        }
        assert_eq!(
            call("/recommendations/products/1/related?limit=500").json_value()["items"]
                .as_array()
                .unwrap()
                .len(),
            50
        );
        let a = call("/recommendations/users/usr-1/home").json_value();
        let b = call("/recommendations/users/usr-2/home").json_value();
        assert_ne!(a["items"], b["items"]);
        assert_eq!(
            call("/recommendations/home").json_value()["items"]
                .as_array()
                .unwrap()
                .len(),
            12
        );
        assert_eq!(call("/recommendations/products/x/related").status, 400);
    }
}
