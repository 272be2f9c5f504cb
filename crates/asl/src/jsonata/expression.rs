//! Compiled expressions and the values they are evaluated with.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use jsonata_core::ast::AstNode;
use jsonata_core::evaluator::{CancelToken, Context, Evaluator, EvaluatorOptions};
use jsonata_core::parser;
use jsonata_core::value::{JMap, JValue};
use serde_json::Value;

use super::analyze::{Analysis, analyze};
use super::convert::{Projection, from_jvalue, project, type_name};
use super::fast::{self, Fast};
use super::functions::{self, CLOCK_FUNCTIONS, RANDOM_FUNCTIONS};
use super::{Dialect, JsonataError, Options, TimeLimit, millis};
use super::{guard, join, pad};
use crate::env::Scope;
use crate::error::{StatesError, names};

/// A JSONata expression, parsed and analysed once.
///
/// The parsed form is plain owned data (no reference counting, no interior mutability), so
/// an `Expression` is `Send + Sync` and can sit in a shared definition; each evaluation
/// builds its own short-lived evaluator on the calling thread.
pub struct Expression {
    text: Box<str>,
    ast: AstNode,
    analysis: Analysis,
    /// The expression's form for the fast path, when it is in the fast subset.
    fast: Option<Fast>,
    /// It names `$random`, `$uuid` or `$shuffle`: each evaluation draws a seed.
    draws_randomness: bool,
    /// It names `$now` or `$millis`: they read the engine's clock.
    reads_clock: bool,
    /// The Step Functions functions it names (see [`functions::register`]).
    host_functions: functions::Names,
    /// It names `$pad`, which is replaced by one that checks its width ([`pad`]).
    overrides_pad: bool,
    /// It names `join`, renamed in `ast` to a `$join` that checks its result's size ([`join`]).
    rewrites_join: bool,
    /// It calls `$split`, `$replace` or `$match`, each call preceded in `ast` by a check of
    /// its result's size ([`guard`]).
    guards_calls: bool,
    options: Options,
}

// Checked at compile time: definitions holding expressions are shared between threads.
const _: fn() = || {
    fn shareable<T: Send + Sync>() {}
    shareable::<Expression>();
};

impl fmt::Debug for Expression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expression").field("text", &self.text).finish()
    }
}

impl PartialEq for Expression {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.options == other.options
    }
}

impl Clone for Expression {
    fn clone(&self) -> Self {
        // Re-parse rather than clone the tree: jsonata-core keys per-step caches by the ids
        // its parser hands out, which a cloned tree would share.
        Expression::compile_with(&self.text, self.options).expect("an expression that compiled once compiles again")
    }
}

impl Expression {
    /// Compiles `text` (what is between `{%` and `%}`) for Step Functions with the default
    /// limits.
    pub fn compile(text: &str) -> Result<Expression, JsonataError> {
        Self::compile_with(text, Options::default())
    }

    pub fn compile_with(text: &str, options: Options) -> Result<Expression, JsonataError> {
        let text = text.trim();
        let mut ast = match catch_unwind(|| parser::parse(text)) {
            Ok(Ok(ast)) => ast,
            Ok(Err(parser::ParserError::UnclosedComment)) => {
                return Err(JsonataError::new("S0106", "Comment has no closing tag"));
            }
            Ok(Err(e)) => return Err(JsonataError::from_message(&e.to_string())),
            Err(_) => return Err(JsonataError::new("S0500", "The expression could not be parsed")),
        };
        let analysis = analyze(&ast);
        if options.dialect == Dialect::StepFunctions
            && let Some(e) = &analysis.newer_syntax
        {
            return Err(e.clone());
        }
        let draws_randomness = RANDOM_FUNCTIONS.iter().any(|f| analysis.uses(f));
        let reads_clock = CLOCK_FUNCTIONS.iter().any(|f| analysis.uses(f));
        let rewrites_join = analysis.uses("join");
        if rewrites_join {
            join::rewrite(&mut ast);
        }
        let guards_calls = guard::GUARDED.iter().any(|f| analysis.functions.contains(*f));
        if guards_calls {
            guard::rewrite(&mut ast);
        }
        let fast = fast::compile(&ast, &options, draws_randomness);
        let host_functions = functions::Names::used_by(|name| analysis.uses(name));
        let overrides_pad = analysis.uses("pad");
        Ok(Expression {
            text: text.into(),
            ast,
            analysis,
            fast,
            draws_randomness,
            reads_clock,
            host_functions,
            overrides_pad,
            rewrites_join,
            guards_calls,
            options,
        })
    }

    /// The expression as written between the delimiters, trimmed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Evaluates the expression. `Ok(None)` is *undefined*.
    pub fn eval(&self, bindings: &Bindings<'_>) -> Result<Option<Value>, JsonataError> {
        if let Some(f) = &self.fast
            && let Some(v) = bindings.eval_fast(f)
        {
            return Ok(v);
        }
        self.eval_core(bindings)
    }

    /// True when the expression is in the subset the fast path evaluates (see [`fast`]).
    #[cfg(test)]
    pub(crate) fn has_fast_path(&self) -> bool {
        self.fast.is_some()
    }

    /// The fast path's answer alone: `None` when there is no fast form or it declines.
    #[cfg(test)]
    pub(crate) fn eval_fast_only(&self, bindings: &Bindings<'_>) -> Option<Option<Value>> {
        bindings.eval_fast(self.fast.as_ref()?)
    }

    /// Evaluates the expression with jsonata-core, never taking the fast path.
    pub(crate) fn eval_core(&self, bindings: &Bindings<'_>) -> Result<Option<Value>, JsonataError> {
        let mut context = Context::new();
        for (name, projection) in &self.analysis.vars {
            if let Some(v) = bindings.variable_value(name, projection, self.options.dialect) {
                let bound = if self.rewrites_join {
                    join::bound_name(name)
                } else {
                    name
                };
                context.bind(bound.to_string(), v);
            }
        }
        let root = bindings.root_value();
        let seed = (self.options.dialect == Dialect::StepFunctions && self.draws_randomness)
            .then(|| bindings.scope.borrow_mut().random_u64());
        let now_ms = (self.options.dialect == Dialect::StepFunctions && self.reads_clock)
            .then(|| bindings.scope.borrow().now_ms());

        let limits = self.options.limits;
        let timeout = match bindings.scope.borrow_mut().time_limit() {
            TimeLimit::Enforce => Some(limits.timeout),
            TimeLimit::Within(limit) => Some(limit),
            TimeLimit::Lifted => None,
            TimeLimit::Exceeded(limit) => return Err(JsonataError::time_limit(limit.unwrap_or(limits.timeout))),
            TimeLimit::OverBudget => return Err(JsonataError::memory_limit(limits.max_memory)),
        };
        // Cancelled from inside the allocator once the evaluation holds more than its budget
        // (see `budget`); the evaluator sees it at its next step.
        let cancel = CancelToken::new();
        let options = EvaluatorOptions {
            timeout_ms: timeout.map(millis),
            max_stack_depth: Some(limits.max_depth),
            max_sequence_length: Some(limits.max_sequence_length()),
            cancel: Some(cancel.clone()),
        };
        let mut ev = Evaluator::with_options(context, options);
        if self.options.dialect == Dialect::StepFunctions {
            functions::register(&mut ev, seed, now_ms, self.host_functions)
                .map_err(|e| JsonataError::from_message(e.message()))?;
        }
        if self.overrides_pad {
            let max = limits.max_memory;
            ev.register_fn_override("pad", move |args: &[JValue]| pad::pad(args, max))
                .map_err(|e| JsonataError::from_message(e.message()))?;
        }
        if self.rewrites_join {
            let max = limits.max_memory;
            ev.register_fn(join::HOST_NAME, move |args: &[JValue]| join::join(args, max))
                .map_err(|e| JsonataError::from_message(e.message()))?;
        }
        if self.guards_calls {
            let max = limits.max_memory;
            ev.register_fn(guard::HOST_NAME, move |args: &[JValue]| guard::guard(args, max))
                .map_err(|e| JsonataError::from_message(e.message()))?;
        }
        let on_exceed = || cancel.cancel();
        let (outcome, report) = budget::within(limits.max_memory, Some(&on_exceed), || {
            let outcome = catch_unwind(AssertUnwindSafe(|| ev.evaluate(&self.ast, &root)));
            // A result that is already over the budget is not converted (that would double it).
            match outcome {
                Ok(Ok(v)) if !budget::exceeded() => Ok(Ok(from_jvalue(&v))),
                Ok(Ok(_)) => Ok(Err(None)),
                Ok(Err(e)) => Ok(Err(Some(e))),
                Err(_) => Err(()),
            }
        });
        let result = match outcome {
            // Over the budget, whatever the evaluation made of its cancellation.
            _ if report.exceeded => Err(JsonataError::memory_limit(limits.max_memory)),
            Ok(Ok(v)) => Ok(v),
            Ok(Err(Some(e))) => Err(evaluation_error(e.message())),
            Ok(Err(None)) => Err(JsonataError::memory_limit(limits.max_memory)),
            Err(()) => Err(JsonataError::new("U1002", "The expression could not be evaluated")),
        };
        if let Err(e) = &result {
            if e.is_time_limit() {
                bindings.scope.borrow_mut().time_limit_hit();
            } else if e.is_memory_limit() {
                bindings.scope.borrow_mut().memory_limit_hit();
            }
        }
        result
    }

    /// Evaluates the expression for the field `field` of a state (`Output`,
    /// `Arguments/name`, `Items`, …) as AWS does: an error or an undefined result is
    /// `States.QueryEvaluationError` with AWS's cause text.
    pub fn eval_field(&self, bindings: &Bindings<'_>, field: &str) -> Result<Value, StatesError> {
        match self.eval(bindings) {
            Ok(Some(v)) => Ok(v),
            Ok(None) => Err(self.undefined_error(field)),
            Err(e) => Err(self.evaluation_error(field, &e)),
        }
    }

    /// `… returned nothing (undefined).`
    pub fn undefined_error(&self, field: &str) -> StatesError {
        StatesError::new(
            names::QUERY_EVALUATION_ERROR,
            format!(
                "The JSONata expression '{}' specified for the field '{field}' returned nothing (undefined).",
                self.text
            ),
        )
        .at(field)
    }

    /// `… threw an error during evaluation. T1006: Attempted to invoke a non-function`.
    pub fn evaluation_error(&self, field: &str, error: &JsonataError) -> StatesError {
        StatesError::new(
            names::QUERY_EVALUATION_ERROR,
            format!(
                "The JSONata expression '{}' specified for the field '{field}' threw an error during evaluation. {error}",
                self.text
            ),
        ).at(field)
    }

    /// `… returned an unexpected result type. Expected 'array', but was 'boolean' for value: true`,
    /// for a field that needs a value of type `expected` (`array`, `number`, `string`, …).
    pub fn unexpected_type_error(&self, field: &str, expected: &str, value: &Value) -> StatesError {
        StatesError::new(
            names::QUERY_EVALUATION_ERROR,
            format!(
                "The JSONata expression '{}' specified for the field '{field}' returned an unexpected result type. Expected '{expected}', but was '{}' for value: {}",
                self.text,
                type_name(value),
                serde_json::to_string(value).unwrap_or_default()
            ),
        ).at(field)
    }
}

/// An evaluation error in jsonata-js's wording where jsonata-core's differs.
fn evaluation_error(msg: &str) -> JsonataError {
    let mut e = JsonataError::from_message(msg);
    // jsonata-core names the function (`…: $name`); jsonata-js, and so AWS, does not.
    const NON_FUNCTION: &str = "Attempted to invoke a non-function";
    if e.code.as_deref() == Some("T1006") && e.message.starts_with(NON_FUNCTION) {
        e.message.truncate(NON_FUNCTION.len());
    }
    e
}

/// Where a bound value comes from, for the conversion cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source<'n> {
    Root,
    Input,
    Result,
    ErrorOutput,
    Context,
    Variable(&'n str),
}

/// A [`Source`] kept in the cache.
#[derive(Debug)]
enum OwnedSource {
    Fixed(Source<'static>),
    Variable(Box<str>),
}

impl OwnedSource {
    fn new(s: Source<'_>) -> Self {
        match s {
            Source::Root => OwnedSource::Fixed(Source::Root),
            Source::Input => OwnedSource::Fixed(Source::Input),
            Source::Result => OwnedSource::Fixed(Source::Result),
            Source::ErrorOutput => OwnedSource::Fixed(Source::ErrorOutput),
            Source::Context => OwnedSource::Fixed(Source::Context),
            Source::Variable(name) => OwnedSource::Variable(name.into()),
        }
    }

    fn is(&self, s: Source<'_>) -> bool {
        match self {
            OwnedSource::Fixed(f) => *f == s,
            OwnedSource::Variable(name) => s == Source::Variable(name),
        }
    }
}

/// What an expression is evaluated with: `$states` (`input`, `result`, `errorOutput`,
/// `context`) and the workflow variables, from the engine's [`Scope`].
///
/// A `Bindings` lives for one state's evaluation. Every converted value (whole, or the
/// fields an expression reads) is cached by source and selection, so the expressions of
/// one state (`Arguments`, `Output`, `Assign`, …) share conversions instead of repeating
/// them; values an expression reads only through field chains are converted only along
/// those chains.
pub struct Bindings<'a> {
    input: &'a Value,
    result: Option<&'a Value>,
    error_output: Option<&'a Value>,
    root: Option<&'a Value>,
    scope: RefCell<&'a mut dyn Scope>,
    /// Converted values by source and selection: a handful per state, so a list.
    cache: RefCell<Vec<(OwnedSource, Projection, JValue)>>,
    converted: Cell<usize>,
}

impl<'a> Bindings<'a> {
    /// `$states.input` is `input`; `$states.context` and the variables come from `scope`,
    /// and so does randomness.
    pub fn new(input: &'a Value, scope: &'a mut dyn Scope) -> Self {
        Bindings {
            input,
            result: None,
            error_output: None,
            root: None,
            scope: RefCell::new(scope),
            cache: RefCell::new(Vec::new()),
            converted: Cell::new(0),
        }
    }

    /// Sets `$states.result`.
    pub fn with_result(mut self, result: &'a Value) -> Self {
        self.result = Some(result);
        self
    }

    /// Sets `$states.errorOutput` (in a Catch).
    pub fn with_error_output(mut self, error_output: &'a Value) -> Self {
        self.error_output = Some(error_output);
        self
    }

    /// Sets the evaluation's context value (`$`). Step Functions leaves it undefined; the
    /// test-suite runner sets it.
    pub fn with_root(mut self, root: Option<&'a Value>) -> Self {
        self.root = root;
        self
    }

    /// How many whole values (input, result, context, variables…) have been converted to
    /// the engine's representation so far. Field-chain projections are not counted.
    pub fn whole_conversions(&self) -> usize {
        self.converted.get()
    }

    /// `v` (from `source`) as far as `p` selects it, converted once per `Bindings`.
    fn converted(&self, source: Source<'_>, v: &Value, p: &Projection) -> JValue {
        if let Some((_, _, j)) = self.cache.borrow().iter().find(|(s, q, _)| s.is(source) && q == p) {
            return j.clone();
        }
        let j = project(v, p);
        if matches!(p, Projection::Full) {
            self.converted.set(self.converted.get() + 1);
        }
        self.cache
            .borrow_mut()
            .push((OwnedSource::new(source), p.clone(), j.clone()));
        j
    }

    /// Evaluates `f` on the bound values directly; `None` when the fast path declines.
    fn eval_fast(&self, f: &Fast) -> Option<Option<Value>> {
        let scope = self.scope.borrow();
        let env = fast::Env {
            input: self.input,
            result: self.result,
            error_output: self.error_output,
            scope: &**scope,
        };
        f.eval(&env)
    }

    fn root_value(&self) -> JValue {
        match self.root {
            Some(v) => self.converted(Source::Root, v, &Projection::Full),
            None => JValue::Undefined,
        }
    }

    fn states_value(&self, p: &Projection) -> JValue {
        let wanted = |name: &str| -> Option<Projection> {
            match p {
                Projection::Full => Some(Projection::Full),
                Projection::Fields(f) => f.get(name).cloned(),
            }
        };
        let mut m: Vec<(String, JValue)> = Vec::with_capacity(4);
        if let Some(sub) = wanted("input") {
            m.push(("input".to_string(), self.converted(Source::Input, self.input, &sub)));
        }
        if let (Some(sub), Some(r)) = (wanted("result"), self.result) {
            m.push(("result".to_string(), self.converted(Source::Result, r, &sub)));
        }
        if let (Some(sub), Some(e)) = (wanted("errorOutput"), self.error_output) {
            m.push(("errorOutput".to_string(), self.converted(Source::ErrorOutput, e, &sub)));
        }
        if let Some(sub) = wanted("context") {
            let scope = self.scope.borrow();
            m.push((
                "context".to_string(),
                self.converted(Source::Context, scope.context(), &sub),
            ));
        }
        JValue::Object(Rc::new(m.into_iter().collect::<JMap>()))
    }

    fn variable_value(&self, name: &str, p: &Projection, dialect: Dialect) -> Option<JValue> {
        if dialect == Dialect::StepFunctions && name == "states" {
            return Some(self.states_value(p));
        }
        let scope = self.scope.borrow();
        let v = scope.variable(name)?;
        Some(self.converted(Source::Variable(name), v, p))
    }
}
