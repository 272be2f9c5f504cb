//! What is generated, and the facts about AWS that the service model does not state.
//! This is the one place that lists the actions the server serves.

/// The served actions, grouped as the generated types file is (one section per group).
pub const ACTIONS: &[(&str, &[&str])] = &[
    (
        "State machines",
        &[
            "CreateStateMachine",
            "DescribeStateMachine",
            "UpdateStateMachine",
            "DeleteStateMachine",
            "ListStateMachines",
            "ValidateStateMachineDefinition",
        ],
    ),
    ("TestState", &["TestState"]),
    (
        "Executions",
        &[
            "StartExecution",
            "StartSyncExecution",
            "DescribeExecution",
            "DescribeStateMachineForExecution",
            "ListExecutions",
            "StopExecution",
            "GetExecutionHistory",
            "RedriveExecution",
        ],
    ),
    (
        "Versions",
        &[
            "PublishStateMachineVersion",
            "ListStateMachineVersions",
            "DeleteStateMachineVersion",
        ],
    ),
    (
        "Aliases",
        &[
            "CreateStateMachineAlias",
            "DescribeStateMachineAlias",
            "UpdateStateMachineAlias",
            "DeleteStateMachineAlias",
            "ListStateMachineAliases",
        ],
    ),
    ("Tags", &["TagResource", "UntagResource", "ListTagsForResource"]),
];

/// Enums the actions' inputs and outputs do not reach but the error bodies use.
pub const EXTRA_ENUMS: &[&str] = &["KmsKeyState", "ValidationExceptionReason"];

/// Shapes written by hand in `crates/server/src/types/`, because their Rust form is not the
/// model's: `HistoryEvent` keeps its one `…EventDetails` member as JSON (the engine and the
/// store hold details in AWS's shape already). Their members are not generated.
pub const HAND_WRITTEN: &[&str] = &["HistoryEvent"];

/// String shapes whose length AWS counts in UTF-8 bytes ("Member must have size … bytes in
/// UTF-8 encoding"), where the model only says `max`. Everything else counts UTF-16 units.
pub const MEASURED_IN_BYTES: &[&str] = &["SensitiveData"];

/// The model's regular expressions, by the `validate::Pattern` that implements each.
/// A pattern not listed here stops the generator: it needs a matcher first.
pub const PATTERNS: &[(&str, &str)] = &[
    (r"\p{ASCII}*", "Ascii"),
    ("[!-~]+", "VisibleAscii"),
    (r"^(?=.*[a-zA-Z_\-\.])[a-zA-Z0-9_\-\.]+$", "AliasName"),
];

/// Doc comments on generated items: `(shape, None)` for the item, `(shape, Some(member))`
/// for a member. The model's own documentation is HTML for humans and is not copied.
pub const DOCS: &[(&str, Option<&str>, &str)] = &[
    (
        "CloudWatchEventsExecutionDataDetails",
        None,
        "`{\"included\": true}`: whether the data was included in the response.",
    ),
    (
        "VariableReferences",
        None,
        "State name → the variable names it references.",
    ),
    (
        "DescribeStateMachineInput",
        Some("stateMachineArn"),
        "A state machine, version or alias ARN.",
    ),
    (
        "StartExecutionInput",
        Some("stateMachineArn"),
        "A state machine, version or alias ARN (a `#TestCase` suffix selects a mock test case).",
    ),
    (
        "ListExecutionsInput",
        Some("stateMachineArn"),
        "A state machine, version or alias ARN. Exactly one of this and `mapRunArn` is given.",
    ),
];

pub fn doc(shape: &str, member: Option<&str>) -> Option<&'static str> {
    DOCS.iter()
        .find(|(s, m, _)| *s == shape && *m == member)
        .map(|(_, _, d)| *d)
}

pub fn pattern(regex: &str) -> Option<&'static str> {
    PATTERNS.iter().find(|(p, _)| *p == regex).map(|(_, v)| *v)
}

pub fn all_actions() -> impl Iterator<Item = &'static str> {
    ACTIONS.iter().flat_map(|(_, ops)| ops.iter().copied())
}
