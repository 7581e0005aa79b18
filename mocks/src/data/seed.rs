//! Seed derivation and calendar helpers shared by every generator.
//!
//! Every generated attribute draws from its own stream, keyed by a domain
//! string and an id, so that a cheap projection (a product's name for the
//! search index) yields exactly the value the full generator would, and so
//! that adding an attribute later never shifts the values of existing ones.

use rand::SeedableRng;
use rand::seq::IndexedRandom;
use rand_chacha::ChaCha8Rng;

/// FNV-1a: stable across platforms and compiler versions, unlike `DefaultHasher`.
pub fn hash_str(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Seed for `domain` and a list of ids; order of `parts` matters.
pub fn seed(domain: &str, parts: &[u64]) -> u64 {
    let mut h = splitmix(hash_str(domain));
    for p in parts {
        h = splitmix(h ^ splitmix(*p));
    }
    h
}

pub fn rng(domain: &str, parts: &[u64]) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed(domain, parts))
}

/// Picks from a non-empty pool; an empty pool yields the empty string so that
/// callers stay total without a panic path.
pub fn pick<'a, R: rand::Rng + ?Sized>(rng: &mut R, pool: &[&'a str]) -> &'a str {
    pool.choose(rng).copied().unwrap_or("")
}

/// Seconds since the Unix epoch for a civil UTC date.
pub fn epoch_seconds(year: i64, month: u32, day: u32) -> i64 {
    days_from_civil(year, month, day) * 86_400
}

// Howard Hinnant's civil calendar algorithms.
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// RFC 3339 timestamp in UTC with second precision, e.g. `2024-03-01T10:00:00Z`.
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Calendar date only, e.g. `2026-12-01`.
pub fn date_only(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

pub fn now_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// Lowercase ASCII slug with single dashes, e.g. `nordlicht-aurora-x2`.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn calendar_round_trips() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(
            rfc3339(epoch_seconds(2024, 3, 1) + 36_000),
            "2024-03-01T10:00:00Z"
        );
        assert_eq!(date_only(epoch_seconds(2026, 12, 1)), "2026-12-01");
        assert_eq!(date_only(epoch_seconds(2024, 2, 29)), "2024-02-29");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn seeds_are_stable_and_distinct() {
        assert_eq!(seed("catalog", &[1]), seed("catalog", &[1]));
        assert_ne!(seed("catalog", &[1]), seed("catalog", &[2]));
        assert_ne!(seed("catalog", &[1]), seed("pricing", &[1]));
        assert_ne!(seed("x", &[1, 2]), seed("x", &[2, 1]));
        let a: u64 = rng("t", &[7]).random();
        let b: u64 = rng("t", &[7]).random();
        assert_eq!(a, b);
    }

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Nordlicht Aurora X2 Wireless Headphones"),
            "nordlicht-aurora-x2-wireless-headphones"
        );
        assert_eq!(
            slugify("  Noise-Cancelling -- Pro! "),
            "noise-cancelling-pro"
        );
    }
}
