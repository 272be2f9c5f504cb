//! The function runner behind the Lambda API: invocations run as processes speaking the
//! Lambda Runtime API (`functions::Runner`).

use std::future::Future;
use std::pin::Pin;

use functions::{FunctionSpec, InvokeError, InvokeOutcome, InvokeRequest, Runner};

use crate::FunctionInvoker;

impl FunctionInvoker for Runner {
    fn invoke(
        &self,
        spec: FunctionSpec,
        request: InvokeRequest,
    ) -> Pin<Box<dyn Future<Output = Result<InvokeOutcome, InvokeError>> + Send + '_>> {
        Box::pin(async move { Runner::invoke(self, &spec, request).await })
    }

    fn retire(&self, function_arn: &str) {
        Runner::retire(self, function_arn);
    }
}
