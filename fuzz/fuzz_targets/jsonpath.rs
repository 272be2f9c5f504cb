//! Parses the input as a JSONPath expression and evaluates it on a fixed document; nothing
//! may panic, overflow the stack or run unboundedly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use std::sync::OnceLock;

fn doc() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| {
        json!({
            "store": {
                "book": [
                    {"category": "reference", "author": "Nigel Rees", "price": 8.95},
                    {"category": "fiction", "author": "Evelyn Waugh", "price": 12.99,
                     "isbn": "0-553-21311-3", "tags": ["a", "b"]},
                    {"category": "fiction", "author": "J. R. R. Tolkien", "price": 22.99,
                     "isbn": "0-395-19395-8", "tags": []}
                ],
                "bicycle": {"color": "red", "price": 19.95}
            },
            "a b": [1, -2, 3.5, "4", null, true, [[[]]], {"": {"x": 1}}],
            "expensive": 10
        })
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(path) = asl::Path::parse(text) else {
        return;
    };
    let _ = path.normalized();
    let _ = path.select(doc());
    let _ = path.select_nodes(doc());
    let mut target = doc().clone();
    let _ = path.assign(&mut target, json!({"r": 1}));
});
