//! State machines: create (idempotent on the same name and content), describe (also of a
//! version), update, delete, list, and definition validation.

use asl::StateMachine;
use server::arn::{self, Qualifier};
use server::types::*;
use server::{ApiError, RequestContext};
use store::{StateMachineRecord, StoreError, WorkflowType};

use crate::Service;
use crate::convert::{describe_output, machine_type, to_store_tags};
use crate::errors::store_error;
use crate::paging::page_size;
use crate::versions::publish;

/// AWS accepts a version description only together with `publish: true`.
fn check_version_description(version_description: &Option<String>, publish: Option<bool>) -> Result<(), ApiError> {
    if version_description.is_some() && publish != Some(true) {
        return Err(ApiError::validation(
            "Version description can only be set when publish is true",
        ));
    }
    Ok(())
}

/// A definition is stored only if it parses; the diagnostics are AWS's.
fn check_definition(definition: &str) -> Result<(), ApiError> {
    StateMachine::parse(definition)
        .map(|_| ())
        .map_err(|e| ApiError::InvalidDefinition(e.to_string()))
}

/// A fresh revision id (a random UUID, as AWS's are): each update makes a new revision,
/// which is what PublishStateMachineVersion's `revisionId` is checked against.
fn new_revision() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub(crate) async fn create(
    svc: &Service,
    ctx: RequestContext,
    input: CreateStateMachineInput,
) -> Result<CreateStateMachineOutput, ApiError> {
    check_definition(&input.definition)?;
    check_version_description(&input.version_description, input.publish)?;
    let arn = ctx.state_machine_arn(&input.name);
    let kind = match input.r#type {
        Some(StateMachineType::Express) => WorkflowType::Express,
        _ => WorkflowType::Standard,
    };
    let now = Timestamp::now().as_millis();
    let record = StateMachineRecord {
        arn: arn.clone(),
        name: input.name.clone(),
        kind,
        definition: input.definition.clone(),
        role_arn: input.role_arn.clone(),
        description: None,
        logging_configuration: input
            .logging_configuration
            .as_ref()
            .and_then(|l| serde_json::to_value(l).ok()),
        tracing_configuration: input
            .tracing_configuration
            .as_ref()
            .and_then(|t| serde_json::to_value(t).ok()),
        revision_id: new_revision(),
        created_ms: now,
        updated_ms: now,
    };
    let tags = to_store_tags(input.tags.as_deref().unwrap_or(&[]));
    let stored = record.clone();
    match svc.db_raw(move |s| s.create_state_machine(&stored, &tags)).await {
        Ok(()) => {}
        Err(StoreError::AlreadyExists(_)) => {
            // Same name and the same everything is idempotent, as on AWS.
            let existing = svc.state_machine(&arn).await?;
            if existing.definition == record.definition
                && existing.role_arn == record.role_arn
                && existing.kind == record.kind
            {
                return Ok(CreateStateMachineOutput {
                    state_machine_arn: arn,
                    creation_date: Timestamp(existing.created_ms),
                    state_machine_version_arn: None,
                });
            }
            return Err(ApiError::state_machine_already_exists(&arn));
        }
        Err(e) => return Err(store_error(e)),
    }
    let version_arn = if input.publish == Some(true) {
        Some(publish(svc, &record, input.version_description.clone()).await?.arn)
    } else {
        None
    };
    Ok(CreateStateMachineOutput {
        state_machine_arn: arn,
        creation_date: Timestamp(now),
        state_machine_version_arn: version_arn,
    })
}

/// A version ARN describes the version: its definition, role, revision and description
/// over the state machine's other fields.
pub(crate) async fn describe(
    svc: &Service,
    input: DescribeStateMachineInput,
) -> Result<DescribeStateMachineOutput, ApiError> {
    let parsed = arn::parse_state_machine(&input.state_machine_arn, false)?;
    let sm = svc.state_machine(&parsed.unqualified()).await?;
    match &parsed.qualifier {
        Some(Qualifier::Version(_)) => {
            let varn = parsed.without_test_case();
            let lookup = varn.clone();
            let v = svc
                .db(move |s| s.get_version(&lookup))
                .await?
                .ok_or_else(|| ApiError::resource_not_found(Some(&varn)))?;
            let mut out = describe_output(&sm);
            out.state_machine_arn = v.arn;
            out.definition = v.definition;
            out.role_arn = v.role_arn;
            out.revision_id = Some(v.revision_id);
            out.description = v.description;
            out.creation_date = Timestamp(v.created_ms);
            Ok(out)
        }
        _ => Ok(describe_output(&sm)),
    }
}

pub(crate) async fn update(
    svc: &Service,
    input: UpdateStateMachineInput,
) -> Result<UpdateStateMachineOutput, ApiError> {
    let parsed = arn::parse_state_machine(&input.state_machine_arn, false)?;
    let mut sm = svc.state_machine(&parsed.unqualified()).await?;
    if let Some(d) = &input.definition {
        check_definition(d)?;
        sm.definition = d.clone();
    }
    if let Some(r) = &input.role_arn {
        sm.role_arn = r.clone();
    }
    if let Some(l) = &input.logging_configuration {
        sm.logging_configuration = serde_json::to_value(l).ok();
    }
    if let Some(t) = &input.tracing_configuration {
        sm.tracing_configuration = serde_json::to_value(t).ok();
    }
    check_version_description(&input.version_description, input.publish)?;
    sm.revision_id = new_revision();
    sm.updated_ms = Timestamp::now().as_millis();
    let stored = sm.clone();
    svc.db(move |s| s.update_state_machine(&stored)).await?;
    let version_arn = if input.publish == Some(true) {
        Some(publish(svc, &sm, input.version_description.clone()).await?.arn)
    } else {
        None
    };
    Ok(UpdateStateMachineOutput {
        update_date: Timestamp(sm.updated_ms),
        revision_id: Some(sm.revision_id),
        state_machine_version_arn: version_arn,
    })
}

/// Idempotent: deleting an unknown state machine succeeds.
pub(crate) async fn delete(
    svc: &Service,
    input: DeleteStateMachineInput,
) -> Result<DeleteStateMachineOutput, ApiError> {
    let parsed = arn::parse_state_machine(&input.state_machine_arn, false)?;
    if parsed.qualifier.is_some() {
        return Err(ApiError::validation(
            "The state machine ARN must not be qualified by a version or an alias",
        ));
    }
    let arn = parsed.unqualified();
    match svc.db_raw(move |s| s.delete_state_machine(&arn)).await {
        Ok(()) => Ok(DeleteStateMachineOutput {}),
        Err(StoreError::NotFound(_)) => Ok(DeleteStateMachineOutput {}),
        Err(e) => Err(store_error(e)),
    }
}

pub(crate) async fn list(svc: &Service, input: ListStateMachinesInput) -> Result<ListStateMachinesOutput, ApiError> {
    let (items, next_token) = svc
        .page(
            input.max_results,
            input.next_token.as_deref(),
            |s, page| s.list_state_machines(page),
            |sm| sm.arn.clone(),
        )
        .await?;
    Ok(ListStateMachinesOutput {
        state_machines: items
            .into_iter()
            .map(|sm| StateMachineListItem {
                state_machine_arn: sm.arn,
                name: sm.name,
                r#type: machine_type(sm.kind),
                creation_date: Timestamp(sm.created_ms),
            })
            .collect(),
        next_token,
    })
}

/// Validation needs no state; `maxResults` caps the diagnostics and sets `truncated`.
pub(crate) fn validate_definition(
    input: ValidateStateMachineDefinitionInput,
) -> Result<ValidateStateMachineDefinitionOutput, ApiError> {
    let limit = page_size(input.max_results);
    match StateMachine::parse(&input.definition) {
        Ok(_) => Ok(ValidateStateMachineDefinitionOutput {
            result: ValidateStateMachineDefinitionResultCode::Ok,
            diagnostics: Vec::new(),
            truncated: Some(false),
        }),
        Err(e) => {
            let truncated = e.diagnostics.len() > limit;
            Ok(ValidateStateMachineDefinitionOutput {
                result: ValidateStateMachineDefinitionResultCode::Fail,
                diagnostics: e
                    .diagnostics
                    .iter()
                    .take(limit)
                    .map(|d| ValidateStateMachineDefinitionDiagnostic {
                        severity: ValidateStateMachineDefinitionSeverity::Error,
                        code: d.code.to_string(),
                        message: d.message.clone(),
                        location: Some(d.location.clone()),
                    })
                    .collect(),
                truncated: Some(truncated),
            })
        }
    }
}
