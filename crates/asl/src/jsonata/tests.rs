use std::time::Duration;

use serde_json::{Value, json};

use super::*;
use crate::env::StaticScope;

fn scope() -> StaticScope {
    StaticScope {
        context: json!({"Execution": {"Id": "arn:exec"}, "State": {"Name": "S"}}),
        variables: json!({"n": 3, "cart": {"items": [{"price": 2}, {"price": 5}]}})
            .as_object()
            .cloned()
            .unwrap(),
        seed: 7,
        now_ms: 1_700_000_000_123,
    }
}

fn eval_in(text: &str, input: &Value, scope: &mut StaticScope) -> Result<Option<Value>, JsonataError> {
    let e = Expression::compile(text)?;
    let b = Bindings::new(input, scope);
    e.eval(&b)
}

fn eval(text: &str) -> Result<Option<Value>, JsonataError> {
    eval_in(text, &json!({"a": {"b": 1}, "list": [1, 2, 3]}), &mut scope())
}

fn ok(text: &str) -> Value {
    eval(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .unwrap_or_else(|| panic!("{text}: undefined"))
}

fn code(text: &str) -> String {
    match eval(text) {
        Err(e) => e.code.unwrap_or_default(),
        Ok(v) => panic!("{text}: expected an error, got {v:?}"),
    }
}

#[test]
fn delimiters() {
    assert!(is_expression("{% 1 %}"));
    assert!(is_expression("{%1%}"));
    assert!(is_expression("{%\n $x \n%}"));
    assert!(!is_expression(" {% 1 %}"));
    assert!(!is_expression("{% 1 %} "));
    assert!(!is_expression("{%}"));
    assert!(!is_expression("$states.input"));
    assert_eq!(expression_text("{%  $x.y \t%}"), Some("$x.y"));
    assert_eq!(expression_text(" {% x %} "), None);
}

#[test]
fn numbers_stay_integral() {
    assert_eq!(ok("42").to_string(), "42");
    assert_eq!(ok("6 * 7").to_string(), "42");
    assert_eq!(ok("84 / 2").to_string(), "42");
    assert_eq!(ok("0.5 + 0.25").to_string(), "0.75");
    assert_eq!(ok("-0").to_string(), "0");
    assert_eq!(ok("9007199254740992").to_string(), "9007199254740992");
    assert_eq!(ok("1e300").as_f64(), Some(1e300));
    // Input integers come back as integers.
    assert_eq!(ok("$states.input.list").to_string(), "[1,2,3]");
}

#[test]
fn undefined_is_not_null() {
    assert_eq!(eval("null").unwrap(), Some(Value::Null));
    assert_eq!(eval("$nothing").unwrap(), None);
    assert_eq!(eval("$states.input.missing").unwrap(), None);
    assert_eq!(ok("{'a': $nothing, 'b': null}"), json!({"b": null}));
    assert_eq!(ok("[1, $nothing, 2]"), json!([1, 2]));
    // A function is not JSON: undefined.
    assert_eq!(eval("function($x){$x}").unwrap(), None);
}

#[test]
fn values_round_trip() {
    let input = json!({"s": "é\u{1F600}", "n": [1.5, -2, true, null, {"k": [[]]}], "o": {}});
    assert_eq!(
        eval_in("$states.input", &input, &mut scope()).unwrap(),
        Some(input.clone())
    );
}

#[test]
fn states_and_variables() {
    assert_eq!(ok("$states.input.a.b"), json!(1));
    assert_eq!(ok("$states.context.Execution.Id"), json!("arn:exec"));
    assert_eq!(ok("$n + 1"), json!(4));
    assert_eq!(ok("$sum($cart.items.price)"), json!(7));
    assert_eq!(ok("$keys($states)"), json!(["input", "context"]));
    assert_eq!(eval("$states.result").unwrap(), None);

    let input = json!({});
    let result = json!({"r": 1});
    let error = json!({"Error": "E", "Cause": "c"});
    let mut s = scope();
    let b = Bindings::new(&input, &mut s)
        .with_result(&result)
        .with_error_output(&error);
    let e = Expression::compile("[$states.result.r, $states.errorOutput.Error]").unwrap();
    assert_eq!(e.eval(&b).unwrap(), Some(json!([1, "E"])));
    // `$` is undefined in Step Functions: data comes from $states.
    let e = Expression::compile("$").unwrap();
    assert_eq!(e.eval(&b).unwrap(), None);
}

#[test]
fn field_chains_convert_only_what_they_read() {
    let big: Vec<Value> = (0..5000)
        .map(|i| json!({"id": i, "name": format!("item {i}"), "tags": ["x", "y"]}))
        .collect();
    let input =
        json!({"items": big, "order": {"id": "o-1", "lines": [{"sku": "a", "qty": 2}, {"sku": "b", "qty": 3}]}});
    let mut s = scope();
    let b = Bindings::new(&input, &mut s);

    let e = Expression::compile("$states.input.order.id").unwrap();
    assert_eq!(e.eval(&b).unwrap(), Some(json!("o-1")));
    let e = Expression::compile("$sum($states.input.order.lines.qty)").unwrap();
    assert_eq!(e.eval(&b).unwrap(), Some(json!(5)));
    let e = Expression::compile("$states.input.items[id = 4999].name").unwrap();
    assert_eq!(e.eval(&b).unwrap(), Some(json!("item 4999")));
    let e = Expression::compile("$count($states.input.items.tags)").unwrap();
    assert_eq!(e.eval(&b).unwrap(), Some(json!(10000)));
    // None of these needed the whole input (the filtered `items` array is converted whole,
    // but not counted: it is a selection).
    assert_eq!(b.whole_conversions(), 0);

    // Expressions that need all of it convert it once per Bindings.
    let whole = Expression::compile("$count($keys($states.input))").unwrap();
    let other = Expression::compile("$states.input.*.id").unwrap();
    assert_eq!(whole.eval(&b).unwrap(), Some(json!(2)));
    assert_eq!(other.eval(&b).unwrap().map(|v| v.as_array().unwrap().len()), Some(5001));
    assert_eq!(whole.eval(&b).unwrap(), Some(json!(2)));
    assert_eq!(b.whole_conversions(), 1);
}

#[test]
fn projection_keeps_semantics() {
    let input = json!({"a": [{"b": {"c": 1, "d": 2}}, [{"b": {"c": 3}}], {"x": 0}], "e": 5});
    let mut s = scope();
    for (text, expected) in [
        ("$states.input.a.b.c", json!([1, 3])),
        ("$states.input.a.b", json!([{"c": 1, "d": 2}, {"c": 3}])),
        ("$states.input.a[1]", json!([{"b": {"c": 3}}])),
        ("$states.input.a.%.e", json!([5, 5, 5])),
        ("($x := $states.input; $x.e)", json!(5)),
        ("$lookup($states.input, 'e')", json!(5)),
        ("$states.input.a.b.c ~> $sum()", json!(4)),
    ] {
        assert_eq!(eval_in(text, &input, &mut s).unwrap(), Some(expected), "{text}");
    }
}

#[test]
fn variables_shadow_functions_as_in_aws() {
    // A workflow variable named like a function hides it, as a jsonata-js binding does.
    let mut s = StaticScope {
        variables: json!({"sum": 1}).as_object().cloned().unwrap(),
        ..scope()
    };
    let err = eval_in("$sum([1, 2])", &json!({}), &mut s).unwrap_err();
    assert_eq!(err.to_string(), "T1006: Attempted to invoke a non-function");
}

#[test]
fn partition() {
    assert_eq!(ok("$partition([1,2,3,4,5], 2)"), json!([[1, 2], [3, 4], [5]]));
    assert_eq!(ok("$partition([0], 3)"), json!([[0]]));
    assert_eq!(ok("$partition([], 3)"), json!([]));
    assert_eq!(eval("$partition($nothing, 3)").unwrap(), None);
    assert_eq!(code("$partition([1], 0)"), "D3001");
    assert_eq!(code("$partition([1], 'x')"), "T0410");
    assert_eq!(code("$partition([1])"), "T0411");
}

#[test]
fn range() {
    assert_eq!(ok("$range(0, 9, 3)"), json!([0, 3, 6, 9]));
    assert_eq!(ok("$range(1, 9, 2)"), json!([1, 3, 5, 7, 9]));
    assert_eq!(ok("$range(1, 9, 9)"), json!(1));
    assert_eq!(ok("$range(5, 1, -2)"), json!([5, 3, 1]));
    assert_eq!(eval("$range(5, 1, 1)").unwrap(), None);
    assert_eq!(code("$range(0, 5, 0)"), "D3001");
    assert_eq!(code("$range(0, 5000, 1)"), "D3001");
    assert_eq!(code("$range(0.5, 5, 1)"), "D3001");
}

#[test]
fn hash() {
    for (alg, hex) in [
        ("MD5", "a43c1b0aa53a0c908810c06ab1ff3967"),
        ("SHA-1", "140f86aae51ab9e1cda9b4254fe98a74eb54c1a1"),
        (
            "SHA-256",
            "c96c6d5be8d08a12e7b5cdc1b207fa6b2430974c86803d8891675e76fd992c20",
        ),
        (
            "SHA-384",
            "4fbd200eb6266698f0846c66607c98797e2b9b3af5bf82aa1aa330a0e2b12aba97755e3bc955c9765e9edcc70278ca2c",
        ),
        (
            "SHA-512",
            "dc6d6c30f2be9c976d6318c9a534d85e9a1c3f3608321a04b4678ef408124d45d7164f3e562e68c6c0b6c077340a785824017032fddfa924f4cf400e6cbb6adc",
        ),
    ] {
        assert_eq!(ok(&format!("$hash('input', '{alg}')")), json!(hex), "{alg}");
    }
    assert_eq!(code("$hash('input', 'SHA-3')"), "D3001");
    assert_eq!(code("$hash(1, 'MD5')"), "T0410");
}

#[test]
fn parse() {
    assert_eq!(ok("$parse('[1, 2, \"HelloWorld\"]')"), json!([1, 2, "HelloWorld"]));
    assert_eq!(ok("$parse('-0')").to_string(), "0");
    assert_eq!(ok("$parse('{\"a\": {\"b\": true}}').a.b"), json!(true));
    assert_eq!(code("$parse('{')"), "D3001");
    assert_eq!(code("$parse(1)"), "T0410");
}

#[test]
fn randomness_is_injected() {
    let run = |text: &str, seed: u64| {
        let mut s = StaticScope { seed, ..scope() };
        eval_in(text, &json!({}), &mut s).unwrap().unwrap()
    };
    let r = run("[$random(), $random()]", 1);
    let xs: Vec<f64> = r.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert!(xs.iter().all(|x| (0.0..1.0).contains(x)) && xs[0] != xs[1]);
    assert_eq!(run("[$random(), $random()]", 1), r);
    assert_ne!(run("[$random(), $random()]", 2), r);
    // A seed gives the same number whatever the stream.
    assert_eq!(run("$random(42)", 1), run("$random(42)", 2));
    assert_ne!(run("$random(42)", 1), run("$random(43)", 1));

    let u = run("$uuid()", 3);
    let u = u.as_str().unwrap();
    assert_eq!(u.len(), 36);
    assert_eq!(&u[14..15], "4");
    assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
    assert_eq!(run("$uuid()", 3), json!(u));
    assert_ne!(run("$uuid()", 4), json!(u));

    assert_eq!(
        run("$shuffle([1,2,3,4,5,6,7,8])", 5),
        run("$shuffle([1,2,3,4,5,6,7,8])", 5)
    );
    assert_eq!(run("$sort($shuffle([3,1,2]))", 5), json!([1, 2, 3]));
}

#[test]
fn eval_and_newer_syntax_are_refused() {
    assert_eq!(code("$eval('1 + 1')"), "T1006");
    assert_eq!(code("($f := $eval; $f('1'))"), "T1006");
    // A binding of its own is fine.
    assert_eq!(ok("($eval := function($x){$x * 2}; $eval(21))"), json!(42));
    for text in ["$x ?? 1", "$x ?: 1"] {
        let e = Expression::compile(text).unwrap_err();
        assert_eq!(e.code.as_deref(), Some("S0211"), "{text}");
    }
    // Both are fine in the standard dialect ($eval) or inside signatures.
    let std = Options {
        dialect: Dialect::Standard,
        ..Options::default()
    };
    let e = Expression::compile_with("$eval('1 + 1')", std).unwrap();
    let mut s = scope();
    assert_eq!(e.eval(&Bindings::new(&json!({}), &mut s)).unwrap(), Some(json!(2)));
    assert_eq!(ok("λ($a, $b)<n?:n>{$a}(5)"), json!(5));
}

#[test]
fn syntax_errors_have_codes() {
    let e = Expression::compile("1 +").unwrap_err();
    assert_eq!(e.code.as_deref(), Some("S0207"));
    assert_eq!(e.to_string(), "S0207: Unexpected end of expression");
    assert_eq!(Expression::compile("/* x").unwrap_err().code.as_deref(), Some("S0106"));
}

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(512 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

#[test]
fn runaway_recursion_is_an_error() {
    let c = on_small_stack(|| code("($f := function($n){ $n + $f($n + 1) }; $f(0))"));
    assert_eq!(c, "D1011");
}

#[test]
fn runaway_loops_time_out() {
    let options = Options {
        limits: Limits {
            timeout: Duration::from_millis(200),
            max_depth: 1000,
            ..Limits::default()
        },
        ..Options::default()
    };
    // Tail calls do not nest, so only the clock stops this one.
    let e = Expression::compile_with("($f := function($n){ $f($n + 1) }; $f(0))", options).unwrap();
    let mut s = scope();
    let err = e.eval(&Bindings::new(&json!({}), &mut s)).unwrap_err();
    assert_eq!(err.code.as_deref(), Some("D1012"));
    assert!(err.is_time_limit());
}

/// A scope that answers every time-limit question with `answer` and counts the questions,
/// the time-limit hits and the memory-limit hits (the budget tests use it too).
pub(super) struct Timed {
    inner: StaticScope,
    answer: TimeLimit,
    pub(super) asked: usize,
    pub(super) hits: usize,
    pub(super) memory_hits: usize,
}

impl crate::Scope for Timed {
    fn context(&self) -> &Value {
        self.inner.context()
    }
    fn variable(&self, name: &str) -> Option<&Value> {
        self.inner.variable(name)
    }
    fn random_u64(&mut self) -> u64 {
        self.inner.random_u64()
    }
    fn now_ms(&self) -> i64 {
        self.inner.now_ms()
    }
    fn time_limit(&mut self) -> TimeLimit {
        self.asked += 1;
        self.answer
    }
    fn time_limit_hit(&mut self) {
        self.hits += 1;
    }
    fn memory_limit_hit(&mut self) {
        self.memory_hits += 1;
    }
}

pub(super) fn timed(answer: TimeLimit) -> Timed {
    Timed {
        inner: scope(),
        answer,
        asked: 0,
        hits: 0,
        memory_hits: 0,
    }
}

#[test]
fn the_scope_times_evaluations_and_hears_of_hits() {
    const RUNAWAY: &str = "($f := function($n){ $f($n + 1) }; $f(0))";
    let e = Expression::compile(RUNAWAY).unwrap();
    let mut s = timed(TimeLimit::Within(Duration::from_millis(30)));
    let real = e.eval(&Bindings::new(&json!({}), &mut s)).unwrap_err();
    assert!(real.is_time_limit());
    assert_eq!((s.asked, s.hits), (1, 1));

    // A recorded hit fails the same way without running (the default limit is 5 s).
    let mut s = timed(TimeLimit::Exceeded(Some(Duration::from_millis(30))));
    let started = std::time::Instant::now();
    let replayed = e.eval(&Bindings::new(&json!({}), &mut s)).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(replayed, real);
    assert_eq!((s.asked, s.hits), (1, 0));
    let mut s = timed(TimeLimit::Exceeded(None));
    let own = e.eval(&Bindings::new(&json!({}), &mut s)).unwrap_err();
    assert_eq!(
        own.message,
        "Evaluation timeout after 5000 milliseconds. Check for infinite loop"
    );

    // Lifted: no limit at all (a bounded loop that a tiny limit would stop).
    let slow = Expression::compile("$sum($map([1..200000], function($v){ $v * 2 }))").unwrap();
    let mut s = timed(TimeLimit::Lifted);
    assert_eq!(
        slow.eval(&Bindings::new(&json!({}), &mut s)).unwrap(),
        Some(json!(40000200000u64))
    );
    assert_eq!((s.asked, s.hits), (1, 0));

    // The fast path cannot time out and does not ask.
    let mut s = timed(TimeLimit::Exceeded(None));
    let fast = Expression::compile("$states.input.a").unwrap();
    assert_eq!(
        fast.eval(&Bindings::new(&json!({"a": 1}), &mut s)).unwrap(),
        Some(json!(1))
    );
    assert_eq!(s.asked, 0);
}

#[test]
fn deep_expressions_and_values_do_not_overflow() {
    // A value nested 1000 deep, built and compared on this thread, converted on a 512 KiB stack.
    let mut deep = json!(1);
    for _ in 0..1000 {
        deep = json!([deep]);
    }
    let input = json!({"d": deep});
    let (parsed, out, input) = on_small_stack(move || {
        let text = format!("{}1{}", "[".repeat(3000), "]".repeat(3000));
        let parsed = eval(&text).map(|v| v.is_some());
        let out = eval_in("$states.input.d", &input, &mut scope());
        (parsed, out, input)
    });
    assert!(matches!(parsed, Ok(true) | Err(_)));
    assert_eq!(out.unwrap().as_ref(), Some(&input["d"]));
}

#[test]
fn field_errors_use_aws_causes() {
    let mut s = scope();
    let input = json!({"FunctionInput": {"fst": "x"}});
    let b = Bindings::new(&input, &mut s);

    let e = Expression::compile("$doesNotExist").unwrap();
    let err = e.eval_field(&b, "Output/result").unwrap_err();
    assert_eq!(err.error, "States.QueryEvaluationError");
    assert_eq!(
        err.cause.unwrap(),
        "The JSONata expression '$doesNotExist' specified for the field 'Output/result' returned nothing (undefined)."
    );

    let e = Expression::compile("$randomSeeded($states.input.FunctionInput.fst)").unwrap();
    let err = e.eval_field(&b, "Output/FunctionResult").unwrap_err();
    assert_eq!(
        err.cause.unwrap(),
        "The JSONata expression '$randomSeeded($states.input.FunctionInput.fst)' specified for the field 'Output/FunctionResult' threw an error during evaluation. T1006: Attempted to invoke a non-function"
    );

    let e = Expression::compile("{'foo': 'bar'}").unwrap();
    let v = e.eval_field(&b, "Items").unwrap();
    assert_eq!(
        e.unexpected_type_error("Items", "array", &v).cause.unwrap(),
        "The JSONata expression '{'foo': 'bar'}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was 'object' for value: {\"foo\":\"bar\"}"
    );
}

#[test]
fn templates() {
    let t = Template::compile(&json!({
        "static": "Hello",
        "not": " {% states.input %} ",
        "title": "{% $states.input.title %}",
        "list": [1, "{% $n %}", {"deep": "{% $n * 2 %}"}],
        "plain": {"k": [true, null]}
    }))
    .unwrap();
    let input = json!({"title": "Doctor"});
    let mut s = scope();
    let b = Bindings::new(&input, &mut s);
    assert_eq!(
        t.eval(&b, "Arguments").unwrap(),
        json!({"static": "Hello", "not": " {% states.input %} ", "title": "Doctor", "list": [1, 3, {"deep": 6}], "plain": {"k": [true, null]}})
    );
    assert!(Template::compile(&json!({"a": [1, " {% x %}"]})).unwrap().is_const());

    let t = Template::compile(&json!({"result": "{% $doesNotExist %}"})).unwrap();
    let err = t.eval(&b, "Output").unwrap_err();
    assert!(
        err.cause
            .unwrap()
            .contains("for the field 'Output/result' returned nothing")
    );

    let t = Template::compile(&json!("{% $states.input %}")).unwrap();
    assert_eq!(t.eval(&b, "Output").unwrap(), input);

    let err = Template::compile(&json!({"a": {"b": ["{% 1 + %}"]}})).unwrap_err();
    assert_eq!(err.path, "/a/b/0");
    assert_eq!(err.text, "1 +");
    assert_eq!(err.error.code.as_deref(), Some("S0207"));
}

/// A 200 KiB input read by many expressions of one state: field chains convert nothing
/// whole, and expressions that need the whole input share one conversion.
#[test]
fn large_input_is_not_converted_per_expression() {
    let items: Vec<Value> = (0..2800)
        .map(|i| json!({"id": i, "name": format!("product number {i:05}"), "price": i % 97, "tags": ["a", "b", "c"]}))
        .collect();
    let input = json!({"customer": {"id": "c-1", "tier": "gold"}, "items": items});
    let size = serde_json::to_string(&input).unwrap().len();
    assert!(size > 200_000, "{size}");
    let mut s = scope();
    let b = Bindings::new(&input, &mut s);

    let narrow: Vec<Expression> = (0..50)
        .map(|i| Expression::compile(&format!("$states.input.customer.tier & '-{i}'")).unwrap())
        .collect();
    let started = std::time::Instant::now();
    for e in &narrow {
        assert!(e.eval(&b).unwrap().is_some());
    }
    let narrow_time = started.elapsed();
    assert_eq!(b.whole_conversions(), 0);

    let wide: Vec<Expression> = (0..50)
        .map(|i| Expression::compile(&format!("$count($states.input.items[price > {i}])")).unwrap())
        .collect();
    let started = std::time::Instant::now();
    for e in &wide {
        assert!(e.eval(&b).unwrap().is_some());
    }
    let wide_time = started.elapsed();
    let whole: Vec<Expression> = (0..50)
        .map(|i| Expression::compile(&format!("$count($states.input.*) + {i}")).unwrap())
        .collect();
    let started = std::time::Instant::now();
    for e in &whole {
        assert!(e.eval(&b).unwrap().is_some());
    }
    let whole_time = started.elapsed();
    assert_eq!(b.whole_conversions(), 1);
    eprintln!(
        "{size} bytes of input, 50 expressions each: field chain {narrow_time:?}, filtered field {wide_time:?}, whole input {whole_time:?}"
    );
}

#[test]
fn now_and_millis_come_from_the_scope() {
    let mut s = scope();
    assert_eq!(
        eval_in("$millis()", &json!({}), &mut s).unwrap(),
        Some(json!(1_700_000_000_123i64))
    );
    assert_eq!(
        eval_in("$now()", &json!({}), &mut s).unwrap(),
        Some(json!("2023-11-14T22:13:20.123Z"))
    );
}
