//! The identity service: exchanges credentials (and refresh tokens) for tokens, revokes refresh
//! tokens, and publishes its signing keys.

use serde::{Deserialize, Serialize};

use crate::origin::{Call, Failure, OriginClient, OriginError, Service};

#[derive(Clone, Debug, Deserialize)]
pub struct TokenGrant {
    pub access_token: String,
    pub expires_in: u64,
    /// One-time refresh token: each use hands out the next one (rotation).
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// Seconds until the refresh token's family ends; rotation does not extend it.
    #[serde(default)]
    pub refresh_expires_in: Option<u64>,
}

/// The published signing keys (RFC 7517).
#[derive(Clone, Debug, Deserialize)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Jwk {
    pub kty: String,
    #[serde(default)]
    pub crv: Option<String>,
    #[serde(default)]
    pub x: Option<String>,
    #[serde(default)]
    pub y: Option<String>,
    pub kid: String,
    #[serde(default)]
    pub alg: Option<String>,
}

#[derive(Serialize)]
struct Credentials<'a> {
    username: &'a str,
    password: &'a str,
    audience: &'a str,
}

#[derive(Serialize)]
struct RefreshGrant<'a> {
    grant_type: &'static str,
    refresh_token: &'a str,
}

#[derive(Serialize)]
struct Revocation<'a> {
    token: &'a str,
}

/// The empty answer of a revocation.
#[derive(Deserialize)]
struct Revoked {}

#[derive(Clone, Copy)]
pub struct Identity<'a>(&'a OriginClient);

impl OriginClient {
    pub fn identity(&self) -> Identity<'_> {
        Identity(self)
    }
}

impl Identity<'_> {
    /// Exchanges a shopper's credentials for a token for `audience`. A 401 means wrong
    /// credentials.
    pub async fn token(
        self,
        username: &str,
        password: &str,
        audience: &str,
    ) -> Result<TokenGrant, OriginError> {
        let body = serde_json::to_vec(&Credentials {
            username,
            password,
            audience,
        })
        .map_err(|_| OriginError::new(Service::Identity, Failure::Internal))?;
        self.0
            .send_json(Service::Identity, Call::post("/token", &body))
            .await
    }

    /// Redeems a refresh token for new tokens. A 400 (`invalid_grant`) means the token is no
    /// longer good: used, revoked or expired. Never retried: a repeated refresh would present a
    /// used token, which the identity service treats as theft.
    pub async fn refresh(self, refresh_token: &str) -> Result<TokenGrant, OriginError> {
        let body = serde_json::to_vec(&RefreshGrant {
            grant_type: "refresh_token",
            refresh_token,
        })
        .map_err(|_| OriginError::new(Service::Identity, Failure::Internal))?;
        self.0
            .send_json(Service::Identity, Call::post("/token", &body))
            .await
    }

    /// Revokes a refresh token and its family (RFC 7009).
    pub async fn revoke(self, refresh_token: &str) -> Result<(), OriginError> {
        let body = serde_json::to_vec(&Revocation {
            token: refresh_token,
        })
        .map_err(|_| OriginError::new(Service::Identity, Failure::Internal))?;
        self.0
            .send_json::<Revoked>(Service::Identity, Call::post("/revoke", &body))
            .await
            .map(|_| ())
    }

    pub async fn jwks(self) -> Result<Jwks, OriginError> {
        self.0
            .get_json(Service::Identity, "/.well-known/jwks.json")
            .await
    }
}
