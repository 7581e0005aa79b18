//! Seed accounts. Passwords live here only so the identity mock can check
//! credentials; they are never part of a response.

use serde::Serialize;

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct User {
    pub user_id: &'static str,
    pub username: &'static str,
    pub display_name: &'static str,
    pub email: &'static str,
    pub member_since: &'static str,
    pub loyalty_tier: &'static str,
    pub risk_score: f64,
    pub internal_notes: &'static str,
    #[serde(skip)]
    pub password: &'static str,
}

pub const USERS: &[User] = &[
    User {
        user_id: "usr-1",
        username: "demo",
        display_name: "Demo Shopper",
        email: "demo@shop.test",
        member_since: "2021-04-12T09:30:00Z",
        loyalty_tier: "gold",
        risk_score: 0.12,
        internal_notes: "INTERNAL: Friendly test account; chargeback history clean.",
        password: "demo-password",
    },
    User {
        user_id: "usr-2",
        username: "alice",
        display_name: "Alice Lindqvist",
        email: "alice@shop.test",
        member_since: "2022-09-03T17:05:00Z",
        loyalty_tier: "silver",
        risk_score: 0.04,
        internal_notes: "INTERNAL: VIP candidate, review for upgrade in Q1.",
        password: "alice-password",
    },
    User {
        user_id: "usr-3",
        username: "bob",
        display_name: "Bob Marlowe",
        email: "bob@shop.test",
        member_since: "2024-01-21T08:15:00Z",
        loyalty_tier: "bronze",
        risk_score: 0.37,
        internal_notes: "INTERNAL: Two disputed deliveries in 2025; manual review above 500 EUR.",
        password: "bob-password",
    },
];

/// Generated shoppers for load and soak runs, one account per simulated client (so each
/// client's cart is its own): `shopper-1` … `shopper-64`, ids `usr-s1` …, password
/// `shopper-password`.
pub const SHOPPERS: usize = 64;

static GENERATED: std::sync::LazyLock<Vec<User>> = std::sync::LazyLock::new(|| {
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    (1..=SHOPPERS)
        .map(|n| User {
            user_id: leak(format!("usr-s{n}")),
            username: leak(format!("shopper-{n}")),
            display_name: leak(format!("Shopper {n}")),
            email: leak(format!("shopper-{n}@shop.test")),
            member_since: "2025-01-01T00:00:00Z",
            loyalty_tier: "bronze",
            risk_score: 0.5,
            internal_notes: "INTERNAL: generated load-test account.",
            password: "shopper-password",
        })
        .collect()
});

fn all() -> impl Iterator<Item = &'static User> {
    USERS.iter().chain(GENERATED.iter())
}

pub fn by_id(user_id: &str) -> Option<&'static User> {
    all().find(|u| u.user_id == user_id)
}

pub fn by_username(username: &str) -> Option<&'static User> {
    all().find(|u| u.username == username)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_serialise() {
        for u in USERS {
            let json = serde_json::to_string(u).unwrap();
            assert!(!json.contains("password"));
            assert!(!json.contains(u.password));
        }
        assert_eq!(by_username("demo").map(|u| u.user_id), Some("usr-1"));
        assert!(by_id("usr-99").is_none());
        let shopper = by_username("shopper-7").unwrap();
        assert_eq!(shopper.user_id, "usr-s7");
        assert_eq!(by_id("usr-s64").map(|u| u.username), Some("shopper-64"));
        assert!(by_id("usr-s65").is_none());
    }
}
