//! `GET /api/products/{id}`: a product in one or two sentences — name, price, stock, rating.

use bff_shared::cache::{CacheKey, Shaped};
use bff_shared::origins::catalog::ProductId;
use bff_shared::pages::product::ProductSources;
use bff_shared::shaping::{ImageView, Locale, Rating};
use bff_shared::{BffError, Reply, Scope};

use crate::answer::{Answer, Card};
use crate::profile::PROFILE;
use crate::speech;

#[cfg_attr(not(target_arch = "wasm32"), utoipa::path(get, path = "/api/products/{id}",
    summary = "A product, spoken",
    params(("id" = u32, Path, description = "Product id, a positive whole number.")),
    responses((status = 200, description = "What to say about the product", body = Answer),
        bff_shared::openapi::ReadFailures)))]
pub async fn get(scope: &Scope, raw_id: &str) -> Result<Reply, BffError> {
    let id = ProductId::parse(raw_id)?;
    let key = CacheKey::new(PROFILE.frontend, "product").param("id", id.get());
    scope
        .cached(key, move |origins| async move {
            let sources = ProductSources::gather(&origins, id, &PROFILE).await?;
            let answer = answer(sources);
            Shaped::json(&answer, !answer.degraded.is_empty())
        })
        .await
}

fn answer(sources: ProductSources) -> Answer {
    let ProductSources {
        product,
        price,
        stock,
        reviews,
        degraded,
        ..
    } = sources;
    let current = price.sale_price_minor.unwrap_or(price.list_price_minor);
    let name = speech::plain(&product.name);
    let mut sentences = vec![format!(
        "{name} costs {}.",
        speech::money(current, &price.currency)
    )];
    if current < price.list_price_minor {
        let was = speech::money(price.list_price_minor, &price.currency);
        sentences.push(format!("That's down from {was}."));
    }
    let stock = stock.view();
    sentences.push(speech::availability(&stock));
    let rating = reviews.as_ref().map(Rating::of);
    if let Some(rating) = rating.as_ref().filter(|rating| rating.count > 0) {
        let shoppers = if rating.count == 1 {
            "shopper"
        } else {
            "shoppers"
        };
        sentences.push(format!(
            "Rated {} out of 5 by {} {shoppers}.",
            rating.average, rating.count
        ));
    }
    let mut lines = vec![price.current(Locale::En).formatted, stock.label];
    if let Some(rating) = rating.filter(|rating| rating.count > 0) {
        lines.push(format!("★ {} · {} reviews", rating.average, rating.count));
    }
    let image = product.images.first().and_then(|image| {
        image
            .variant(PROFILE.gallery_image)
            .map(|shown| ImageView::new(shown, &image.alt))
    });
    Answer {
        speech: speech::fit(&sentences),
        reprompt: Some("Would you like me to add it to your cart?".to_owned()),
        display: Card::new(&product.name, image, lines),
        degraded,
    }
}
