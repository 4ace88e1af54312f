//! The quarterly re-offending sample: a seeded, reproducible draw of closed episodes.

/// How many closed clients a quarter's sample holds.
pub const SAMPLE_SIZE: usize = 20;

/// The default seed for a period: a stable hash (FNV-1a) of its label, so the same
/// quarter gives the same draw on every machine and release.
#[must_use]
pub fn seed_for(label: &str) -> u64 {
    label.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Draws up to `size` ids from `eligible` (sorted first, so the input order does not
/// matter) with a partial Fisher-Yates shuffle driven by SplitMix64 from `seed`.
#[must_use]
pub fn draw(eligible: &[i64], seed: u64, size: usize) -> Vec<i64> {
    let mut pool = eligible.to_vec();
    pool.sort_unstable();
    pool.dedup();
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let take = size.min(pool.len());
    for i in 0..take {
        let remaining = (pool.len() - i) as u64;
        let j = i + usize::try_from(next() % remaining).unwrap_or(0);
        pool.swap(i, j);
    }
    pool.truncate(take);
    pool
}
