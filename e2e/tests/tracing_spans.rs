//! Each call and attempt is a `tracing` span carrying the action, the attempt, the request id
//! and the error code.

use gse_client::{RateLimit, RetryPolicy};
use std::sync::{Arc, Mutex};
use test_support::{LogCapture, Reply, StubServer};

#[tokio::test]
async fn calls_and_attempts_are_spans_with_their_fields() {
    let (capture, _guard) = LogCapture::install(tracing::Level::DEBUG);

    // Throttled once, then accepted; then a client mistake.
    let calls = Arc::new(Mutex::new(0));
    let counter = calls.clone();
    let stub = StubServer::start_with(move |_| {
        let mut n = counter.lock().unwrap();
        *n += 1;
        Reply::json(match *n {
            1 => r#"{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow"},"RequestId":"req-throttled"}}"#,
            2 => r#"{"Response":{"PlayerSessions":[],"RequestId":"req-ok"}}"#,
            _ => r#"{"Response":{"Error":{"Code":"InvalidParameterValue","Message":"no"},"RequestId":"req-bad"}}"#,
        })
    })
    .await;
    let client = gse_e2e::builder(stub.url(), "AKIDTRACE", "k")
        .rate_limit(RateLimit::Off)
        .retry_policy(RetryPolicy::default().base_delay(std::time::Duration::from_millis(1)))
        .build()
        .unwrap();
    let join = || {
        client
            .join_game_server_session_batch()
            .game_server_session_id("s")
            .player_ids(vec!["p".to_owned()])
            .send()
    };
    assert_eq!(join().await.unwrap().request_id, "req-ok");
    let error = join().await.unwrap_err();
    assert_eq!(error.request_id(), Some("req-bad"));

    let logs = capture.text();
    assert!(
        logs.contains("tc3.call{service=\"gse\" action=\"JoinGameServerSessionBatch\""),
        "{logs}"
    );
    assert!(logs.contains("tc3.attempt{attempt=1"), "{logs}");
    assert!(
        logs.contains("tc3.attempt{attempt=2"),
        "the retry is its own span: {logs}"
    );
    assert!(logs.contains("retrying"), "{logs}");
    assert!(
        logs.contains("error_code=\"RequestLimitExceeded\""),
        "{logs}"
    );
    assert!(logs.contains("request_id=\"req-throttled\""), "{logs}");
    assert!(
        logs.contains("error_code=\"InvalidParameterValue\""),
        "{logs}"
    );
    assert!(logs.contains("request_id=\"req-bad\""), "{logs}");
    stub.stop().await;
}
