//! Sanity checks of the loader and the matcher against the recorded corpus. A missing corpus
//! fails these tests: the corpus is part of the test suite (../shared beside the repository).

use std::path::PathBuf;

use serde_json::Value;

use crate::{Placeholders, compare, compare_history, load_cases};

/// The aws-recorded folder: `$STEPWISE_CONFORMANCE_DIR` (the folder itself or its parent),
/// `../../../shared/conformance/aws-recorded` from the crate, or
/// `/work/shared/conformance/aws-recorded`.
fn corpus_dir() -> PathBuf {
    let mut candidates = Vec::new();
    if let Some(dir) = std::env::var_os("STEPWISE_CONFORMANCE_DIR") {
        let dir = PathBuf::from(dir);
        candidates.push(dir.join("aws-recorded"));
        candidates.push(dir);
    }
    candidates.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance/aws-recorded"));
    candidates.push(PathBuf::from("/work/shared/conformance/aws-recorded"));
    candidates.into_iter().find(|d| d.is_dir()).unwrap_or_else(|| {
        panic!(
            "the conformance corpus (shared/conformance/aws-recorded) was not found beside the \
             repository; set STEPWISE_CONFORMANCE_DIR to its folder"
        )
    })
}

#[test]
fn corpus_loads_and_matches_itself() {
    let dir = corpus_dir();
    let cases = load_cases(std::slice::from_ref(&dir)).expect("corpus loads");
    assert_eq!(cases.len(), 651);

    let mut names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    let loaded_order = names.clone();
    names.sort();
    assert_eq!(names, loaded_order, "cases are sorted by name");

    let mut with_history = 0;
    let mut reordered = 0;
    for case in &cases {
        assert!(case.expected_status().is_some(), "{}: no status", case.name);
        compare(&case.expected, &case.expected, &case.placeholders)
            .unwrap_or_else(|m| panic!("{}: expected.json vs itself:\n{m}", case.name));
        if let Some(history) = &case.history {
            with_history += 1;
            compare_history(history, history, &case.placeholders)
                .unwrap_or_else(|m| panic!("{}: history.json vs itself:\n{m}", case.name));
            case.compare_history(history)
                .unwrap_or_else(|m| panic!("{}: history.json vs itself:\n{m}", case.name));
        }
        if case.history_reordered {
            reordered += 1;
            assert!(crate::uses_reordered_form(case.history.as_deref().unwrap()));
        }
        for token in &case.case_tokens {
            assert!(case.placeholders.is_whole_token(token), "{}: {token}", case.name);
        }
    }
    assert_eq!(with_history, 286);
    assert_eq!(reordered, 4);

    let random = cases
        .iter()
        .find(|c| c.name == "math_operations__math_random__00")
        .expect("case present");
    assert_eq!(random.case_tokens, ["RandomNumberGenerated"]);
    assert!(random.placeholders.is_whole_token("RandomNumberGenerated"));
    // Without the case-specific token a random number does not match.
    let actual = serde_json::json!({"status": "SUCCEEDED", "output": {"FunctionResult": 42}});
    assert!(random.compare(&actual).is_ok());
    assert!(compare(&random.expected, &actual, &Placeholders::standard()).is_err());
}

/// The recorded ExecutionStarted input (placeholders applied) matches the real input.
#[test]
fn corpus_recorded_inputs_match_real_inputs() {
    let dir = corpus_dir();
    let cases = load_cases(&[dir]).expect("corpus loads");
    let mut checked = 0;
    for case in &cases {
        let Some(history) = &case.history else {
            continue;
        };
        let Some(started) = history
            .iter()
            .find(|e| e.get("type").and_then(Value::as_str) == Some("ExecutionStarted"))
        else {
            continue;
        };
        let Some(recorded) = started.pointer("/executionStartedEventDetails/input") else {
            continue;
        };
        compare(recorded, &case.input, &case.placeholders)
            .unwrap_or_else(|m| panic!("{}: recorded input vs input.json:\n{m}", case.name));
        checked += 1;
    }
    assert!(checked > 200, "{checked}");
}

#[test]
fn single_case_root() {
    let dir = corpus_dir();
    let one = dir.join("base_scenarios__parallel_state_nested");
    let cases = load_cases(&[one.clone(), one]).expect("loads");
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0].name, "base_scenarios__parallel_state_nested");
    assert!(cases[0].history_reordered);
    assert!(
        !cases[0]
            .placeholders
            .is_whole_token("arn:<partition>:states:<region>:111111111111")
    );
}

/// Rebuilds the raw AWS history of the nested Parallel case (the events the recorder
/// dropped put back, real ids) and checks that it matches the recorded, re-ordered form.
#[test]
fn nested_parallel_raw_history_matches_recorded() {
    let dir = corpus_dir();
    let case = crate::load_case(&dir.join("base_scenarios__parallel_state_nested")).expect("loads");
    let recorded = case.history.clone().expect("history");
    let details = |i: usize| recorded[i].clone();
    let ev = |t: &str, id: u64, prev: u64| serde_json::json!({"type": t, "id": id, "previousEventId": prev});
    let with_ids = |mut e: Value, id: u64, prev: u64| {
        e["id"] = id.into();
        e["previousEventId"] = prev.into();
        e
    };
    // Recorded: 0 ExecutionStarted, 1 ParallelStateEntered L1, 2 ParallelStateStarted(3),
    // 3 ParallelStateEntered L2 [0], 4 ParallelStateStarted(5), 5/6 Pass [0],
    // 7 ParallelStateExited L1 (11), 8 ExecutionSucceeded (12).
    let mut l2_exited = details(7);
    l2_exited["stateExitedEventDetails"]["name"] = "ParallelStateL2".into();
    l2_exited["stateExitedEventDetails"]["output"] = serde_json::json!([[[1, 2, 3], [4, 5, 6]]]);
    let raw = vec![
        details(0),
        details(1),
        details(2),
        with_ids(details(3), 4, 3),
        details(4),
        with_ids(details(5), 6, 5),
        with_ids(details(6), 7, 6),
        ev("ParallelStateSucceeded", 8, 7),
        with_ids(l2_exited, 9, 8),
        ev("ParallelStateSucceeded", 10, 9),
        details(7),
        details(8),
    ];
    case.compare_history(&raw)
        .unwrap_or_else(|m| panic!("raw vs recorded:\n{m}"));
    // Dropping an event the recorder keeps is noticed.
    let mut short = raw.clone();
    short.remove(6);
    assert!(case.compare_history(&short).is_err());
    // Without the re-ordering, the raw events do not line up.
    assert!(crate::compare_history_with(&recorded, &raw, &case.placeholders, false).is_err());
}

/// The built-in standard token list equals the one in placeholders.json.
#[test]
fn builtin_standard_tokens_match_placeholders_json() {
    let dir = corpus_dir();
    let file = dir
        .parent()
        .expect("aws-recorded has a parent")
        .join(crate::PLACEHOLDERS_FILE);
    assert!(file.is_file(), "{} is missing from the corpus", file.display());
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(
        Placeholders::from_placeholders_json(&doc),
        Some(Placeholders::standard())
    );
}
