//! The shopper's language, from `Accept-Language`, and how numbers are written in it.
//!
//! Only the display of what the origins decided changes with it (separators, where the currency
//! symbol stands); amounts never do. It is part of the cache key of every page that shows money,
//! and such answers say `Vary: Accept-Language`.

/// The languages the storefront formats for. Anything else is written as English.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Locale {
    #[default]
    En,
    De,
    Fr,
    Nl,
}

/// Longest `Accept-Language` value read, and most ranges considered: a header is a list of a
/// few languages, and what lies beyond is not worth the CPU.
const MAX_HEADER: usize = 512;
const MAX_RANGES: usize = 16;

impl Locale {
    pub const ALL: [Self; 4] = [Self::En, Self::De, Self::Fr, Self::Nl];

    /// The language tag, as in cache keys.
    pub const fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
            Self::Fr => "fr",
            Self::Nl => "nl",
        }
    }

    fn from_primary(tag: &str) -> Option<Self> {
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        Self::ALL
            .into_iter()
            .find(|locale| primary.eq_ignore_ascii_case(locale.tag()))
    }

    /// The supported language the client prefers most (RFC 9110 `Accept-Language`, by `q`,
    /// ties in the client's order); English when none is supported or the header is absent.
    pub fn from_accept_language(header: Option<&str>) -> Self {
        let Some(header) = header else {
            return Self::En;
        };
        let mut end = header.len().min(MAX_HEADER);
        while !header.is_char_boundary(end) {
            end -= 1;
        }
        let mut best: Option<(u16, Self)> = None;
        for range in header[..end].split(',').take(MAX_RANGES) {
            let mut parts = range.split(';');
            let tag = parts.next().unwrap_or("").trim();
            let weight = parts
                .find_map(|param| {
                    let (name, value) = param.split_once('=')?;
                    name.trim()
                        .eq_ignore_ascii_case("q")
                        .then(|| quality(value.trim()))
                })
                .unwrap_or(Some(1000));
            let (Some(weight), Some(locale)) = (weight, Self::from_primary(tag)) else {
                continue;
            };
            if weight > 0 && best.is_none_or(|(top, _)| weight > top) {
                best = Some((weight, locale));
            }
        }
        best.map_or(Self::En, |(_, locale)| locale)
    }

    /// How this language writes a number: the group separator and the decimal mark.
    const fn separators(self) -> (&'static str, char) {
        match self {
            Self::En => (",", '.'),
            Self::De | Self::Nl => (".", ','),
            // A narrow no-break space groups the thousands.
            Self::Fr => ("\u{202f}", ','),
        }
    }

    /// `grouped` (a number already written in this language) with its currency.
    pub fn with_currency(self, grouped: &str, symbol: Option<&str>, code: &str) -> String {
        const NBSP: char = '\u{a0}';
        match (self, symbol) {
            (Self::En, Some(symbol)) => format!("{symbol}{grouped}"),
            (Self::En, None) => format!("{grouped} {code}"),
            (Self::Nl, Some(symbol)) => format!("{symbol}{NBSP}{grouped}"),
            (Self::Nl, None) => format!("{code}{NBSP}{grouped}"),
            (Self::De | Self::Fr, Some(symbol)) => format!("{grouped}{NBSP}{symbol}"),
            (_, None) => format!("{grouped}{NBSP}{code}"),
        }
    }

    /// `major` with grouped thousands and, when `fraction_digits` > 0, the fraction.
    pub fn number(self, major: u64, fraction: u64, fraction_digits: usize) -> String {
        let (group, decimal) = self.separators();
        let digits = major.to_string();
        let mut out = String::with_capacity(digits.len() * 2 + fraction_digits + 1);
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(group);
            }
            out.push(digit);
        }
        if fraction_digits > 0 {
            out.push(decimal);
            out.push_str(&format!("{fraction:0fraction_digits$}"));
        }
        out
    }
}

/// A `q` value in thousandths: `0` to `1` with at most three decimals; anything else is ignored.
fn quality(value: &str) -> Option<u16> {
    let (whole, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let thousandths = match whole {
        "0" => fraction
            .bytes()
            .chain(std::iter::repeat(b'0'))
            .take(3)
            .fold(0u16, |n, digit| n * 10 + u16::from(digit - b'0')),
        "1" if fraction.bytes().all(|b| b == b'0') => 1000,
        _ => return None,
    };
    Some(thousandths)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_most_preferred_supported_language() {
        let pick = |header: &str| Locale::from_accept_language(Some(header));
        assert_eq!(Locale::from_accept_language(None), Locale::En);
        assert_eq!(pick("de-DE,de;q=0.9,en;q=0.8"), Locale::De);
        assert_eq!(pick("ja, fr-CA;q=0.5, nl;q=0.7"), Locale::Nl);
        assert_eq!(pick("en;q=0.2, fr"), Locale::Fr);
        assert_eq!(pick("NL-be"), Locale::Nl);
        assert_eq!(pick("de;q=0, fr;q=0.001"), Locale::Fr);
        assert_eq!(pick("de;q=0"), Locale::En);
        assert_eq!(pick("*"), Locale::En);
        assert_eq!(pick("es, it"), Locale::En);
        assert_eq!(pick("fr;q=0.5, de;q=0.5"), Locale::Fr);
    }

    #[test]
    fn malformed_weights_are_ignored_not_trusted() {
        let pick = |header: &str| Locale::from_accept_language(Some(header));
        assert_eq!(pick("de;q=2, fr;q=0.4"), Locale::Fr);
        assert_eq!(pick("de;q=0.1234, fr;q=0.4"), Locale::Fr);
        assert_eq!(pick("de;q=-1, nl"), Locale::Nl);
        assert_eq!(pick("de;q=, nl;q=0.1"), Locale::Nl);
        assert_eq!(pick(";;;,,,=;q"), Locale::En);
        assert_eq!(pick(&"x,".repeat(10_000)), Locale::En);
        assert_eq!(pick(&format!("{}de", "é".repeat(300))), Locale::En);
    }

    #[test]
    fn writes_numbers_the_local_way() {
        assert_eq!(Locale::En.number(1_234_567, 5, 2), "1,234,567.05");
        assert_eq!(Locale::De.number(1_234_567, 5, 2), "1.234.567,05");
        assert_eq!(Locale::Fr.number(1_299, 0, 2), "1\u{202f}299,00");
        assert_eq!(Locale::Nl.number(999, 90, 2), "999,90");
        assert_eq!(Locale::De.number(1_500, 0, 0), "1.500");
    }

    #[test]
    fn places_the_currency_the_local_way() {
        assert_eq!(
            Locale::En.with_currency("1,299.00", Some("€"), "EUR"),
            "€1,299.00"
        );
        assert_eq!(
            Locale::De.with_currency("1.299,00", Some("€"), "EUR"),
            "1.299,00\u{a0}€"
        );
        assert_eq!(
            Locale::Fr.with_currency("1\u{202f}299,00", Some("€"), "EUR"),
            "1\u{202f}299,00\u{a0}€"
        );
        assert_eq!(
            Locale::Nl.with_currency("1.299,00", Some("€"), "EUR"),
            "€\u{a0}1.299,00"
        );
        assert_eq!(Locale::En.with_currency("12.00", None, "CHF"), "12.00 CHF");
        assert_eq!(
            Locale::De.with_currency("12,00", None, "CHF"),
            "12,00\u{a0}CHF"
        );
        assert_eq!(
            Locale::Nl.with_currency("12,00", None, "CHF"),
            "CHF\u{a0}12,00"
        );
    }

    proptest::proptest! {
        /// Any `Accept-Language` a client sends picks one of the supported languages, English
        /// when it names none of them, and never panics (the header is cut on a character).
        #[test]
        fn any_header_picks_a_supported_language(header in "\\PC{0,400}") {
            let picked = Locale::from_accept_language(Some(&header));
            proptest::prop_assert!(Locale::ALL.contains(&picked));
            let lower = header.to_ascii_lowercase();
            if !Locale::ALL.iter().any(|locale| lower.contains(locale.tag())) {
                proptest::prop_assert_eq!(picked, Locale::En);
            }
        }

        /// A supported language listed alone with any valid weight above zero is picked.
        #[test]
        fn a_lone_weighted_language_is_picked(index in 0usize..4, q in 1u16..=1000, region in "[A-Z]{0,2}") {
            let locale = Locale::ALL[index];
            let tag = if region.is_empty() { locale.tag().to_owned() } else { format!("{}-{region}", locale.tag()) };
            let weight = if q == 1000 { "1".to_owned() } else { format!("0.{q:03}") };
            let header = format!("{tag};q={weight}");
            proptest::prop_assert_eq!(Locale::from_accept_language(Some(&header)), locale);
        }
    }
}
