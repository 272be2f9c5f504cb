//! State machine versions: publishing (also from create/update with `publish: true`),
//! listing, deleting.

use server::ApiError;
use server::arn;
use server::types::*;
use store::{Page, StateMachineRecord, StoreError, VersionRecord};

use crate::Service;
use crate::errors::store_error;

/// Publishes the state machine's current definition as a new version, unless the newest
/// version already holds this revision (AWS does not publish the same revision twice).
pub(crate) async fn publish(
    svc: &Service,
    sm: &StateMachineRecord,
    description: Option<String>,
) -> Result<VersionRecord, ApiError> {
    let sm_arn = sm.arn.clone();
    let latest = svc
        .db(move |s| s.list_versions(&sm_arn, &Page { after: None, limit: 1 }))
        .await?
        .into_iter()
        .next();
    if let Some(v) = latest
        && v.revision_id == sm.revision_id
    {
        return Ok(v);
    }
    let v = VersionRecord {
        arn: String::new(),
        state_machine_arn: sm.arn.clone(),
        version: 0,
        definition: sm.definition.clone(),
        role_arn: sm.role_arn.clone(),
        revision_id: sm.revision_id.clone(),
        description,
        created_ms: Timestamp::now().as_millis(),
    };
    svc.db(move |s| s.publish_version(&v)).await
}

/// A `revisionId` that is not the current one is a conflict, as on AWS.
pub(crate) async fn publish_action(
    svc: &Service,
    input: PublishStateMachineVersionInput,
) -> Result<PublishStateMachineVersionOutput, ApiError> {
    let parsed = arn::parse_state_machine(&input.state_machine_arn, false)?;
    let sm = svc.state_machine(&parsed.unqualified()).await?;
    if let Some(rev) = &input.revision_id
        && rev != &sm.revision_id
    {
        return Err(ApiError::ConflictException(format!(
            "Failed to publish the State Machine version for revision {rev}. The current State Machine revision is {}.",
            sm.revision_id
        )));
    }
    let v = publish(svc, &sm, input.description).await?;
    Ok(PublishStateMachineVersionOutput {
        creation_date: Timestamp(v.created_ms),
        state_machine_version_arn: v.arn,
    })
}

pub(crate) async fn list(
    svc: &Service,
    input: ListStateMachineVersionsInput,
) -> Result<ListStateMachineVersionsOutput, ApiError> {
    let parsed = arn::parse_state_machine(&input.state_machine_arn, false)?;
    let sm_arn = parsed.unqualified();
    svc.state_machine(&sm_arn).await?;
    let (items, next_token) = svc
        .page(
            input.max_results,
            input.next_token.as_deref(),
            move |s, page| s.list_versions(&sm_arn, page),
            |v| v.arn.clone(),
        )
        .await?;
    Ok(ListStateMachineVersionsOutput {
        state_machine_versions: items
            .into_iter()
            .map(|v| StateMachineVersionListItem {
                state_machine_version_arn: v.arn,
                creation_date: Timestamp(v.created_ms),
            })
            .collect(),
        next_token,
    })
}

/// A version an alias routes to cannot be deleted; an unknown version deletes fine.
pub(crate) async fn delete(
    svc: &Service,
    input: DeleteStateMachineVersionInput,
) -> Result<DeleteStateMachineVersionOutput, ApiError> {
    let parsed = arn::parse_state_machine(&input.state_machine_version_arn, false)?;
    let varn = parsed.without_test_case();
    let sm_arn = parsed.unqualified();
    let aliases = svc
        .db(move |s| {
            s.list_aliases(
                &sm_arn,
                &Page {
                    after: None,
                    limit: usize::MAX,
                },
            )
        })
        .await?;
    if let Some(a) = aliases.iter().find(|a| a.routing.iter().any(|r| r.version_arn == varn)) {
        return Err(ApiError::ConflictException(format!(
            "Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [{}]",
            a.name
        )));
    }
    match svc.db_raw(move |s| s.delete_version(&varn)).await {
        Ok(()) => Ok(DeleteStateMachineVersionOutput {}),
        Err(StoreError::NotFound(_)) => Ok(DeleteStateMachineVersionOutput {}),
        Err(e) => Err(store_error(e)),
    }
}
