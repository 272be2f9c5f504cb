//! Store calls from async code. The store is synchronous (SQLite), so every call runs on a
//! blocking thread; the two entry points differ only in who interprets the store's error.

use std::sync::Arc;

use server::ApiError;
use store::{AliasRecord, StateMachineRecord, Store, StoreError};

use crate::Service;
use crate::errors::store_error;

impl Service {
    fn store(&self) -> Arc<dyn Store> {
        self.runtime.store().clone()
    }

    /// Runs a store call on a blocking thread; any store error is an internal failure.
    pub(crate) async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, ApiError> {
        self.db_raw(f).await.map_err(store_error)
    }

    /// Like [`Service::db`], keeping the store's error for the caller to interpret (the
    /// actions that turn `AlreadyExists` or `NotFound` into an answer of their own).
    pub(crate) async fn db_raw<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.store();
        tokio::task::spawn_blocking(move || f(store.as_ref()))
            .await
            .map_err(join_failure)?
    }

    /// The state machine at an unqualified ARN, or StateMachineDoesNotExist.
    pub(crate) async fn state_machine(&self, arn: &str) -> Result<StateMachineRecord, ApiError> {
        let owned = arn.to_string();
        self.db(move |s| s.get_state_machine(&owned))
            .await?
            .ok_or_else(|| ApiError::state_machine_does_not_exist(arn))
    }

    /// The alias at an alias ARN, or ResourceNotFound.
    pub(crate) async fn alias(&self, arn: &str) -> Result<AliasRecord, ApiError> {
        let owned = arn.to_string();
        self.db(move |s| s.get_alias(&owned))
            .await?
            .ok_or_else(|| ApiError::resource_not_found(Some(arn)))
    }
}

/// A store call whose blocking thread panicked or was cancelled (the runtime shutting down)
/// is a storage failure: the one place the service makes a `StoreError` of its own.
fn join_failure(e: tokio::task::JoinError) -> StoreError {
    StoreError::internal("a store call's thread failed", Some(Box::new(e)))
}
