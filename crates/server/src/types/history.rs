//! [`HistoryEvent`], written by hand: its `…EventDetails` members stay JSON.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::Timestamp;

/// One history event. The `…EventDetails` member (at most one per event, e.g.
/// `"stateEnteredEventDetails": {"name": "P", "input": "{}", "inputDetails": {...}}`) is kept
/// as JSON in `details`, member name → value, and written next to the other members: the
/// engine and the store already hold details in AWS's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEvent {
    pub timestamp: Timestamp,
    /// `ExecutionStarted`, `PassStateEntered`, … (HistoryEventType).
    pub r#type: String,
    pub id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_event_id: Option<i64>,
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

impl HistoryEvent {
    /// An event with at most one details member, as the store keeps it
    /// (`("stateEnteredEventDetails", {...})`).
    pub fn new(
        id: i64,
        previous_event_id: i64,
        timestamp: Timestamp,
        r#type: impl Into<String>,
        details: Option<(String, Value)>,
    ) -> Self {
        let mut map = Map::new();
        if let Some((key, value)) = details {
            map.insert(key, value);
        }
        HistoryEvent {
            timestamp,
            r#type: r#type.into(),
            id,
            previous_event_id: Some(previous_event_id),
            details: map,
        }
    }
}
