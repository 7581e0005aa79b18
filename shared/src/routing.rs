//! Routing a request to a handler, with the contract's JSON errors for unknown paths (404), known
//! paths asked with a method they do not serve (405, with `Allow`), and methods the BFF serves
//! nowhere (501).
//!
//! The method is the one the client sent, read from the platform's request as it is: the
//! `worker` crate's own `Method` maps every method it does not know to GET, which would serve
//! `PROPFIND /api/me` as a read.
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
    /// The same match, with the route turned into another value (a table row into its route).
    pub fn map<T>(self, route: impl FnOnce(R) -> T) -> Found<T> {
        Found {
            route: route(self.route),
            params: self.params,
        }
    }

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
        if !KNOWN_METHODS.contains(&method) {
            return Err(BffError::new(
                ErrorKind::NotImplemented,
                "method_not_implemented",
                "This method is not implemented here.",
            ));
        }
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
            .ok_or_else(|| BffError::method_not_allowed(&allowed(matched.value)))?;
        let params = matched
            .params
            .iter()
            .map(|(key, value)| (key.to_owned(), value.to_owned()))
            .collect();
        Ok(Found { route, params })
    }
}

/// The methods of HTTP's own semantics (RFC 9110 and PATCH): a routed path that does not serve
/// one answers 405. Any other method (WebDAV's, made-up ones) is served by no resource: 501.
pub const KNOWN_METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
];

/// The `Allow` list of a path: its methods, with HEAD wherever GET is (it is answered like GET).
fn allowed<R>(methods: &[(&'static str, R)]) -> Vec<&'static str> {
    let mut allowed: Vec<&'static str> = Vec::new();
    for (method, _) in methods {
        allowed.push(method);
        if *method == "GET" {
            allowed.push("HEAD");
        }
    }
    allowed
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
        assert_eq!(error.allow(), Some("GET, HEAD, POST"));
        assert!(error.message().contains("GET, HEAD, POST"));
        let error = routes().find("PUT", "/api/products/1").unwrap_err();
        assert_eq!(error.allow(), Some("GET, HEAD"));
    }

    /// Regression: extension methods were mapped to GET by the runtime wrapper and served.
    #[test]
    fn extension_methods_are_not_implemented_anywhere() {
        for method in ["PROPFIND", "MKCOL", "get", "BREW", "", "G ET"] {
            for path in ["/api/cart", "/api/products/1", "/api/nope"] {
                let error = routes().find(method, path).unwrap_err();
                assert_eq!(
                    (error.status(), error.code()),
                    (501, "method_not_implemented"),
                    "{method} {path}"
                );
            }
        }
    }

    #[test]
    fn duplicate_rows_are_refused() {
        let table = [("GET", "/a", Route::Cart), ("GET", "/a", Route::Product)];
        assert!(Routes::new(&table).is_err());
    }
}
