//! Lambda functions, their published versions and aliases: the catalog of the Lambda API.
//!
//! The store keeps each configuration as the JSON document the Lambda crate writes (what
//! `GetFunctionConfiguration` answers, plus where the code is): the keys it looks records
//! up by are columns, the rest is the Lambda crate's to shape, so a new field of AWS's
//! configuration needs no migration. Tags of a function live in the shared tags table under
//! its unqualified ARN ([`Store::tag_resource`](crate::Store::tag_resource)).

use crate::{Page, Result, Tag};

/// A function: its `$LATEST` configuration and what belongs to the function as a whole.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionRecord {
    /// The unqualified function ARN, the key.
    pub arn: String,
    pub name: String,
    /// The `$LATEST` configuration (JSON, the Lambda crate's shape).
    pub config: String,
    /// `PutFunctionConcurrency`'s reserved concurrency, if set.
    pub reserved_concurrency: Option<u32>,
    /// The last version number published (0: none yet). Numbers are never reused while the
    /// function exists; a function deleted and created again starts at 1, as on AWS.
    pub last_version: u64,
    pub created_ms: i64,
}

/// One published version: a snapshot of the configuration and code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionVersionRecord {
    pub function_arn: String,
    pub version: u64,
    pub config: String,
}

/// An alias: a name that routes to one version (or two, weighted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionAliasRecord {
    pub function_arn: String,
    pub name: String,
    /// The alias configuration (JSON, the Lambda crate's shape).
    pub config: String,
}

/// The Lambda catalog. Like [`Store`](crate::Store), every method is synchronous and may
/// block; writes are durable when they return.
pub trait FunctionStore: Send + Sync {
    /// `AlreadyExists` when a function with that ARN exists.
    fn create_function(&self, f: &FunctionRecord, tags: &[Tag]) -> Result<()>;
    fn get_function(&self, arn: &str) -> Result<Option<FunctionRecord>>;
    /// Replaces the `$LATEST` configuration and the reserved concurrency (not
    /// `last_version`); `NotFound` if there is no such function.
    fn update_function(&self, f: &FunctionRecord) -> Result<()>;
    /// Deletes the function with its versions, aliases and tags; `NotFound` if none.
    fn delete_function(&self, arn: &str) -> Result<()>;
    /// Ordered by ARN; `page.after` is a function ARN.
    fn list_functions(&self, page: &Page) -> Result<Vec<FunctionRecord>>;

    /// Stores `v` and raises the function's `last_version` to `v.version` in one
    /// transaction; `Conflict` unless `v.version` is `last_version + 1`, `NotFound` when
    /// the function does not exist.
    fn publish_function_version(&self, v: &FunctionVersionRecord) -> Result<()>;
    fn get_function_version(&self, function_arn: &str, version: u64) -> Result<Option<FunctionVersionRecord>>;
    /// Oldest first; `after` is a version number.
    fn list_function_versions(
        &self,
        function_arn: &str,
        after: Option<u64>,
        limit: usize,
    ) -> Result<Vec<FunctionVersionRecord>>;
    /// `NotFound` if there is no such version.
    fn delete_function_version(&self, function_arn: &str, version: u64) -> Result<()>;

    /// `AlreadyExists` when the function has an alias of that name; `NotFound` when the
    /// function does not exist.
    fn create_function_alias(&self, a: &FunctionAliasRecord) -> Result<()>;
    fn get_function_alias(&self, function_arn: &str, name: &str) -> Result<Option<FunctionAliasRecord>>;
    /// `NotFound` if there is no such alias.
    fn update_function_alias(&self, a: &FunctionAliasRecord) -> Result<()>;
    /// `NotFound` if there is no such alias.
    fn delete_function_alias(&self, function_arn: &str, name: &str) -> Result<()>;
    /// By name; `after` is an alias name.
    fn list_function_aliases(
        &self,
        function_arn: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<FunctionAliasRecord>>;
}
