//! `/__control/*`: test harness endpoints. Never counted in stats and never
//! subject to faults, so a harness can always observe and repair the mock.

use hyper::{Method, StatusCode};
use serde_json::json;

use crate::control::parse_fault;
use crate::data::seed;
use crate::http::{Reply, Req, allow};
use crate::identity_store::parse_lifetimes;
use crate::services::identity;
use crate::state::AppState;

/// Keys the origins emit that must never reach a client. Tests scan BFF
/// responses for them, so this list is the single source of truth.
pub const INTERNAL_FIELDS: &[&str] = &[
    "cost_price_minor",
    "supplier_id",
    "supplier_sku",
    "margin_class",
    "internal_notes",
    "margin_bp",
    "price_rule_id",
    "warehouses",
    "warehouse_id",
    "on_hand",
    "reserved",
    "low_stock_threshold",
    "author_user_id",
    "moderation_score",
    "model_version",
    "score",
    "risk_score",
];

/// Prefixes or fragments of internal values (supplier ids, warehouse ids,
/// price rules, model versions, internal notes, injected fault details).
pub const INTERNAL_VALUE_PATTERNS: &[&str] = &[
    "SUP-",
    "wh-",
    "rule-",
    "reco-",
    "INTERNAL:",
    "db-7.internal",
    "upstream internal detail",
];

fn ok() -> Reply {
    Reply::ok(&json!({ "ok": true }))
}

pub fn handle(state: &AppState, req: &Req) -> Reply {
    match req.segs().as_slice() {
        ["stats"] => allow(req, &[Method::GET]).unwrap_or_else(|| {
            let mut stats = state.control.stats_json(state.store.orders_created());
            stats["identity"] = state.identity.stats_json();
            Reply::ok(&stats)
        }),
        ["faults"] => allow(req, &[Method::POST]).unwrap_or_else(|| match parse_fault(&req.body) {
            Ok(fault) => {
                state.control.set_faults(&fault);
                ok()
            }
            Err(e) => Reply::error(StatusCode::BAD_REQUEST, &e),
        }),
        ["reset"] => allow(req, &[Method::POST]).unwrap_or_else(|| match state.reset() {
            Ok(()) => ok(),
            Err(e) => Reply::error(StatusCode::INTERNAL_SERVER_ERROR, &e),
        }),
        ["internal-fields"] => allow(req, &[Method::GET]).unwrap_or_else(|| {
            Reply::ok(&json!({
                "fields": INTERNAL_FIELDS,
                "value_patterns": INTERNAL_VALUE_PATTERNS,
            }))
        }),
        ["identity", "mint"] => allow(req, &[Method::POST]).unwrap_or_else(|| mint(state, req)),
        ["identity", "rotate"] => {
            allow(req, &[Method::POST]).unwrap_or_else(|| match state.keys.rotate() {
                Ok(()) => ok(),
                Err(e) => Reply::error(StatusCode::INTERNAL_SERVER_ERROR, &e),
            })
        }
        ["identity", "lifetimes"] => allow(req, &[Method::POST]).unwrap_or_else(|| {
            match parse_lifetimes(&req.body, state.identity.lifetimes()) {
                Ok(lifetimes) => {
                    state.identity.set_lifetimes(lifetimes);
                    Reply::ok(&json!({
                        "access_seconds": lifetimes.access_seconds,
                        "refresh_seconds": lifetimes.refresh_seconds,
                    }))
                }
                Err(e) => Reply::error(StatusCode::BAD_REQUEST, &e),
            }
        }),
        ["identity", "logout-token"] => {
            allow(req, &[Method::POST]).unwrap_or_else(|| logout_token(state, req))
        }
        ["identity", "refresh-tokens"] => allow(req, &[Method::GET]).unwrap_or_else(|| {
            Reply::ok(&json!({ "tokens": state.identity.live_tokens(seed::now_seconds()) }))
        }),
        _ => Reply::not_found(),
    }
}

/// `POST /__control/identity/logout-token` `{"sub": "usr-1", "aud": "web"}` (`aud` defaults to
/// `web`): a back-channel logout token, as the identity service would send one.
fn logout_token(state: &AppState, req: &Req) -> Reply {
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(&req.body) else {
        return Reply::error(StatusCode::BAD_REQUEST, "invalid_json");
    };
    let Some(sub) = body.get("sub").and_then(serde_json::Value::as_str) else {
        return Reply::error(StatusCode::BAD_REQUEST, "sub_required");
    };
    let audience = body
        .get("aud")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("web");
    match identity::logout_token(state, sub, audience) {
        Ok(token) => Reply::ok(&json!({ "logout_token": token })),
        Err(e) => Reply::error(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

/// `POST /__control/identity/mint` with `{"claims": {...}, "kid": "optional"}`: signs exactly the
/// given claims with the current identity key, so tests can present expired, foreign-audience or
/// unknown-key tokens that are otherwise genuine.
fn mint(state: &AppState, req: &Req) -> Reply {
    let Ok(body) = serde_json::from_slice::<serde_json::Value>(&req.body) else {
        return Reply::error(StatusCode::BAD_REQUEST, "invalid_json");
    };
    let Some(claims) = body.get("claims").filter(|c| c.is_object()) else {
        return Reply::error(StatusCode::BAD_REQUEST, "claims_required");
    };
    let kid = body.get("kid").and_then(serde_json::Value::as_str);
    match state.keys.sign_as(claims, kid) {
        Ok(token) => Reply::ok(&json!({ "token": token })),
        Err(e) => Reply::error(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::Service;
    use crate::router::injected_error;
    use crate::services::dispatch;
    use serde_json::Value;
    use std::collections::BTreeSet;

    fn collect(v: &Value, keys: &mut BTreeSet<String>, strings: &mut Vec<String>) {
        match v {
            Value::Object(map) => {
                for (k, v) in map {
                    keys.insert(k.clone());
                    collect(v, keys, strings);
                }
            }
            Value::Array(items) => items.iter().for_each(|i| collect(i, keys, strings)),
            Value::String(s) => strings.push(s.clone()),
            _ => {}
        }
    }

    async fn sample_responses(state: &AppState) -> Vec<Value> {
        let mut out = Vec::new();
        for (service, uri) in [
            (Service::Catalog, "/catalog/products/1"),
            (Service::Catalog, "/catalog/products?limit=5"),
            (Service::Pricing, "/pricing/prices?ids=1,2,3,4,5,6,7,8,9,10"),
            (Service::Inventory, "/inventory/stock/1"),
            (Service::Reviews, "/reviews/products/2/reviews"),
            (
                Service::Recommendations,
                "/recommendations/products/1/related",
            ),
            (Service::Users, "/users/users/usr-1"),
        ] {
            let r = dispatch(state, service, &Req::test(Method::GET, uri, "")).await;
            out.push(r.json_value());
        }
        out.push(injected_error(StatusCode::BAD_GATEWAY).json_value());
        out
    }

    #[tokio::test]
    async fn every_listed_internal_field_is_really_emitted() {
        let state = AppState::for_tests();
        let mut keys = BTreeSet::new();
        let mut strings = Vec::new();
        for v in sample_responses(&state).await {
            collect(&v, &mut keys, &mut strings);
        }
        for field in INTERNAL_FIELDS {
            assert!(keys.contains(*field), "{field} is listed but never emitted");
        }
        for pattern in INTERNAL_VALUE_PATTERNS {
            assert!(
                strings.iter().any(|s| s.contains(pattern)),
                "{pattern} is listed but never emitted"
            );
        }
    }

    #[test]
    fn public_text_never_matches_internal_patterns() {
        let state = AppState::for_tests();
        for id in 1..=500 {
            let p = state.catalog.product(id).unwrap();
            let reviews = crate::data::reviews::review(id, 0, 1);
            for text in [
                &p.name,
                &p.slug,
                &p.description,
                &p.short_description,
                &reviews.body,
                &reviews.title,
            ] {
                let lower = text.to_lowercase();
                for pattern in INTERNAL_VALUE_PATTERNS {
                    assert!(
                        !lower.contains(&pattern.to_lowercase()),
                        "{id}: {pattern} in {text}"
                    );
                }
            }
        }
    }

    #[test]
    fn control_endpoints() {
        let state = AppState::for_tests();
        let call = |m: Method, uri: &str, body: &str| handle(&state, &Req::test(m, uri, body));
        let v = call(Method::GET, "/__control/internal-fields", "").json_value();
        assert_eq!(v["fields"].as_array().unwrap().len(), INTERNAL_FIELDS.len());
        assert_eq!(
            call(
                Method::POST,
                "/__control/faults",
                r#"{"service":"reviews","mode":"hang"}"#
            )
            .status,
            200
        );
        assert_eq!(
            state.control.take_fault(Service::Reviews).mode,
            crate::control::FaultMode::Hang
        );
        let bad = call(Method::POST, "/__control/faults", r#"{"service":"nope"}"#);
        assert_eq!(bad.status, 400);
        assert!(bad.json_value()["error"].is_string());
        assert_eq!(call(Method::GET, "/__control/faults", "").status, 405);
        assert_eq!(
            call(Method::POST, "/__control/identity/rotate", "").status,
            200
        );
        assert_eq!(state.keys.jwks()["keys"].as_array().unwrap().len(), 2);
        state.store.add_item("usr-1", 1, 1).unwrap();
        assert_eq!(call(Method::POST, "/__control/reset", "").status, 200);
        assert_eq!(
            state.control.take_fault(Service::Reviews),
            crate::control::Fault::NONE
        );
        assert!(state.store.cart("usr-1").unwrap().items.is_empty());
        assert_eq!(state.keys.jwks()["keys"].as_array().unwrap().len(), 1);
        let s = call(Method::GET, "/__control/stats", "").json_value();
        assert_eq!(s["orders_created"], 0);
        assert_eq!(s["identity"]["refresh_grants"], 0);
        let set = call(
            Method::POST,
            "/__control/identity/lifetimes",
            r#"{"access_seconds":2}"#,
        );
        assert_eq!(set.json_value()["access_seconds"], 2);
        assert_eq!(state.identity.lifetimes().access_seconds, 2);
        assert_eq!(
            call(
                Method::POST,
                "/__control/identity/lifetimes",
                r#"{"access_seconds":0}"#
            )
            .status,
            400
        );
        let logout = call(
            Method::POST,
            "/__control/identity/logout-token",
            r#"{"sub":"usr-1"}"#,
        );
        assert_eq!(logout.status, 200);
        assert!(logout.json_value()["logout_token"].is_string());
        assert_eq!(
            call(Method::POST, "/__control/identity/logout-token", "{}").status,
            400
        );
        state
            .identity
            .password_grant("usr-1", "web", seed::now_seconds());
        let live = call(Method::GET, "/__control/identity/refresh-tokens", "").json_value();
        assert_eq!(live["tokens"][0]["sub"], "usr-1");
        assert_eq!(call(Method::POST, "/__control/reset", "").status, 200);
        assert_eq!(state.identity.lifetimes().access_seconds, 900);
        assert_eq!(call(Method::GET, "/__control/nope", "").status, 404);
    }
}
