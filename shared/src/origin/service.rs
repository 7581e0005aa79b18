//! The origin microservices a BFF may call.

use std::fmt;

/// One origin microservice. Its name is the path prefix on the mock origins, the `Server-Timing`
/// entry name, and the key of its settings in the Worker's vars.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Service {
    Catalog,
    Pricing,
    Inventory,
    Reviews,
    Recommendations,
    Users,
    Carts,
    Orders,
    Identity,
}

impl Service {
    pub const ALL: [Service; 9] = [
        Self::Catalog,
        Self::Pricing,
        Self::Inventory,
        Self::Reviews,
        Self::Recommendations,
        Self::Users,
        Self::Carts,
        Self::Orders,
        Self::Identity,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Self::Catalog => "catalog",
            Self::Pricing => "pricing",
            Self::Inventory => "inventory",
            Self::Reviews => "reviews",
            Self::Recommendations => "recommendations",
            Self::Users => "users",
            Self::Carts => "carts",
            Self::Orders => "orders",
            Self::Identity => "identity",
        }
    }

    /// Upper-case form used in var names, e.g. `ORIGIN_CATALOG_URL`.
    pub const fn var_key(self) -> &'static str {
        match self {
            Self::Catalog => "CATALOG",
            Self::Pricing => "PRICING",
            Self::Inventory => "INVENTORY",
            Self::Reviews => "REVIEWS",
            Self::Recommendations => "RECOMMENDATIONS",
            Self::Users => "USERS",
            Self::Carts => "CARTS",
            Self::Orders => "ORDERS",
            Self::Identity => "IDENTITY",
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
