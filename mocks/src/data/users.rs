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

pub fn by_id(user_id: &str) -> Option<&'static User> {
    USERS.iter().find(|u| u.user_id == user_id)
}

pub fn by_username(username: &str) -> Option<&'static User> {
    USERS.iter().find(|u| u.username == username)
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
    }
}
