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

/// A version-4 UUID from 128 random bits (`a` the high half, `b` the low half); the version
/// and variant bits are set over them.
pub fn format_uuid(a: u64, b: u64) -> String {
    let bits = (u128::from(a) << 64) | u128::from(b);
    uuid::Builder::from_random_bytes(bits.to_be_bytes())
        .into_uuid()
        .hyphenated()
        .to_string()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_keep_their_shape() {
        assert_eq!(format_uuid(0, 0), "00000000-0000-4000-8000-000000000000");
        assert_eq!(format_uuid(u64::MAX, u64::MAX), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(
            format_uuid(0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210),
            "01234567-89ab-4def-bedc-ba9876543210"
        );
    }

    #[test]
    fn the_stream_is_splitmix64() {
        let mut state = 0;
        assert_eq!(splitmix(&mut state), 0xE220_A839_7B1D_CDAF);
    }
}
