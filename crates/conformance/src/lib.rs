//! Conformance cases: loading the AWS-recorded cases and comparing results with them
//! using the corpus's placeholder (wildcard) rules.
//!
//! * [`load_cases`] reads case folders (definition.json, input.json, expected.json,
//!   optional history.json, source.txt) into [`Case`]s with their [`Placeholders`].
//! * [`compare`] matches an actual value against an expected one.
//! * [`compare_history`] matches actual history events against history.json, handling the
//!   re-ordered Parallel-branch form.
//! * [`Report`] accumulates results and renders the closing `N passed, M failed` line.
//!
//! This crate knows nothing about the engine: callers build the actual outcome in the
//! shape of expected.json and the actual events in the shape of history.json.

mod history;
mod load;
mod matcher;
mod placeholders;
mod report;

pub use history::{
    HISTORY_PATH, compare_history, compare_history_with, is_reordered_event, reorder_parallel_events,
    uses_reordered_form,
};
pub use load::{Case, LoadError, PLACEHOLDERS_FILE, SourceNotes, load_case, load_cases, parse_source};
pub use matcher::{
    DiffKind, Difference, MAX_DIFFERENCES, Mismatch, compare, compare_at, matches, numbers_equal, short_json,
    string_matches,
};
pub use placeholders::{Placeholders, STANDARD_TOKENS, Token, TokenScope};
pub use report::{CaseResult, Outcome, Report};

#[cfg(test)]
mod corpus_tests;
