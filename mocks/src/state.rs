//! Everything a request handler can reach.

use crate::control::Control;
use crate::data::catalog::Catalog;
use crate::idempotency::Idempotency;
use crate::identity_store::IdentityStore;
use crate::jwt::Keys;
use crate::store::Store;

pub struct AppState {
    /// The bound port, needed for the token issuer URL.
    pub port: u16,
    pub catalog: Catalog,
    pub control: Control,
    pub store: Store,
    pub idempotency: Idempotency,
    pub keys: Keys,
    /// Token lifetimes, refresh-token families and identity counters.
    pub identity: IdentityStore,
}

impl AppState {
    pub fn new(products: u32, port: u16) -> Result<Self, String> {
        Ok(Self {
            port,
            catalog: Catalog::new(products),
            control: Control::new(),
            store: Store::default(),
            idempotency: Idempotency::default(),
            keys: Keys::new()?,
            identity: IdentityStore::default(),
        })
    }

    /// Back to the state right after startup (requests in flight keep running).
    pub fn reset(&self) -> Result<(), String> {
        self.control.reset();
        self.store.reset();
        self.idempotency.clear();
        self.identity.reset();
        self.keys.reset()
    }

    #[cfg(test)]
    pub fn for_tests() -> Self {
        Self::new(500, 8700).unwrap()
    }
}
