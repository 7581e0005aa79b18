//! What an assistant says: plain sentences, numbers and money written to be read aloud, and
//! never more than a listener can hold (300 characters).

use bff_shared::shaping::{Availability, StockView};

/// The most a spoken answer may say.
pub const MAX_SPEECH: usize = 300;

/// Money as a voice says it: "1,299 euros", "94 euros and 99 cents", "1 euro", "5 cents".
pub fn money(minor: u64, currency: &str) -> String {
    let (one, many, cent, cents) = match currency {
        "EUR" => ("euro", "euros", "cent", "cents"),
        "USD" => ("dollar", "dollars", "cent", "cents"),
        "GBP" => ("pound", "pounds", "penny", "pence"),
        _ => return format!("{} {currency}", grouped(minor / 100)),
    };
    let (major, fraction) = (minor / 100, minor % 100);
    let major_words = format!("{} {}", grouped(major), if major == 1 { one } else { many });
    let fraction_words = format!("{fraction} {}", if fraction == 1 { cent } else { cents });
    match (major, fraction) {
        (_, 0) => major_words,
        (0, _) => fraction_words,
        _ => format!("{major_words} and {fraction_words}"),
    }
}

/// Thousands grouped with commas, which speech engines read as one number.
fn grouped(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// "first", "second", … for positions in a spoken list (1-based).
pub fn ordinal(position: usize) -> &'static str {
    const WORDS: [&str; 10] = [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth",
    ];
    position
        .checked_sub(1)
        .and_then(|index| WORDS.get(index))
        .copied()
        .unwrap_or("next")
}

/// An ISO date as said aloud: "2026-12-03" → "December 3".
pub fn date(iso: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let mut parts = iso.get(..10)?.split('-');
    let (_, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    let month = MONTHS.get(month.parse::<usize>().ok()?.checked_sub(1)?)?;
    let day: u8 = day.parse().ok().filter(|day| (1..=31).contains(day))?;
    Some(format!("{month} {day}"))
}

/// The stock in one sentence.
pub fn availability(stock: &StockView) -> String {
    match (
        stock.state,
        stock.count,
        stock.restock_date.as_deref().and_then(date),
    ) {
        (Availability::LowStock, Some(1), _) => "Only one is left.".to_owned(),
        (Availability::LowStock, Some(count), _) => format!("Only {count} are left."),
        (Availability::OutOfStock, _, Some(back)) => {
            format!("It's out of stock, and expected back around {back}.")
        }
        (Availability::OutOfStock, _, None) => "It's out of stock right now.".to_owned(),
        (Availability::Backorder, _, _) => {
            "It can be ordered now and ships when it's back in stock.".to_owned()
        }
        _ => "It's in stock.".to_owned(),
    }
}

/// Text as a voice should read it: no markup characters, one space between words.
pub fn plain(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '*' | '#' | '_' | '|' | '<' | '>' | '[' | ']' | '{' | '}' | '~' | '`' => ' ',
            '…' => '.',
            _ => c,
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A product name short enough to say in a list: its first `words` words.
pub fn short_name(name: &str, words: usize) -> String {
    plain(name)
        .split(' ')
        .take(words)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Sentences joined while they fit in [`MAX_SPEECH`]; a first sentence that alone is too long is
/// cut after its last whole word that fits, and ends with a full stop.
pub fn fit<S: AsRef<str>>(sentences: &[S]) -> String {
    fit_counted(sentences).0
}

/// [`fit`], and how many of the sentences it says (a cut first sentence counts as said).
pub fn fit_counted<S: AsRef<str>>(sentences: &[S]) -> (String, usize) {
    let mut out = String::new();
    let mut said = 0;
    for sentence in sentences {
        let sentence = plain(sentence.as_ref());
        let needed = sentence.chars().count() + usize::from(!out.is_empty());
        if out.chars().count() + needed > MAX_SPEECH {
            if out.is_empty() {
                out = cut(&sentence, MAX_SPEECH);
                said = 1;
            }
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&sentence);
        said += 1;
    }
    (out, said)
}

fn cut(sentence: &str, max: usize) -> String {
    let mut out = String::new();
    for word in sentence.split(' ') {
        if out.chars().count() + word.chars().count() + 2 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    let mut out = out
        .trim_end_matches(|c: char| c.is_ascii_punctuation())
        .to_owned();
    out.push('.');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_written_to_be_read_aloud() {
        assert_eq!(money(129_900, "EUR"), "1,299 euros");
        assert_eq!(money(9_499, "EUR"), "94 euros and 99 cents");
        assert_eq!(money(100, "EUR"), "1 euro");
        assert_eq!(money(101, "USD"), "1 dollar and 1 cent");
        assert_eq!(money(5, "GBP"), "5 pence");
        assert_eq!(money(123_456_789, "EUR"), "1,234,567 euros and 89 cents");
        assert_eq!(money(1_200, "CHF"), "12 CHF");
        assert_eq!(money(u64::MAX, "EUR").split(' ').nth(1), Some("euros"));
    }

    #[test]
    fn ordinals_dates_and_stock_in_words() {
        assert_eq!(
            (ordinal(1), ordinal(3), ordinal(0), ordinal(11)),
            ("first", "third", "next", "next")
        );
        assert_eq!(date("2026-12-03").as_deref(), Some("December 3"));
        assert_eq!(date("2026-12-03T10:00:00Z").as_deref(), Some("December 3"));
        for bad in [
            "",
            "2026",
            "2026-13-01",
            "2026-00-10",
            "2026-01-32",
            "2026-ab-01",
            "2026-1é-01",
        ] {
            assert_eq!(date(bad), None, "{bad}");
        }
        let low = StockView::new(Availability::LowStock, 3, None);
        assert_eq!(availability(&low), "Only 3 are left.");
        let out = StockView::new(Availability::OutOfStock, 0, Some("2026-12-03"));
        assert_eq!(
            availability(&out),
            "It's out of stock, and expected back around December 3."
        );
    }

    #[test]
    fn speech_fits_and_reads_plainly() {
        let long = "word ".repeat(200);
        let said = fit(&[long.as_str()]);
        assert!(said.chars().count() <= MAX_SPEECH);
        assert!(said.ends_with('.'));
        let said = fit(&["First sentence.", long.as_str(), "Never said."]);
        assert_eq!(said, "First sentence.");
        assert_eq!(
            plain("**Bold** <b>name</b>   with…"),
            "Bold b name /b with."
        );
        assert_eq!(
            short_name("Helvar Aurora Neo Sensitive Face Cream", 3),
            "Helvar Aurora Neo"
        );
        let many: Vec<String> = (0..50).map(|i| format!("Sentence number {i}.")).collect();
        assert!(fit(&many).chars().count() <= MAX_SPEECH);
    }
}
