//! Parses the input as an intrinsic function call and evaluates it on a fixed input.
#![no_main]

use asl::env::{Env, StaticScope};
use asl::intrinsics::Intrinsic;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(call) = Intrinsic::parse(text) {
        let input = serde_json::json!({"a": [1, 2, 3], "s": "text", "n": 4.5, "o": {"k": null}});
        let mut scope = StaticScope::default();
        let _ = call.eval(&mut Env::new(&input, &mut scope));
    }
});
