//! Seeded randomness and what is made from it.
//!
//! An execution must draw the same "random" values on every replay, so randomness is a
//! deterministic stream from a seed the caller owns ([`Scope::random_u64`](crate::Scope)).
//! [`SplitMix64`] is that stream: tiny, fast, statistically sound for this use, and — what
//! matters most — fixed: changing it would change the values (and so the histories) of
//! executions already journaled. It is public so the engine and the runtime can draw from
//! the same generator instead of writing their own.

/// The SplitMix64 generator (Steele, Lea and Flood, 2014): a 64-bit state advanced by a
/// constant, each output a mix of the state.
///
/// `Copy`, so it can live in a `Cell` where a shared closure draws from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A stream starting from `seed` (every seed, 0 included, gives a good stream).
    pub const fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The state: a stream rebuilt with [`SplitMix64::new`] from it continues this one.
    pub const fn state(&self) -> u64 {
        self.state
    }

    /// The next value of the stream.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(Self::GAMMA);
        Self::mix(self.state)
    }

    /// What the state advances by at each step.
    pub const GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

    /// The output function: the value drawn when the state has just become `state`. With
    /// [`SplitMix64::GAMMA`] it lets a caller shared between threads keep the state in an
    /// atomic counter (`mix(counter.fetch_add(GAMMA) + GAMMA)`) instead of behind a lock.
    pub const fn mix(state: u64) -> u64 {
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// A version-4 UUID, lower-case and hyphenated, from 128 random bits (`hi` first): the
/// version and variant bits are set, the other 122 bits are the input's.
pub fn uuid_v4(hi: u64, lo: u64) -> String {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&hi.to_be_bytes());
    bytes[8..].copy_from_slice(&lo.to_be_bytes());
    let mut buf = uuid::Uuid::encode_buffer();
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .encode_lower(&mut buf)
        .to_string()
}

#[cfg(test)]
mod tests;
