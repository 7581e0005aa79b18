//! The users service: a signed-in shopper's profile.

use serde::Deserialize;

use crate::origin::{OriginClient, OriginError, Service};

/// A user id as the identity service issues it (`sub`), checked before it is put in a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserId(String);

impl UserId {
    pub fn parse(raw: &str) -> Option<Self> {
        let valid = (1..=64).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
        valid.then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct UserProfile {
    pub user_id: String,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub member_since: String,
    pub loyalty_tier: String,
}

#[derive(Clone, Copy)]
pub struct Users<'a>(&'a OriginClient);

impl OriginClient {
    pub fn users(&self) -> Users<'_> {
        Users(self)
    }
}

impl Users<'_> {
    pub async fn profile(self, user: &UserId) -> Result<UserProfile, OriginError> {
        let path = format!("/users/{}", user.as_str());
        self.0.get_json(Service::Users, &path).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_ids_are_path_safe() {
        assert!(UserId::parse("usr-1").is_some());
        for bad in ["", "../admin", "a/b", "a?b", "é", &"x".repeat(65)] {
            assert!(UserId::parse(bad).is_none(), "{bad}");
        }
    }
}
