use serde_json::{Value, json};

use super::*;
use crate::env::StaticScope;

fn eval_with(text: &str, input: &Value, scope: &mut StaticScope) -> Result<Option<Value>, JsonataError> {
    let e = Expression::compile(text)?;
    let b = Bindings::new(input, scope);
    e.eval(&b)
}

fn eval(text: &str) -> Result<Option<Value>, JsonataError> {
    eval_with(text, &json!({}), &mut StaticScope::default())
}

#[test]
fn smoke() {
    assert_eq!(eval("1 + 41").unwrap(), Some(json!(42)));
}
