//! `java.util.Random`, so that a seeded `States.MathRandom` gives AWS's numbers.

/// `java.util.Random`, for `States.MathRandom` with a seed: the same seed gives the same
/// number as on AWS, whose runtime is Java.
pub(super) struct JavaRandom {
    pub(super) seed: u64,
}

impl JavaRandom {
    pub(super) const MULTIPLIER: u64 = 0x5_DEEC_E66D;
    pub(super) const MASK: u64 = (1 << 48) - 1;

    pub(super) fn new(seed: i64) -> Self {
        JavaRandom {
            seed: (seed as u64 ^ Self::MULTIPLIER) & Self::MASK,
        }
    }

    pub(super) fn next(&mut self, bits: u32) -> i32 {
        self.seed = self.seed.wrapping_mul(Self::MULTIPLIER).wrapping_add(0xB) & Self::MASK;
        (self.seed >> (48 - bits)) as u32 as i32
    }

    /// Uniform in `[0, bound)`; `bound` must be positive.
    pub(super) fn next_int(&mut self, bound: i32) -> i32 {
        let mut r = self.next(31);
        let m = bound - 1;
        if bound & m == 0 {
            return ((bound as i64 * r as i64) >> 31) as i32;
        }
        let mut u = r;
        loop {
            r = u % bound;
            if u.wrapping_sub(r).wrapping_add(m) >= 0 {
                return r;
            }
            u = self.next(31);
        }
    }

    #[cfg(test)]
    #[allow(dead_code)]
    pub(super) fn next_double(&mut self) -> f64 {
        let hi = (self.next(26) as i64) << 27;
        let lo = self.next(27) as i64;
        (hi + lo) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}
