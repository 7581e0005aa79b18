//! The category table: names, price bands and spec vocabularies that make
//! generated products look like they belong to their shelf.

use rand::Rng;

use super::seed::pick;

/// Groups categories whose products share spec rows and marketing copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Audio,
    Computing,
    Mobile,
    Camera,
    Screen,
    Kitchen,
    Appliance,
    Furniture,
    Apparel,
    Footwear,
    Bags,
    Outdoor,
    Fitness,
    Toys,
    Beauty,
}

/// Broader grouping used for descriptions and reviews, where fifteen
/// separate vocabularies would not buy more realism.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    Tech,
    Home,
    Wear,
    Active,
    Play,
    Care,
}

impl Family {
    pub fn group(self) -> Group {
        match self {
            Family::Audio
            | Family::Computing
            | Family::Mobile
            | Family::Camera
            | Family::Screen => Group::Tech,
            Family::Kitchen | Family::Appliance | Family::Furniture => Group::Home,
            Family::Apparel | Family::Footwear | Family::Bags => Group::Wear,
            Family::Outdoor | Family::Fitness => Group::Active,
            Family::Toys => Group::Play,
            Family::Beauty => Group::Care,
        }
    }
}

pub struct Category {
    pub slug: &'static str,
    pub name: &'static str,
    /// Noun closing a product name, e.g. "Headphones" in "Nordlicht Aurora X2 Wireless Headphones".
    pub noun: &'static str,
    pub family: Family,
    /// List price band in whole euros.
    pub price_eur: (u32, u32),
    /// Shipping weight band in grams.
    pub weight_g: (u32, u32),
    pub qualifiers: &'static [&'static str],
    pub tags: &'static [&'static str],
}

#[expect(
    clippy::too_many_arguments,
    reason = "positional rows keep the table readable"
)]
const fn cat(
    slug: &'static str,
    name: &'static str,
    noun: &'static str,
    family: Family,
    price_eur: (u32, u32),
    weight_g: (u32, u32),
    qualifiers: &'static [&'static str],
    tags: &'static [&'static str],
) -> Category {
    Category {
        slug,
        name,
        noun,
        family,
        price_eur,
        weight_g,
        qualifiers,
        tags,
    }
}

use Family::*;

/// Category ids are the 1-based positions in this table.
#[rustfmt::skip]
pub const CATEGORIES: &[Category] = &[
    cat("headphones", "Headphones", "Headphones", Audio, (29, 449), (180, 390),
        &["Wireless", "Noise-Cancelling", "Over-Ear", "Studio", "On-Ear"],
        &["wireless", "bluetooth", "noise-cancelling", "hi-fi", "foldable"]),
    cat("earbuds", "Earbuds", "Earbuds", Audio, (19, 299), (40, 80),
        &["True Wireless", "Sport", "ANC", "Compact"],
        &["wireless", "bluetooth", "sport", "water-resistant", "noise-cancelling"]),
    cat("bluetooth-speakers", "Bluetooth Speakers", "Speaker", Audio, (25, 399), (300, 2400),
        &["Portable", "Waterproof", "Outdoor", "Party"],
        &["portable", "bluetooth", "waterproof", "outdoor", "stereo-pairing"]),
    cat("smartphones", "Smartphones", "Smartphone", Mobile, (149, 1299), (160, 230),
        &["5G", "Dual-SIM", "Compact", "Camera"],
        &["5g", "dual-sim", "oled", "fast-charging", "unlocked"]),
    cat("tablets", "Tablets", "Tablet", Mobile, (129, 1199), (300, 700),
        &["11-inch", "13-inch", "Kids", "Wi-Fi"],
        &["wi-fi", "stylus-support", "oled", "lightweight"]),
    cat("smartwatches", "Smartwatches", "Smartwatch", Mobile, (79, 699), (30, 70),
        &["GPS", "LTE", "Fitness", "Classic"],
        &["gps", "heart-rate", "sleep-tracking", "water-resistant"]),
    cat("laptops", "Laptops", "Laptop", Computing, (399, 2999), (1050, 2600),
        &["14-inch", "16-inch", "Ultralight", "Creator"],
        &["ultrabook", "thunderbolt", "long-battery", "backlit-keyboard"]),
    cat("monitors", "Monitors", "Monitor", Screen, (119, 1499), (3500, 9000),
        &["27-inch", "4K", "Curved", "Ultrawide"],
        &["4k", "usb-c", "hdr", "height-adjustable"]),
    cat("keyboards", "Keyboards", "Keyboard", Computing, (29, 249), (450, 1200),
        &["Mechanical", "Low-Profile", "Wireless", "Compact"],
        &["mechanical", "hot-swappable", "rgb", "wireless"]),
    cat("computer-mice", "Computer Mice", "Mouse", Computing, (15, 149), (60, 140),
        &["Ergonomic", "Wireless", "Gaming", "Travel"],
        &["wireless", "ergonomic", "rechargeable", "silent-click"]),
    cat("televisions", "Televisions", "TV", Screen, (299, 3499), (9000, 28000),
        &["OLED", "QLED", "55-inch", "65-inch"],
        &["4k", "hdr", "smart-tv", "dolby-vision"]),
    cat("cameras", "Cameras", "Camera", Camera, (299, 3999), (350, 900),
        &["Mirrorless", "Compact", "Full-Frame", "Vlog"],
        &["mirrorless", "4k-video", "stabilised", "weather-sealed"]),
    cat("drones", "Drones", "Drone", Camera, (199, 1999), (240, 1400),
        &["Foldable", "4K", "Mini", "FPV"],
        &["4k-video", "gps", "obstacle-avoidance", "foldable"]),
    cat("game-controllers", "Game Controllers", "Controller", Computing, (29, 199), (200, 320),
        &["Wireless", "Pro", "Elite", "Retro"],
        &["wireless", "gaming", "rechargeable", "remappable"]),
    cat("coffee-machines", "Coffee Machines", "Coffee Machine", Kitchen, (79, 1499), (3500, 12000),
        &["Bean-to-Cup", "Espresso", "Filter", "Capsule"],
        &["espresso", "milk-frother", "programmable", "barista"]),
    cat("blenders", "Blenders", "Blender", Kitchen, (29, 499), (1200, 5200),
        &["High-Speed", "Personal", "Vacuum", "Compact"],
        &["smoothies", "dishwasher-safe", "bpa-free", "high-speed"]),
    cat("cookware", "Cookware", "Cookware Set", Kitchen, (39, 499), (1500, 9000),
        &["Non-Stick", "Stainless", "Cast-Iron", "Induction"],
        &["induction", "oven-safe", "non-stick", "dishwasher-safe"]),
    cat("kitchen-knives", "Kitchen Knives", "Chef Knife", Kitchen, (19, 349), (150, 400),
        &["Damascus", "Forged", "Santoku", "Professional"],
        &["forged", "japanese-steel", "gift", "razor-sharp"]),
    cat("vacuum-cleaners", "Vacuum Cleaners", "Vacuum Cleaner", Appliance, (99, 899), (1500, 6500),
        &["Cordless", "Robot", "Bagless", "Handheld"],
        &["cordless", "hepa", "pet-hair", "smart-home"]),
    cat("air-purifiers", "Air Purifiers", "Air Purifier", Appliance, (79, 699), (3000, 9500),
        &["HEPA", "Smart", "Quiet", "Tower"],
        &["hepa", "allergy", "smart-home", "quiet"]),
    cat("desk-chairs", "Desk Chairs", "Desk Chair", Furniture, (99, 1199), (12000, 24000),
        &["Ergonomic", "Mesh", "Executive", "Task"],
        &["ergonomic", "lumbar-support", "adjustable", "home-office"]),
    cat("standing-desks", "Standing Desks", "Standing Desk", Furniture, (199, 999), (25000, 48000),
        &["Electric", "Dual-Motor", "Corner", "Compact"],
        &["height-adjustable", "home-office", "memory-presets", "electric"]),
    cat("table-lamps", "Table Lamps", "Table Lamp", Furniture, (19, 299), (600, 3200),
        &["LED", "Dimmable", "Reading", "Designer"],
        &["led", "dimmable", "warm-light", "usb-charging"]),
    cat("mattresses", "Mattresses", "Mattress", Furniture, (199, 1999), (15000, 42000),
        &["Memory Foam", "Hybrid", "Pocket Spring", "Natural Latex"],
        &["memory-foam", "breathable", "100-night-trial", "hypoallergenic"]),
    cat("running-shoes", "Running Shoes", "Running Shoes", Footwear, (59, 229), (480, 720),
        &["Trail", "Road", "Cushioned", "Racing"],
        &["running", "cushioned", "breathable", "lightweight"]),
    cat("hiking-boots", "Hiking Boots", "Hiking Boots", Footwear, (79, 299), (900, 1600),
        &["Waterproof", "Mid", "Lightweight", "Alpine"],
        &["waterproof", "hiking", "grippy", "ankle-support"]),
    cat("sneakers", "Sneakers", "Sneakers", Footwear, (49, 199), (600, 1000),
        &["Low-Top", "Retro", "Canvas", "Leather"],
        &["casual", "streetwear", "vegan", "classic"]),
    cat("rain-jackets", "Rain Jackets", "Rain Jacket", Apparel, (59, 399), (250, 600),
        &["Packable", "3-Layer", "Insulated", "Urban"],
        &["waterproof", "breathable", "packable", "recycled"]),
    cat("hoodies", "Hoodies", "Hoodie", Apparel, (29, 129), (400, 800),
        &["Organic Cotton", "Zip", "Heavyweight", "Oversized"],
        &["organic", "cotton", "unisex", "casual"]),
    cat("jeans", "Jeans", "Jeans", Apparel, (39, 189), (500, 900),
        &["Slim-Fit", "Straight", "Relaxed", "Selvedge"],
        &["denim", "stretch", "organic", "classic"]),
    cat("backpacks", "Backpacks", "Backpack", Bags, (29, 299), (500, 1800),
        &["Travel", "30L", "Commuter", "Roll-Top"],
        &["laptop-sleeve", "water-resistant", "carry-on", "recycled"]),
    cat("sunglasses", "Sunglasses", "Sunglasses", Bags, (29, 299), (25, 60),
        &["Polarized", "Sport", "Aviator", "Round"],
        &["polarized", "uv400", "lightweight", "unisex"]),
    cat("tents", "Tents", "Tent", Outdoor, (79, 899), (1200, 8500),
        &["2-Person", "Ultralight", "Family", "Tunnel"],
        &["camping", "waterproof", "freestanding", "ultralight"]),
    cat("sleeping-bags", "Sleeping Bags", "Sleeping Bag", Outdoor, (49, 499), (700, 2200),
        &["Down", "Mummy", "Synthetic", "Three-Season"],
        &["camping", "down", "compressible", "three-season"]),
    cat("yoga-mats", "Yoga Mats", "Yoga Mat", Fitness, (19, 149), (900, 2800),
        &["Non-Slip", "Cork", "Travel", "Extra-Thick"],
        &["yoga", "non-slip", "eco-friendly", "lightweight"]),
    cat("dumbbells", "Dumbbells", "Dumbbell Set", Fitness, (29, 599), (5000, 48000),
        &["Adjustable", "Hex", "Neoprene", "Compact"],
        &["strength", "home-gym", "adjustable", "space-saving"]),
    cat("bicycles", "Bicycles", "Bike", Fitness, (399, 3999), (9000, 24000),
        &["Gravel", "City", "Hybrid", "Electric"],
        &["cycling", "commuting", "disc-brakes", "lightweight"]),
    cat("board-games", "Board Games", "Board Game", Toys, (15, 89), (500, 2600),
        &["Strategy", "Family", "Cooperative", "Party"],
        &["family", "strategy", "2-players", "gift"]),
    cat("building-sets", "Building Sets", "Building Set", Toys, (9, 299), (200, 4200),
        &["Creator", "Technic", "Architecture", "Space"],
        &["creative", "stem", "gift", "collectible"]),
    cat("skincare", "Skincare", "Face Cream", Beauty, (9, 129), (60, 250),
        &["Hydrating", "Night", "Vitamin C", "Sensitive"],
        &["vegan", "fragrance-free", "dermatologist-tested", "hydrating"]),
    cat("perfumes", "Perfumes", "Eau de Parfum", Beauty, (29, 249), (150, 450),
        &["Floral", "Woody", "Citrus", "Intense"],
        &["fragrance", "gift", "long-lasting", "unisex"]),
    cat("electric-toothbrushes", "Electric Toothbrushes", "Electric Toothbrush", Beauty, (29, 299), (120, 400),
        &["Sonic", "Smart", "Travel", "Whitening"],
        &["sonic", "rechargeable", "pressure-sensor", "travel-case"]),
];

/// 1-based id of a category by slug.
pub fn by_slug(slug: &str) -> Option<(u32, &'static Category)> {
    CATEGORIES
        .iter()
        .zip(1u32..)
        .find(|(c, _)| c.slug == slug)
        .map(|(c, id)| (id, c))
}

/// Spec rows that only make sense for products of `family`.
pub fn family_specs<R: Rng + ?Sized>(family: Family, rng: &mut R) -> Vec<(&'static str, String)> {
    let n = |rng: &mut R, lo: u32, hi: u32| rng.random_range(lo..=hi);
    match family {
        Audio => vec![
            ("Driver size", format!("{} mm", n(rng, 6, 50))),
            (
                "Frequency response",
                format!("{} Hz – {} kHz", n(rng, 4, 20), n(rng, 20, 40)),
            ),
            ("Battery life", format!("up to {} h", n(rng, 8, 60))),
            (
                "Bluetooth",
                pick(rng, &["5.0", "5.2", "5.3", "5.4"]).to_owned(),
            ),
            (
                "Codecs",
                pick(
                    rng,
                    &[
                        "SBC, AAC",
                        "SBC, AAC, LDAC",
                        "SBC, AAC, aptX Adaptive",
                        "SBC, LC3",
                    ],
                )
                .to_owned(),
            ),
            (
                "Noise cancellation",
                pick(
                    rng,
                    &[
                        "Active (hybrid)",
                        "Adaptive",
                        "Passive",
                        "Active (feed-forward)",
                    ],
                )
                .to_owned(),
            ),
            (
                "Charging",
                format!(
                    "USB-C, {} min quick charge for {} h",
                    n(rng, 5, 15),
                    n(rng, 2, 5)
                ),
            ),
            (
                "Water resistance",
                pick(rng, &["IPX4", "IPX5", "IP67", "None"]).to_owned(),
            ),
            (
                "Microphones",
                format!("{} beamforming microphones", n(rng, 2, 8)),
            ),
        ],
        Computing => vec![
            (
                "Processor",
                format!(
                    "{}-core, up to {}.{} GHz",
                    2 * n(rng, 2, 8),
                    n(rng, 3, 5),
                    n(rng, 0, 9)
                ),
            ),
            ("Memory", format!("{} GB", 8 << n(rng, 0, 3))),
            ("Storage", format!("{} GB NVMe SSD", 256 << n(rng, 0, 3))),
            (
                "Connectivity",
                pick(
                    rng,
                    &[
                        "Wi-Fi 6E, Bluetooth 5.3",
                        "Wi-Fi 7, Bluetooth 5.4",
                        "2.4 GHz dongle, Bluetooth 5.1",
                    ],
                )
                .to_owned(),
            ),
            (
                "Ports",
                pick(
                    rng,
                    &[
                        "2× USB-C, 1× USB-A, HDMI",
                        "3× Thunderbolt 4, SD card",
                        "USB-C (charging only)",
                    ],
                )
                .to_owned(),
            ),
            ("Battery", format!("up to {} h", n(rng, 8, 120))),
            (
                "Layout",
                pick(
                    rng,
                    &["US International", "German QWERTZ", "UK ISO", "Nordic"],
                )
                .to_owned(),
            ),
            (
                "Sensor",
                format!("optical, up to {} DPI", 1000 * n(rng, 4, 30)),
            ),
            (
                "Operating system",
                pick(
                    rng,
                    &[
                        "Linux-ready, ships without OS",
                        "Windows 11 Home",
                        "Windows 11 Pro",
                        "Platform independent",
                    ],
                )
                .to_owned(),
            ),
        ],
        Mobile => vec![
            (
                "Display",
                format!(
                    "{}.{}\" OLED, {} Hz",
                    n(rng, 5, 13),
                    n(rng, 0, 9),
                    pick(rng, &["60", "90", "120", "144"])
                ),
            ),
            (
                "Chipset",
                format!("octa-core, {} nm", pick(rng, &["3", "4", "5", "6"])),
            ),
            ("Storage", format!("{} GB", 64 << n(rng, 0, 4))),
            ("RAM", format!("{} GB", 4 << n(rng, 0, 2))),
            (
                "Main camera",
                format!(
                    "{} MP, f/1.{}",
                    pick(rng, &["12", "48", "50", "108", "200"]),
                    n(rng, 5, 9)
                ),
            ),
            ("Battery", format!("{} mAh", 100 * n(rng, 30, 100))),
            (
                "Water resistance",
                pick(rng, &["IP67", "IP68", "5 ATM", "IP54"]).to_owned(),
            ),
            (
                "Connectivity",
                pick(
                    rng,
                    &[
                        "5G, Wi-Fi 6E, NFC",
                        "LTE, Wi-Fi 6, NFC",
                        "Wi-Fi 6, Bluetooth 5.3",
                    ],
                )
                .to_owned(),
            ),
            (
                "Sensors",
                pick(
                    rng,
                    &[
                        "Heart rate, SpO2, accelerometer",
                        "Fingerprint, face unlock",
                        "Gyroscope, compass, barometer",
                    ],
                )
                .to_owned(),
            ),
        ],
        Camera => vec![
            (
                "Sensor",
                format!(
                    "{} {}.{} MP",
                    pick(rng, &["Full-frame", "APS-C", "1-inch", "Micro Four Thirds"]),
                    n(rng, 12, 61),
                    n(rng, 0, 9)
                ),
            ),
            (
                "Video",
                pick(rng, &["4K 60p, 10-bit", "4K 30p", "6K 30p RAW", "5.4K 30p"]).to_owned(),
            ),
            (
                "Stabilisation",
                pick(
                    rng,
                    &[
                        "5-axis in-body",
                        "3-axis gimbal",
                        "Optical + electronic",
                        "Digital",
                    ],
                )
                .to_owned(),
            ),
            (
                "Autofocus",
                format!("{} phase-detect points", n(rng, 100, 760)),
            ),
            (
                "Battery",
                format!(
                    "approx. {} shots / {} min flight",
                    10 * n(rng, 25, 80),
                    n(rng, 18, 46)
                ),
            ),
            (
                "Storage",
                pick(
                    rng,
                    &["SD UHS-II", "CFexpress Type B + SD", "microSD up to 512 GB"],
                )
                .to_owned(),
            ),
            (
                "Viewfinder",
                pick(
                    rng,
                    &[
                        "3.69 M-dot OLED EVF",
                        "None (app preview)",
                        "2.36 M-dot EVF",
                    ],
                )
                .to_owned(),
            ),
            ("Transmission range", format!("up to {} km", n(rng, 2, 20))),
        ],
        Screen => vec![
            (
                "Screen size",
                format!(
                    "{}\"",
                    pick(rng, &["24", "27", "32", "34", "43", "55", "65", "77"])
                ),
            ),
            (
                "Resolution",
                pick(
                    rng,
                    &["3840 × 2160", "2560 × 1440", "3440 × 1440", "1920 × 1080"],
                )
                .to_owned(),
            ),
            (
                "Panel",
                pick(rng, &["IPS", "VA", "OLED", "QD-OLED", "Mini-LED"]).to_owned(),
            ),
            (
                "Refresh rate",
                format!(
                    "{} Hz",
                    pick(rng, &["60", "100", "120", "144", "165", "240"])
                ),
            ),
            (
                "HDR",
                pick(
                    rng,
                    &[
                        "HDR10, HLG",
                        "HDR10+, Dolby Vision",
                        "DisplayHDR 400",
                        "DisplayHDR 600",
                    ],
                )
                .to_owned(),
            ),
            (
                "Inputs",
                pick(
                    rng,
                    &[
                        "2× HDMI 2.1, DisplayPort 1.4, USB-C 90 W",
                        "4× HDMI 2.1, eARC",
                        "HDMI 2.0, DisplayPort",
                    ],
                )
                .to_owned(),
            ),
            ("Peak brightness", format!("{} nits", 50 * n(rng, 6, 40))),
            ("Energy class", pick(rng, &["E", "F", "G"]).to_owned()),
        ],
        Kitchen => vec![
            ("Power", format!("{} W", 50 * n(rng, 10, 40))),
            ("Capacity", format!("{}.{} L", n(rng, 0, 3), n(rng, 1, 9))),
            (
                "Material",
                pick(
                    rng,
                    &[
                        "Brushed stainless steel",
                        "Tri-ply stainless steel",
                        "Enamelled cast iron",
                        "Damascus steel, 67 layers",
                        "Tritan, BPA-free",
                    ],
                )
                .to_owned(),
            ),
            (
                "Dishwasher safe",
                pick(rng, &["Yes", "No", "Removable parts only"]).to_owned(),
            ),
            ("Pump pressure", format!("{} bar", n(rng, 9, 19))),
            ("Programs", format!("{} presets", n(rng, 3, 14))),
            ("Induction compatible", pick(rng, &["Yes", "No"]).to_owned()),
            ("Hardness", format!("{} HRC", n(rng, 56, 62))),
        ],
        Appliance => vec![
            ("Power", format!("{} W", 10 * n(rng, 3, 90))),
            ("Noise level", format!("{} dB", n(rng, 24, 78))),
            (
                "Filter",
                pick(
                    rng,
                    &[
                        "H13 HEPA",
                        "H14 HEPA + activated carbon",
                        "Washable lifetime filter",
                    ],
                )
                .to_owned(),
            ),
            ("Runtime", format!("up to {} min", 5 * n(rng, 6, 36))),
            ("Room coverage", format!("up to {} m²", 5 * n(rng, 4, 24))),
            ("Dust capacity", format!("0.{} L", n(rng, 3, 9))),
            (
                "Smart features",
                pick(
                    rng,
                    &[
                        "App control, voice assistants",
                        "Scheduling via app",
                        "None",
                    ],
                )
                .to_owned(),
            ),
            ("Energy class", pick(rng, &["A", "B", "C"]).to_owned()),
        ],
        Furniture => vec![
            (
                "Material",
                pick(
                    rng,
                    &[
                        "Oak veneer",
                        "Powder-coated steel",
                        "Breathable mesh",
                        "Recycled aluminium",
                        "Natural latex",
                    ],
                )
                .to_owned(),
            ),
            ("Max load", format!("{} kg", 10 * n(rng, 10, 16))),
            (
                "Assembly",
                format!("Tools included, approx. {} min", 5 * n(rng, 3, 12)),
            ),
            (
                "Height range",
                format!("{}–{} cm", n(rng, 40, 72), n(rng, 90, 125)),
            ),
            (
                "Upholstery",
                pick(
                    rng,
                    &[
                        "Woven fabric",
                        "Vegan leather",
                        "Mesh",
                        "Knitted cover, removable",
                    ],
                )
                .to_owned(),
            ),
            (
                "Light output",
                format!("{} lm, {} K", 50 * n(rng, 4, 20), 100 * n(rng, 22, 50)),
            ),
            (
                "Firmness",
                pick(rng, &["Medium (6/10)", "Medium-firm (7/10)", "Soft (4/10)"]).to_owned(),
            ),
            (
                "Trial",
                format!("{} nights", pick(rng, &["30", "60", "100"])),
            ),
        ],
        Apparel => vec![
            (
                "Material",
                pick(
                    rng,
                    &[
                        "100% organic cotton",
                        "Recycled polyester ripstop",
                        "98% cotton, 2% elastane",
                        "3-layer nylon with membrane",
                    ],
                )
                .to_owned(),
            ),
            (
                "Fit",
                pick(rng, &["Regular", "Slim", "Relaxed", "Oversized"]).to_owned(),
            ),
            (
                "Care",
                pick(
                    rng,
                    &[
                        "Machine wash 30 °C",
                        "Machine wash 40 °C, do not tumble dry",
                        "Hand wash recommended",
                    ],
                )
                .to_owned(),
            ),
            ("Waterproof rating", format!("{} mm", 1000 * n(rng, 5, 28))),
            (
                "Breathability",
                format!("{} g/m²/24h", 1000 * n(rng, 8, 30)),
            ),
            (
                "Sizes",
                pick(rng, &["XS–XXL", "S–XL", "W28–W38"]).to_owned(),
            ),
            ("Pockets", format!("{} pockets", n(rng, 2, 6))),
        ],
        Footwear => vec![
            (
                "Upper",
                pick(
                    rng,
                    &[
                        "Engineered mesh",
                        "Full-grain leather",
                        "Suede and nylon",
                        "Organic canvas",
                    ],
                )
                .to_owned(),
            ),
            ("Outsole", format!("Rubber, {} mm lugs", n(rng, 2, 6))),
            ("Heel-to-toe drop", format!("{} mm", n(rng, 0, 12))),
            ("Stack height", format!("{} mm", n(rng, 18, 40))),
            (
                "Closure",
                pick(rng, &["Laces", "Quick laces", "Laces with speed hooks"]).to_owned(),
            ),
            (
                "Membrane",
                pick(rng, &["Waterproof, breathable", "None"]).to_owned(),
            ),
            ("Sizes", format!("EU {}–{}", n(rng, 35, 39), n(rng, 45, 48))),
            (
                "Support",
                pick(rng, &["Neutral", "Stability", "Ankle support"]).to_owned(),
            ),
        ],
        Bags => vec![
            ("Volume", format!("{} L", n(rng, 12, 45))),
            (
                "Material",
                pick(
                    rng,
                    &[
                        "Recycled nylon 600D",
                        "Waxed canvas",
                        "Acetate",
                        "TR90 nylon",
                    ],
                )
                .to_owned(),
            ),
            (
                "Laptop compartment",
                format!("up to {}\"", pick(rng, &["13", "14", "15.6", "16"])),
            ),
            (
                "Lenses",
                pick(
                    rng,
                    &["Polarized, UV400", "Mirrored, UV400", "Photochromic"],
                )
                .to_owned(),
            ),
            (
                "Water resistance",
                pick(
                    rng,
                    &[
                        "Water-repellent coating",
                        "Roll-top, waterproof",
                        "Not water resistant",
                    ],
                )
                .to_owned(),
            ),
            ("Pockets", format!("{} pockets", n(rng, 3, 12))),
            ("Lens width", format!("{} mm", n(rng, 48, 62))),
        ],
        Outdoor => vec![
            ("Capacity", format!("{} persons", n(rng, 1, 6))),
            (
                "Packed size",
                format!("{} × {} cm", n(rng, 14, 30), n(rng, 30, 60)),
            ),
            (
                "Season",
                pick(rng, &["3-season", "4-season", "Summer"]).to_owned(),
            ),
            ("Hydrostatic head", format!("{} mm", 500 * n(rng, 3, 12))),
            (
                "Comfort temperature",
                format!("{} °C", i64::from(n(rng, 0, 15)) - 10),
            ),
            (
                "Poles",
                pick(rng, &["Aluminium 7001", "Fibreglass", "DAC Featherlite"]).to_owned(),
            ),
            ("Pitching time", format!("approx. {} min", n(rng, 3, 20))),
        ],
        Fitness => vec![
            (
                "Material",
                pick(
                    rng,
                    &[
                        "TPE",
                        "Natural cork and rubber",
                        "Cast iron, neoprene coated",
                        "Aluminium 6061",
                    ],
                )
                .to_owned(),
            ),
            ("Thickness", format!("{} mm", n(rng, 3, 10))),
            (
                "Weight range",
                format!("{}–{} kg", n(rng, 1, 4), 2 * n(rng, 6, 16)),
            ),
            (
                "Frame size",
                pick(rng, &["S (50 cm)", "M (54 cm)", "L (58 cm)"]).to_owned(),
            ),
            (
                "Drivetrain",
                pick(rng, &["1×11", "2×10", "Belt drive, 8-speed hub"]).to_owned(),
            ),
            (
                "Motor",
                pick(rng, &["250 W mid-drive", "250 W rear hub", "None"]).to_owned(),
            ),
            ("Range", format!("up to {} km", 10 * n(rng, 4, 14))),
            (
                "Non-slip surface",
                pick(rng, &["Yes", "Both sides"]).to_owned(),
            ),
        ],
        Toys => vec![
            ("Age", format!("{}+", n(rng, 3, 14))),
            ("Players", format!("{}–{}", n(rng, 1, 2), n(rng, 4, 8))),
            (
                "Playing time",
                format!("{}–{} min", 15 * n(rng, 1, 3), 30 * n(rng, 2, 5)),
            ),
            ("Pieces", format!("{}", n(rng, 80, 4200))),
            (
                "Languages",
                pick(
                    rng,
                    &[
                        "English, German",
                        "English, French, Spanish",
                        "Language independent",
                    ],
                )
                .to_owned(),
            ),
            (
                "Batteries",
                pick(rng, &["Not required", "2× AA (not included)"]).to_owned(),
            ),
        ],
        Beauty => vec![
            (
                "Volume",
                format!("{} ml", pick(rng, &["30", "50", "75", "100"])),
            ),
            (
                "Skin type",
                pick(
                    rng,
                    &[
                        "All skin types",
                        "Dry and sensitive",
                        "Oily and combination",
                    ],
                )
                .to_owned(),
            ),
            (
                "Key ingredients",
                pick(
                    rng,
                    &[
                        "Hyaluronic acid, niacinamide",
                        "Vitamin C, ferulic acid",
                        "Ceramides, squalane",
                    ],
                )
                .to_owned(),
            ),
            (
                "Fragrance notes",
                pick(
                    rng,
                    &[
                        "Bergamot, jasmine, cedar",
                        "Fig, vetiver, musk",
                        "Neroli, amber, sandalwood",
                    ],
                )
                .to_owned(),
            ),
            ("Battery", format!("up to {} days", n(rng, 14, 60))),
            ("Modes", format!("{} cleaning modes", n(rng, 2, 6))),
            ("Vegan", pick(rng, &["Yes", "No"]).to_owned()),
        ],
    }
}

pub const COLOURS: &[&str] = &[
    "Midnight Black",
    "Arctic White",
    "Slate Grey",
    "Forest Green",
    "Ocean Blue",
    "Sand",
    "Burgundy",
    "Graphite",
    "Stone Beige",
    "Coral",
    "Olive",
    "Silver",
];

pub const ORIGINS: &[&str] = &[
    "Germany",
    "Portugal",
    "Vietnam",
    "China",
    "Poland",
    "Italy",
    "Taiwan",
    "Czech Republic",
    "Romania",
    "Japan",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::seed;

    #[test]
    fn at_least_thirty_categories_with_unique_slugs() {
        assert!(CATEGORIES.len() >= 30);
        let mut slugs: Vec<_> = CATEGORIES.iter().map(|c| c.slug).collect();
        slugs.sort_unstable();
        slugs.dedup();
        assert_eq!(slugs.len(), CATEGORIES.len());
        for c in CATEGORIES {
            assert_eq!(seed::slugify(c.slug), c.slug);
            assert!(c.price_eur.0 < c.price_eur.1);
            assert!(c.weight_g.0 < c.weight_g.1);
            assert!(!c.qualifiers.is_empty() && !c.tags.is_empty());
        }
        assert_eq!(by_slug("headphones").map(|(id, _)| id), Some(1));
        assert!(by_slug("nope").is_none());
    }

    #[test]
    fn every_family_has_enough_specs() {
        let mut rng = seed::rng("test", &[1]);
        for c in CATEGORIES {
            assert!(family_specs(c.family, &mut rng).len() >= 6, "{}", c.slug);
        }
    }
}
