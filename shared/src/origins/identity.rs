//! The identity service: exchanges credentials for tokens and publishes its signing keys.

use serde::{Deserialize, Serialize};

use crate::origin::{Call, Failure, OriginClient, OriginError, Service};

#[derive(Clone, Debug, Deserialize)]
pub struct TokenGrant {
    pub access_token: String,
    pub expires_in: u64,
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

    pub async fn jwks(self) -> Result<Jwks, OriginError> {
        self.0
            .get_json(Service::Identity, "/.well-known/jwks.json")
            .await
    }
}
