use hyper::StatusCode;

use super::get;
use crate::data::users;
use crate::http::{Reply, Req};

pub fn handle(req: &Req) -> Reply {
    match req.segs().as_slice() {
        ["users", id] => get(req, || match users::by_id(id) {
            Some(u) => Reply::ok(u),
            None => Reply::error(StatusCode::NOT_FOUND, "user_not_found"),
        }),
        _ => Reply::not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::Method;

    #[test]
    fn seed_users() {
        let v = handle(&Req::test(Method::GET, "/users/users/usr-1", "")).json_value();
        assert_eq!(v["username"], "demo");
        assert_eq!(v["loyalty_tier"], "gold");
        assert!(v.get("password").is_none());
        assert_eq!(
            handle(&Req::test(Method::GET, "/users/users/usr-9", "")).status,
            404
        );
    }
}
