//! Mocked task responses in the format of AWS Step Functions Local's `MockConfigFile`:
//!
//! ```json
//! {
//!   "StateMachines": {
//!     "OrderWorkflow": { "TestCases": { "HappyPath": { "ProcessPayment": "PaymentOk" } } }
//!   },
//!   "MockedResponses": {
//!     "PaymentOk": {
//!       "0": { "Throw": { "Error": "Lambda.ServiceException", "Cause": "busy" } },
//!       "1-2": { "Return": { "StatusCode": 200, "Payload": { "paid": true } } }
//!     }
//!   }
//! }
//! ```
//!
//! Keys of a mocked response are 0-based invocation numbers of that state in the execution
//! (`"0"`, or a range `"1-2"`); the last entry also answers every later invocation.

use std::collections::HashMap;

use serde_json::Value;
use thiserror::Error;

use crate::command::TaskRequest;

#[derive(Debug, Error, PartialEq)]
pub enum MockError {
    #[error("the mock configuration is not valid JSON: {0}")]
    Json(String),
    #[error("invalid mock configuration at {location}: {message}")]
    Invalid { location: String, message: String },
    #[error("the mock configuration has no state machine '{0}'")]
    NoStateMachine(String),
    #[error("state machine '{machine}' has no test case '{case}' in the mock configuration")]
    NoTestCase { machine: String, case: String },
}

/// What a mocked invocation answers.
#[derive(Debug, Clone, PartialEq)]
pub enum MockResponse {
    Return(Value),
    Throw { error: String, cause: Option<String> },
}

impl MockResponse {
    /// The task's output, or its error name and cause.
    pub fn into_result(self) -> Result<Value, (String, Option<String>)> {
        match self {
            MockResponse::Return(v) => Ok(v),
            MockResponse::Throw { error, cause } => Err((error, cause)),
        }
    }
}

#[derive(Debug, Clone)]
struct Ranged {
    from: u64,
    to: u64,
    response: MockResponse,
}

/// A parsed mock configuration.
#[derive(Debug, Clone, Default)]
pub struct MockConfig {
    /// machine → test case → state → response name
    machines: HashMap<String, HashMap<String, HashMap<String, String>>>,
    responses: HashMap<String, Vec<Ranged>>,
}

/// The mocks of one test case of one state machine.
#[derive(Debug, Clone, Default)]
pub struct TestCase {
    states: HashMap<String, Vec<Ranged>>,
}

impl MockConfig {
    pub fn parse(text: &str) -> Result<MockConfig, MockError> {
        let v: Value = serde_json::from_str(text).map_err(|e| MockError::Json(e.to_string()))?;
        Self::from_value(&v)
    }

    pub fn from_value(v: &Value) -> Result<MockConfig, MockError> {
        let invalid = |location: &str, message: &str| MockError::Invalid {
            location: location.into(),
            message: message.into(),
        };
        let mut cfg = MockConfig::default();
        // Every response name a test case refers to, in document order, so the first
        // dangling one reported is the same on every run.
        let mut refs: Vec<(String, String)> = Vec::new();
        let machines = v
            .get("StateMachines")
            .and_then(Value::as_object)
            .ok_or_else(|| invalid("/StateMachines", "must be an object"))?;
        for (m, mv) in machines {
            let cases = mv
                .get("TestCases")
                .and_then(Value::as_object)
                .ok_or_else(|| invalid(&format!("/StateMachines/{m}/TestCases"), "must be an object"))?;
            let mut out = HashMap::new();
            for (c, cv) in cases {
                let states = cv
                    .as_object()
                    .ok_or_else(|| invalid(&format!("/StateMachines/{m}/TestCases/{c}"), "must be an object"))?;
                let mut map = HashMap::new();
                for (s, r) in states {
                    let name = r.as_str().ok_or_else(|| {
                        invalid(
                            &format!("/StateMachines/{m}/TestCases/{c}/{s}"),
                            "must name a mocked response",
                        )
                    })?;
                    map.insert(s.clone(), name.to_string());
                    refs.push((format!("/StateMachines/{m}/TestCases/{c}/{s}"), name.to_string()));
                }
                out.insert(c.clone(), map);
            }
            cfg.machines.insert(m.clone(), out);
        }
        if let Some(responses) = v.get("MockedResponses") {
            let responses = responses
                .as_object()
                .ok_or_else(|| invalid("/MockedResponses", "must be an object"))?;
            for (name, rv) in responses {
                let loc = format!("/MockedResponses/{name}");
                let entries = rv.as_object().ok_or_else(|| invalid(&loc, "must be an object"))?;
                let mut ranged = Vec::new();
                for (key, ev) in entries {
                    let eloc = format!("{loc}/{key}");
                    let (from, to) = parse_range(key).ok_or_else(|| invalid(&eloc, "keys must be \"N\" or \"N-M\""))?;
                    let response = match (ev.get("Return"), ev.get("Throw")) {
                        (Some(r), None) => MockResponse::Return(r.clone()),
                        (None, Some(t)) => MockResponse::Throw {
                            error: t
                                .get("Error")
                                .and_then(Value::as_str)
                                .ok_or_else(|| invalid(&eloc, "Throw needs an Error string"))?
                                .to_string(),
                            cause: t.get("Cause").and_then(Value::as_str).map(str::to_string),
                        },
                        _ => return Err(invalid(&eloc, "needs exactly one of Return or Throw")),
                    };
                    ranged.push(Ranged { from, to, response });
                }
                ranged.sort_by_key(|r| r.from);
                cfg.responses.insert(name.clone(), ranged);
            }
        }
        if let Some((location, r)) = refs.iter().find(|(_, r)| !cfg.responses.contains_key(r)) {
            return Err(invalid(location, &format!("no mocked response named '{r}'")));
        }
        Ok(cfg)
    }

    /// The mocks of `case` for state machine `machine`.
    pub fn test_case(&self, machine: &str, case: &str) -> Result<TestCase, MockError> {
        let cases = self
            .machines
            .get(machine)
            .ok_or_else(|| MockError::NoStateMachine(machine.into()))?;
        let states = cases.get(case).ok_or_else(|| MockError::NoTestCase {
            machine: machine.into(),
            case: case.into(),
        })?;
        Ok(TestCase {
            states: states
                .iter()
                .map(|(s, r)| (s.clone(), self.responses[r].clone()))
                .collect(),
        })
    }
}

impl TestCase {
    /// The answer to the `invocation`-th (0-based) call of `state`, if the state is mocked.
    pub fn respond(&self, state: &str, invocation: u64) -> Option<&MockResponse> {
        let ranged = self.states.get(state)?;
        ranged
            .iter()
            .find(|r| (r.from..=r.to).contains(&invocation))
            .or_else(|| ranged.iter().filter(|r| r.to < invocation).max_by_key(|r| r.to))
            .map(|r| &r.response)
    }

    pub fn mocks(&self, state: &str) -> bool {
        self.states.contains_key(state)
    }
}

/// Answers Task states from a test case, counting the invocations of each state so that
/// responses keyed by invocation number (`"0"`, `"1-2"`) apply in turn.
///
/// Both drivers use it: the in-process one ([`crate::local::MockTasks`]) and the server's
/// runtime, which after a restart first [`count`](MockAnswerer::count)s the invocations its
/// journal replays, then answers the new ones where the execution left off.
#[derive(Debug, Clone, Default)]
pub struct MockAnswerer {
    case: Option<TestCase>,
    /// Invocations so far, per state name (looked up only, never iterated).
    calls: HashMap<String, u64>,
}

impl MockAnswerer {
    /// An answerer for `case`; without one, no state is mocked.
    pub fn new(case: Option<TestCase>) -> Self {
        MockAnswerer {
            case,
            calls: HashMap::new(),
        }
    }

    /// Counts an invocation of `state` that was answered before (a replayed one).
    pub fn count(&mut self, state: &str) {
        *self.calls.entry(state.to_string()).or_insert(0) += 1;
    }

    /// How many invocations of `state` have been answered or counted.
    pub fn invocations(&self, state: &str) -> u64 {
        self.calls.get(state).copied().unwrap_or(0)
    }

    /// The mocked answer to `request`, counting the invocation; `None` when the test case
    /// does not mock its state (the caller says why in its own words).
    pub fn answer(&mut self, request: &TaskRequest) -> Option<MockResponse> {
        let n = self.calls.entry(request.state_name.clone()).or_insert(0);
        let response = self
            .case
            .as_ref()
            .and_then(|c| c.respond(&request.state_name, *n))
            .cloned();
        *n += 1;
        response
    }
}

fn parse_range(key: &str) -> Option<(u64, u64)> {
    match key.split_once('-') {
        Some((a, b)) => {
            let (a, b) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
            (a <= b).then_some((a, b))
        }
        None => key.trim().parse().ok().map(|n| (n, n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ranges_and_last_entry_repeats() {
        let cfg = MockConfig::from_value(&json!({
            "StateMachines": {"M": {"TestCases": {"T": {"S": "R"}}}},
            "MockedResponses": {"R": {
                "0": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "busy"}},
                "1-2": {"Return": {"ok": true}}
            }}
        }))
        .unwrap();
        let tc = cfg.test_case("M", "T").unwrap();
        assert!(matches!(tc.respond("S", 0), Some(MockResponse::Throw { .. })));
        assert_eq!(tc.respond("S", 2), Some(&MockResponse::Return(json!({"ok": true}))));
        assert_eq!(tc.respond("S", 7), Some(&MockResponse::Return(json!({"ok": true}))));
        assert_eq!(tc.respond("Other", 0), None);
        assert!(matches!(cfg.test_case("M", "X"), Err(MockError::NoTestCase { .. })));
    }

    #[test]
    fn the_answerer_counts_invocations_and_resumes_after_replay() {
        let cfg = MockConfig::from_value(&json!({
            "StateMachines": {"M": {"TestCases": {"T": {"S": "R"}}}},
            "MockedResponses": {"R": {
                "0": {"Throw": {"Error": "Busy"}},
                "1": {"Return": 1},
                "2": {"Return": 2}
            }}
        }))
        .unwrap();
        let request = |state: &str| TaskRequest {
            id: 1,
            state_name: state.into(),
            resource: "arn:aws:states:::lambda:invoke".into(),
            input: json!({}),
            timeout_seconds: None,
            heartbeat_seconds: None,
        };
        let mut fresh = MockAnswerer::new(Some(cfg.test_case("M", "T").unwrap()));
        assert_eq!(
            fresh.answer(&request("S")).unwrap().into_result(),
            Err(("Busy".into(), None))
        );
        assert_eq!(fresh.answer(&request("S")).unwrap().into_result(), Ok(json!(1)));
        assert_eq!(fresh.answer(&request("Other")), None);
        assert_eq!(fresh.invocations("Other"), 1);

        // After a restart: two invocations replayed, the next one gets the third response.
        let mut resumed = MockAnswerer::new(Some(cfg.test_case("M", "T").unwrap()));
        resumed.count("S");
        resumed.count("S");
        assert_eq!(resumed.answer(&request("S")), Some(MockResponse::Return(json!(2))));

        assert_eq!(MockAnswerer::new(None).answer(&request("S")), None);
    }

    #[test]
    fn unknown_response_name_is_an_error() {
        let err = MockConfig::from_value(&json!({
            "StateMachines": {"M": {"TestCases": {"T": {"S": "Nope"}}}},
            "MockedResponses": {}
        }))
        .unwrap_err();
        assert!(err.to_string().contains("no mocked response named 'Nope'"));
    }
}
