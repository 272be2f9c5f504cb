//! Every request runs in a `request` span that names its id (the `x-amzn-RequestId` sent
//! back) and its action.

mod refuser;

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::Request;
use tower::ServiceExt;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

/// The fields of every `request` span, as `name=value` strings.
#[derive(Clone, Default)]
struct Spans(Arc<Mutex<Vec<String>>>);

struct Fields<'a>(&'a mut Vec<String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.push(format!("{}={value:?}", field.name()));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.push(format!("{}={value}", field.name()));
    }
}

impl<S: tracing::Subscriber> Layer<S> for Spans {
    fn on_new_span(&self, attrs: &Attributes<'_>, _id: &Id, _ctx: Context<'_, S>) {
        if attrs.metadata().name() == "request" {
            attrs.record(&mut Fields(&mut self.0.lock().unwrap()));
        }
    }
    fn on_record(&self, _id: &Id, values: &Record<'_>, _ctx: Context<'_, S>) {
        values.record(&mut Fields(&mut self.0.lock().unwrap()));
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_request_span_names_the_request_id_and_the_action() {
    let spans = Spans::default();
    let _guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(spans.clone()));
    // Refused before the backend (no stateMachineArn).
    let app = refuser::app();
    let request = Request::post("/")
        .header("x-amz-target", "AWSStepFunctions.DescribeStateMachine")
        .body(Body::from("{}"))
        .unwrap();
    let response = app.oneshot(request).await.unwrap();
    let request_id = response.headers()["x-amzn-requestid"].to_str().unwrap().to_owned();
    let fields = spans.0.lock().unwrap().clone();
    assert_eq!(
        fields,
        [
            format!("request_id={request_id}"),
            "action=DescribeStateMachine".to_owned()
        ]
    );
}
