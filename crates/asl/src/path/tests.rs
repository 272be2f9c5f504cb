use super::*;
use serde_json::json;

fn store() -> Value {
    json!({
        "store": {
            "book": [
                {"category": "reference", "author": "Nigel Rees",
                 "title": "Sayings of the Century", "price": 8.95},
                {"category": "fiction", "author": "Evelyn Waugh",
                 "title": "Sword of Honour", "price": 12.99},
                {"category": "fiction", "author": "Herman Melville",
                 "title": "Moby Dick", "isbn": "0-553-21311-3", "price": 8.99},
                {"category": "fiction", "author": "J. R. R. Tolkien",
                 "title": "The Lord of the Rings", "isbn": "0-395-19395-8", "price": 22.99}
            ],
            "bicycle": {"color": "red", "price": 19.95}
        },
        "expensive": 10
    })
}

fn sel(path: &str, v: &Value) -> Value {
    Path::parse(path)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .select(v)
        .unwrap_or_else(|e| panic!("{path}: {e}"))
        .into_owned()
}

fn sel_err(path: &str, v: &Value) -> PathError {
    Path::parse(path).unwrap().select(v).unwrap_err()
}

fn syntax(path: &str) -> bool {
    matches!(Path::parse(path), Err(PathError::Syntax { .. }))
}

fn titles(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|b| b["title"].as_str().unwrap())
        .collect()
}

// --- the Jayway README examples ---

#[test]
fn jayway_authors() {
    let v = store();
    let authors = json!(["Nigel Rees", "Evelyn Waugh", "Herman Melville", "J. R. R. Tolkien"]);
    assert_eq!(sel("$.store.book[*].author", &v), authors);
    assert_eq!(sel("$..author", &v), authors);
    assert_eq!(sel("$.store.book[*]['author']", &v), authors);
}

#[test]
fn jayway_store_members() {
    let v = store();
    let all = sel("$.store.*", &v);
    assert_eq!(all, json!([v["store"]["book"], v["store"]["bicycle"]]));
    assert_eq!(sel("$.store[*]", &v), all);
}

#[test]
fn jayway_prices_in_document_order() {
    let v = store();
    assert_eq!(sel("$.store..price", &v), json!([8.95, 12.99, 8.99, 22.99, 19.95]));
    assert_eq!(sel("$..price", &v), sel("$.store..price", &v));
}

#[test]
fn jayway_book_indexes_and_slices() {
    let v = store();
    assert_eq!(titles(&sel("$..book[2]", &v)), ["Moby Dick"]);
    assert_eq!(titles(&sel("$..book[-2]", &v)), ["Moby Dick"]);
    assert_eq!(
        titles(&sel("$..book[0,1]", &v)),
        ["Sayings of the Century", "Sword of Honour"]
    );
    assert_eq!(
        titles(&sel("$..book[:2]", &v)),
        ["Sayings of the Century", "Sword of Honour"]
    );
    assert_eq!(titles(&sel("$..book[1:2]", &v)), ["Sword of Honour"]);
    assert_eq!(titles(&sel("$..book[-2:]", &v)), ["Moby Dick", "The Lord of the Rings"]);
    assert_eq!(titles(&sel("$..book[2:]", &v)), ["Moby Dick", "The Lord of the Rings"]);
}

#[test]
fn jayway_filters() {
    let v = store();
    assert_eq!(
        titles(&sel("$..book[?(@.isbn)]", &v)),
        ["Moby Dick", "The Lord of the Rings"]
    );
    assert_eq!(
        titles(&sel("$.store.book[?(@.price < 10)]", &v)),
        ["Sayings of the Century", "Moby Dick"]
    );
    assert_eq!(
        titles(&sel("$..book[?(@.price <= $['expensive'])]", &v)),
        ["Sayings of the Century", "Moby Dick"]
    );
    assert_eq!(
        titles(&sel("$..book[?(@.author =~ /.*REES/i)]", &v)),
        ["Sayings of the Century"]
    );
    assert_eq!(titles(&sel("$..book[?(@.author =~ /.*REES/)]", &v)).len(), 0);
}

#[test]
fn jayway_everything_and_length() {
    let v = store();
    let all = sel("$..*", &v);
    let all = all.as_array().unwrap();
    // store, expensive; book, bicycle; 4 books; their 4, 4, 5, 5 members; bicycle's 2.
    assert_eq!(all.len(), 2 + 2 + 4 + (4 + 4 + 5 + 5) + 2);
    assert_eq!(all[0], v["store"]);
    assert_eq!(all[1], json!(10));
    assert_eq!(sel("$..book.length()", &v), json!(4));
    assert_eq!(sel("$.store.book.length()", &v), json!(4));
}

// --- definite paths ---

#[test]
fn reference_paths_borrow() {
    let v = store();
    let p = Path::parse("$.store.bicycle.color").unwrap();
    assert!(p.is_reference() && p.is_definite());
    assert!(matches!(p.select(&v).unwrap(), Cow::Borrowed(_)));
    assert_eq!(*p.select(&v).unwrap(), json!("red"));
    let p = Path::parse("$").unwrap();
    assert!(p.is_root() && p.is_reference());
    assert!(matches!(p.select(&v).unwrap(), Cow::Borrowed(x) if x == &v));
}

#[test]
fn not_found_messages_use_bracket_notation() {
    let e = sel_err("$.NoSuchInputPath", &json!({}));
    assert_eq!(e.to_string(), "No results for path: $['NoSuchInputPath']");
    let v = json!({"a": {"b": [1]}, "s": "str"});
    assert_eq!(
        sel_err("$.a.b[3]", &v).to_string(),
        "No results for path: $['a']['b'][3]"
    );
    assert_eq!(
        sel_err("$.a.x.y", &v).to_string(),
        "No results for path: $['a']['x']['y']"
    );
    // A field of a non-object, an index into a non-array.
    assert!(matches!(sel_err("$.s.x", &v), PathError::NotFound { .. }));
    assert!(matches!(sel_err("$.a[0]", &v), PathError::NotFound { .. }));
    assert!(matches!(sel_err("$.a.b[-2]", &v), PathError::NotFound { .. }));
    assert_eq!(
        sel_err("$$.Execution.Nope", &json!({})).to_string(),
        "No results for path: $$['Execution']['Nope']"
    );
}

#[test]
fn present_null_is_found() {
    let v = json!({"a": null});
    assert_eq!(sel("$.a", &v), Value::Null);
}

#[test]
fn negative_indexes() {
    let v = json!([1, 2, 3]);
    assert_eq!(sel("$[-1]", &v), json!(3));
    assert_eq!(sel("$[-3]", &v), json!(1));
    assert!(matches!(sel_err("$[-4]", &v), PathError::NotFound { .. }));
    assert!(matches!(sel_err("$[3]", &v), PathError::NotFound { .. }));
}

#[test]
fn aws_recorded_array_access() {
    let items: Vec<Value> = (0..11).map(|i| json!({ "item_key": i })).collect();
    let v = json!({ "items": items });
    assert_eq!(sel("$.items[10]", &v), json!({"item_key": 10}));
    assert_eq!(sel("$.items[:1]", &v), json!([{"item_key": 0}]));
    assert_eq!(sel("$.items[1:].item_key", &v), json!([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
    assert_eq!(sel("$.items[1:5].item_key", &v), json!([1, 2, 3, 4]));
    assert_eq!(sel("$[2]", &json!(["a", "b", "c"])), json!("c"));
}

#[test]
fn aws_recorded_filter_on_status() {
    let v = json!({"users": [{"year": 1997, "status": 0}, {"year": 1998, "status": 1}]});
    assert_eq!(
        sel("$.users[?(@.status == 0)]", &v),
        json!([{"year": 1997, "status": 0}])
    );
}

#[test]
fn aws_recorded_escaped_bracket_name_is_taken_raw() {
    // From the recorded ESCAPE_SEQUENCES_JSONPATH scenario: the backslash stays.
    let v = json!({"Test\\\"\"Name\"": "Value\"\\"});
    assert_eq!(sel(r#"$['Test\""Name"']"#, &v), json!("Value\"\\"));
}

// --- names ---

#[test]
fn dot_names_take_any_character_but_dot_and_bracket() {
    let v = json!({"a-b": 1, "x:y": 2, "$n": 3, "é": 4, "@": 5});
    assert_eq!(sel("$.a-b", &v), json!(1));
    assert_eq!(sel("$.x:y", &v), json!(2));
    assert_eq!(sel("$.$n", &v), json!(3));
    assert_eq!(sel("$.é", &v), json!(4));
    assert_eq!(sel("$.@", &v), json!(5));
    assert!(syntax("$.a b"));
}

#[test]
fn bracket_names() {
    let v = json!({"a b": 1, "x": {"y.z": 2}, "q'": 3, "": 4, "]": 5});
    assert_eq!(sel("$['a b']", &v), json!(1));
    assert_eq!(sel("$[\"a b\"]", &v), json!(1));
    assert_eq!(sel("$[ 'x' ]['y.z']", &v), json!(2));
    assert_eq!(sel("$.x['y.z']", &v), json!(2));
    assert_eq!(sel(r#"$["q'"]"#, &v), json!(3));
    assert_eq!(sel("$['']", &v), json!(4));
    assert_eq!(sel("$[']']", &v), json!(5));
    assert_eq!(sel("$.['a b']", &v), json!(1));
    let p = Path::parse("$[\"x\"]").unwrap();
    assert_eq!(p.normalized(), "$[\"x\"]");
}

#[test]
fn multiple_names_merge_as_last_step() {
    let v = json!({"a": 1, "b": 2, "c": 3});
    let p = Path::parse("$['a','b']").unwrap();
    assert!(p.is_definite() && !p.is_reference());
    assert_eq!(*p.select(&v).unwrap(), json!({"a": 1, "b": 2}));
    // Missing names are left out.
    assert_eq!(sel("$['a', 'zz']", &v), json!({"a": 1}));
    // Over a list: one merged object per match.
    let w = json!([{"a": 1, "b": 2}, {"a": 3}]);
    assert_eq!(sel("$[*]['a','b']", &w), json!([{"a": 1, "b": 2}, {"a": 3}]));
    // Not an object: not found (definite).
    assert!(matches!(sel_err("$['a','b']", &json!(1)), PathError::NotFound { .. }));
}

#[test]
fn multiple_names_iterate_before_the_last_step() {
    let v = json!({"a": {"x": 1}, "b": {"x": 2}, "c": {"x": 3}});
    assert_eq!(sel("$['a','b'].x", &v), json!([1, 2]));
    assert!(!Path::parse("$['a','b'].x").unwrap().is_definite());
}

#[test]
fn merge_after_descent_needs_all_names() {
    let v = json!({"o": {"a": 1, "b": 2}, "p": [{"a": 3}, {"a": 4, "b": 5}]});
    assert_eq!(sel("$..['a','b']", &v), json!([{"a": 1, "b": 2}, {"a": 4, "b": 5}]));
}

// --- indexes, unions, slices, wildcards ---

#[test]
fn index_unions_skip_missing() {
    let v = json!(["a", "b", "c"]);
    assert_eq!(sel("$[0,2]", &v), json!(["a", "c"]));
    assert_eq!(sel("$[2, 0]", &v), json!(["c", "a"]));
    assert_eq!(sel("$[0,7,-1]", &v), json!(["a", "c"]));
    assert_eq!(sel("$[0,0]", &v), json!(["a", "a"]));
}

#[test]
fn slices_follow_jayway() {
    let v = json!([0, 1, 2, 3, 4]);
    assert_eq!(sel("$[1:3]", &v), json!([1, 2]));
    assert_eq!(sel("$[-2:]", &v), json!([3, 4]));
    assert_eq!(sel("$[-9:]", &v), json!([0, 1, 2, 3, 4]));
    assert_eq!(sel("$[:2]", &v), json!([0, 1]));
    assert_eq!(sel("$[:-2]", &v), json!([0, 1, 2]));
    assert_eq!(sel("$[:99]", &v), json!([0, 1, 2, 3, 4]));
    assert_eq!(sel("$[3:1]", &v), json!([]));
    assert_eq!(sel("$[7:]", &v), json!([]));
    assert_eq!(sel("$[-3:-1]", &v), json!([2, 3]));
    // A negative start with a positive end resolves each index (Jayway).
    assert_eq!(sel("$[-1:2]", &v), json!([4, 0, 1]));
    assert_eq!(sel("$[:]", &v), json!([0, 1, 2, 3, 4]));
    assert_eq!(sel("$[1:3]", &json!({"a": 1})), json!([]));
    // Jayway walks every index of a between-slice: -5..-1 resolve from the end again.
    assert_eq!(
        sel("$[-2147483648:2147483647]", &v),
        json!([0, 1, 2, 3, 4, 0, 1, 2, 3, 4])
    );
}

#[test]
fn wildcards() {
    let v = json!({"a": [1, {"b": 2}], "c": "x"});
    assert_eq!(sel("$.*", &v), json!([[1, {"b": 2}], "x"]));
    assert_eq!(sel("$.a[*]", &v), json!([1, {"b": 2}]));
    assert_eq!(sel("$.c.*", &v), json!([]));
    assert_eq!(sel("$[ * ]", &json!([1, 2])), json!([1, 2]));
    assert_eq!(sel("$.*.*", &v), json!([1, {"b": 2}]));
}

#[test]
fn indefinite_paths_yield_empty_lists_not_errors() {
    let v = json!({"a": []});
    for p in ["$.a[*]", "$.nope[*]", "$..nope", "$.a[?(@.x)]", "$.a[0,1]", "$.a[1:]"] {
        assert_eq!(sel(p, &v), json!([]), "{p}");
    }
}

#[test]
fn indefinite_results_are_owned_arrays() {
    let v = json!({"a": [1, 2]});
    let p = Path::parse("$.a[*]").unwrap();
    assert!(!p.is_reference() && !p.is_definite());
    assert!(matches!(p.select(&v).unwrap(), Cow::Owned(_)));
    let nodes = p.select_nodes(&v).unwrap();
    assert_eq!(nodes, vec![&json!(1), &json!(2)]);
}

// --- recursive descent ---

#[test]
fn descent_includes_the_start_node() {
    let v = json!({"a": 1, "b": {"a": 2, "c": [{"a": 3}]}});
    assert_eq!(sel("$..a", &v), json!([1, 2, 3]));
    assert_eq!(sel("$.b..a", &v), json!([2, 3]));
}

#[test]
fn descent_with_index_and_wildcard() {
    let v = json!({"x": [[1, 2], [3]], "y": {"z": [4]}});
    assert_eq!(sel("$..[0]", &v), json!([[1, 2], 1, 3, 4]));
    assert_eq!(
        sel("$..*", &json!({"a": {"b": 1}, "c": [2]})),
        json!([{"b": 1}, [2], 1, 2])
    );
    assert_eq!(sel("$..['a']", &json!({"a": {"a": 1}})), json!([{"a": 1}, 1]));
}

#[test]
fn descent_with_filter_tests_each_object() {
    let v = store();
    assert_eq!(
        titles(&sel("$..[?(@.price < 10)]", &v)),
        ["Sayings of the Century", "Moby Dick"]
    );
    assert_eq!(sel("$..[?(@.color)]", &v), json!([{"color": "red", "price": 19.95}]));
}

#[test]
fn descent_on_deep_value_does_not_overflow() {
    let mut v = json!(1);
    for _ in 0..100_000 {
        // Not `json!`: it would serialise `v` recursively.
        let mut m = Map::new();
        m.insert("a".to_string(), v);
        v = Value::Object(m);
    }
    // `select_nodes` borrows (cloning such a value would recurse inside serde_json).
    let nodes = Path::parse("$..a").unwrap().select_nodes(&v).unwrap();
    assert_eq!(nodes.len(), 100_000);
    assert_eq!(nodes[99_999], &json!(1));
    let found = Path::parse("$..[?(@.a == 1)]").unwrap().select_nodes(&v).unwrap();
    assert_eq!(found, vec![&json!({"a": 1})]);
    drop((nodes, found));
    // serde_json's recursive Drop would overflow on this depth; dismantle it by hand.
    let mut cur = v;
    while let Value::Object(mut m) = cur {
        cur = m.remove("a").unwrap_or(Value::Null);
    }
}

#[test]
fn repeated_descent_is_bounded() {
    let mut v = json!(1);
    for _ in 0..200 {
        v = json!([v, v.clone()]);
        if v.to_string().len() > 100_000 {
            break;
        }
    }
    let p = Path::parse(&"..*".repeat(20).replacen("..*", "$..*", 1)).unwrap();
    match p.select(&v) {
        Err(PathError::TooComplex { path }) => assert!(path.starts_with("$..*")),
        other => panic!("{:?}", other.map(|v| v.to_string().len())),
    }
}

// --- filters ---

#[test]
fn filter_comparisons() {
    let v = json!([
        {"n": 1, "s": "a"}, {"n": 2, "s": "b"}, {"n": 3, "s": "c"}, {"s": "d"}
    ]);
    let ns = |p: &str| {
        sel(p, &v)
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["s"].clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ns("$[?(@.n == 2)]"), [json!("b")]);
    assert_eq!(ns("$[?(@.n != 2)]"), [json!("a"), json!("c"), json!("d")]);
    assert_eq!(ns("$[?(@.n < 2)]"), [json!("a")]);
    assert_eq!(ns("$[?(@.n <= 2)]"), [json!("a"), json!("b")]);
    assert_eq!(ns("$[?(@.n > 2)]"), [json!("c")]);
    assert_eq!(ns("$[?(@.n >= 2)]"), [json!("b"), json!("c")]);
    assert_eq!(ns("$[?(@.s > 'b')]"), [json!("c"), json!("d")]);
    assert_eq!(ns("$[?(@.s == \"d\")]"), [json!("d")]);
    assert_eq!(ns("$[?(2 == @.n)]"), [json!("b")]);
    assert_eq!(ns("$[?(@.n==2)]"), [json!("b")]);
    // Mixed types never order.
    assert_eq!(ns("$[?(@.s < 5)]").len(), 0);
}

#[test]
fn filter_number_and_string_equality_follows_jayway() {
    let v = json!([{"v": 1}, {"v": "1"}, {"v": 1.0}, {"v": true}, {"v": null}]);
    assert_eq!(sel("$[?(@.v == 1)]", &v), json!([{"v": 1}, {"v": "1"}, {"v": 1.0}]));
    assert_eq!(sel("$[?(@.v == '1')]", &v), json!([{"v": 1}, {"v": "1"}, {"v": 1.0}]));
    assert_eq!(sel("$[?(@.v == true)]", &v), json!([{"v": true}]));
    assert_eq!(sel("$[?(@.v == null)]", &v), json!([{"v": null}]));
    // A string compares with a number's text; ours is serde_json's ("1.0" for 1e0), Java's
    // BigDecimal would say "1".
    assert_eq!(sel("$[?(@.v == 1e0)]", &v), json!([{"v": 1}, {"v": 1.0}]));
}

#[test]
fn filter_logic_and_grouping() {
    let v = json!([{"a": 1, "b": 1}, {"a": 1, "b": 2}, {"a": 2, "b": 2}]);
    assert_eq!(sel("$[?(@.a == 1 && @.b == 2)]", &v), json!([{"a": 1, "b": 2}]));
    assert_eq!(
        sel("$[?(@.a == 2 || @.b == 1)]", &v),
        json!([{"a": 1, "b": 1}, {"a": 2, "b": 2}])
    );
    assert_eq!(
        sel("$[?(@.a == 1 && (@.b == 1 || @.b == 2))]", &v),
        json!([{"a": 1, "b": 1}, {"a": 1, "b": 2}])
    );
    // && binds tighter than ||.
    assert_eq!(
        sel("$[?(@.a == 2 || @.a == 1 && @.b == 1)]", &v),
        json!([{"a": 1, "b": 1}, {"a": 2, "b": 2}])
    );
    assert_eq!(sel("$[?(!(@.a == 1))]", &v), json!([{"a": 2, "b": 2}]));
}

#[test]
fn filter_strict_equality_all_and_exists() {
    let v = json!([{"v": 1}, {"v": "1"}, {"t": ["a", "b", "c"]}]);
    assert_eq!(sel("$[?(@.v === 1)]", &v), json!([{"v": 1}]));
    assert_eq!(sel("$[?(@.v == 1)]", &v), json!([{"v": 1}, {"v": "1"}]));
    assert_eq!(sel("$[?(@.v !== 1)]", &v), json!([{"v": "1"}, {"t": ["a", "b", "c"]}]));
    assert_eq!(sel("$[?(@.t all ['a', 'c'])]", &v), json!([{"t": ["a", "b", "c"]}]));
    assert_eq!(sel("$[?(@.t all ['a', 'd'])]", &v), json!([]));
    assert_eq!(sel("$[?(@.v exists true)]", &v), json!([{"v": 1}, {"v": "1"}]));
    assert_eq!(sel("$[?(@.v exists false)]", &v), json!([{"t": ["a", "b", "c"]}]));
}

#[test]
fn filter_existence() {
    let v = json!([{"a": null}, {"b": 1}, {"a": false}]);
    assert_eq!(sel("$[?(@.a)]", &v), json!([{"a": null}, {"a": false}]));
    assert_eq!(sel("$[?(!@.a)]", &v), json!([{"b": 1}]));
    assert_eq!(sel("$[?(@)]", &v), v);
}

#[test]
fn filter_missing_values() {
    let v = json!([{"a": 1}, {}]);
    assert_eq!(sel("$[?(@.a < 5)]", &v), json!([{"a": 1}]));
    // Jayway: `!=` is the negation of `==`, so a missing value differs.
    assert_eq!(sel("$[?(@.a != 1)]", &v), json!([{}]));
    assert_eq!(sel("$[?(@.a nin [1])]", &v), json!([{}]));
    assert_eq!(sel("$[?(@.a in [1])]", &v), json!([{"a": 1}]));
}

#[test]
fn filter_on_an_object_tests_the_object() {
    let v = store();
    assert_eq!(
        sel("$.store.bicycle[?(@.color == 'red')]", &v),
        json!([{"color": "red", "price": 19.95}])
    );
    assert_eq!(sel("$.store.bicycle[?(@.color == 'blue')]", &v), json!([]));
    assert_eq!(sel("$.expensive[?(@ > 1)]", &v), json!([]));
}

#[test]
fn filter_on_scalars_with_current_node() {
    let v = json!([1, 5, 10, "x"]);
    assert_eq!(sel("$[?(@ > 3)]", &v), json!([5, 10]));
    assert_eq!(sel("$[?(@ == 'x')]", &v), json!(["x"]));
}

#[test]
fn filter_membership_operators() {
    let v = json!([
        {"id": 1, "tags": ["a", "b"], "c": "x"},
        {"id": 2, "tags": ["c"], "c": "y"},
        {"id": 3, "tags": [], "c": "z"}
    ]);
    let ids = |p: &str| {
        sel(p, &v)
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids("$[?(@.c in ['x', 'z'])]"), [1, 3]);
    assert_eq!(ids("$[?(@.c nin ['x', 'z'])]"), [2]);
    assert_eq!(ids("$[?(@.tags subsetof ['a', 'b', 'c'])]"), [1, 2, 3]);
    assert_eq!(ids("$[?(@.tags subsetof ['a'])]"), [3]);
    assert_eq!(ids("$[?(@.tags anyof ['b', 'c'])]"), [1, 2]);
    assert_eq!(ids("$[?(@.tags noneof ['b', 'c'])]"), [3]);
    assert_eq!(ids("$[?(@.tags contains 'c')]"), [2]);
    assert_eq!(ids("$[?(@.tags size 2)]"), [1]);
    assert_eq!(ids("$[?(@.c size 1)]"), [1, 2, 3]);
    assert_eq!(ids("$[?(@.tags empty true)]"), [3]);
    assert_eq!(ids("$[?(@.tags empty false)]"), [1, 2]);
    assert_eq!(ids("$[?(@.id in $.*.id)]"), [1, 2, 3]);
}

#[test]
fn filter_regex() {
    let v = json!([{"n": "foo123"}, {"n": "bar"}, {"n": 42}, {"n": "FOO"}]);
    assert_eq!(sel("$[?(@.n =~ /foo\\d+/)]", &v), json!([{"n": "foo123"}]));
    assert_eq!(sel("$[?(@.n =~ /foo.*/i)]", &v), json!([{"n": "foo123"}, {"n": "FOO"}]));
    // A whole-input match, as Java's `matches()`.
    assert_eq!(sel("$[?(@.n =~ /oo/)]", &v), json!([]));
    assert_eq!(sel("$[?(@.n =~ /[0-9]+/)]", &v), json!([{"n": 42}]));
    assert_eq!(sel("$[?(@.n =~ /ba[rz]|x/)]", &v), json!([{"n": "bar"}]));
    assert!(syntax("$[?(@.n =~ /(/)]"));
}

#[test]
fn filter_with_nested_paths_and_functions() {
    let v = json!([
        {"items": [1, 2, 3], "o": {"k": [{"x": 1}]}},
        {"items": [1], "o": {"k": []}}
    ]);
    assert_eq!(sel("$[?(@.items.length() > 2)]", &v).as_array().unwrap().len(), 1);
    assert_eq!(sel("$[?(@.o.k[0].x == 1)]", &v).as_array().unwrap().len(), 1);
    assert_eq!(sel("$[?(@.o.k[?(@.x == 1)])]", &v).as_array().unwrap().len(), 1);
    assert_eq!(sel("$[?(@['items'][0] == 1)]", &v).as_array().unwrap().len(), 2);
}

#[test]
fn filter_literals() {
    let v = json!([{"a": [1, 2]}, {"a": {"b": "c"}}, {"a": -1.5}]);
    assert_eq!(sel("$[?(@.a == [1, 2])]", &v), json!([{"a": [1, 2]}]));
    assert_eq!(sel("$[?(@.a == {'b': 'c'})]", &v), json!([{"a": {"b": "c"}}]));
    assert_eq!(sel("$[?(@.a == -1.5)]", &v), json!([{"a": -1.5}]));
    assert_eq!(
        sel(r#"$[?(@.q == 'it\'s')]"#, &json!([{"q": "it's"}])),
        json!([{"q": "it's"}])
    );
}

#[test]
fn filter_syntax_errors() {
    for p in [
        "$[?(@.a ==)]",
        "$[?(@.a == 1]",
        "$[?(@.a == 1)",
        "$[?(1)]",
        "$[?()]",
        "$[?(@.a = 1)]",
        "$[?(@.a == 'x)]",
        "$[?(@.a && )]",
        "$[?(@.a == $$.x)]",
        "$[?@.a]",
    ] {
        assert!(syntax(p), "{p}");
    }
}

#[test]
fn filter_nesting_is_capped() {
    let deep = format!("$[?({}@.a{})]", "(".repeat(200), ")".repeat(200));
    assert!(syntax(&deep));
    let ok = format!("$[?({}@.a{})]", "(".repeat(10), ")".repeat(10));
    assert!(Path::parse(&ok).is_ok());
    let nots = format!("$[?({}@.a)]", "!".repeat(100_000));
    assert!(syntax(&nots));
    let mut nested = String::from("@.a");
    for _ in 0..100 {
        nested = format!("@[?({nested})]");
    }
    assert!(syntax(&format!("$[?({nested})]")));
}

// --- functions ---

#[test]
fn functions() {
    let v = json!({"n": [1, 2, 3, 4], "s": "héllo", "o": {"a": 1, "b": 2}, "m": ["x", 2]});
    assert_eq!(sel("$.n.length()", &v), json!(4));
    assert_eq!(sel("$.n.size()", &v), json!(4));
    assert_eq!(sel("$.s.length()", &v), json!(5));
    assert_eq!(sel("$.o.length()", &v), json!(2));
    assert_eq!(sel("$.n.sum()", &v), json!(10.0));
    assert_eq!(sel("$.n.min()", &v), json!(1.0));
    assert_eq!(sel("$.n.max()", &v), json!(4.0));
    assert_eq!(sel("$.n.avg()", &v), json!(2.5));
    assert_eq!(sel("$.n.stddev()", &v), json!(1.118033988749895));
    assert_eq!(sel("$.m.sum()", &v), json!(2.0));
    assert_eq!(sel("$.o.keys()", &v), json!(["a", "b"]));
    assert_eq!(sel("$.n.first()", &v), json!(1));
    assert_eq!(sel("$.n.last()", &v), json!(4));
    assert_eq!(sel("$..a.sum()", &v), json!(1.0));
    assert_eq!(sel("$..n.length()", &v), json!(4));
    // After a wildcard (not a leading `..`), the function applies to each match.
    assert_eq!(sel("$.n[*].length()", &json!({"n": [[1], [2, 3]]})), json!([1, 2]));
    assert!(!Path::parse("$.n[*].length()").unwrap().is_definite());
    assert_eq!(sel("$['n','o'].length()", &v), json!([4, 2]));
    let p = Path::parse("$.n.length()").unwrap();
    assert!(p.is_definite() && !p.is_reference());
    assert_eq!(p.function(), Some("length"));
    assert_eq!(Path::parse("$.n").unwrap().function(), None);
    assert!(matches!(
        sel_err("$.s.sum()", &v),
        PathError::Function { function, reason } if function == "sum"
            && reason.contains("empty array")
    ));
    assert!(matches!(sel_err("$.nope.length()", &v), PathError::NotFound { .. }));
    assert!(syntax("$.n.nosuch()"));
    assert!(syntax("$.n.length().x"));
    assert!(syntax("$.n.length(1)"));
    assert!(syntax("$..length()"));
}

// --- syntax ---

#[test]
fn roots_and_variables() {
    assert_eq!(Path::parse("$var_1").unwrap().root(), &Root::Variable("var_1".into()));
    assert!(Path::parse("$var").unwrap().is_root());
    assert_eq!(Path::parse("$$").unwrap().root(), &Root::Context);
    assert_eq!(Path::parse("$v['a']").unwrap().normalized(), "$v['a']");
    assert!(syntax("$$$"));
    assert!(syntax("$$x"));
    assert!(syntax("a.b"));
    assert!(syntax(""));
    assert!(syntax("@.a"));
}

#[test]
fn surrounding_blanks_are_ignored() {
    let p = Path::parse("  $.a  ").unwrap();
    assert_eq!(p.as_str(), "  $.a  ");
    assert_eq!(sel("  $.a ", &json!({"a": 1})), json!(1));
}

#[test]
fn syntax_errors() {
    for p in [
        "$.",
        "$..",
        "$...a",
        "$.a.",
        "$.a..",
        "$[",
        "$[0",
        "$['a'",
        "$['a]",
        "$[a]",
        "$[1:2:3]",
        "$[1-2]",
        "$[]",
        "$[-]",
        "$[0,]",
        "$[99999999999]",
        "$ .a",
        "$.a .b",
        "$['a'] ['b']",
        "$a b",
        "$['a' 'b']",
        "$['a',]",
        "$['a',\"b\"]",
        "$x.",
        "$[?]",
        "$[*",
        "$.a(",
        "$.*a",
        "$[0]x",
    ] {
        assert!(syntax(p), "{p}");
    }
}

#[test]
fn deep_nesting_in_the_text_is_an_error_not_a_crash() {
    assert!(syntax(&format!("${}", "[".repeat(100_000))));
    assert!(syntax(&format!("${}", "..".repeat(100_000))));
    assert!(syntax(&format!("$[?({})]", "[".repeat(100_000))));
    assert!(syntax(&format!("$[?(@.a == {})]", "[".repeat(100_000))));
    let long = format!("${}", ".a".repeat(100_000));
    let p = Path::parse(&long).unwrap();
    assert!(p.is_reference());
    assert!(p.select(&json!({})).is_err());
    let long = format!("${}", "..a".repeat(50_000));
    assert_eq!(sel(&long, &json!({"a": {"a": 1}})), json!([]));
}

#[test]
fn normalized_forms() {
    let n = |p: &str| Path::parse(p).unwrap().normalized();
    assert_eq!(n("$.a.b[0]"), "$['a']['b'][0]");
    assert_eq!(n("$..book[*].author"), "$..['book'][*]['author']");
    assert_eq!(n("$['a','b']"), "$['a','b']");
    assert_eq!(n("$[0, 2]"), "$[0,2]");
    assert_eq!(n("$[1:]"), "$[1:]");
    assert_eq!(n("$[:2]"), "$[:2]");
    assert_eq!(n("$.a[?(@.b)]"), "$['a'][?]");
    assert_eq!(n("$.a.length()"), "$['a'].length()");
    assert_eq!(n("$$.Map.Item"), "$$['Map']['Item']");
}

#[test]
fn definiteness() {
    for (p, reference, definite) in [
        ("$", true, true),
        ("$.a[0].b", true, true),
        ("$['a']['b']", true, true),
        ("$[*]", false, false),
        ("$..a", false, false),
        ("$[0,1]", false, false),
        ("$[0:1]", false, false),
        ("$[?(@.a)]", false, false),
        ("$['a','b']", false, true),
        ("$.a.length()", false, true),
    ] {
        let path = Path::parse(p).unwrap();
        assert_eq!(path.is_reference(), reference, "{p}");
        assert_eq!(path.is_definite(), definite, "{p}");
    }
}

// --- assign ---

#[test]
fn assign_paths() {
    let mut t = json!({"a": [1, {"b": 2}]});
    Path::parse("$.a[1].c").unwrap().assign(&mut t, json!(3)).unwrap();
    assert_eq!(t, json!({"a": [1, {"b": 2, "c": 3}]}));
    Path::parse("$.a[-2]").unwrap().assign(&mut t, json!("x")).unwrap();
    assert_eq!(t["a"][0], json!("x"));
    Path::parse("$").unwrap().assign(&mut t, json!(7)).unwrap();
    assert_eq!(t, json!(7));
    let mut t = json!({"n": null, "s": "str", "a": []});
    Path::parse("$.n.x").unwrap().assign(&mut t, json!(1)).unwrap();
    assert_eq!(t["n"], json!({"x": 1}));
    assert_eq!(
        Path::parse("$.s.x").unwrap().assign(&mut t, json!(1)).unwrap_err(),
        PathError::NotAnObject {
            normalized: "$['s']".into()
        }
    );
    assert_eq!(
        Path::parse("$.a[0]").unwrap().assign(&mut t, json!(1)).unwrap_err(),
        PathError::NotFound {
            normalized: "$['a'][0]".into()
        }
    );
    assert!(matches!(
        Path::parse("$.a[*]").unwrap().assign(&mut t, json!(1)),
        Err(PathError::NotReference { .. })
    ));
}

// --- regex engine ---

#[test]
fn segments_stay_small() {
    assert!(std::mem::size_of::<Segment>() <= 24);
}

#[test]
fn paths_are_send_and_sync() {
    fn check<T: Send + Sync + 'static>() {}
    check::<Path>();
    check::<PathError>();
}

#[test]
fn reference_paths_select_and_assign() {
    let v = json!({"a": {"b": [1, 2, 3]}});
    assert_eq!(*Path::parse("$.a.b[1]").unwrap().select(&v).unwrap(), json!(2));
    assert_eq!(*Path::parse("$['a']['b'][-1]").unwrap().select(&v).unwrap(), json!(3));
    let err = Path::parse("$.x").unwrap().select(&v).unwrap_err();
    assert_eq!(err.to_string(), "No results for path: $['x']");
    let mut t = json!({"a": 1});
    Path::parse("$.r.s").unwrap().assign(&mut t, json!(true)).unwrap();
    assert_eq!(t, json!({"a": 1, "r": {"s": true}}));
}

#[test]
fn roots() {
    assert_eq!(Path::parse("$$.Execution.Id").unwrap().root(), &Root::Context);
    assert_eq!(Path::parse("$myVar.x").unwrap().root(), &Root::Variable("myVar".into()));
    assert_eq!(Path::parse("$").unwrap().root(), &Root::Input);
}
