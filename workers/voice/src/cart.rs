//! The cart, spoken: what is in it and the total; adding to it; and a checkout in two steps —
//! the total is said and confirmed before any order is placed.

use bff_shared::auth::User;
use bff_shared::confirmation::ConfirmationSigner;
use bff_shared::origins::carts::Cart;
use bff_shared::origins::catalog::ProductSummary;
use bff_shared::pages::account;
use bff_shared::shaping::{ImageSize, ImageView, Locale, Money};
use bff_shared::{BffError, ErrorKind, Reply, Scope};
use serde::{Deserialize, Serialize};

use crate::answer::{Answer, Card};
use crate::profile::CONFIRMATION_LIFETIME_MS;
use crate::speech;

/// Lines of a cart said by name; the rest are counted.
const LINES_SAID: usize = 3;
const NAME_WORDS: usize = 4;

#[cfg_attr(not(target_arch = "wasm32"), utoipa::path(get, path = "/api/cart", tag = "signed-in",
    summary = "The cart, spoken",
    responses((status = 200, description = "What is in the cart and its total", body = Answer),
        bff_shared::openapi::SignedInFailures)))]
pub async fn cart(scope: &Scope, user: &User) -> Result<Reply, BffError> {
    let cart = account::load_cart(scope, user).await?;
    let products = account::cart_products(scope, &cart).await;
    let degraded = if products.is_err() {
        vec![account::PRODUCTS]
    } else {
        Vec::new()
    };
    let products = products.unwrap_or_default();
    let (speech, card) = describe(&cart, &products);
    let reprompt = (!cart.items.is_empty()).then(|| "Would you like to check out?".to_owned());
    private(
        &Answer {
            speech,
            reprompt,
            display: card,
            degraded,
        },
        200,
    )
}

#[cfg_attr(not(target_arch = "wasm32"), utoipa::path(post, path = "/api/cart/items", tag = "signed-in",
    summary = "Adds a product to the cart",
    params(bff_shared::openapi::paths::IdempotencyKey),
    request_body = bff_shared::pages::account::AddItem,
    responses((status = 200, description = "What was added and the new total", body = Answer),
        bff_shared::openapi::SignedInFailures, bff_shared::openapi::BodyFailures)))]
pub async fn add(scope: &Scope, user: &User) -> Result<Reply, BffError> {
    let (cart, item) = account::add_to_cart(scope, user).await?;
    let name = scope
        .origins()?
        .catalog()
        .summaries(&[item.product_id])
        .await
        .ok()
        .and_then(|found| found.into_iter().next())
        .map_or_else(
            || "that".to_owned(),
            |product| speech::short_name(&product.name, NAME_WORDS + 2),
        );
    let what = if item.quantity == 1 {
        name
    } else {
        format!("{} {name}", item.quantity)
    };
    let total = speech::money(cart.subtotal_minor, &cart.currency);
    let answer = Answer {
        speech: speech::fit(&[
            format!("I added {what} to your cart."),
            format!("Your total is now {total}."),
        ]),
        reprompt: Some("Anything else?".to_owned()),
        display: Card::new(
            "Added to your cart",
            None,
            vec![what, money(&cart).formatted],
        ),
        degraded: Vec::new(),
    };
    private(&answer, 200)
}

/// Body of the voice checkout: empty for the first step, the token for the second.
#[derive(Deserialize, Default)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CheckoutRequest {
    /// From the first step's answer; absent in the first step.
    confirmation_token: Option<String>,
}

/// The first step's answer: the total to confirm, and the token that confirms it.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConfirmTotal {
    #[serde(flatten)]
    answer: Answer,
    /// Send it back, with an `Idempotency-Key`, to place the order; valid for two minutes, for
    /// this shopper and this cart only.
    confirmation_token: String,
}

/// The second step's answer: the order, placed.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OrderPlaced {
    #[serde(flatten)]
    answer: Answer,
    order_id: String,
}

#[cfg_attr(not(target_arch = "wasm32"), utoipa::path(post, path = "/api/checkout", tag = "signed-in",
    summary = "Checks out in two steps: the total, confirmed; then the order",
    params(bff_shared::openapi::paths::IdempotencyKey),
    request_body(content = CheckoutRequest, description = "Empty (or no body) for the first step; the confirmation token for the second."),
    responses(
        (status = 200, description = "First step: the total to confirm and its token", body = ConfirmTotal),
        (status = 201, description = "Second step: the order, placed once per `Idempotency-Key`", body = OrderPlaced),
        bff_shared::openapi::SignedInFailures, bff_shared::openapi::BodyFailures)))]
pub async fn checkout(scope: &Scope, user: &User) -> Result<Reply, BffError> {
    let request = checkout_request(scope).await?;
    let signer = signer(scope)?;
    let now = bff_shared::platform::now_ms();
    let cart = account::load_cart(scope, user).await?;
    let Some(token) = request.confirmation_token else {
        if cart.items.is_empty() {
            return Err(BffError::new(
                ErrorKind::Unprocessable,
                "cart_empty",
                "The cart is empty.",
            ));
        }
        let count: u32 = cart
            .items
            .iter()
            .fold(0, |n, line| n.saturating_add(line.quantity));
        let items = if count == 1 {
            "1 item".to_owned()
        } else {
            format!("{count} items")
        };
        let total = speech::money(cart.subtotal_minor, &cart.currency);
        let answer = ConfirmTotal {
            confirmation_token: signer.issue(user.id.as_str(), &cart, now),
            answer: Answer {
                speech: speech::fit(&[
                    format!("Your total is {total} for {items}."),
                    "Shall I place the order?".to_owned(),
                ]),
                reprompt: Some("Say yes to place the order, or no to keep shopping.".to_owned()),
                display: Card::new(
                    "Confirm your order",
                    None,
                    vec![items, money(&cart).formatted],
                ),
                degraded: Vec::new(),
            },
        };
        return private(&answer, 200);
    };
    // An emptied cart may be this very order, placed already and now retried with its key.
    let bound = (!cart.items.is_empty()).then_some(&cart);
    signer.check(&token, user.id.as_str(), bound, now)?;
    let order = account::place_order(scope, user).await?;
    let total = speech::money(order.total_minor, &order.currency);
    let answer = OrderPlaced {
        answer: Answer {
            speech: speech::fit(&[
                format!("Done. Your order is placed, for {total}."),
                "Thank you for shopping with us.".to_owned(),
            ]),
            reprompt: None,
            display: Card::new(
                "Order placed",
                None,
                vec![
                    order.order_id.clone(),
                    Money::from_minor(order.total_minor, &order.currency, Locale::En).formatted,
                ],
            ),
            degraded: Vec::new(),
        },
        order_id: order.order_id,
    };
    private(&answer, 201)
}

/// No body, or an empty one, is the first step; anything else must be the JSON request.
async fn checkout_request(scope: &Scope) -> Result<CheckoutRequest, BffError> {
    let declared = scope
        .header("content-length")
        .and_then(|length| length.trim().parse::<u64>().ok());
    if scope.header("content-type").is_none() && declared.unwrap_or(0) == 0 {
        return Ok(CheckoutRequest::default());
    }
    scope.json_body(1024).await
}

fn signer(scope: &Scope) -> Result<ConfirmationSigner, BffError> {
    match scope.secret("CONFIRMATION_SECRET") {
        Some(secret) if secret.len() >= 16 => {
            Ok(ConfirmationSigner::new(&secret, CONFIRMATION_LIFETIME_MS))
        }
        _ => {
            worker::console_error!("CONFIRMATION_SECRET must be set, at least 16 characters");
            Err(BffError::internal("misconfigured"))
        }
    }
}

fn money(cart: &Cart) -> Money {
    Money::from_minor(cart.subtotal_minor, &cart.currency, Locale::En)
}

/// What is in the cart, said and shown.
fn describe(cart: &Cart, products: &[ProductSummary]) -> (String, Card) {
    if cart.items.is_empty() {
        return (
            "Your cart is empty.".to_owned(),
            Card::new("Your cart", None, vec!["Empty".to_owned()]),
        );
    }
    let named: Vec<String> = cart
        .items
        .iter()
        .take(LINES_SAID)
        .map(|line| {
            let name = products
                .iter()
                .find(|product| product.id == line.product_id)
                .map_or_else(
                    || "an item".to_owned(),
                    |product| speech::short_name(&product.name, NAME_WORDS),
                );
            if line.quantity == 1 {
                name
            } else {
                format!("{} {name}", line.quantity)
            }
        })
        .collect();
    let rest = cart.items.len().saturating_sub(LINES_SAID);
    let count: u32 = cart
        .items
        .iter()
        .fold(0, |n, line| n.saturating_add(line.quantity));
    let items = if count == 1 {
        "1 item".to_owned()
    } else {
        format!("{count} items")
    };
    let listed = match rest {
        0 => named.join(", "),
        1 => format!("{}, and one more", named.join(", ")),
        more => format!("{}, and {more} more", named.join(", ")),
    };
    let total = speech::money(cart.subtotal_minor, &cart.currency);
    let speech = speech::fit(&[
        format!("You have {items} in your cart: {listed}."),
        format!("The total is {total}."),
    ]);
    let image = cart.items.first().and_then(|line| {
        let product = products
            .iter()
            .find(|product| product.id == line.product_id)?;
        product
            .image(ImageSize::Thumb)
            .map(|thumb| ImageView::new(thumb, &product.name))
    });
    let mut lines = named;
    lines.truncate(2);
    lines.push(format!("Total {}", money(cart).formatted));
    (speech, Card::new("Your cart", image, lines))
}

fn private<T: Serialize>(answer: &T, status: u16) -> Result<Reply, BffError> {
    Ok(Reply::json(answer)?.private().with_status(status))
}
