//! Routing a request to a handler, with the contract's JSON errors for unknown paths (404) and
//! known paths asked with the wrong method (405, with `Allow`).
//!
//! A route table is data: `(method, pattern, route)` rows, patterns in `matchit` syntax
//! (`/api/products/:id`). A worker matches the returned route value in one `match`.

use crate::error::{BffError, ErrorKind};

pub struct Routes<R> {
    paths: matchit::Router<Vec<(&'static str, R)>>,
}

/// A matched route and its path parameters.
#[derive(Debug, PartialEq, Eq)]
pub struct Found<R> {
    pub route: R,
    params: Vec<(String, String)>,
}

impl<R> Found<R> {
    /// A path parameter; always present for a name the route's pattern declares.
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    }
}

/// A route table that cannot be built: two rows claim the same method and path, or a pattern is
/// malformed. A defect in a worker, caught by that worker's unit test of its table.
#[derive(Debug)]
pub struct InvalidRoutes(pub String);

impl<R: Copy> Routes<R> {
    pub fn new(table: &[(&'static str, &'static str, R)]) -> Result<Self, InvalidRoutes> {
        let mut grouped: Vec<(&'static str, Vec<(&'static str, R)>)> = Vec::new();
        for &(method, pattern, route) in table {
            match grouped.iter_mut().find(|(p, _)| *p == pattern) {
                Some((_, methods)) => {
                    if methods.iter().any(|(m, _)| *m == method) {
                        return Err(InvalidRoutes(format!("{method} {pattern} declared twice")));
                    }
                    methods.push((method, route));
                }
                None => grouped.push((pattern, vec![(method, route)])),
            }
        }
        let mut paths = matchit::Router::new();
        for (pattern, methods) in grouped {
            paths
                .insert(pattern, methods)
                .map_err(|e| InvalidRoutes(format!("{pattern}: {e}")))?;
        }
        Ok(Self { paths })
    }

    pub fn find(&self, method: &str, path: &str) -> Result<Found<R>, BffError> {
        let matched = self
            .paths
            .at(path)
            .map_err(|_| BffError::not_found("route_not_found", "No such endpoint."))?;
        // HEAD is answered like GET (the platform drops the body).
        let lookup = if method == "HEAD" { "GET" } else { method };
        let route = matched
            .value
            .iter()
            .find(|(m, _)| *m == lookup)
            .map(|(_, route)| *route)
            .ok_or_else(|| {
                let allowed: Vec<&str> = matched.value.iter().map(|(m, _)| *m).collect();
                BffError::new(
                    ErrorKind::MethodNotAllowed,
                    "method_not_allowed",
                    format!("This endpoint allows {}.", allowed.join(", ")),
                )
            })?;
        let params = matched
            .params
            .iter()
            .map(|(key, value)| (key.to_owned(), value.to_owned()))
            .collect();
        Ok(Found { route, params })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Route {
        Product,
        Reviews,
        AddItem,
        Cart,
    }

    fn routes() -> Routes<Route> {
        Routes::new(&[
            ("GET", "/api/products/:id", Route::Product),
            ("GET", "/api/products/:id/reviews", Route::Reviews),
            ("GET", "/api/cart", Route::Cart),
            ("POST", "/api/cart", Route::AddItem),
        ])
        .unwrap()
    }

    #[test]
    fn finds_routes_and_params() {
        let found = routes().find("GET", "/api/products/42").unwrap();
        assert_eq!(found.route, Route::Product);
        assert_eq!(found.param("id"), "42");
        assert_eq!(found.param("missing"), "");
        let found = routes().find("GET", "/api/products/42/reviews").unwrap();
        assert_eq!(found.route, Route::Reviews);
        assert_eq!(
            routes().find("HEAD", "/api/cart").unwrap().route,
            Route::Cart
        );
    }

    #[test]
    fn unknown_path_is_404_and_wrong_method_is_405() {
        let error = routes().find("GET", "/api/nope").unwrap_err();
        assert_eq!((error.status(), error.code()), (404, "route_not_found"));
        let error = routes().find("DELETE", "/api/cart").unwrap_err();
        assert_eq!((error.status(), error.code()), (405, "method_not_allowed"));
        assert!(error.message().contains("GET, POST"));
    }

    #[test]
    fn duplicate_rows_are_refused() {
        let table = [("GET", "/a", Route::Cart), ("GET", "/a", Route::Product)];
        assert!(Routes::new(&table).is_err());
    }
}
