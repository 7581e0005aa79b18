//! `GET /api/search?q=`: the top three products for what the shopper asked, as a spoken list with
//! their positions, so "the second one" can be followed up.

use bff_shared::cache::Shaped;
use bff_shared::origins::catalog::ListingQuery;
use bff_shared::pages::listing::{self, ListingSources};
use bff_shared::shaping::Locale;
use bff_shared::{BffError, Reply, Scope, params};
use serde::Serialize;

use crate::answer::{Answer, Card};
use crate::profile::PROFILE;
use crate::speech;

/// Words of a product name said in a list.
const NAME_WORDS: usize = 5;

#[cfg_attr(not(target_arch = "wasm32"), utoipa::path(get, path = "/api/search",
    summary = "The top three for a spoken search",
    params(("q" = String, Query, description = "What the shopper asked for, at most 100 characters.")),
    responses((status = 200, description = "What to say, and the products in the order said", body = SearchAnswer),
        bff_shared::openapi::ReadFailures)))]
pub async fn get(scope: &Scope) -> Result<Reply, BffError> {
    let text = params::text(scope.query().get("q"))?;
    if text.is_empty() {
        return Err(BffError::bad_request(
            "query_required",
            "Say what to look for: q is required.",
        ));
    }
    let query = ListingQuery {
        category: None,
        text,
        offset: 0,
        limit: PROFILE.listing_page_size,
    };
    let key = listing::cache_key(PROFILE.frontend, &query);
    scope
        .cached(key, move |origins| async move {
            let sources = ListingSources::gather(&origins, &query).await?;
            let answer = answer(&query.text, sources);
            Shaped::json(&answer, !answer.answer.degraded.is_empty())
        })
        .await
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
pub struct SearchAnswer {
    #[serde(flatten)]
    answer: Answer,
    /// The products in the order they were said: position 1 is "the first".
    choices: Vec<Choice>,
}

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Choice {
    position: usize,
    product_id: u32,
}

fn answer(asked: &str, sources: ListingSources) -> SearchAnswer {
    let asked = speech::plain(asked);
    if sources.items.is_empty() {
        return SearchAnswer {
            answer: Answer {
                speech: speech::fit(&[format!("I couldn't find anything for {asked}.")]),
                reprompt: Some("What else shall I look for?".to_owned()),
                display: Card::new(&format!("Nothing for “{asked}”"), None, Vec::new()),
                degraded: sources.degraded,
            },
            choices: Vec::new(),
        };
    }
    let count = sources.items.len();
    let mut sentences = vec![if count == 1 {
        format!("Here's the top match for {asked}.")
    } else {
        format!("Here are the top {count} for {asked}.")
    }];
    let mut lines = Vec::with_capacity(count);
    let mut choices = Vec::with_capacity(count);
    for (index, listed) in sources.items.iter().enumerate() {
        let position = index + 1;
        let name = speech::short_name(&listed.product.name, NAME_WORDS);
        let ordinal = speech::ordinal(position);
        let (said, shown) = match &listed.price {
            Some(price) => {
                let minor = price.sale_price_minor.unwrap_or(price.list_price_minor);
                let money = speech::money(minor, &price.currency);
                (
                    format!("{ordinal}, {name}, at {money}."),
                    format!(
                        "{position}. {name} · {}",
                        price.current(Locale::En).formatted
                    ),
                )
            }
            None => (format!("{ordinal}, {name}."), format!("{position}. {name}")),
        };
        sentences.push(capitalized(&said));
        lines.push(shown);
        choices.push(Choice {
            position,
            product_id: listed.product.id,
        });
    }
    // Only what was said can be chosen by its position.
    let (speech, said) = speech::fit_counted(&sentences);
    choices.truncate(said.saturating_sub(1));
    lines.truncate(choices.len());
    SearchAnswer {
        answer: Answer {
            speech,
            reprompt: Some("Which one would you like to hear about?".to_owned()),
            display: Card::new(&format!("Top {count} for “{asked}”"), None, lines),
            degraded: sources.degraded,
        },
        choices,
    }
}

fn capitalized(sentence: &str) -> String {
    let mut chars = sentence.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
