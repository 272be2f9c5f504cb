//! What an expression of a state sees: the context object `$$` (built only if read), the
//! thread's variables, and the execution's random stream.

use std::cell::OnceCell;

use asl::definition::*;
use asl::env::Scope;
use asl::jsonata::TimeLimit;
use asl::rng::SplitMix64;
use serde_json::{Map, Value, json};

use super::ExecutionConfig;
use super::thread::Thread;
use super::time_limit::TimeLimits;
use crate::time::format_millis;

/// The [`Scope`] of one state's evaluation: builds `$$` only if something reads it.
pub(super) struct StateScope<'a> {
    def: &'a StateMachine,
    cfg: &'a ExecutionConfig,
    exec_input: &'a Value,
    pub(super) thread: &'a Thread,
    rng: &'a mut SplitMix64,
    map_item: Option<(usize, &'a Value)>,
    context: OnceCell<Value>,
    now_ms: i64,
    /// A context object given from outside (TestState's `context`), used as is.
    fixed: Option<&'a Value>,
    /// Numbers JSONata's time-limited evaluations (without it, the limit just holds).
    time_limits: Option<&'a mut TimeLimits>,
}

impl<'a> StateScope<'a> {
    pub(super) fn new(
        def: &'a StateMachine,
        cfg: &'a ExecutionConfig,
        exec_input: &'a Value,
        thread: &'a Thread,
        rng: &'a mut SplitMix64,
        map_item: Option<(usize, &'a Value)>,
        now_ms: i64,
    ) -> Self {
        StateScope {
            def,
            cfg,
            exec_input,
            thread,
            rng,
            map_item,
            context: OnceCell::new(),
            now_ms,
            fixed: None,
            time_limits: None,
        }
    }

    /// Uses `fixed`, when given, as the context object instead of building one.
    pub(super) fn with_context(mut self, fixed: Option<&'a Value>) -> Self {
        self.fixed = fixed;
        self
    }

    /// Numbers the time-limited evaluations in `limits` (see `time_limit.rs`).
    pub(super) fn with_time_limits(mut self, limits: &'a mut TimeLimits) -> Self {
        self.time_limits = Some(limits);
        self
    }

    fn build_context(&self) -> Value {
        let st = self.def.state(self.thread.block, self.thread.state);
        let mut execution = Map::new();
        execution.insert("Id".into(), Value::String(self.cfg.execution_arn.clone()));
        execution.insert("Input".into(), self.exec_input.clone());
        execution.insert("StartTime".into(), Value::String(format_millis(self.cfg.start_time_ms)));
        execution.insert("Name".into(), Value::String(self.cfg.execution_name.clone()));
        execution.insert("RoleArn".into(), Value::String(self.cfg.role_arn.clone()));
        execution.insert("RedriveCount".into(), json!(0));
        let mut state = Map::new();
        state.insert("Name".into(), Value::String(st.name.clone()));
        state.insert(
            "EnteredTime".into(),
            Value::String(format_millis(self.thread.entered_ms)),
        );
        if matches!(st.kind, StateKind::Task(_)) {
            let retries: u64 = self.thread.retries.iter().sum();
            state.insert("RetryCount".into(), json!(retries));
        }
        let mut ctx = Map::new();
        ctx.insert("Execution".into(), Value::Object(execution));
        ctx.insert(
            "StateMachine".into(),
            json!({"Id": self.cfg.state_machine_arn, "Name": self.cfg.state_machine_name}),
        );
        ctx.insert("State".into(), Value::Object(state));
        if let Some((index, value)) = self.map_item {
            ctx.insert("Map".into(), json!({"Item": {"Index": index, "Value": value}}));
        }
        Value::Object(ctx)
    }
}

impl Scope for StateScope<'_> {
    fn context(&self) -> &Value {
        if let Some(v) = self.fixed {
            return v;
        }
        self.context.get_or_init(|| self.build_context())
    }

    fn variable(&self, name: &str) -> Option<&Value> {
        self.thread.vars.get(name)
    }

    fn now_ms(&self) -> i64 {
        self.now_ms
    }

    fn random_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }

    fn time_limit(&mut self) -> TimeLimit {
        match self.time_limits.as_deref_mut() {
            Some(limits) => limits.next(),
            None => TimeLimit::Enforce,
        }
    }

    fn time_limit_hit(&mut self) {
        if let Some(limits) = self.time_limits.as_deref_mut() {
            limits.hit();
        }
    }

    fn memory_limit_hit(&mut self) {
        if let Some(limits) = self.time_limits.as_deref_mut() {
            limits.memory_hit();
        }
    }
}
