use super::*;
use crate::env::StaticScope;
use serde_json::json;

fn rule(v: Value) -> ChoiceRule {
    let Value::Object(m) = v else { panic!("not an object") };
    ChoiceRule::parse(&m, "/States/C/Choices/0", true).unwrap_or_else(|d| panic!("parse failed: {d:?}"))
}

fn diags(v: Value) -> Vec<String> {
    let Value::Object(m) = v else { panic!("not an object") };
    match ChoiceRule::parse(&m, "/States/C/Choices/0", true) {
        Ok(r) => panic!("should not parse: {r:?}"),
        Err(d) => d.iter().map(|d| d.to_string()).collect(),
    }
}

fn eval_in(r: &ChoiceRule, input: &Value, scope: &mut StaticScope) -> Result<bool, StatesError> {
    let env = Env::new(input, scope);
    r.evaluate(&env)
}

fn eval(r: Value, input: Value) -> Result<bool, StatesError> {
    eval_in(&rule(r), &input, &mut StaticScope::default())
}

/// `op` with `operand` against `{"v": value}`.
fn check(op: &str, operand: Value, value: Value) -> bool {
    eval(
        json!({"Variable": "$.v", op: operand, "Next": "X"}),
        json!({"v": value}),
    )
    .unwrap()
}

/// `op` + "Path" with the operand read from `$.o`.
fn check_path(op: &str, operand: Value, value: Value) -> bool {
    eval(
        json!({"Variable": "$.v", format!("{op}Path"): "$.o", "Next": "X"}),
        json!({"v": value, "o": operand}),
    )
    .unwrap()
}

/// Both forms must agree.
fn both(op: &str, operand: Value, value: Value) -> bool {
    let a = check(op, operand.clone(), value.clone());
    let b = check_path(op, operand, value);
    assert_eq!(a, b, "literal and path forms of {op} disagree");
    a
}

#[test]
fn string_operators() {
    assert!(both("StringEquals", json!("abc"), json!("abc")));
    assert!(!both("StringEquals", json!("abc"), json!("abd")));
    assert!(!both("StringEquals", json!("1"), json!(1)));
    assert!(!both("StringEquals", json!("true"), json!(true)));
    assert!(both("StringLessThan", json!("AB"), json!("A")));
    assert!(!both("StringLessThan", json!(""), json!("")));
    assert!(both("StringGreaterThan", json!("A"), json!("AB")));
    assert!(both("StringGreaterThan", json!("B"), json!("a")), "by code point");
    assert!(both("StringLessThanEquals", json!(""), json!("")));
    assert!(both("StringGreaterThanEquals", json!("A"), json!("AB")));
    assert!(!both("StringGreaterThanEquals", json!("AB"), json!("A")));
    assert!(!both("StringLessThan", json!("b"), json!(null)));
    // Java's UTF-16 order: U+1F600 (surrogates D83D..) sorts before U+FF21.
    assert!(both("StringLessThan", json!("\u{FF21}"), json!("\u{1F600}")));
    assert!(both("StringGreaterThan", json!("\u{1F600}"), json!("\u{FF21}")));
    // Path operand of another type: false.
    assert!(!check_path("StringEquals", json!(1), json!("1")));
}

#[test]
fn string_matches() {
    let m = |p: &str, s: &str| check("StringMatches", json!(p), json!(s));
    assert!(m("foo*.log", "foo23.log"));
    assert!(m("*.log", "zebra.log"));
    assert!(m("foo*.*", "foobar.zebra"));
    assert!(m("*", ""));
    assert!(m("**", "x"));
    assert!(m("a*b*c", "abc"));
    assert!(m("a*b*c", "aXbYbZc"));
    assert!(!m("a*b*c", "acb"));
    assert!(!m("a*a", "a"));
    assert!(m("a*a", "aa"));
    assert!(m("exact", "exact"));
    assert!(!m("exact", "exactly"));
    assert!(!m("", "x"));
    assert!(m("", ""));
    assert!(m(r"a\*b", "a*b"));
    assert!(!m(r"a\*b", "aXb"));
    assert!(m(r"a\\*", r"a\anything"));
    assert!(m(r"a\\", r"a\"));
    assert!(m(r"a\b", r"a\b"));
    assert!(m("h\u{e9}*o", "h\u{e9}llo"));
    assert!(!check("StringMatches", json!("*"), json!(1)));
    assert!(!check("StringMatches", json!("*"), json!(null)));
}

#[test]
fn numeric_operators() {
    assert!(both("NumericEquals", json!(1), json!(1.0)));
    assert!(both("NumericEquals", json!(0), json!(-0.0)));
    assert!(!both("NumericEquals", json!(1), json!("1")));
    assert!(!both("NumericEquals", json!(0), json!(null)));
    assert!(!both("NumericEquals", json!(0), json!(false)));
    assert!(both("NumericLessThan", json!(2), json!(1.5)));
    assert!(!both("NumericLessThan", json!(1), json!(1)));
    assert!(both("NumericLessThanEquals", json!(1), json!(1)));
    assert!(both("NumericGreaterThan", json!(-1), json!(0)));
    assert!(both("NumericGreaterThanEquals", json!(1.5), json!(1.5)));
    assert!(both("NumericGreaterThan", json!(u64::MAX - 1), json!(u64::MAX)));
    assert!(both("NumericLessThan", json!(0), json!(i64::MIN)));
    assert!(both("NumericGreaterThan", json!(-1), json!(u64::MAX)));
    assert!(!both(
        "NumericEquals",
        json!(9007199254740993u64),
        json!(9007199254740992u64)
    ));
    assert!(both("NumericLessThan", json!(1e300), json!(u64::MAX)));
}

#[test]
fn boolean_operators() {
    assert!(both("BooleanEquals", json!(true), json!(true)));
    assert!(both("BooleanEquals", json!(false), json!(false)));
    assert!(!both("BooleanEquals", json!(true), json!(false)));
    assert!(!both("BooleanEquals", json!(true), json!("true")));
    assert!(!both("BooleanEquals", json!(false), json!(0)));
    assert!(!both("BooleanEquals", json!(false), json!(null)));
}

#[test]
fn timestamp_operators() {
    let t0 = json!("2012-10-09T19:00:55Z");
    let t1 = json!("2012-10-09T19:00:56Z");
    assert!(both("TimestampEquals", t0.clone(), t0.clone()));
    assert!(!both("TimestampEquals", t0.clone(), t1.clone()));
    assert!(both("TimestampEquals", t0.clone(), json!("2012-10-09T20:00:55+01:00")));
    assert!(both("TimestampEquals", t0.clone(), json!("2012-10-09T19:00:55.000Z")));
    assert!(both("TimestampLessThan", t1.clone(), t0.clone()));
    assert!(!both("TimestampLessThan", t0.clone(), t0.clone()));
    assert!(both("TimestampGreaterThan", t0.clone(), t1.clone()));
    assert!(both("TimestampLessThanEquals", t0.clone(), t0.clone()));
    assert!(both("TimestampGreaterThanEquals", t0.clone(), t1.clone()));
    assert!(both(
        "TimestampGreaterThan",
        t0.clone(),
        json!("2012-10-09T19:00:55.000000001Z")
    ));
    for bad in [
        json!(null),
        json!(0),
        json!(" "),
        json!("2012-10-09T19:00:55"),
        json!("2023-02-24 12:15:56.832957"),
        json!([]),
        json!({}),
        json!(true),
    ] {
        assert!(!both("TimestampEquals", t0.clone(), bad.clone()), "{bad}");
        assert!(
            !both("TimestampLessThanEquals", t0.clone(), bad),
            "ordering of a non-timestamp"
        );
    }
    // A path operand that is no timestamp: false.
    assert!(!check_path("TimestampEquals", json!("nope"), t0.clone()));
}

#[test]
fn type_tests() {
    let cases = [
        (json!(null), "IsNull"),
        (json!(0), "IsNumeric"),
        (json!(1.5), "IsNumeric"),
        (json!(""), "IsString"),
        (json!("x"), "IsString"),
        (json!(true), "IsBoolean"),
        (json!(false), "IsBoolean"),
        (json!("2012-10-09T19:00:55Z"), "IsTimestamp"),
        (json!("2012-10-09T19:00:55+01:00"), "IsTimestamp"),
        (json!([]), ""),
        (json!({}), ""),
    ];
    let ops = ["IsNull", "IsNumeric", "IsString", "IsBoolean", "IsTimestamp"];
    for (value, kind) in cases {
        for op in ops {
            let expected = op == kind || (op == "IsString" && kind == "IsTimestamp");
            assert_eq!(check(op, json!(true), value.clone()), expected, "{op} {value}");
            assert_eq!(check(op, json!(false), value.clone()), !expected, "{op} false {value}");
        }
        assert!(check("IsPresent", json!(true), value.clone()));
        assert!(!check("IsPresent", json!(false), value));
    }
    for s in ["2012-10-09T19:00:55", "2023-02-24", "2016-13-05T21:29:29Z"] {
        assert!(!check("IsTimestamp", json!(true), json!(s)), "{s}");
    }
}

#[test]
fn missing_paths() {
    let missing = |op: &str, operand: Value| {
        eval(
            json!({"Variable": "$.nope.x", op: operand, "Next": "X"}),
            json!({"v": 1}),
        )
    };
    assert_eq!(missing("IsPresent", json!(true)), Ok(false));
    assert_eq!(missing("IsPresent", json!(false)), Ok(true));
    let err = missing("NumericEquals", json!(1)).unwrap_err();
    assert_eq!(err.error, "States.Runtime");
    assert_eq!(
        err.cause.as_deref(),
        Some("Invalid path '$.nope.x': The choice state's condition path references an invalid value.")
    );
    for (op, operand) in [
        ("IsNull", json!(true)),
        ("IsString", json!(false)),
        ("StringEquals", json!("a")),
        ("BooleanEquals", json!(true)),
        ("TimestampEquals", json!("2012-10-09T19:00:55Z")),
        ("StringMatches", json!("*")),
    ] {
        assert!(missing(op, operand).is_err(), "{op}");
    }
    // A missing path operand fails too, naming the operand.
    let err = eval(
        json!({"Variable": "$.v", "NumericEqualsPath": "$.w", "Next": "X"}),
        json!({"v": 1}),
    )
    .unwrap_err();
    assert_eq!(
        err.cause.as_deref(),
        Some("Invalid path '$.w': The choice state's condition path references an invalid value.")
    );
    // An unbound variable is missing as well.
    assert_eq!(
        eval(json!({"Variable": "$nope", "IsPresent": true, "Next": "X"}), json!({})),
        Ok(false)
    );
    assert!(eval(json!({"Variable": "$nope", "IsNull": true, "Next": "X"}), json!({})).is_err());
}

#[test]
fn roots_context_and_variables() {
    let mut scope = StaticScope {
        context: json!({"Execution": {"Input": {"n": 0}}}),
        ..Default::default()
    };
    scope.variables.insert("guess".into(), json!("a"));
    scope.variables.insert("answer".into(), json!("a"));
    scope.variables.insert("obj".into(), json!({"n": 5}));
    let r = rule(json!({"Variable": "$$.Execution.Input.n", "NumericLessThanEquals": 0, "Next": "X"}));
    assert_eq!(eval_in(&r, &json!({}), &mut scope), Ok(true));
    let r = rule(json!({"Variable": "$guess", "StringEqualsPath": "$answer", "Next": "X"}));
    assert_eq!(eval_in(&r, &json!({}), &mut scope), Ok(true));
    let r = rule(json!({"Variable": "$obj.n", "NumericGreaterThanPath": "$.limit", "Next": "X"}));
    assert_eq!(eval_in(&r, &json!({"limit": 4}), &mut scope), Ok(true));
    let r = rule(json!({"Variable": "$", "NumericEquals": 3, "Next": "X"}));
    assert_eq!(eval_in(&r, &json!(3), &mut scope), Ok(true));
}

#[test]
fn combinators() {
    let r = json!({
        "And": [
            {"Variable": "$.value", "NumericGreaterThanEquals": 20},
            {"Variable": "$.value", "NumericLessThan": 30}
        ],
        "Next": "X"
    });
    assert_eq!(eval(r.clone(), json!({"value": 25})), Ok(true));
    assert_eq!(eval(r.clone(), json!({"value": 30})), Ok(false));
    let r = json!({"Or": [
        {"Variable": "$.a", "BooleanEquals": true},
        {"Not": {"Variable": "$.b", "StringEquals": "x"}}
    ], "Next": "X"});
    assert_eq!(
        eval(r.clone(), json!({"a": true})),
        Ok(true),
        "Or stops at the first true rule"
    );
    assert_eq!(eval(r.clone(), json!({"a": false, "b": "y"})), Ok(true));
    assert_eq!(eval(r.clone(), json!({"a": false, "b": "x"})), Ok(false));
    assert!(eval(r, json!({"a": false})).is_err());
    // And stops at the first false rule, so a guard protects the rules after it.
    let guarded = json!({"And": [
        {"Variable": "$", "IsPresent": true},
        {"And": [{"Variable": "$", "IsNumeric": true}, {"Variable": "$", "NumericEquals": 3}]}
    ], "Next": "X"});
    assert_eq!(eval(guarded.clone(), json!(3)), Ok(true));
    assert_eq!(eval(guarded, json!("3")), Ok(false));
    let guarded = json!({"And": [
        {"Variable": "$.x", "IsPresent": true},
        {"Variable": "$.x", "NumericEquals": 3}
    ], "Next": "X"});
    assert_eq!(eval(guarded, json!({})), Ok(false));
    let r = rule(json!({"Not": {"Not": {"Variable": "$.a", "IsNull": true}}, "Next": "X"}));
    assert!(matches!(r.kind(), RuleKind::Not(_)));
}

#[test]
fn top_level_fields_and_structure() {
    let r = rule(json!({
        "Variable": "$.a", "IsNull": true, "Next": "X",
        "Comment": "c", "Assign": {"x": 1}, "Output": {"y": 2}
    }));
    let RuleKind::Compare(c) = r.kind() else { panic!() };
    assert_eq!(c.variable.as_str(), "$.a");
    assert_eq!(c.operator, Operator::IsNull(true));
    // Every documented operator parses.
    for op in COMPARISON_OPERATORS {
        let operand = if op.ends_with("Path") {
            json!("$.b")
        } else if op.starts_with("Is") || op.starts_with("Boolean") {
            json!(true)
        } else if op.starts_with("Numeric") {
            json!(1)
        } else if op.starts_with("Timestamp") {
            json!("2016-03-14T01:59:00Z")
        } else {
            json!("s")
        };
        rule(json!({"Variable": "$.a", *op: operand, "Next": "X"}));
    }
}

#[test]
fn validation() {
    let l = "/States/C/Choices/0";
    assert_eq!(
        diags(json!({"Variable": "$.a", "NumericEquals": "1", "Next": "X"})),
        [format!(
            "SCHEMA_VALIDATION_FAILED: Expected value of type Number at {l}/NumericEquals"
        )]
    );
    assert_eq!(
        diags(json!({"Variable": "$.a", "StringEquals": 1, "Next": "X"})),
        [format!(
            "SCHEMA_VALIDATION_FAILED: Expected value of type String at {l}/StringEquals"
        )]
    );
    assert_eq!(
        diags(json!({"Variable": "$.a", "BooleanEquals": "true", "Next": "X"})),
        [format!(
            "SCHEMA_VALIDATION_FAILED: Expected value of type Boolean at {l}/BooleanEquals"
        )]
    );
    assert_eq!(
        diags(json!({"Variable": "$.a", "IsPresent": 1, "Next": "X"})),
        [format!(
            "SCHEMA_VALIDATION_FAILED: Expected value of type Boolean at {l}/IsPresent"
        )]
    );
    assert_eq!(
        diags(json!({"Variable": "$.a", "StringMatches": null, "Next": "X"})),
        [format!(
            "SCHEMA_VALIDATION_FAILED: Expected value of type String at {l}/StringMatches"
        )]
    );
    assert_eq!(
        diags(json!({"Variable": "$.a", "TimestampEquals": "2016-12-05 21:29:29Z", "Next": "X"})),
        [format!(
            "SCHEMA_VALIDATION_FAILED: String does not match RFC3339 timestamp at {l}/TimestampEquals"
        )]
    );
    assert_eq!(
        diags(json!({"Variable": "$.a", "StringEqualsPath": "nope", "Next": "X"})),
        [format!(
            "SCHEMA_VALIDATION_FAILED: The value for the field 'StringEqualsPath' must be a valid JSONPath at {l}/StringEqualsPath"
        )]
    );
    assert_eq!(
        diags(json!({"Variable": "a", "IsNull": true, "Next": "X"})),
        [format!(
            "SCHEMA_VALIDATION_FAILED: The value for the field 'Variable' must be a valid JSONPath at {l}/Variable"
        )]
    );
    assert_eq!(
        diags(json!({"Variable": 1, "IsNull": true, "Next": "X"})),
        [format!(
            "SCHEMA_VALIDATION_FAILED: Expected value of type String at {l}/Variable"
        )]
    );
    assert_eq!(
        diags(json!({"NumericEquals": 1, "Next": "X"})),
        [format!(
            "SCHEMA_VALIDATION_FAILED: These fields are required: [Variable] at {l}"
        )]
    );
    assert_eq!(
        diags(json!({"Variable": "$.a", "Next": "X"})),
        [format!(
            "SCHEMA_VALIDATION_FAILED: A Choice rule with a Variable must have one comparison operator at {l}"
        )]
    );
    assert_eq!(
        diags(json!({"Variable": "$.a", "IsNull": true, "IsString": true, "Next": "X"})),
        [format!(
            "SCHEMA_VALIDATION_FAILED: There should only be one of the following fields: [IsNull, IsString] at {l}"
        )]
    );
    assert_eq!(
        diags(json!({"Variable": "$.a", "NumericEqualz": 1, "Next": "X"})),
        [
            format!("SCHEMA_VALIDATION_FAILED: Field 'NumericEqualz' is not supported at {l}"),
            format!("SCHEMA_VALIDATION_FAILED: A Choice rule with a Variable must have one comparison operator at {l}"),
        ]
    );
    assert_eq!(
        diags(json!({"Variable": "$.a", "StringMatchesPath": "$.b", "Next": "X"})).len(),
        2,
        "StringMatches has no Path form"
    );
    assert_eq!(
        diags(json!({"Next": "X"})),
        [format!(
            "SCHEMA_VALIDATION_FAILED: The object must have only one of the following fields, [And, Or, Not, Variable] at {l}"
        )]
    );
    assert_eq!(
        diags(json!({"And": [], "Next": "X"})),
        [format!("SCHEMA_VALIDATION_FAILED: Value cannot be empty at {l}/And")]
    );
    assert_eq!(
        diags(json!({"Or": {}, "Next": "X"})),
        [format!(
            "SCHEMA_VALIDATION_FAILED: Expected value of type Array at {l}/Or"
        )]
    );
    assert_eq!(
        diags(json!({"Not": [], "Next": "X"})),
        [format!(
            "SCHEMA_VALIDATION_FAILED: Expected value of type Object at {l}/Not"
        )]
    );
    assert_eq!(
        diags(json!({"And": [{"Variable": "$.a", "IsNull": true}], "Variable": "$.a", "Next": "X"})),
        [format!(
            "SCHEMA_VALIDATION_FAILED: The object must have only one of the following fields, [And, Or, Not, Variable] at {l}"
        )]
    );
    assert_eq!(
        diags(json!({"And": [{"Variable": "$.a", "IsNull": true}], "IsNull": true, "Next": "X"})),
        [format!(
            "SCHEMA_VALIDATION_FAILED: Field 'IsNull' is not supported at {l}"
        )]
    );
    // Nested rules: no Next, every problem reported with its own location.
    assert_eq!(
        diags(json!({"Or": [
            {"Variable": "$.a", "IsNull": true, "Next": "X"},
            {"Variable": "$.a", "NumericEquals": true},
            3,
            {"Not": {"Variable": "$.a", "IsNull": true, "Assign": {}}}
        ], "Next": "X"})),
        [
            format!("SCHEMA_VALIDATION_FAILED: Field 'Next' is not supported at {l}/Or/0"),
            format!("SCHEMA_VALIDATION_FAILED: Expected value of type Number at {l}/Or/1/NumericEquals"),
            format!("SCHEMA_VALIDATION_FAILED: Expected value of type Object at {l}/Or/2"),
            format!("SCHEMA_VALIDATION_FAILED: Field 'Assign' is not supported at {l}/Or/3/Not"),
        ]
    );
    assert_eq!(
        ChoiceRule::parse_value(&json!(1), l, true).unwrap_err()[0].to_string(),
        format!("SCHEMA_VALIDATION_FAILED: Expected value of type Object at {l}")
    );
    // Not top-level: Next is refused.
    let m = json!({"Variable": "$.a", "IsNull": true, "Next": "X"});
    let d = ChoiceRule::parse(m.as_object().unwrap(), "/x", false).unwrap_err();
    assert_eq!(d[0].code, "SCHEMA_VALIDATION_FAILED");
    assert_eq!(d[0].location, "/x");
}

// ----- allocation ------------------------------------------------------------------------

/// Counts the allocations made by the current thread (tests run on several threads), on
/// top of the memory budget's allocator, which the JSONata tests of this binary rely on.
struct CountingAlloc;

static BUDGET: budget::Counting = budget::Counting::new(std::alloc::System);

thread_local! {
    static ALLOCATIONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

unsafe impl std::alloc::GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
        // SAFETY: forwarded unchanged to the budget's allocator.
        unsafe { BUDGET.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: `ptr` came from `alloc` above, i.e. from the budget's allocator.
        unsafe { BUDGET.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(|n| n.get());
    f();
    ALLOCATIONS.with(|n| n.get()) - before
}

#[test]
fn evaluation_does_not_allocate() {
    let rules = [
        json!({"Variable": "$.count", "NumericLessThan": 1000000, "Next": "X"}),
        json!({"Variable": "$.count", "NumericLessThanPath": "$.limit", "Next": "X"}),
        json!({"Variable": "$.name", "StringMatches": "lo*p\\\\", "Next": "X"}),
        json!({"Variable": "$.name", "StringGreaterThan": "a", "Next": "X"}),
        json!({"Variable": "$.when", "TimestampLessThan": "2030-01-01T00:00:00Z", "Next": "X"}),
        json!({"Variable": "$.when", "IsTimestamp": true, "Next": "X"}),
        json!({"And": [
            {"Variable": "$.count", "IsPresent": true},
            {"Not": {"Variable": "$.flag", "BooleanEqualsPath": "$$.Execution.Input.flag"}},
            {"Or": [{"Variable": "$v", "IsNull": true}, {"Variable": "$.name", "StringEquals": "x"}]}
        ], "Next": "X"}),
    ];
    let rules: Vec<ChoiceRule> = rules.into_iter().map(rule).collect();
    let input =
        json!({"count": 41, "limit": 42.5, "name": "loop\\", "when": "2024-01-01T00:00:00.5+01:00", "flag": true});
    let mut scope = StaticScope {
        context: json!({"Execution": {"Input": {"flag": false}}}),
        ..Default::default()
    };
    scope.variables.insert("v".into(), Value::Null);
    let env = Env::new(&input, &mut scope);
    let mut results = [false; 7];
    let n = allocations_during(|| {
        for _ in 0..100 {
            for (r, out) in rules.iter().zip(results.iter_mut()) {
                *out = r.evaluate(&env).unwrap();
            }
        }
    });
    assert_eq!(results, [true; 7]);
    assert_eq!(n, 0, "evaluation allocated");
    // The counter does see allocations.
    assert!(allocations_during(|| drop(std::hint::black_box(vec![1u8]))) > 0);
}

// ----- conformance corpus ---------------------------------------------------------------

use std::path::PathBuf;

fn conformance_dir() -> Option<PathBuf> {
    let candidates = [
        Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/aws-recorded")),
        std::env::var_os("STEPWISE_CONFORMANCE_DIR").map(PathBuf::from),
        Some(PathBuf::from("/work/shared/conformance/aws-recorded")),
    ];
    candidates.into_iter().flatten().find(|p| p.is_dir())
}

fn read_json(p: &std::path::Path) -> Option<Value> {
    serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok()
}

/// Finds the state `name` anywhere in a definition (also inside Map and Parallel).
fn find_state<'a>(states: &'a Value, name: &str) -> Option<&'a Value> {
    let states = states.as_object()?;
    if let Some(s) = states.get(name) {
        return Some(s);
    }
    states.values().find_map(|s| {
        let nested = ["Iterator", "ItemProcessor"]
            .iter()
            .filter_map(|k| s.get(*k).and_then(|p| p.get("States")))
            .chain(
                s.get("Branches")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|b| b.get("States")),
            );
        nested.into_iter().find_map(|st| find_state(st, name))
    })
}

/// The state a JSONPath Choice state goes to for `input` (None: no rule matched and there
/// is no Default), or the error evaluating it.
fn choose(state_name: &str, state: &Value, input: &Value, scope: &mut StaticScope) -> Result<Option<String>, String> {
    let choices = state["Choices"].as_array().ok_or("no Choices")?;
    for (i, c) in choices.iter().enumerate() {
        let loc = format!("/States/{state_name}/Choices/{i}");
        let r = ChoiceRule::parse_value(c, &loc, true).map_err(|d| format!("parse: {d:?}"))?;
        let env = Env::new(input, scope);
        if r.evaluate(&env).map_err(|e| e.to_string())? {
            return Ok(c["Next"].as_str().map(str::to_string));
        }
    }
    Ok(state.get("Default").and_then(Value::as_str).map(str::to_string))
}

fn is_jsonata(def: &Value, state: &Value) -> bool {
    state.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata")
        || (state.get("QueryLanguage").is_none() && def.get("QueryLanguage").and_then(Value::as_str) == Some("JSONata"))
}

/// The choice-operator groups: a Choice state at StartAt picks ConditionTrue or
/// ConditionFalse; the expected output says which.
#[test]
fn conformance_choice_operator_groups() {
    let Some(dir) = conformance_dir() else {
        println!("conformance corpus not found (set STEPWISE_CONFORMANCE_DIR); skipped");
        return;
    };
    const GROUPS: [&str; 5] = [
        "boolean_equals__",
        "is_operators__",
        "numeric__",
        "string_operators__",
        "timestamp_operators__",
    ];
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| GROUPS.iter().any(|g| n.starts_with(g)))
        .collect();
    names.sort();
    let (mut pass, mut failures) = (0, Vec::new());
    for name in &names {
        let case = dir.join(name);
        let (Some(def), Some(input), Some(expected)) = (
            read_json(&case.join("definition.json")),
            read_json(&case.join("input.json")),
            read_json(&case.join("expected.json")),
        ) else {
            failures.push(format!("{name}: unreadable case"));
            continue;
        };
        let start = def["StartAt"].as_str().unwrap_or_default();
        let state = &def["States"][start];
        if state["Type"] != "Choice" {
            failures.push(format!("{name}: StartAt is not a Choice state"));
            continue;
        }
        // The branch the expected output implies: the Pass state whose Result it is.
        let wanted: Vec<&String> = def["States"]
            .as_object()
            .unwrap()
            .iter()
            .filter(|(_, s)| s.get("Result") == expected.get("output"))
            .map(|(n, _)| n)
            .collect();
        let mut scope = StaticScope {
            context: json!({"Execution": {"Input": input.clone()}}),
            ..Default::default()
        };
        match choose(start, state, &input, &mut scope) {
            Ok(Some(next)) if wanted.len() == 1 && *wanted[0] == next => pass += 1,
            other => failures.push(format!("{name}: got {other:?}, expected {wanted:?}")),
        }
    }
    println!("choice operator conformance: {pass}/{} cases pass", names.len());
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
    assert!(pass > 300, "expected the full corpus, found {}", names.len());
}

/// Every recorded history of the corpus that enters a JSONPath Choice state: replay each
/// `ChoiceStateEntered` with the recorded input (and the variables assigned so far) and
/// check the state entered next.
#[test]
fn conformance_choice_histories() {
    let Some(dir) = conformance_dir() else {
        println!("conformance corpus not found (set STEPWISE_CONFORMANCE_DIR); skipped");
        return;
    };
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    names.sort();
    let (mut checked, mut pass, mut failures) = (0, 0, Vec::new());
    for name in &names {
        let case = dir.join(name);
        let (Some(def), Some(input), Some(Value::Array(history))) = (
            read_json(&case.join("definition.json")),
            read_json(&case.join("input.json")),
            read_json(&case.join("history.json")),
        ) else {
            continue;
        };
        let mut variables = Map::new();
        for ev in &history {
            if let Some(assigned) = ev
                .pointer("/stateExitedEventDetails/assignedVariables")
                .and_then(Value::as_object)
            {
                for (k, v) in assigned {
                    let v = v.as_str().and_then(|s| serde_json::from_str(s).ok());
                    variables.insert(k.clone(), v.unwrap_or(Value::Null));
                }
            }
            if ev["type"] != "ChoiceStateEntered" || !ev["id"].is_u64() {
                continue;
            }
            let details = &ev["stateEnteredEventDetails"];
            let state_name = details["name"].as_str().unwrap_or_default();
            let Some(state) = find_state(&def["States"], state_name) else {
                continue;
            };
            if is_jsonata(&def, state) {
                continue;
            }
            // What happened next: the event caused by this one and, after ChoiceStateExited,
            // the state entered.
            let after = |id: &Value| history.iter().find(|e| e["previousEventId"] == *id);
            let Some(next_ev) = after(&ev["id"]) else {
                continue;
            };
            let recorded = if next_ev["type"] == "ChoiceStateExited" {
                after(&next_ev["id"])
                    .and_then(|e| e.pointer("/stateEnteredEventDetails/name"))
                    .and_then(Value::as_str)
                    .map(|s| Ok(Some(s.to_string())))
            } else {
                next_ev
                    .pointer("/executionFailedEventDetails/error")
                    .map(|err| match err.as_str() {
                        Some("States.NoChoiceMatched") => Ok(None),
                        other => Err(other.unwrap_or_default().to_string()),
                    })
            };
            let Some(recorded) = recorded else { continue };
            checked += 1;
            let mut scope = StaticScope {
                context: json!({"Execution": {"Input": input.clone()}}),
                variables: variables.clone(),
                ..Default::default()
            };
            let got = choose(state_name, state, &details["input"], &mut scope);
            let same = match (&got, &recorded) {
                (Ok(a), Ok(b)) => a == b,
                (Err(a), Err(b)) => a.starts_with(b.as_str()),
                _ => false,
            };
            if same {
                pass += 1;
            } else {
                failures.push(format!(
                    "{name} (event {}): got {got:?}, recorded {recorded:?}",
                    ev["id"]
                ));
            }
        }
    }
    println!("choice history replay: {pass}/{checked} Choice transitions match");
    assert!(failures.is_empty(), "failures:\n{}", failures.join("\n"));
}
