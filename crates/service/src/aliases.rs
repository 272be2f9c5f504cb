//! State machine aliases: named, weighted routings over versions of one state machine.
//! Which version an execution started through an alias runs is in [`crate::target`].

use server::ApiError;
use server::arn::{self, Qualifier, StateMachineArn};
use server::types::*;
use store::{AliasRecord, RoutingEntry, StoreError};

use crate::Service;
use crate::convert::routing_out;
use crate::errors::store_error;

/// A checked routing configuration.
struct Routing {
    /// The state machine every routed version belongs to (unqualified); `None` only for an
    /// empty routing, which the model's length constraint keeps out.
    machine: Option<StateMachineArn>,
    entries: Vec<RoutingEntry>,
}

/// Every routed version exists and all belong to one state machine.
async fn check_routing(svc: &Service, items: &[RoutingConfigurationListItem]) -> Result<Routing, ApiError> {
    let mut out = Vec::new();
    let mut machine: Option<StateMachineArn> = None;
    for item in items {
        let mut parsed = arn::parse_state_machine(&item.state_machine_version_arn, false)?;
        if !matches!(parsed.qualifier, Some(Qualifier::Version(_))) {
            return Err(ApiError::invalid_arn(&item.state_machine_version_arn));
        }
        parsed.qualifier = None;
        if machine.as_ref().is_some_and(|m| m != &parsed) {
            return Err(ApiError::validation(
                "All versions in the routing configuration must belong to the same state machine",
            ));
        }
        machine = Some(parsed);
        let varn = item.state_machine_version_arn.clone();
        if svc.db(move |s| s.get_version(&varn)).await?.is_none() {
            return Err(ApiError::resource_not_found(Some(&item.state_machine_version_arn)));
        }
        out.push(RoutingEntry {
            version_arn: item.state_machine_version_arn.clone(),
            weight: item.weight.max(0) as u32,
        });
    }
    Ok(Routing { machine, entries: out })
}

/// Creating the same alias again (same routing and description) is idempotent; a different
/// one under the same name is a conflict.
pub(crate) async fn create(
    svc: &Service,
    input: CreateStateMachineAliasInput,
) -> Result<CreateStateMachineAliasOutput, ApiError> {
    let Routing {
        machine,
        entries: routing,
    } = check_routing(svc, &input.routing_configuration).await?;
    let machine = machine.ok_or_else(|| ApiError::validation("The routing configuration names no version"))?;
    let sm_arn = machine.unqualified();
    let alias_arn = StateMachineArn {
        qualifier: Some(Qualifier::Alias(input.name.clone())),
        ..machine
    }
    .to_string();
    let now = Timestamp::now().as_millis();
    let record = AliasRecord {
        arn: alias_arn.clone(),
        state_machine_arn: sm_arn,
        name: input.name.clone(),
        description: input.description.clone(),
        routing,
        created_ms: now,
        updated_ms: now,
    };
    let stored = record.clone();
    match svc.db_raw(move |s| s.create_alias(&stored)).await {
        Ok(()) => Ok(CreateStateMachineAliasOutput {
            state_machine_alias_arn: alias_arn,
            creation_date: Timestamp(now),
        }),
        Err(StoreError::AlreadyExists(_)) => {
            let lookup = alias_arn.clone();
            let existing = svc.db(move |s| s.get_alias(&lookup)).await?;
            match existing {
                Some(e) if e.routing == record.routing && e.description == record.description => {
                    Ok(CreateStateMachineAliasOutput {
                        state_machine_alias_arn: alias_arn,
                        creation_date: Timestamp(e.created_ms),
                    })
                }
                _ => Err(ApiError::ConflictException(format!(
                    "Failed to create alias because an alias with the same name and a different routing configuration already exists: {alias_arn}"
                ))),
            }
        }
        Err(e) => Err(store_error(e)),
    }
}

pub(crate) async fn describe(
    svc: &Service,
    input: DescribeStateMachineAliasInput,
) -> Result<DescribeStateMachineAliasOutput, ApiError> {
    let a = svc.alias(&input.state_machine_alias_arn).await?;
    Ok(DescribeStateMachineAliasOutput {
        state_machine_alias_arn: Some(a.arn),
        name: Some(a.name),
        description: a.description,
        routing_configuration: Some(routing_out(&a.routing)),
        creation_date: Some(Timestamp(a.created_ms)),
        update_date: Some(Timestamp(a.updated_ms)),
    })
}

pub(crate) async fn update(
    svc: &Service,
    input: UpdateStateMachineAliasInput,
) -> Result<UpdateStateMachineAliasOutput, ApiError> {
    let mut a = svc.alias(&input.state_machine_alias_arn).await?;
    if let Some(r) = &input.routing_configuration {
        a.routing = check_routing(svc, r).await?.entries;
    }
    if let Some(d) = input.description {
        a.description = Some(d);
    }
    a.updated_ms = Timestamp::now().as_millis();
    let stored = a.clone();
    svc.db(move |s| s.update_alias(&stored)).await?;
    Ok(UpdateStateMachineAliasOutput {
        update_date: Timestamp(a.updated_ms),
    })
}

/// Idempotent: deleting an unknown alias succeeds.
pub(crate) async fn delete(
    svc: &Service,
    input: DeleteStateMachineAliasInput,
) -> Result<DeleteStateMachineAliasOutput, ApiError> {
    let arn_owned = input.state_machine_alias_arn.clone();
    match svc.db_raw(move |s| s.delete_alias(&arn_owned)).await {
        Ok(()) => Ok(DeleteStateMachineAliasOutput {}),
        Err(StoreError::NotFound(_)) => Ok(DeleteStateMachineAliasOutput {}),
        Err(e) => Err(store_error(e)),
    }
}

/// A version ARN lists only the aliases that route to that version.
pub(crate) async fn list(
    svc: &Service,
    input: ListStateMachineAliasesInput,
) -> Result<ListStateMachineAliasesOutput, ApiError> {
    let parsed = arn::parse_state_machine(&input.state_machine_arn, false)?;
    let sm_arn = parsed.unqualified();
    svc.state_machine(&sm_arn).await?;
    let version_filter = match &parsed.qualifier {
        Some(Qualifier::Version(_)) => Some(parsed.without_test_case()),
        _ => None,
    };
    // Given a version ARN, the aliases that route to it (filtered before the page is cut,
    // as before).
    let routes_to_version = move |a: &AliasRecord| {
        version_filter
            .as_ref()
            .is_none_or(|v| a.routing.iter().any(|r| &r.version_arn == v))
    };
    let (items, next_token) = svc
        .page(
            input.max_results,
            input.next_token.as_deref(),
            move |s, page| {
                let aliases = s.list_aliases(&sm_arn, page)?;
                Ok(aliases.into_iter().filter(routes_to_version).collect())
            },
            |a| a.arn.clone(),
        )
        .await?;
    Ok(ListStateMachineAliasesOutput {
        state_machine_aliases: items
            .into_iter()
            .map(|a| StateMachineAliasListItem {
                state_machine_alias_arn: a.arn,
                creation_date: Timestamp(a.created_ms),
            })
            .collect(),
        next_token,
    })
}
