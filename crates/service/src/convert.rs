//! Store records → API shapes (and the few API values the store is queried by).

use server::types::*;
use store::{ExecutionRecord, RoutingEntry, StateMachineRecord, StoredEvent, WorkflowType};

pub(crate) fn machine_type(kind: WorkflowType) -> StateMachineType {
    match kind {
        WorkflowType::Standard => StateMachineType::Standard,
        WorkflowType::Express => StateMachineType::Express,
    }
}

pub(crate) fn to_store_tags(tags: &[Tag]) -> Vec<store::Tag> {
    tags.iter()
        .map(|t| store::Tag {
            key: t.key.clone().unwrap_or_default(),
            value: t.value.clone().unwrap_or_default(),
        })
        .collect()
}

pub(crate) fn from_store_tags(tags: Vec<store::Tag>) -> Vec<Tag> {
    tags.into_iter()
        .map(|t| Tag {
            key: Some(t.key),
            value: Some(t.value),
        })
        .collect()
}

pub(crate) fn routing_out(routing: &[RoutingEntry]) -> Vec<RoutingConfigurationListItem> {
    routing
        .iter()
        .map(|r| RoutingConfigurationListItem {
            state_machine_version_arn: r.version_arn.clone(),
            weight: r.weight as i32,
        })
        .collect()
}

pub(crate) fn describe_output(sm: &StateMachineRecord) -> DescribeStateMachineOutput {
    DescribeStateMachineOutput {
        state_machine_arn: sm.arn.clone(),
        name: sm.name.clone(),
        status: Some(StateMachineStatus::Active),
        definition: sm.definition.clone(),
        role_arn: sm.role_arn.clone(),
        r#type: machine_type(sm.kind),
        creation_date: Timestamp(sm.created_ms),
        logging_configuration: Some(
            sm.logging_configuration
                .clone()
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or(LoggingConfiguration {
                    level: Some(LogLevel::Off),
                    include_execution_data: Some(false),
                    destinations: None,
                }),
        ),
        tracing_configuration: Some(
            sm.tracing_configuration
                .clone()
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or(TracingConfiguration { enabled: Some(false) }),
        ),
        label: None,
        revision_id: Some(sm.revision_id.clone()),
        description: sm.description.clone(),
        encryption_configuration: None,
        variable_references: None,
    }
}

/// Enum to enum, exhaustively: a status added on either side fails to compile here
/// instead of turning into RUNNING through a text round trip.
fn status(s: store::ExecutionStatus) -> ExecutionStatus {
    use store::ExecutionStatus as S;
    match s {
        S::Running => ExecutionStatus::Running,
        S::Succeeded => ExecutionStatus::Succeeded,
        S::Failed => ExecutionStatus::Failed,
        S::TimedOut => ExecutionStatus::TimedOut,
        S::Aborted => ExecutionStatus::Aborted,
        S::PendingRedrive => ExecutionStatus::PendingRedrive,
    }
}

/// ListExecutions' `statusFilter` as the store's status.
pub(crate) fn store_status(s: ExecutionStatus) -> store::ExecutionStatus {
    use store::ExecutionStatus as S;
    match s {
        ExecutionStatus::Running => S::Running,
        ExecutionStatus::Succeeded => S::Succeeded,
        ExecutionStatus::Failed => S::Failed,
        ExecutionStatus::TimedOut => S::TimedOut,
        ExecutionStatus::Aborted => S::Aborted,
        ExecutionStatus::PendingRedrive => S::PendingRedrive,
    }
}

pub(crate) fn describe_execution_output(rec: ExecutionRecord, include_data: bool) -> DescribeExecutionOutput {
    let details = Some(CloudWatchEventsExecutionDataDetails {
        included: Some(include_data),
    });
    DescribeExecutionOutput {
        execution_arn: rec.arn,
        state_machine_arn: rec.state_machine_arn,
        name: Some(rec.name),
        status: status(rec.status),
        start_date: Timestamp(rec.start_ms),
        stop_date: rec.stop_ms.map(Timestamp),
        input: include_data.then_some(rec.input),
        input_details: details.clone(),
        output: if include_data { rec.output.clone() } else { None },
        output_details: rec.output.as_ref().and(details),
        trace_header: rec.trace_header,
        map_run_arn: None,
        error: rec.error,
        cause: rec.cause,
        state_machine_version_arn: rec.version_arn,
        state_machine_alias_arn: rec.alias_arn,
        redrive_count: Some(rec.redrive_count as i32),
        redrive_date: None,
        redrive_status: None,
        redrive_status_reason: None,
    }
}

pub(crate) fn execution_list_item(rec: ExecutionRecord) -> ExecutionListItem {
    ExecutionListItem {
        execution_arn: rec.arn,
        state_machine_arn: rec.state_machine_arn,
        name: rec.name,
        status: status(rec.status),
        start_date: Timestamp(rec.start_ms),
        stop_date: rec.stop_ms.map(Timestamp),
        map_run_arn: None,
        item_count: None,
        state_machine_version_arn: rec.version_arn,
        state_machine_alias_arn: rec.alias_arn,
        redrive_count: Some(rec.redrive_count as i32),
        redrive_date: None,
    }
}

/// A stored event in the API's shape; without execution data, `input`/`output` are dropped.
pub(crate) fn history_event(e: StoredEvent, include_data: bool) -> HistoryEvent {
    let details = e.details.map(|(k, mut v)| {
        if !include_data && let Some(m) = v.as_object_mut() {
            m.remove("input");
            m.remove("output");
            m.remove("parameters");
        }
        (k, v)
    });
    HistoryEvent::new(
        e.id as i64,
        e.previous_event_id as i64,
        Timestamp(e.timestamp_ms),
        e.event_type,
        details,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_map_both_ways_by_name() {
        use store::ExecutionStatus as S;
        for s in [
            S::Running,
            S::Succeeded,
            S::Failed,
            S::TimedOut,
            S::Aborted,
            S::PendingRedrive,
        ] {
            assert_eq!(status(s).as_str(), s.as_str());
            assert_eq!(store_status(status(s)), s);
        }
    }
}
