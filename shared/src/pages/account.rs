//! The signed-in endpoints: profile, cart, checkout. Every answer is personal: it is marked
//! `private, no-store` and never enters the KV cache. Writes pass the client's `Idempotency-Key`
//! to the origin, which applies a retried or doubled write once and answers it the same way.

use serde::{Deserialize, Serialize};

use crate::auth::User;
use crate::edge::{Reply, Scope};
use crate::error::{BffError, ErrorKind};
use crate::origin::{Failure, OriginError};
use crate::origins::carts::{Cart, Line};
use crate::origins::catalog::ProductSummary;
use crate::shaping::{ImageSize, ImageView, Locale, Money};

/// Part name, in a cart's `degraded` list, when the catalog could not name the lines.
pub const PRODUCTS: &str = "products";

/// Most ids in one catalog batch call.
const CATALOG_BATCH: usize = 100;

/// Largest quantity of one product in a cart.
pub const MAX_QUANTITY: u32 = 99;

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct MeView {
    pub name: String,
    pub username: String,
    pub email: String,
    pub member_since: String,
    pub loyalty_tier: String,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CartView {
    pub items: Vec<LineView>,
    pub item_count: u32,
    pub subtotal: Money,
    /// `["products"]` when the lines could not be named (the catalog failed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub degraded: Vec<&'static str>,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LineView {
    pub product_id: u32,
    /// The product's name (cart lines; absent when the catalog could not say).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<ImageView>,
    pub quantity: u32,
    pub unit_price: Money,
    pub line_total: Money,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OrderView {
    pub order_id: String,
    pub status: String,
    pub items: Vec<LineView>,
    pub total: Money,
    pub created_at: String,
}

/// Body of `POST /api/cart/items`.
#[derive(Deserialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AddItem {
    pub product_id: u32,
    pub quantity: u32,
}

fn line_view(line: &Line, currency: &str, locale: Locale) -> LineView {
    LineView {
        product_id: line.product_id,
        name: None,
        thumbnail: None,
        quantity: line.quantity,
        unit_price: Money::from_minor(line.unit_price_minor, currency, locale),
        line_total: Money::from_minor(line.line_total_minor, currency, locale),
    }
}

/// The cart as the shopper sees it: each line named and pictured from the catalog, in one batched
/// call per hundred products, merged live (a cart is personal and never cached). Without the
/// catalog the cart still answers, its lines unnamed, and says `degraded: ["products"]`.
async fn cart_view(scope: &Scope, cart: &Cart) -> Result<CartView, BffError> {
    let locale = scope.locale();
    let mut ids: Vec<u32> = cart.items.iter().map(|line| line.product_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let catalog = scope.origins()?.catalog();
    let batches = futures::future::join_all(
        ids.chunks(CATALOG_BATCH)
            .map(|batch| catalog.summaries(batch)),
    )
    .await;
    let mut products: Vec<ProductSummary> = Vec::with_capacity(ids.len());
    let mut degraded = Vec::new();
    for batch in batches {
        match batch {
            Ok(found) => products.extend(found),
            Err(_) => degraded = vec![PRODUCTS],
        }
    }
    let items = cart
        .items
        .iter()
        .map(|line| {
            let mut view = line_view(line, &cart.currency, locale);
            if let Some(product) = products.iter().find(|p| p.id == line.product_id) {
                view.thumbnail = product
                    .image(ImageSize::Thumb)
                    .map(|thumb| ImageView::new(thumb, &product.name));
                view.name = Some(product.name.clone());
            }
            view
        })
        .collect();
    Ok(CartView {
        items,
        item_count: cart
            .items
            .iter()
            .fold(0u32, |count, line| count.saturating_add(line.quantity)),
        subtotal: Money::from_minor(cart.subtotal_minor, &cart.currency, locale),
        degraded,
    })
}

/// The request's `Idempotency-Key`: 1-128 plain characters; 400 if malformed, or if missing
/// where `required`.
pub fn idempotency_key(scope: &Scope, required: bool) -> Result<Option<String>, BffError> {
    match scope.header("idempotency-key") {
        None if required => Err(BffError::bad_request(
            "idempotency_key_required",
            "Send an Idempotency-Key header (a unique id per checkout attempt).",
        )),
        None => Ok(None),
        Some(key) => {
            let valid = (1..=128).contains(&key.len())
                && key
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
            if valid {
                Ok(Some(key))
            } else {
                Err(BffError::bad_request(
                    "invalid_idempotency_key",
                    "An Idempotency-Key is 1-128 letters, digits, '-', '_', '.' or ':'.",
                ))
            }
        }
    }
}

/// Origin refusals of a write, in the client's words.
fn write_error(error: OriginError, not_found: (&'static str, &'static str)) -> BffError {
    match error.failure {
        Failure::Status(404) => BffError::not_found(not_found.0, not_found.1),
        Failure::Status(422) | Failure::Status(409) => BffError::new(
            ErrorKind::Unprocessable,
            "write_refused",
            "The change is not possible (an Idempotency-Key reused for another change, or a rule of the cart).",
        ),
        _ => BffError::from(error),
    }
}

pub async fn me(scope: &Scope, user: &User) -> Result<Reply, BffError> {
    let profile = scope.origins()?.users().profile(&user.id).await?;
    Ok(Reply::json(&MeView {
        name: profile.display_name,
        username: profile.username,
        email: profile.email,
        member_since: profile.member_since,
        loyalty_tier: profile.loyalty_tier,
    })?
    .private())
}

pub async fn cart(scope: &Scope, user: &User) -> Result<Reply, BffError> {
    let cart = scope.origins()?.carts().get(&user.id).await?;
    Ok(Reply::json(&cart_view(scope, &cart).await?)?
        .private()
        .varying_on("accept-language"))
}

pub async fn add_item(scope: &Scope, user: &User) -> Result<Reply, BffError> {
    let key = idempotency_key(scope, false)?;
    let item: AddItem = scope.json_body(1024).await?;
    if item.product_id == 0 || !(1..=MAX_QUANTITY).contains(&item.quantity) {
        return Err(BffError::new(
            ErrorKind::Unprocessable,
            "invalid_fields",
            format!("productId is a product id and quantity is 1 to {MAX_QUANTITY}."),
        ));
    }
    let cart = scope
        .origins()?
        .carts()
        .add(&user.id, item.product_id, item.quantity, key.as_deref())
        .await
        .map_err(|e| write_error(e, ("product_not_found", "There is no such product.")))?;
    Ok(Reply::json(&cart_view(scope, &cart).await?)?
        .private()
        .varying_on("accept-language"))
}

pub async fn remove_item(
    scope: &Scope,
    user: &User,
    raw_product_id: &str,
) -> Result<Reply, BffError> {
    let product_id = crate::origins::catalog::ProductId::parse(raw_product_id)?;
    let key = idempotency_key(scope, false)?;
    let cart = scope
        .origins()?
        .carts()
        .remove(&user.id, product_id.get(), key.as_deref())
        .await
        .map_err(|e| write_error(e, ("item_not_in_cart", "That product is not in the cart.")))?;
    Ok(Reply::json(&cart_view(scope, &cart).await?)?
        .private()
        .varying_on("accept-language"))
}

pub async fn checkout(scope: &Scope, user: &User) -> Result<Reply, BffError> {
    let key = idempotency_key(scope, true)?.unwrap_or_default();
    let order = scope
        .origins()?
        .orders()
        .place(&user.id, &key)
        .await
        .map_err(|error| match error.failure {
            Failure::Status(422) => {
                BffError::new(ErrorKind::Unprocessable, "cart_empty", "The cart is empty.")
            }
            _ => write_error(error, ("user_not_found", "No such user.")),
        })?;
    Ok(Reply::json(&OrderView {
        items: order
            .items
            .iter()
            .map(|l| line_view(l, &order.currency, scope.locale()))
            .collect(),
        total: Money::from_minor(order.total_minor, &order.currency, scope.locale()),
        order_id: order.order_id,
        status: order.status,
        created_at: order.created_at,
    })?
    .private()
    .with_status(201))
}
