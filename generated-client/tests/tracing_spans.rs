//! Each call and attempt is a `tracing` span carrying the action, the attempt, the request id
//! and the error code.

use gse_client::{Client, Credentials, RateLimit, RetryPolicy};
use std::io::Write;
use std::sync::{Arc, Mutex};
use test_support::{Reply, StubServer};

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Capture {
    type Writer = Capture;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn calls_and_attempts_are_spans_with_their_fields() {
    let capture = Capture::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::DEBUG)
        .with_writer(capture.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

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
    let client = Client::builder()
        .endpoint(stub.url())
        .region("ap-shanghai")
        .credentials(Credentials::new("AKIDTRACE", "k").unwrap())
        .rate_limit(RateLimit::Off)
        .retry_policy(RetryPolicy {
            base_delay: std::time::Duration::from_millis(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let join = || {
        client
            .join_game_server_session_batch()
            .game_server_session_id("s")
            .player_ids(vec!["p".to_string()])
            .send()
    };
    assert_eq!(join().await.unwrap().request_id, "req-ok");
    let error = join().await.unwrap_err();
    assert_eq!(error.request_id(), Some("req-bad"));

    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("gse.call{action=\"JoinGameServerSessionBatch\""),
        "{logs}"
    );
    assert!(logs.contains("gse.attempt{attempt=1"), "{logs}");
    assert!(
        logs.contains("gse.attempt{attempt=2"),
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
