//! The shape of every voice answer: what to say, what to ask next, and a card for speakers with
//! a screen.

use bff_shared::shaping::ImageView;
use serde::Serialize;

/// Most lines a display card shows, and the most characters of one line.
const MAX_LINES: usize = 3;
const MAX_LINE_CHARS: usize = 48;

#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
pub struct Answer {
    /// What the assistant says: plain sentences, at most 300 characters.
    pub speech: String,
    /// What it asks if the shopper says nothing, where a follow-up is natural.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reprompt: Option<String>,
    pub display: Card,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub degraded: Vec<&'static str>,
}

/// A card for an assistant with a screen: a title, one small image, at most three short lines.
#[derive(Serialize)]
#[cfg_attr(not(target_arch = "wasm32"), derive(utoipa::ToSchema))]
pub struct Card {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageView>,
    pub lines: Vec<String>,
}

impl Card {
    pub fn new(title: &str, image: Option<ImageView>, lines: Vec<String>) -> Self {
        Self {
            title: short(title),
            image,
            lines: lines
                .iter()
                .take(MAX_LINES)
                .map(|line| short(line))
                .collect(),
        }
    }
}

/// A line cut to fit a small screen, at a word, with an ellipsis.
fn short(text: &str) -> String {
    bff_shared::shaping::truncate_at_word(text, MAX_LINE_CHARS).into_owned()
}
