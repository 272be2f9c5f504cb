//! Parses the input as a state machine definition; any panic or overflow is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = asl::StateMachine::parse(text);
    }
});
