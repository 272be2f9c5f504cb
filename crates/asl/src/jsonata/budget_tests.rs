//! The memory budget of an evaluation ([`Limits::max_memory`]). This test binary installs
//! `budget::Counting` as its allocator (see `choice/tests.rs`), as the `stepwise` binary does.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::tests::timed;
use super::*;
use crate::env::StaticScope;

fn eval_with(text: &str, scope: &mut dyn crate::Scope) -> Result<Option<Value>, JsonataError> {
    let e = Expression::compile(text)?;
    let input = json!({"name": "foo"});
    e.eval(&Bindings::new(&input, scope))
}

fn eval(text: &str) -> Result<Option<Value>, JsonataError> {
    eval_with(text, &mut StaticScope::default())
}

fn memory_error(text: &str) -> JsonataError {
    let started = Instant::now();
    let e = match eval(text) {
        Err(e) => e,
        Ok(v) => panic!("{text}: expected the memory limit, got {v:?}"),
    };
    assert!(e.is_memory_limit(), "{text}: {e}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{text}: took {:?}",
        started.elapsed()
    );
    e
}

#[test]
fn the_default_budget_is_64_mib() {
    assert_eq!(Limits::default().max_memory, 64 << 20);
    assert_eq!(
        JsonataError::memory_limit(64 << 20).to_string(),
        "U1004: The evaluation exceeded its memory limit of 64 MiB: the strings, arrays and objects it builds may hold at most that much at once"
    );
}

#[test]
fn a_giant_pad_fails_before_allocating() {
    let e = memory_error(r#"$length($pad("x", 4000000000))"#);
    assert_eq!(e, JsonataError::memory_limit(64 << 20));
    memory_error(r#"$pad("x", -4000000000)"#);
    memory_error(r#"$pad("x", 1/0)"#);
    // Four bytes a character: 20 M characters of a 4-byte padding are over 64 MiB.
    memory_error(r#"$pad("x", 20000000, "😀")"#);
    // Reached by reference too.
    memory_error(r#"($p := $pad; $p("x", 4000000000))"#);
    memory_error(r#"$map([4000000000], function($w){ $pad("x", $w) })"#);
}

#[test]
fn pad_still_pads() {
    let cases = [
        (r#"$pad("foo", 5)"#, json!("foo  ")),
        (r#"$pad("foo", -5)"#, json!("  foo")),
        (r##"$pad("foo", -5, "#")"##, json!("##foo")),
        (r#"$pad("foo", 8, "-+")"#, json!("foo-+-+-")),
        (r#"$pad("foo", 1)"#, json!("foo")),
        (r#"$pad("foo", 5, "")"#, json!("foo  ")),
        (r#"$pad("foo", 5.9)"#, json!("foo  ")),
        (r#"$pad("foo", -5.9)"#, json!("  foo")),
        (r#"$pad('a𝄞💩', 7, '💩')"#, json!("a𝄞💩💩💩💩💩")),
        (r#"$pad('𝄞💩', -7)"#, json!("     𝄞💩")),
        (r#"$pad("foo")"#, json!("foo")),
        (r#"$states.input.name ~> $pad(4, "!")"#, json!("foo!")),
        (r#"$length($pad("x", 10000000))"#, json!(10000000)),
    ];
    for (text, want) in cases {
        assert_eq!(eval(text).unwrap(), Some(want), "{text}");
    }
    assert_eq!(eval("$pad($nothing, 3)").unwrap(), None);
    for (text, code) in [
        ("$pad(1, 3)", "T0410"),
        (r#"$pad("x", "3")"#, "T0410"),
        (r#"$pad("x", 3, 4)"#, "T0410"),
        (r#"$pad("x", 3, "y", 4)"#, "T0410"),
    ] {
        assert_eq!(eval(text).unwrap_err().code.as_deref(), Some(code), "{text}");
    }
}

#[test]
fn doubling_a_string_fails_at_the_budget() {
    let e = memory_error("$reduce([1..32], function($a, $b){ $a & $a }, 'x')");
    assert_eq!(e, JsonataError::memory_limit(64 << 20));
    memory_error("($f := function($s, $n){ $n = 0 ? $s : $f($s & $s, $n - 1) }; $length($f('x', 40)))");
}

#[test]
fn building_many_objects_fails_at_the_budget() {
    memory_error(r#"$map([1..10000], function($i){ {"k": $pad("", 10000)} })"#);
    memory_error(r#"[1..1000000].[$, $, $]"#);
}

#[test]
fn a_range_longer_than_the_budget_holds_fails_before_allocating() {
    let max = Limits::default().max_sequence_length();
    assert!(max >= 1_000_000, "{max}");
    assert!(max < 5_000_000, "{max}");
    let e = eval("[1..5000000]").unwrap_err();
    assert_eq!(e.code.as_deref(), Some("D2015"), "{e}");
    assert_eq!(e.message, format!("The maximum sequence length of {max} was exceeded."));
}

#[test]
fn large_legal_evaluations_still_work() {
    assert_eq!(eval("$count([1..500000])").unwrap(), Some(json!(500000)));
    assert_eq!(
        eval("$length($join($map([1..1000], function($i){ $pad('', 10000, 'ab') }), ''))").unwrap(),
        Some(json!(10000000))
    );
    assert_eq!(
        eval("$reduce([1..20], function($a, $b){ $a & $a }, 'x') ~> $length()").unwrap(),
        Some(json!(1 << 20))
    );
}

#[test]
fn the_budget_is_released_after_each_evaluation() {
    for _ in 0..3 {
        memory_error("$reduce([1..32], function($a, $b){ $a & $a }, 'x')");
        assert!(!budget::exceeded());
        assert_eq!(budget::remaining(), usize::MAX);
        // Each evaluation has the whole budget again: 25 M characters (50 MB while the
        // string is copied into its value) each time.
        assert_eq!(eval("$length($pad('', 25000000))").unwrap(), Some(json!(25000000)));
    }
}

#[test]
fn a_smaller_budget_is_honoured() {
    let options = Options {
        limits: Limits {
            max_memory: 1 << 20,
            ..Limits::default()
        },
        ..Options::default()
    };
    let e = Expression::compile_with("$length($pad('', 2000000))", options).unwrap();
    let mut s = StaticScope::default();
    let err = e.eval(&Bindings::new(&json!({}), &mut s)).unwrap_err();
    assert_eq!(err.code.as_deref(), Some(MEMORY_LIMIT_CODE));
    assert!(err.message.contains("memory limit of 1 MiB"), "{err}");
    let e = Expression::compile_with("$count([1..100000])", options).unwrap();
    let err = e.eval(&Bindings::new(&json!({}), &mut s)).unwrap_err();
    assert!(err.code.as_deref() == Some("D2015") || err.is_memory_limit(), "{err}");
}

#[test]
fn the_scope_hears_of_memory_hits_and_replays_them() {
    const BOMB: &str = "$reduce([1..32], function($a, $b){ $a & $a }, 'x')";
    let mut s = timed(TimeLimit::Enforce);
    let live = eval_with(BOMB, &mut s).unwrap_err();
    assert!(live.is_memory_limit());
    assert_eq!((s.memory_hits, s.hits), (1, 0));
    let mut s = timed(TimeLimit::Enforce);
    eval_with(r#"$pad("x", 4000000000)"#, &mut s).unwrap_err();
    assert_eq!(s.memory_hits, 1);

    // A replay fails the recorded evaluation the same way without running it, even one
    // that would pass now.
    let mut s = timed(TimeLimit::OverBudget);
    assert_eq!(eval_with("$sum([1, 2])", &mut s).unwrap_err(), live);
    assert_eq!(s.memory_hits, 0);

    // Lifting the time limit does not lift the memory budget.
    let mut s = timed(TimeLimit::Lifted);
    assert!(eval_with(BOMB, &mut s).unwrap_err().is_memory_limit());
}

#[test]
fn the_cause_is_a_query_evaluation_error() {
    let e = Expression::compile(r#"$pad("x", 4000000000)"#).unwrap();
    let input = json!({});
    let mut s = StaticScope::default();
    let err = e.eval_field(&Bindings::new(&input, &mut s), "Output").unwrap_err();
    assert_eq!(err.error, crate::error::names::QUERY_EVALUATION_ERROR);
    let cause = err.cause.unwrap_or_default();
    assert!(
        cause.starts_with(
            "The JSONata expression '$pad(\"x\", 4000000000)' specified for the field 'Output' threw an error during evaluation. U1004: The evaluation exceeded its memory limit of 64 MiB"
        ),
        "{cause}"
    );
}

#[test]
fn a_giant_join_fails_before_allocating() {
    memory_error("$join($map([1..1000], function($i){ '' }), $pad('', 10000000))");
    memory_error("($j := $join; $j($map([1..1000], function($i){ '' }), $pad('', 10000000)))");
    memory_error("$map([$pad('', 10000000)], function($s){ $join($map([1..1000], function($i){ '' }), $s) })");
}

#[test]
fn join_still_joins() {
    let cases = [
        ("$join(['a', 'b', 'c'], ', ')", json!("a, b, c")),
        ("$join(['a', 'b'])", json!("ab")),
        ("$join('a', '-')", json!("a")),
        ("$join([], '-')", json!("")),
        ("['x', 'y'] ~> $join('+')", json!("x+y")),
        (
            "$map([['a', 'b'], ['c']], function($v){ $join($v) })",
            json!(["ab", "c"]),
        ),
        ("($f := $join(?, '/'); $f(['p', 'q']))", json!("p/q")),
        ("($join := function($a){ 'mine' }; $join(['a']))", json!("mine")),
        ("(function($join){ $join })(3)", json!(3)),
        ("$states.input.name ~> $join()", json!("foo")),
    ];
    for (text, want) in cases {
        assert_eq!(eval(text).unwrap(), Some(want), "{text}");
    }
    assert_eq!(eval("$join($nothing, ',')").unwrap(), None);
    for (text, code) in [
        ("$join([1, 2], ',')", "T0412"),
        ("$join(['a'], 1)", "T0410"),
        ("$join(1)", "T0412"),
        ("$join()", "T0410"),
    ] {
        assert_eq!(eval(text).unwrap_err().code.as_deref(), Some(code), "{text}");
    }
    // A workflow variable called `join` is still seen.
    let mut s = StaticScope::default();
    s.variables.insert("join".into(), json!("var"));
    assert_eq!(eval_with("$join", &mut s).unwrap(), Some(json!("var")));
}

#[test]
fn split_replace_and_match_that_would_build_too_much_fail_before_they_do() {
    let big = r#"$pad("", 20000000, "ab")"#;
    memory_error(&format!(r#"$count($split({big}, ""))"#));
    memory_error(&format!(r#"$count({big} ~> $split(""))"#));
    memory_error(&format!(r#"$count($split({big}, /b/))"#));
    memory_error(&format!(r#"$count($split({big}, "a"))"#));
    memory_error(&format!(r#"$length($replace({big}, "a", $pad("", 100, "c")))"#));
    memory_error(&format!(r#"$length($replace({big}, /a/, "cccccccc"))"#));
    memory_error(&format!(r#"$count($match({big}, /a/))"#));
    // The context stands for the string.
    memory_error(&format!(r#"{big}.$count($split(""))"#));
    memory_error(&format!(r#"{big}.$length($replace("a", "cccccccccccc"))"#));
    // Reached by reference too (the call is guarded where it happens).
    memory_error(&format!(r#"($s := {big}; $count($split($s, "")))"#));
}

#[test]
fn split_replace_and_match_still_work_as_before() {
    let cases = [
        (r#"$split("a,b,c", ",")"#, json!(["a", "b", "c"])),
        (r#"$split("a,b,c", ",", 2)"#, json!(["a", "b"])),
        (r#"$split("abc", "")"#, json!(["a", "b", "c"])),
        (r#"$split("a1b22c", /[0-9]+/)"#, json!(["a", "b", "c"])),
        (r#""x-y" ~> $split("-")"#, json!(["x", "y"])),
        (r#"$states.input.name.$split("o")"#, json!(["f", "", ""])),
        (r#"($split := function($x){ $x & "!" }; $split("hi"))"#, json!("hi!")),
        (
            r#"$map(["a b", "c d"], $split(?, " "))"#,
            json!([["a", "b"], ["c", "d"]]),
        ),
        (r#"$split($split("a,b", ",")[0], "")"#, json!(["a"])),
        (r#"$replace("hello", "l", "L")"#, json!("heLLo")),
        (r#"$replace("hello", "l", "L", 1)"#, json!("heLlo")),
        (
            r#"$replace("hello", /l+/, function($m){ $uppercase($m.match) })"#,
            json!("heLLo"),
        ),
        (r#"$states.input.name.$replace("o", "0")"#, json!("f00")),
        (r#"$count($match("a1b2", /[0-9]/))"#, json!(2)),
        (r#"$match("ab", /b/).index"#, json!(1)),
        (r#"$length($replace($pad("", 100000, "a"), "a", "bb"))"#, json!(200000)),
    ];
    for (text, want) in cases {
        assert_eq!(eval(text).unwrap(), Some(want), "{text}");
    }
    // Type errors are the built-ins' own.
    for (text, code) in [(r#"$split(1, ",")"#, "T0410"), (r#"$replace("a", "", "b")"#, "D3010")] {
        let e = eval(text).unwrap_err();
        assert_eq!(e.code.as_deref(), Some(code), "{text}: {e}");
    }
}
