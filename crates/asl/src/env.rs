//! What an expression sees when it is evaluated: the state's input, the context object
//! (`$$`) and the workflow variables (`$name`).

use std::borrow::Cow;

use serde_json::Value;

use crate::jsonata::TimeLimit;
use crate::path::{Path, PathError, Root};

/// The part of the evaluation environment that the engine owns.
///
/// The context object is built lazily by the implementation (most states never read it), and
/// randomness comes from here so that runs are reproducible in tests.
pub trait Scope {
    /// The context object (`$$`): `Execution`, `State`, `StateMachine`, `Task`, `Map`.
    fn context(&self) -> &Value;
    /// A workflow variable by name (without the `$`), if it is bound.
    fn variable(&self, name: &str) -> Option<&Value>;
    /// A uniformly distributed random `u64` (for `States.MathRandom`, `States.UUID`).
    fn random_u64(&mut self) -> u64;
    /// The current time in milliseconds since the Unix epoch, as the engine was told it
    /// (JSONata's `$now()` and `$millis()`): the same on every replay of an execution.
    fn now_ms(&self) -> i64;
    /// How the next JSONata evaluation that runs under the wall-clock limit is timed (see
    /// [`TimeLimit`]). Asked once per such evaluation, in evaluation order, so that an
    /// implementation can number them and replay their outcomes. By default the limit holds.
    fn time_limit(&mut self) -> TimeLimit {
        TimeLimit::Enforce
    }
    /// The evaluation last asked about ([`Scope::time_limit`]) ran out of time.
    fn time_limit_hit(&mut self) {}
    /// The evaluation last asked about ([`Scope::time_limit`]) ran out of memory
    /// ([`Limits::max_memory`](crate::jsonata::Limits::max_memory)); a replay answers it with
    /// [`TimeLimit::OverBudget`].
    fn memory_limit_hit(&mut self) {}
}

/// An input value together with the scope it is evaluated in.
pub struct Env<'a> {
    pub input: &'a Value,
    pub scope: &'a mut dyn Scope,
}

impl<'a> Env<'a> {
    pub fn new(input: &'a Value, scope: &'a mut dyn Scope) -> Self {
        Env { input, scope }
    }

    /// Evaluates `path` against the value its root names (input, `$$` or a variable).
    pub fn select(&self, path: &Path) -> Result<Cow<'_, Value>, PathError> {
        match path.root() {
            Root::Input => path.select(self.input),
            Root::Context => path.select(self.scope.context()),
            Root::Variable(name) => match self.scope.variable(name) {
                Some(v) => path.select(v),
                None => Err(PathError::UndefinedVariable { name: name.to_string() }),
            },
        }
    }
}

/// A fixed scope for tests and for evaluating expressions outside an execution.
#[derive(Debug, Default, Clone)]
pub struct StaticScope {
    pub context: Value,
    pub variables: serde_json::Map<String, Value>,
    pub seed: u64,
    /// What `now_ms` answers.
    pub now_ms: i64,
}

impl Scope for StaticScope {
    fn context(&self) -> &Value {
        &self.context
    }
    fn variable(&self, name: &str) -> Option<&Value> {
        self.variables.get(name)
    }
    fn now_ms(&self) -> i64 {
        self.now_ms
    }
    fn random_u64(&mut self) -> u64 {
        // The crate's one generator, deterministic for a given seed; `seed` is its state.
        let mut rng = crate::rng::SplitMix64::new(self.seed);
        let bits = rng.next_u64();
        self.seed = rng.state();
        bits
    }
}
