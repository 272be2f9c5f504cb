//! The execution's seeded random stream (`States.MathRandom`, `States.UUID`, retry jitter,
//! Map Run ids): the same seed gives the same values on every run and every replay. The
//! generator and the UUID layout are asl's ([`asl::rng`]), shared with the intrinsics and the
//! runtime so there is one stream to keep fixed.

use asl::rng::uuid_v4;

use crate::execution::Execution;

impl Execution {
    pub(super) fn next_random(&mut self) -> u64 {
        self.rng.next_u64()
    }

    pub(super) fn pseudo_uuid(&mut self) -> String {
        let hi = self.next_random();
        let lo = self.next_random();
        uuid_v4(hi, lo)
    }
}
