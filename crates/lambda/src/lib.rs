//! The AWS Lambda actions, over the store ([`store::FunctionStore`]), the code packages
//! ([`functions::code::CodeStore`]) and whatever runs functions ([`FunctionInvoker`]).
//!
//! One module per resource: [`functions`] (create, get, list, update code and
//! configuration, delete), [`versions`], [`aliases`], [`concurrency`], [`tags`],
//! [`invoke`]; [`names`] parses function names and ARNs, [`validate`] holds the model's
//! constraints and the service's rules, [`errors`] AWS's messages. [`Lambda::resolve`] is
//! what a Task state uses to find the function version it calls.
//!
//! Writes (every action that changes a function, its versions, aliases, tags or
//! concurrency) take one lock for the whole service: a check and the write it allows (the
//! name is free, the revision id matches, the next version number) then never interleave
//! with another's. One process owns the store (it holds the store's file lock), so a lock
//! in memory is enough; reads take none.

pub mod aliases;
pub mod concurrency;
mod errors;
pub mod functions;
pub mod invoke;
pub mod model;
pub mod names;
mod runner;
pub mod tags;
pub mod tasks;
pub mod validate;
pub mod versions;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use ::functions::code::CodeStore;
use ::functions::{CodeLocation, FunctionSpec, InvokeError, InvokeOutcome, InvokeRequest};
use server::RequestContext;
use server::lambda::{LambdaAction, LambdaBackend, LambdaError, LambdaReply, LambdaRequest};
use store::{FunctionRecord, FunctionStore, Store};

pub use errors::{alias_not_found, function_not_found};
use model::{StoredCode, StoredFunction};
use names::FunctionRef;

/// What runs a function: the runner (crates/functions), or another Lambda endpoint.
pub trait FunctionInvoker: Send + Sync + 'static {
    /// Runs one invocation of `spec` to its end (the function's own errors are an
    /// [`InvokeOutcome`] with `function_error` set, not an `Err`).
    fn invoke(
        &self,
        spec: FunctionSpec,
        request: InvokeRequest,
    ) -> Pin<Box<dyn Future<Output = Result<InvokeOutcome, InvokeError>> + Send + '_>>;
    /// The function's code or configuration changed, or it was deleted: warm instances of
    /// it must not serve another invocation.
    fn retire(&self, function_arn: &str);
}

/// Until a runner is wired in: every invocation is refused as the runner would refuse a
/// runtime it cannot serve, so the rest of the API works and the reason is plain.
#[derive(Debug, Default)]
pub struct NoRunner;

impl FunctionInvoker for NoRunner {
    fn invoke(
        &self,
        spec: FunctionSpec,
        _request: InvokeRequest,
    ) -> Pin<Box<dyn Future<Output = Result<InvokeOutcome, InvokeError>> + Send + '_>> {
        Box::pin(async move {
            Err(InvokeError::RuntimeUnavailable(format!(
                "this Stepwise build has no function runner: {} ({}) cannot be invoked",
                spec.name, spec.runtime
            )))
        })
    }

    fn retire(&self, _function_arn: &str) {}
}

/// The store the Lambda actions need: the function catalog and the shared tags.
pub trait LambdaStore: Store + FunctionStore {}
impl<T: Store + FunctionStore> LambdaStore for T {}

pub(crate) struct Inner {
    pub store: Arc<dyn LambdaStore>,
    pub code: Arc<CodeStore>,
    pub invoker: Arc<dyn FunctionInvoker>,
    pub region: String,
    pub account: String,
    pub writes: tokio::sync::Mutex<()>,
}

/// The Lambda API. Cheap to clone.
#[derive(Clone)]
pub struct Lambda {
    pub(crate) inner: Arc<Inner>,
}

impl Lambda {
    /// `region` and `account` are those of names given without an ARN when no request
    /// context says otherwise (Task states).
    pub fn new(
        store: Arc<dyn LambdaStore>,
        code: CodeStore,
        invoker: Arc<dyn FunctionInvoker>,
        region: impl Into<String>,
        account: impl Into<String>,
    ) -> Lambda {
        Lambda {
            inner: Arc::new(Inner {
                store,
                code: Arc::new(code),
                invoker,
                region: region.into(),
                account: account.into(),
                writes: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// The function version a name (a name, a partial, full or qualified ARN) and a
    /// qualifier (`$LATEST`, a version, an alias) designate, ready to run: what a Task
    /// state calls. Errors are the API's (`ResourceNotFoundException` "Function not found:
    /// …").
    pub async fn resolve(&self, name_or_arn: &str, qualifier: Option<&str>) -> Result<FunctionSpec, LambdaError> {
        let r = names::parse(name_or_arn, "functionName")?;
        let q = names::qualifier(&r, qualifier)?;
        let region = r.region.clone().unwrap_or_else(|| self.inner.region.clone());
        let account = r.account.clone().unwrap_or_else(|| self.inner.account.clone());
        let arn = names::function_arn(&region, &account, &r.name);
        let (record, stored, _) = self.inner.routed(&arn, q.as_deref()).await?;
        Ok(self.inner.spec(&record, &stored, &region, &account))
    }
}

impl Inner {
    /// The unqualified ARN of a parsed name, in the caller's region and account unless the
    /// name says.
    pub fn arn_of(&self, ctx: &RequestContext, r: &FunctionRef) -> String {
        names::function_arn(
            r.region.as_deref().unwrap_or(&ctx.region),
            r.account.as_deref().unwrap_or(&ctx.account_id),
            &r.name,
        )
    }

    /// Runs a store call on a blocking thread.
    pub async fn db<T, F>(&self, f: F) -> Result<T, LambdaError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn LambdaStore) -> store::Result<T> + Send + 'static,
    {
        let s = self.store.clone();
        tokio::task::spawn_blocking(move || f(&*s))
            .await
            .map_err(|e| LambdaError::service(format!("a store call failed: {e}")))?
            .map_err(errors::store)
    }

    /// The function and its `$LATEST` document; `Function not found` when absent.
    pub async fn load(&self, arn: &str) -> Result<(FunctionRecord, StoredFunction), LambdaError> {
        let key = arn.to_owned();
        let record = self
            .db(move |s| s.get_function(&key))
            .await?
            .ok_or_else(|| function_not_found(arn))?;
        let stored = errors::parse_stored(&record.config)?;
        Ok((record, stored))
    }

    /// What `qualifier` designates: `$LATEST` (or none), a version number, or an alias
    /// (its primary version: what GetFunction and GetFunctionConfiguration describe); and
    /// the version's label.
    pub async fn target(
        &self,
        arn: &str,
        qualifier: Option<&str>,
    ) -> Result<(FunctionRecord, StoredFunction, String), LambdaError> {
        self.target_with(arn, qualifier, false).await
    }

    /// Like [`Inner::target`], but an alias with a routing configuration sends this
    /// invocation to its additional version with that version's weight (Invoke, Task states).
    pub async fn routed(
        &self,
        arn: &str,
        qualifier: Option<&str>,
    ) -> Result<(FunctionRecord, StoredFunction, String), LambdaError> {
        self.target_with(arn, qualifier, true).await
    }

    async fn target_with(
        &self,
        arn: &str,
        qualifier: Option<&str>,
        route: bool,
    ) -> Result<(FunctionRecord, StoredFunction, String), LambdaError> {
        let (record, latest) = self.load(arn).await?;
        match qualifier {
            None | Some("$LATEST") => Ok((record, latest, "$LATEST".into())),
            Some(q) if q.bytes().all(|b| b.is_ascii_digit()) => {
                let stored = self.version(arn, q).await?;
                Ok((record, stored, q.to_owned()))
            }
            Some(alias) => {
                let a = self.alias(arn, alias).await?;
                let version = if route {
                    invoke::pick_version(&a)
                } else {
                    a.function_version.clone()
                };
                let stored = if version == "$LATEST" {
                    latest
                } else {
                    self.version(arn, &version).await?
                };
                Ok((record, stored, version))
            }
        }
    }

    /// A published version's document.
    pub async fn version(&self, arn: &str, version: &str) -> Result<StoredFunction, LambdaError> {
        let qualified = format!("{arn}:{version}");
        let Ok(n) = version.parse::<u64>() else {
            return Err(function_not_found(&qualified));
        };
        let key = arn.to_owned();
        let v = self
            .db(move |s| s.get_function_version(&key, n))
            .await?
            .ok_or_else(|| function_not_found(&qualified))?;
        errors::parse_stored(&v.config)
    }

    /// An alias's configuration; `Function not found: <alias ARN>` when absent (what
    /// Invoke and GetFunction say; GetAlias words it its own way).
    pub async fn alias(&self, arn: &str, name: &str) -> Result<model::AliasConfiguration, LambdaError> {
        let (key, n) = (arn.to_owned(), name.to_owned());
        let a = self
            .db(move |s| s.get_function_alias(&key, &n))
            .await?
            .ok_or_else(|| function_not_found(&format!("{arn}:{name}")))?;
        serde_json::from_str(&a.config).map_err(|e| LambdaError::service(format!("a stored alias is unreadable: {e}")))
    }

    /// The runner's view of one version.
    pub fn spec(&self, record: &FunctionRecord, stored: &StoredFunction, region: &str, account: &str) -> FunctionSpec {
        let c = &stored.configuration;
        let code = match &stored.code {
            StoredCode::Zip { hex_sha256 } => CodeLocation::Unpacked(self.code.dir_of(hex_sha256)),
            StoredCode::HotReload { path } => CodeLocation::HotReload(path.into()),
        };
        FunctionSpec {
            function_arn: record.arn.clone(),
            name: record.name.clone(),
            version: c.version.clone(),
            runtime: c.runtime.clone(),
            handler: c.handler.clone(),
            code,
            timeout_seconds: c.timeout,
            memory_mb: c.memory_size,
            environment: c.environment.clone().map(|e| e.variables).unwrap_or_default(),
            region: region.to_owned(),
            account: account.to_owned(),
            revision: c.revision_id.clone(),
            reserved_concurrency: record.reserved_concurrency,
        }
    }
}

/// `LastModified` as AWS writes it: `2024-01-01T12:00:00.000+0000`.
pub(crate) fn last_modified_now() -> String {
    let now = time::OffsetDateTime::now_utc();
    let format =
        time::format_description::parse("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]+0000")
            .expect("a valid format description");
    now.format(&format).unwrap_or_default()
}

pub(crate) fn new_revision_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl LambdaBackend for Lambda {
    async fn call(&self, ctx: RequestContext, r: LambdaRequest) -> Result<LambdaReply, LambdaError> {
        use LambdaAction::*;
        let inner = &*self.inner;
        match r.action {
            CreateFunction => functions::create(inner, &ctx, &r).await,
            ListFunctions => functions::list(inner, &ctx, &r).await,
            GetFunction => functions::get(inner, &ctx, &r).await,
            GetFunctionConfiguration => functions::get_configuration(inner, &ctx, &r).await,
            UpdateFunctionCode => functions::update_code(inner, &ctx, &r).await,
            UpdateFunctionConfiguration => functions::update_configuration(inner, &ctx, &r).await,
            DeleteFunction => functions::delete(inner, &ctx, &r).await,
            PublishVersion => versions::publish(inner, &ctx, &r).await,
            ListVersionsByFunction => versions::list(inner, &ctx, &r).await,
            CreateAlias => aliases::create(inner, &ctx, &r).await,
            GetAlias => aliases::get(inner, &ctx, &r).await,
            UpdateAlias => aliases::update(inner, &ctx, &r).await,
            DeleteAlias => aliases::delete(inner, &ctx, &r).await,
            ListAliases => aliases::list(inner, &ctx, &r).await,
            PutFunctionConcurrency => concurrency::put(inner, &ctx, &r).await,
            GetFunctionConcurrency => concurrency::get(inner, &ctx, &r).await,
            DeleteFunctionConcurrency => concurrency::delete(inner, &ctx, &r).await,
            TagResource => tags::tag(inner, &ctx, &r).await,
            UntagResource => tags::untag(inner, &ctx, &r).await,
            ListTags => tags::list(inner, &ctx, &r).await,
            Invoke => invoke::invoke(self, &ctx, &r).await,
        }
    }
}
