//! The fast path against jsonata-core: generated expressions of the fast subset (and a
//! little beyond it), evaluated over generated inputs, variables, results and error
//! outputs both ways, must give identical values, undefined results and errors.

use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::*;
use crate::env::StaticScope;

fn leaf_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        1 => Just(json!(null)),
        1 => any::<bool>().prop_map(Value::Bool),
        4 => (-5i64..=5).prop_map(Value::from),
        2 => prop_oneof![
            Just(json!(0.5)),
            Just(json!(-2.25)),
            Just(json!(1.0)),
            Just(json!(-0.0)),
            Just(json!(0.1)),
            Just(json!(1e300)),
            Just(json!(-1e300)),
            Just(json!(9007199254740993u64)),
            Just(json!(18446744073709551615u64)),
            Just(json!(-9223372036854775808i64)),
            Just(json!(123456789012i64)),
        ],
        2 => prop_oneof![
            Just(json!("")),
            Just(json!("a")),
            Just(json!("b")),
            Just(json!("ab")),
            Just(json!("10")),
            Just(json!("é")),
            Just(json!("\u{e000}")),
            Just(json!("😀")),
            Just(json!("true")),
        ],
    ]
}

const KEYS: [&str; 6] = ["a", "b", "c", "n", "s", "my field"];

fn value() -> impl Strategy<Value = Value> {
    leaf_value().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(&KEYS[..]), inner), 0..5).prop_map(|members| {
                let mut m = Map::new();
                for (k, v) in members {
                    m.insert(k.to_string(), v);
                }
                Value::Object(m)
            }),
        ]
    })
}

/// An object value (as `$states.input` usually is), or sometimes anything.
fn object_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => prop::collection::vec((prop::sample::select(&KEYS[..]), value()), 0..6).prop_map(|members| {
            let mut m = Map::new();
            for (k, v) in members {
                m.insert(k.to_string(), v);
            }
            Value::Object(m)
        }),
        1 => value(),
    ]
}

fn path() -> impl Strategy<Value = String> {
    let roots = prop_oneof![
        8 => Just("$states.input"),
        2 => Just("$states.result"),
        1 => Just("$states.errorOutput"),
        1 => Just("$states.context"),
        1 => Just("$states.other"),
        1 => Just("$states"),
        3 => Just("$x"),
        1 => Just("$y"),
        1 => Just("$hash"),
        1 => Just("$string"),
        1 => Just("$nope"),
        1 => Just("$sum"),
        1 => Just("$random"),
    ];
    let fields = prop::collection::vec(
        prop::sample::select(vec!["a", "b", "c", "n", "s", "`my field`", "input", "Execution", "Id"]),
        0..3,
    );
    (roots, fields).prop_map(|(root, fields)| {
        let mut s = root.to_string();
        for f in fields {
            s.push('.');
            s.push_str(f);
        }
        s
    })
}

fn literal() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "0", "1", "2", "3", "2.5", "0.1", "1e308", "1e-7", "\"\"", "\"a\"", "\"b\"", "\"10\"", "\"é\"", "true",
        "false", "null",
    ])
    .prop_map(str::to_string)
}

fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![3 => path(), 2 => literal()];
    leaf.prop_recursive(4, 24, 3, |inner| {
        let op = prop::sample::select(vec![
            "+", "-", "*", "/", "%", "=", "!=", "<", "<=", ">", ">=", "and", "or", "&",
        ]);
        prop_oneof![
            12 => (inner.clone(), op, inner.clone()).prop_map(|(l, op, r)| format!("({l}) {op} ({r})")),
            2 => inner.clone().prop_map(|e| format!("-({e})")),
            2 => inner.clone().prop_map(|e| format!("({e})")),
            2 => (inner.clone(), inner.clone(), inner.clone()).prop_map(|(c, t, e)| format!("({c}) ? ({t}) : ({e})")),
            2 => (inner.clone(), inner.clone()).prop_map(|(c, t)| format!("({c}) ? ({t})")),
            // A little beyond the subset: jsonata-core alone must answer these.
            1 => inner.clone().prop_map(|e| format!("$string({e})")),
            1 => inner.prop_map(|e| format!("[{e}]")),
        ]
    })
}

#[derive(Debug, Clone)]
struct Case {
    input: Value,
    result: Option<Value>,
    error_output: Option<Value>,
    variables: Map<String, Value>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        object_value(),
        prop::option::of(object_value()),
        prop::option::of(object_value()),
        prop::collection::vec(
            (
                prop::sample::select(vec!["x", "y", "hash", "string", "random"]),
                object_value(),
            ),
            0..4,
        ),
    )
        .prop_map(|(input, result, error_output, vars)| Case {
            input,
            result,
            error_output,
            variables: vars.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        })
}

/// A result as text, so that `1` and `1.0` (equal as `Value`s) count as different.
fn shown(r: &Result<Option<Value>, JsonataError>) -> String {
    match r {
        Ok(Some(v)) => format!("value {v}"),
        Ok(None) => "undefined".to_string(),
        Err(e) => format!("error {e}"),
    }
}

/// How many generated evaluations the fast path answered, and how many there were.
static ANSWERED: AtomicUsize = AtomicUsize::new(0);
static EVALUATED: AtomicUsize = AtomicUsize::new(0);
static DEFINED: AtomicUsize = AtomicUsize::new(0);

fn both_ways(e: &Expression, c: &Case) -> (String, String) {
    let mut scope = StaticScope {
        context: json!({"Execution": {"Id": "arn:exec", "Input": {"a": 1}}, "State": {"Name": "S"}}),
        variables: c.variables.clone(),
        seed: 7,
        now_ms: 0,
    };
    let run = |fast: bool, scope: &mut StaticScope| {
        let mut b = Bindings::new(&c.input, scope);
        if let Some(r) = &c.result {
            b = b.with_result(r);
        }
        if let Some(x) = &c.error_output {
            b = b.with_error_output(x);
        }
        if fast {
            EVALUATED.fetch_add(1, Ordering::Relaxed);
            if let Some(v) = e.eval_fast_only(&b) {
                ANSWERED.fetch_add(1, Ordering::Relaxed);
                if v.is_some() {
                    DEFINED.fetch_add(1, Ordering::Relaxed);
                }
            }
            e.eval(&b)
        } else {
            e.eval_core(&b)
        }
    };
    let fast = run(true, &mut scope);
    let seed_after_fast = scope.seed;
    scope.seed = 7;
    let core = run(false, &mut scope);
    // The fast path draws no randomness that jsonata-core would not draw.
    assert_eq!(
        seed_after_fast,
        scope.seed,
        "randomness drawn differently for {}",
        e.text()
    );
    (shown(&fast), shown(&core))
}

proptest! {
    // 1,000 expressions, 8 cases each, unless PROPTEST_CASES says otherwise (run it with
    // many more in release builds: `PROPTEST_CASES=100000 cargo test --release …`).
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(1000),
        ..ProptestConfig::default()
    })]

    fn fast_matches_jsonata_core_(text in expression(), cases in prop::collection::vec(case(), 8)) {
        let e = match Expression::compile(&text) {
            Ok(e) => e,
            Err(_) => return Ok(()),
        };
        for c in &cases {
            let (fast, core) = both_ways(&e, c);
            prop_assert_eq!(
                &fast,
                &core,
                "{} with input {}, result {:?}, errorOutput {:?}, variables {:?}",
                text,
                c.input,
                c.result,
                c.error_output,
                c.variables
            );
        }
    }
}

/// Runs the generated comparison and checks that it exercised the fast path: a good part
/// of the evaluations must have been answered by it.
#[test]
fn fast_matches_jsonata_core() {
    fast_matches_jsonata_core_();
    let (answered, evaluated) = (ANSWERED.load(Ordering::Relaxed), EVALUATED.load(Ordering::Relaxed));
    let defined = DEFINED.load(Ordering::Relaxed);
    eprintln!("fast path answered {answered} of {evaluated} evaluations, {defined} with a value");
    assert!(
        answered * 8 >= evaluated && defined * 16 >= evaluated,
        "fast path answered only {answered} of {evaluated}, {defined} with a value"
    );
}

#[test]
fn the_subset_takes_the_fast_path() {
    for text in [
        "$states.input.count < $states.input.limit",
        "$states.input.count + 1",
        "$states.input.limit",
        "$states.result.Payload.items",
        "$x.a = \"b\" and ($y or -$states.input.n >= 2 % 3)",
        "$states.input.ok ? \"yes\" : \"no\"",
        "\"Hello \" & $states.input.name",
        "null",
        "$states.context.Execution.Id",
    ] {
        assert!(Expression::compile(text).unwrap().has_fast_path(), "{text}");
    }
    for text in [
        "$count($states.input.items)",
        "$states.input.items[0]",
        "$random()",
        "$random.a",
        "$states",
        "$",
        "$$.a",
        "($a := 1; $a + 1)",
        "[1, 2]",
        "{\"a\": 1}",
        "$states.input.*",
        "1..3",
    ] {
        assert!(!Expression::compile(text).unwrap().has_fast_path(), "{text}");
    }
}

#[test]
fn standard_dialect_and_tight_limits_never_take_the_fast_path() {
    let standard = Options {
        dialect: Dialect::Standard,
        ..Options::default()
    };
    assert!(!Expression::compile_with("$x + 1", standard).unwrap().has_fast_path());
    let tight = Options {
        limits: Limits {
            max_depth: 10,
            ..Limits::default()
        },
        ..Options::default()
    };
    assert!(!Expression::compile_with("$x + 1", tight).unwrap().has_fast_path());
}

#[test]
fn examples_both_ways() {
    let c = Case {
        input: json!({"count": 3, "limit": 10, "f": 0.5, "big": 9007199254740993u64, "s": "x", "o": {"n": 1.0, "l": [1, [2.0]]}}),
        result: Some(json!({"Payload": {"ok": true}})),
        error_output: None,
        variables: json!({"x": {"a": "b"}, "y": 0, "hash": {"a": 1}})
            .as_object()
            .cloned()
            .unwrap(),
    };
    for text in [
        "$states.input.count < $states.input.limit",
        "$states.input.count + 1",
        "$states.input.big",
        "$states.input.big + 0",
        "$states.input.o",
        "$states.input.s + 1",
        "1 + $states.input.s",
        "$states.input.missing + 1",
        "$states.input.missing < 1",
        "$states.input.s < 1",
        "$states.input.o < 1",
        "$states.input.missing = $states.input.missing",
        "$states.input.missing != 1",
        "$states.input.o = $states.input.o",
        "1 / 0",
        "0 / 0",
        "-$states.input.s",
        "$states.errorOutput.a",
        "$states.result.Payload.ok and $x.a = \"b\"",
        "$y or $hash.a",
        "$nope + 1",
        "$sum + 1",
        "$states.input.s & 1",
        "$states.input.s & $states.input.missing",
        "$states.input.o.l",
        "$states.input.o.l.x",
        "$states.input.o.l + 1",
        "$states.input.o.l = $states.input.o.l",
        "$states.input.o.l = $states.input.missing",
        "$states.input.o.l ? 1 : 2",
        "$states.input.f > 0 ? $states.input.o.l : $states.input.s",
    ] {
        let e = Expression::compile(text).unwrap();
        let (fast, core) = both_ways(&e, &c);
        assert_eq!(fast, core, "{text}");
    }
}
