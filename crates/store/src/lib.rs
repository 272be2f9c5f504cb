//! Storage for `stepwise serve`: state machines, versions, aliases, tags, executions, their
//! history events and their engine journals; and the Lambda functions ([`FunctionStore`]).
//!
//! One trait, [`Store`], so that the PostgreSQL backend of a later issue is a second
//! implementation and not a rewrite. Every method is synchronous and may block on I/O: the
//! async runtime calls it from a blocking thread. Implementations must be safe to share
//! between threads.
//!
//! **Durability.** [`Store::append`] is the one write on the hot path of an execution: it
//! commits, in one transaction, the history events an engine step produced, the journal
//! entry (the engine input that caused them) and, when the execution ended, its final
//! status. It returns only once that transaction is durable (fsync). Implementations are
//! expected to group concurrent calls into one transaction (group commit) so that many
//! executions share each fsync.
//!
//! **Recovery.** The engine is deterministic: an execution is rebuilt by starting it again
//! with the same configuration and feeding it its journal in order. [`Store::journal`] and
//! [`Store::open_executions`] are what a restart needs.

mod error;
pub mod functions;
mod model;
pub mod sqlite;

pub use error::{BoxError, StoreError};
pub use functions::{FunctionAliasRecord, FunctionRecord, FunctionStore, FunctionVersionRecord};
pub use model::*;
pub use sqlite::SqliteStore;

pub type Result<T> = std::result::Result<T, StoreError>;

/// A page request: the key to start after (from the previous page's last item) and the
/// most items to return.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub after: Option<String>,
    pub limit: usize,
}

pub trait Store: Send + Sync {
    // --- state machines ----------------------------------------------------------------
    /// Fails with `AlreadyExists` when a state machine with that ARN exists.
    fn create_state_machine(&self, sm: &StateMachineRecord, tags: &[Tag]) -> Result<()>;
    fn get_state_machine(&self, arn: &str) -> Result<Option<StateMachineRecord>>;
    /// Replaces the record with the same ARN; `NotFound` if there is none.
    fn update_state_machine(&self, sm: &StateMachineRecord) -> Result<()>;
    /// Deletes the state machine with its versions, aliases and tags (not its executions).
    fn delete_state_machine(&self, arn: &str) -> Result<()>;
    /// Ordered by ARN; `page.after` is an ARN.
    fn list_state_machines(&self, page: &Page) -> Result<Vec<StateMachineRecord>>;

    // --- versions and aliases ----------------------------------------------------------
    /// Stores a new version with the next version number of its state machine (1, 2, …,
    /// never reused) and returns it with `version` and `arn` filled in.
    fn publish_version(&self, version: &VersionRecord) -> Result<VersionRecord>;
    fn get_version(&self, arn: &str) -> Result<Option<VersionRecord>>;
    /// Newest first; `page.after` is a version ARN.
    fn list_versions(&self, state_machine_arn: &str, page: &Page) -> Result<Vec<VersionRecord>>;
    fn delete_version(&self, arn: &str) -> Result<()>;
    fn create_alias(&self, alias: &AliasRecord) -> Result<()>;
    fn get_alias(&self, arn: &str) -> Result<Option<AliasRecord>>;
    fn update_alias(&self, alias: &AliasRecord) -> Result<()>;
    fn delete_alias(&self, arn: &str) -> Result<()>;
    /// Ordered by ARN; `page.after` is an alias ARN.
    fn list_aliases(&self, state_machine_arn: &str, page: &Page) -> Result<Vec<AliasRecord>>;

    // --- tags --------------------------------------------------------------------------
    /// Adds or replaces tags on any resource ARN.
    fn tag_resource(&self, arn: &str, tags: &[Tag]) -> Result<()>;
    fn untag_resource(&self, arn: &str, keys: &[String]) -> Result<()>;
    fn list_tags(&self, arn: &str) -> Result<Vec<Tag>>;

    // --- executions --------------------------------------------------------------------
    /// Creates a RUNNING execution with its first events and journal entry, durably.
    /// `AlreadyExists` when the ARN is taken.
    fn create_execution(&self, exec: &ExecutionRecord, events: &[StoredEvent], journal: &[JournalEntry]) -> Result<()>;
    fn get_execution(&self, arn: &str) -> Result<Option<ExecutionRecord>>;
    /// Newest first (by start time, then ARN); `page.after` is an execution ARN.
    fn list_executions(&self, filter: &ExecutionFilter, page: &Page) -> Result<Vec<ExecutionRecord>>;
    /// Commits one engine step durably: events, journal entries and, if the execution
    /// ended, its final state (see the module docs).
    fn append(&self, batch: &AppendBatch) -> Result<()>;
    /// History events with `id > after_id` (ascending) or `id < before_id` (descending when
    /// `reverse`), at most `limit`.
    fn history(&self, execution_arn: &str, query: &HistoryQuery) -> Result<Vec<StoredEvent>>;
    /// The journal of an execution, in order.
    fn journal(&self, execution_arn: &str) -> Result<Vec<JournalEntry>>;
    /// Every execution still RUNNING (what a restart must resume).
    fn open_executions(&self) -> Result<Vec<ExecutionRecord>>;

    // --- the resume guard --------------------------------------------------------------
    /// Durably notes that this process is resuming or computing the execution, and returns
    /// how many times that was noted before without [`Store::settle`] in between: how many
    /// processes died while the execution was resuming or computing. A runtime calls it
    /// at most once per execution per process, so an execution that kills the process it
    /// runs in is recognised and not resumed for ever. `NotFound` for an unknown ARN.
    fn mark_unsettled(&self, execution_arn: &str) -> Result<u32>;
    /// Clears the mark: the execution waits for the world (a timer, a task) or has ended,
    /// so a restart now is no evidence against it. [`Store::append`] with an end and a
    /// redrive clear it too.
    fn settle(&self, execution_arn: &str) -> Result<()>;
}
