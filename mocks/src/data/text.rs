//! Word and sentence pools. Realistic lengths and variety matter more than
//! literary quality: BFFs are measured on payload size and shaping cost.
//!
//! Templates use `{name}`, `{brand}`, `{noun}` (lowercase category noun),
//! `{benefit}`, `{audience}` and `{use}` placeholders.

use super::categories::Group;

pub const BRANDS: &[&str] = &[
    "Nordlicht",
    "Vantor",
    "Kestrel",
    "Aurelia",
    "Brightwell",
    "Halden",
    "Lumio",
    "Stratus",
    "Pinecrest",
    "Oakridge",
    "Veltro",
    "Corvid",
    "Solenne",
    "Trailhaus",
    "Mirova",
    "Fjordline",
    "Alderwick",
    "Quillon",
    "Tessaro",
    "Ebbline",
    "Ravelin",
    "Cobalto",
    "Sundquist",
    "Marlowe",
    "Zephyra",
    "Granith",
    "Lindqvist",
    "Orrery",
    "Palisade",
    "Wrenfield",
    "Helvar",
    "Brisa",
    "Kaito",
    "Montclair",
    "Ostara",
    "Varga",
    "Ironbark",
    "Silvan",
    "Tidewater",
    "Emberly",
];

pub const SERIES: &[&str] = &[
    "Aurora", "Vertex", "Nimbus", "Pulse", "Atlas", "Drift", "Echo", "Summit", "Orbit", "Nova",
    "Tempo", "Glide", "Horizon", "Ember", "Cascade", "Zenith", "Halo", "Strata", "Tundra",
    "Breeze", "Quartz", "Lumen", "Vista", "Meridian", "Forge", "Prism", "Solstice", "Arc", "Flux",
    "Crest", "Sierra", "Juniper",
];

pub const SUFFIXES: &[&str] = &[
    "X2", "Pro", "Mini", "300", "Max", "S", "Air", "Plus", "Lite", "II", "500", "Ultra", "SE",
    "One", "Neo", "X", "3", "", "", "",
];

pub const BENEFITS: &[&str] = &[
    "lasting comfort",
    "reliable performance",
    "honest build quality",
    "effortless everyday use",
    "a genuinely premium feel",
    "long-term durability",
    "thoughtful design",
    "consistent results",
    "quiet confidence",
    "real value for money",
];

pub const AUDIENCES: &[&str] = &[
    "commuters",
    "busy families",
    "weekend adventurers",
    "home cooks",
    "students",
    "creative professionals",
    "frequent travellers",
    "first-time buyers",
    "enthusiasts",
    "people working from home",
];

pub const USES: &[&str] = &[
    "daily life",
    "the office",
    "long trips",
    "weekend projects",
    "small apartments",
    "everyday routines",
    "gifting",
    "a growing household",
];

pub const INTROS: &[&str] = &[
    "The {name} is designed for {audience} who want {benefit} without paying for features they will never use.",
    "Meet the {name}: {brand}'s answer to the question of how much {noun} you really need for {use}.",
    "With the {name}, {brand} refines a formula that has quietly become one of its most popular lines.",
    "{brand} built the {name} around a simple idea: {benefit} should be the default, not an upgrade.",
    "If you are looking for a {noun} that balances {benefit} with everyday practicality, the {name} deserves a close look.",
    "Few products in this class manage to feel as considered as the {name}, and that is no accident.",
];

pub const GENERIC: &[&str] = &[
    "Every detail has been tested in real homes and on real commutes before it reached the final design.",
    "The materials were chosen to age gracefully, so it still looks good after years of regular use.",
    "Setup takes only a few minutes, and the included quick-start guide covers everything you need to know.",
    "Independent reviewers have praised the line for its balance of price, performance and longevity.",
    "Packaging is made from recycled cardboard and is completely free of single-use plastics.",
    "A clean, understated look means it fits into almost any space without drawing attention to itself.",
    "{brand} backs this model with responsive customer service and readily available spare parts.",
    "Compared with the previous generation, small refinements add up to a noticeably better experience.",
    "It is equally at home in {use}, which makes it one of the most versatile choices in the range.",
    "Thousands of {audience} already rely on this series, and the feedback shaped this latest version.",
    "Nothing about it feels flimsy: joints are tight, surfaces are smooth and controls respond precisely.",
    "The design avoids gimmicks and focuses on the things you notice every single day.",
    "Whether it is a gift or a treat for yourself, the {name} makes a strong first impression out of the box.",
    "Care is straightforward, and a quick wipe with a soft, damp cloth keeps it looking new.",
    "Firmware and accessories are supported for years, so your purchase does not become obsolete next season.",
    "The colour options were picked to work with both classic and contemporary interiors and wardrobes.",
    "Because it is built to be repaired, worn parts can be replaced instead of throwing the whole thing away.",
    "{brand} designs its products in Europe and works with a small number of long-standing manufacturing partners.",
    "It strikes a rare balance between {benefit} and a price that will not make you think twice.",
    "Small touches, like rounded edges and clearly labelled controls, make it pleasant to use from day one.",
];

pub const CLOSINGS: &[&str] = &[
    "In short, the {name} is a dependable {noun} that simply gets on with the job.",
    "Add it to your basket today and find out why so many {audience} recommend it.",
    "It is the kind of {noun} you stop thinking about, because it just works.",
    "For anyone who values {benefit}, it is an easy recommendation.",
];

pub fn group_sentences(group: Group) -> &'static [&'static str] {
    match group {
        Group::Tech => &[
            "A low-power chipset keeps the {noun} responsive while stretching battery life well beyond a full working day.",
            "Wireless connections pair instantly and stay stable, even in crowded offices and busy train stations.",
            "The companion app lets you fine-tune settings, install updates and find help articles in a couple of taps.",
            "USB-C charging means one cable for most of your devices, and a short top-up gets you through the afternoon.",
            "Thermal design keeps surfaces cool to the touch, so long sessions remain comfortable.",
            "Controls are placed where your fingers expect them, which makes everyday operation feel second nature.",
            "Privacy features are built in, and nothing is shared with third parties unless you explicitly opt in.",
            "Calibrated at the factory, it delivers accurate, natural results straight out of the box.",
        ],
        Group::Home => &[
            "Removable parts go straight into the dishwasher, which makes cleaning up after dinner quick and painless.",
            "A compact footprint leaves room on the counter or desk while still offering generous capacity.",
            "Quiet operation means you can use the {noun} early in the morning without waking the rest of the household.",
            "Energy-saving modes switch it off automatically when it is not in use.",
            "Sturdy construction and carefully balanced weight keep it stable during everyday use.",
            "Intuitive controls mean there is no need to keep the manual within reach.",
            "The surfaces resist fingerprints and stains, so it keeps looking tidy with minimal effort.",
            "Thoughtful ergonomics reduce strain, whether you use it for five minutes or five hours.",
        ],
        Group::Wear => &[
            "The cut follows natural movement, so nothing pinches or rides up when you are on the go.",
            "Breathable materials keep you comfortable from a chilly morning to a warm afternoon.",
            "Reinforced seams and quality hardware are made to survive daily wear, not just a few outings.",
            "Sizing is true to fit, and a detailed size chart helps you choose with confidence.",
            "Recycled and responsibly sourced fibres reduce the environmental footprint without compromising feel.",
            "It pairs easily with the rest of your wardrobe, from office days to relaxed weekends.",
            "Clever storage keeps your essentials organised and within easy reach.",
            "A water-repellent finish handles light showers, and it dries quickly afterwards.",
        ],
        Group::Active => &[
            "Tested on trails, in gyms and in unpredictable weather, it is ready for whatever your plans are.",
            "Low weight and a packable design make it easy to bring along on every adventure.",
            "Grippy surfaces and secure construction give you confidence when conditions get tricky.",
            "It sets up quickly, so you spend less time preparing and more time moving.",
            "Durable, weather-resistant materials shrug off mud, rain and the occasional rough landing.",
            "Whether you are a beginner or training for your next goal, it adapts to your pace.",
            "Every component can be serviced, which keeps it performing season after season.",
            "A thoughtful fit reduces fatigue so you can keep going for longer.",
        ],
        Group::Play => &[
            "Clear, illustrated instructions make it easy to get started, even for first-timers.",
            "Every game or build feels different, so it stays fun long after the first evening.",
            "Pieces are made from durable, non-toxic materials and are sized for little and big hands alike.",
            "It encourages creativity, problem solving and, above all, time spent together.",
            "The sturdy box doubles as storage, keeping every piece organised between sessions.",
            "Designed by a small independent team, it has already won over families across Europe.",
            "Rules are quick to learn but offer plenty of depth for experienced players.",
        ],
        Group::Care => &[
            "Dermatologically tested formulas are gentle enough for daily use on sensitive skin.",
            "Ingredients are listed transparently, with no hidden fillers and no animal testing.",
            "A lightweight texture absorbs quickly and never leaves a sticky residue.",
            "The travel-friendly size fits easily into a wash bag or carry-on.",
            "Results build up over time, and most people notice a difference within a few weeks.",
            "Refill options and recyclable packaging keep waste to a minimum.",
            "Smart timers and gentle modes help you build a better routine without thinking about it.",
        ],
    }
}

pub fn short_features(group: Group) -> &'static [&'static str] {
    match group {
        Group::Tech => &[
            "all-day battery life",
            "fast USB-C charging",
            "a bright, accurate display",
            "rock-solid wireless connectivity",
            "a refined, durable build",
        ],
        Group::Home => &[
            "dishwasher-safe parts",
            "whisper-quiet operation",
            "a space-saving design",
            "premium stainless materials",
            "effortless cleaning",
        ],
        Group::Wear => &[
            "a comfortable, true-to-size fit",
            "breathable recycled materials",
            "reinforced seams",
            "a timeless look",
            "weatherproof protection",
        ],
        Group::Active => &[
            "a lightweight, packable design",
            "all-weather durability",
            "secure grip and support",
            "quick setup",
            "trail-tested construction",
        ],
        Group::Play => &[
            "hours of replayable fun",
            "clear step-by-step instructions",
            "durable, non-toxic pieces",
            "rules that take minutes to learn",
        ],
        Group::Care => &[
            "dermatologist-tested ingredients",
            "a gentle daily formula",
            "long-lasting results",
            "recyclable packaging",
        ],
    }
}

pub const FIRST_NAMES: &[&str] = &[
    "Anna", "Lukas", "Sofia", "Jonas", "Emma", "Mateo", "Lea", "Noah", "Mia", "Elias", "Clara",
    "Felix", "Hannah", "Leon", "Julia", "Oskar", "Marta", "Tomasz", "Chloé", "Hugo", "Ines",
    "Pedro", "Freya", "Nils", "Alma", "Piotr", "Giulia", "Marco", "Sara", "David", "Lina", "Jan",
    "Eva", "Tobias", "Nora", "Samuel", "Ida", "Viktor", "Maja", "Theo",
];

pub const REVIEW_TITLES: [&[&str]; 5] = [
    &[
        "Very disappointed",
        "Broke after two weeks",
        "Not worth the money",
        "Would not buy again",
        "Returned it",
    ],
    &[
        "Below expectations",
        "Too many compromises",
        "Looks better than it works",
        "Meh",
        "Some serious flaws",
    ],
    &[
        "It's okay",
        "Decent but not great",
        "Does the job",
        "Mixed feelings",
        "Fine for the price",
    ],
    &[
        "Very good",
        "Solid choice",
        "Happy with it",
        "Great value",
        "Almost perfect",
    ],
    &[
        "Absolutely love it",
        "Best purchase this year",
        "Exceeded my expectations",
        "Highly recommended",
        "Perfect",
    ],
];

pub const REVIEW_OPENERS: &[&str] = &[
    "I bought this {noun} to replace an older one that finally gave up.",
    "I have been using it every day for about three weeks now.",
    "I was torn between this and a more expensive model and went with this one.",
    "Got this as a birthday present and have used it a lot since.",
    "After reading plenty of reviews I finally ordered the {noun}.",
    "We use it as a family, so it gets a fair amount of wear.",
    "This is my second one from {brand}, the first one lasted years.",
    "Ordered on a Monday, arrived on Wednesday, well packed.",
];

pub const REVIEW_POSITIVE: &[&str] = &[
    "Build quality is excellent and it feels like it will last for years.",
    "Setup was quick and everything worked on the first try.",
    "Honestly better than I expected for this price.",
    "The design is clean and it looks great at home.",
    "It does exactly what it promises, without any fuss.",
    "Comfortable to use even for long periods.",
    "Customer service answered my question within a day, which I appreciated.",
    "I have already recommended it to two friends.",
    "Materials feel premium and nothing rattles or creaks.",
    "It has become one of those things I use every single day.",
    "Performance is consistent and I have had zero issues so far.",
    "Really happy with the colour, it matches the photos exactly.",
];

pub const REVIEW_NEUTRAL: &[&str] = &[
    "It works, but the instructions could be clearer.",
    "Some parts feel a little cheaper than the rest.",
    "Good overall, although I expected slightly more for the money.",
    "Delivery took longer than announced.",
    "The {noun} is fine, nothing more and nothing less.",
    "It took me a while to get used to the controls.",
    "A few small design choices are a bit odd, but nothing major.",
    "If it goes on sale, it is definitely worth it.",
];

pub const REVIEW_NEGATIVE: &[&str] = &[
    "Unfortunately it stopped working properly after a short time.",
    "The quality does not match the price at all.",
    "Mine arrived with a scratch and the replacement took two weeks.",
    "It feels flimsy and I am worried it will not last.",
    "The product photos are much nicer than the real thing.",
    "Support was friendly but could not fix the problem.",
    "I expected much more from {brand}, to be honest.",
    "Returned it and bought a different {noun} instead.",
];

pub const REVIEW_DETAILS: &[&str] = &[
    "I mostly use it in the evenings after work and at weekends.",
    "My partner was sceptical at first but now uses it more than I do.",
    "For reference, I am fairly picky about this kind of product and usually return things.",
    "The packaging was minimal and easy to recycle, which is a nice touch.",
    "Compared to my previous {noun} the difference is noticeable straight away.",
    "I took it on a two-week trip and it held up without any problems.",
    "Cleaning and maintenance take hardly any time.",
    "The size is exactly as described, so check the dimensions before ordering.",
    "It came with everything needed, no extra purchases required.",
    "I will update this review if anything changes over the next months.",
    "The price went down a bit after I bought it, which was slightly annoying.",
    "Friends who tried it asked where I got it.",
    "It is not perfect, but no product in this price range is.",
    "Battery, materials and finish all seem to be in line with what {brand} advertises.",
];

pub const INTERNAL_NOTES: &[&str] = &[
    "INTERNAL: Supplier lead time {n} weeks; renegotiate freight terms before Q{q}.",
    "INTERNAL: Margin under review after the {n}% freight increase.",
    "INTERNAL: Do not discount below cost plus {n}% without category manager approval.",
    "INTERNAL: Returns rate {n}% above category average, QA ticket open.",
    "INTERNAL: Exclusive allocation until Q{q}; keep off marketplace feeds.",
    "INTERNAL: Second source qualified, switch planned for Q{q}.",
];

/// Fills the shared placeholders of a template.
pub fn fill(template: &str, vars: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (key, value) in vars {
        let needle = format!("{{{key}}}");
        if out.contains(&needle) {
            out = out.replace(&needle, value);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_every_occurrence() {
        assert_eq!(
            fill("{a} and {b} and {a}", &[("a", "x"), ("b", "y")]),
            "x and y and x"
        );
    }

    #[test]
    fn pools_have_variety() {
        for g in [
            Group::Tech,
            Group::Home,
            Group::Wear,
            Group::Active,
            Group::Play,
            Group::Care,
        ] {
            assert!(group_sentences(g).len() >= 6);
            assert!(short_features(g).len() >= 4);
        }
        assert!(GENERIC.len() >= 15);
        assert!(BRANDS.len() >= 30);
    }
}
