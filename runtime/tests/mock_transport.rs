//! The runtime over the `test-util` feature's `MockTransport`: no socket, every request
//! recorded with its exact headers and body, and retries, the client's identification and
//! lost answers behave as over HTTP.
#![cfg(feature = "test-util")]

use serde_json::{json, Value};
use tc3_runtime::transport::{MockTransport, TransportError, WireResponse};
use tc3_runtime::{ClientBuilder, Error, RateLimit, RetryPolicy};

mod common;
use common::*;

fn client_over(mock: &MockTransport, retry: RetryPolicy) -> WidgetClient {
    ClientBuilder::<WidgetClient>::new()
        .endpoint("https://widgets.example.com")
        .region("ap-guangzhou")
        .credentials(tc3_runtime::credentials::Credentials::new(SECRET_ID, "widget-key").unwrap())
        .retry_policy(retry.base_delay(std::time::Duration::from_millis(1)))
        .rate_limit(RateLimit::Off)
        .transport(mock.clone())
        .build()
        .unwrap()
}

const OK: &str = r#"{"Response":{"Widgets":[1,2],"RequestId":"r-ok"}}"#;
const THROTTLED: &str = r#"{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow down"},"RequestId":"r-slow"}}"#;

#[tokio::test]
async fn a_throttled_then_ok_call_takes_two_attempts_with_no_socket() {
    let mock = MockTransport::new()
        .answer(WireResponse::new(200, THROTTLED))
        .answer(WireResponse::new(200, OK));
    let client = client_over(&mock, RetryPolicy::default());
    let value: Value = tc3_runtime::__private::call::<Value, String>(
        &client.runtime,
        &ACTIONS[0],
        &json!({"WidgetId": "w-1"}),
    )
    .await
    .unwrap();
    assert_eq!(value["Widgets"], json!([1, 2]));
    let sent = mock.requests();
    assert_eq!(sent.len(), 2, "throttled, then sent again");
    for request in &sent {
        assert_eq!(request.method, "POST");
        assert_eq!(request.url.as_str(), "https://widgets.example.com/");
        assert_eq!(request.action(), Some("DescribeWidgets"));
        assert_eq!(request.header("x-tc-version"), Some("2020-01-01"));
        assert!(request
            .header("authorization")
            .is_some_and(|a| a.starts_with("TC3-HMAC-SHA256 Credential=AKIDwidgets/")));
        assert_eq!(request.json(), Some(json!({"WidgetId": "w-1"})));
        assert!(
            request
                .header("x-tc-requestclient")
                .is_some_and(|c| c.starts_with("tc3-runtime/")),
            "a client without a crate name names the runtime: {request:?}"
        );
    }
    assert!(
        !format!("{:?}", sent[0]).contains("widget-key"),
        "no secret in Debug"
    );
}

#[tokio::test]
async fn a_lost_answer_is_an_error_that_may_have_taken_effect_and_is_not_retried() {
    let mock = MockTransport::new()
        .fail(TransportError::lost("connection reset after the request"))
        .answer(WireResponse::new(200, OK));
    let client = client_over(&mock, RetryPolicy::default());
    let error =
        tc3_runtime::__private::call::<Value, String>(&client.runtime, &ACTIONS[0], &json!({}))
            .await
            .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                request_sent: true,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.may_have_taken_effect());
    assert_eq!(mock.requests().len(), 1, "not sent twice");
}

#[tokio::test]
async fn a_responder_sees_each_request_and_the_cap_applies() {
    let mock = MockTransport::new().respond_with(|request| {
        let id = request
            .json()
            .and_then(|b| b["WidgetId"].as_str().map(str::to_owned));
        Ok(WireResponse::new(
            200,
            format!(
                r#"{{"Response":{{"Id":"{}","RequestId":"r"}}}}"#,
                id.unwrap_or_default()
            ),
        ))
    });
    let client = client_over(&mock, RetryPolicy::never());
    let value: Value = tc3_runtime::__private::call::<Value, String>(
        &client.runtime,
        &ACTIONS[0],
        &json!({"WidgetId": "w-9"}),
    )
    .await
    .unwrap();
    assert_eq!(value["Id"], "w-9");
    let big = MockTransport::new().answer(WireResponse::new(200, vec![b' '; 2 * 1024 * 1024]));
    let client = client_over(&big, RetryPolicy::never());
    let error =
        tc3_runtime::__private::call::<Value, String>(&client.runtime, &ACTIONS[0], &json!({}))
            .await
            .unwrap_err();
    assert!(
        error.to_string().contains("larger than the client's cap"),
        "{error}"
    );
}

#[tokio::test]
async fn a_call_that_runs_out_of_time_between_refusals_sent_nothing_that_took_effect() {
    const BUSY: &str = r#"{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"busy"},"RequestId":"r"}}"#;
    let mock = MockTransport::new().respond_with(|_| Ok(WireResponse::new(200, BUSY)));
    let client = client_over(
        &mock,
        RetryPolicy::default()
            .max_attempts(1000)
            .budget(1000)
            .max_delay(std::time::Duration::from_millis(50)),
    );
    let options = tc3_runtime::CallOptions::new()
        .overall_timeout(std::time::Duration::from_millis(300))
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(1000)
                .budget(1000)
                .base_delay(std::time::Duration::from_millis(20))
                .max_delay(std::time::Duration::from_millis(50)),
        );
    let error = tc3_runtime::__private::call_with::<Value, String>(
        &client.runtime,
        &ACTIONS[0],
        &json!({}),
        &options,
    )
    .await
    .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                scope: tc3_runtime::TimeoutScope::OverallNothingApplied,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        !error.may_have_taken_effect(),
        "throttled every time: safe to send again"
    );
    assert!(mock.requests().len() > 1, "it did retry");
}

#[tokio::test]
async fn an_http_429_is_throttling_retried_and_an_error_beside_results_is_unknown() {
    let mock = MockTransport::new()
        .answer(WireResponse::new(429, "slow down").with_header("retry-after", "1"))
        .answer(WireResponse::new(200, OK));
    let client = client_over(&mock, RetryPolicy::default());
    let value: Value =
        tc3_runtime::__private::call::<Value, String>(&client.runtime, &ACTIONS[0], &json!({}))
            .await
            .unwrap();
    assert_eq!(value["Widgets"], json!([1, 2]));
    assert_eq!(mock.requests().len(), 2, "429, then sent again");
    let contradictory = r#"{"Response":{"Error":{"Code":"InvalidParameter","Message":"no"},"Widgets":[1],"RequestId":"r"}}"#;
    let mock = MockTransport::new().answer(WireResponse::new(200, contradictory));
    let client = client_over(&mock, RetryPolicy::default());
    let error =
        tc3_runtime::__private::call::<Value, String>(&client.runtime, &ACTIONS[0], &json!({}))
            .await
            .unwrap_err();
    assert!(
        error.may_have_taken_effect(),
        "an error beside results is unknown: {error}"
    );
    assert_eq!(mock.requests().len(), 1, "and never sent again blindly");
}
