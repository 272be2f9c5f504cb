//! The execution's seeded random stream (`States.MathRandom`, `States.UUID`, retry jitter,
//! Map Run ids): the same seed gives the same values on every run and every replay.

use crate::execution::Execution;

pub(super) fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A version-4 UUID from 128 random bits.
pub fn format_uuid(a: u64, b: u64) -> String {
    let a = (a & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000;
    let b = (b & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xFFFF,
        a & 0xFFFF,
        b >> 48,
        b & 0xFFFF_FFFF_FFFF
    )
}

impl Execution {
    pub(super) fn next_random(&mut self) -> u64 {
        splitmix(&mut self.rng)
    }

    pub(super) fn pseudo_uuid(&mut self) -> String {
        let a = self.next_random();
        let b = self.next_random();
        format_uuid(a, b)
    }
}
