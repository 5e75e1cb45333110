//! A made-up service described as data, and the client the generator would write for it.
#![allow(dead_code)]

use tc3_runtime::credentials::Credentials;
use tc3_runtime::service::{Action, Service};
use tc3_runtime::{ClientBuilder, GeneratedClient, RateLimit, RetryPolicy, Runtime};

/// The SecretId every test client signs with.
pub(crate) const SECRET_ID: &str = "AKIDwidgets";

pub(crate) const ACTIONS: &[Action] = &[Action::__new("DescribeWidgets", "describe_widgets", 50)
    .__error_codes(&[("ResourceNotFound.Widget", "No such widget.")])
    .__error_hints(&[("ResourceNotFound.Widget", "check the widget's id")])];

pub(crate) const SERVICE: Service =
    Service::__new("widgets", "2020-01-01", "https://widgets.example.com").__actions(ACTIONS);

/// What the generator would write: the runtime.
pub(crate) struct WidgetClient {
    pub(crate) runtime: Runtime,
}

impl GeneratedClient for WidgetClient {
    const SERVICE: &'static Service = &SERVICE;

    fn __from_runtime(runtime: Runtime) -> Self {
        Self { runtime }
    }
}

/// A client of `endpoint` at the default pace.
pub(crate) fn client(endpoint: &str) -> WidgetClient {
    client_with(endpoint, RateLimit::Spec)
}

/// A client of `endpoint` paced by `rate_limit`.
pub(crate) fn client_with(endpoint: &str, rate_limit: RateLimit) -> WidgetClient {
    ClientBuilder::<WidgetClient>::new()
        .endpoint(endpoint)
        .region("ap-guangzhou")
        .credentials(Credentials::new(SECRET_ID, "widget-key").unwrap())
        .retry_policy(RetryPolicy::never())
        .rate_limit(rate_limit)
        .build()
        .unwrap()
}
