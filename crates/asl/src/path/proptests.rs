//! Parsing arbitrary text and selecting on arbitrary JSON never panics.

use super::*;
use proptest::prelude::*;

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        "[a-c0-9 ]{0,4}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(("[a-c]{1,2}", inner), 0..5).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Text made of the characters JSONPath cares about, so that many inputs parse.
fn pathish() -> impl Strategy<Value = String> {
    "\\$[$@.\\[\\]()?*,:'\"abc0-2 =<>!~&|/\\\\-]{0,40}"
}

fn exercise(text: &str, v: &Value) {
    if let Ok(p) = Path::parse(text) {
        let _ = p.select(v);
        let _ = p.select_nodes(v);
        let _ = p.normalized();
        let mut t = v.clone();
        let _ = p.assign(&mut t, Value::Null);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn any_text_never_panics(text in any::<String>(), v in json()) {
        exercise(&text, &v);
    }

    #[test]
    fn pathish_text_never_panics(text in pathish(), v in json()) {
        exercise(&text, &v);
    }

    #[test]
    fn generated_filters_never_panic(
        lhs in "@(\\.[abc]|\\[[0-2]\\]|\\.\\*|\\.\\.[abc])*",
        op in "(==|!=|<|<=|>|>=|=~|in|nin|subsetof|anyof|noneof|size|empty|contains)",
        rhs in "('a'|1|-2\\.5|true|null|\\[1,'b'\\]|/a\\.\\*/i|@\\.b|\\$\\.c|\\{'a':1\\})",
        v in json(),
    ) {
        let text = format!("$..[?({lhs} {op} {rhs})]");
        exercise(&text, &v);
        prop_assert!(Path::parse(&text).is_ok(), "{}", text);
    }

    #[test]
    fn reference_paths_find_what_assign_put(
        segs in prop::collection::vec(prop_oneof!["[a-z]{1,3}".prop_map(|s| format!(".{s}")),
                                                  "[a-z ]{0,3}".prop_map(|s| format!("['{s}']"))], 0..6),
        v in json(),
    ) {
        let text = format!("${}", segs.concat());
        let p = Path::parse(&text).unwrap();
        prop_assert!(p.is_reference());
        let mut t = Value::Object(Map::new());
        p.assign(&mut t, v.clone()).unwrap();
        prop_assert_eq!(&*p.select(&t).unwrap(), &v);
    }
}
