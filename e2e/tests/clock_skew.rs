//! A client whose clock is off learns the service's time from the `Date` header of the
//! SignatureExpire answer, retries once, and keeps the offset.

use gse_client::{Client, FixedClock};
use std::time::{Duration, UNIX_EPOCH};
use test_support::{Recorded, Reply, StubServer};

const LOCAL_NOW: u64 = 1_700_000_000;
const MAX_SKEW: i64 = 300;

/// A stub that checks timestamps the way the service does, against its own clock.
async fn service_at(server_now: u64) -> StubServer {
    StubServer::start_with(move |request: &Recorded| {
        let date = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(server_now));
        let timestamp: i64 = request
            .header("x-tc-timestamp")
            .and_then(|t| t.parse().ok())
            .unwrap_or_default();
        if (timestamp - server_now as i64).abs() > MAX_SKEW {
            Reply::json(r#"{"Response":{"Error":{"Code":"AuthFailure.SignatureExpire","Message":"signature expired"},"RequestId":"skew"}}"#)
        } else {
            Reply::json(r#"{"Response":{"PlayerSessions":[],"RequestId":"ok"}}"#)
        }
        .header("date", &date)
    })
    .await
}

fn client(stub: &StubServer) -> Client {
    gse_e2e::builder(stub.url(), "AKIDTEST", "k")
        .clock(FixedClock::at_unix(LOCAL_NOW))
        .build()
        .unwrap()
}

async fn join(client: &Client) -> String {
    client
        .join_game_server_session_batch()
        .game_server_session_id("s")
        .player_ids(vec!["p".to_owned()])
        .send()
        .await
        .unwrap()
        .request_id
}

#[tokio::test]
async fn skew_of_plus_or_minus_ten_minutes_is_corrected_and_kept() {
    for skew in [600i64, -600] {
        let server_now = (LOCAL_NOW as i64 + skew) as u64;
        let stub = service_at(server_now).await;
        let client = client(&stub);
        assert_eq!(join(&client).await, "ok", "the retry succeeds");
        let timestamps: Vec<String> = stub
            .requests()
            .iter()
            .map(|r| r.header("x-tc-timestamp").unwrap().to_owned())
            .collect();
        assert_eq!(timestamps, [LOCAL_NOW.to_string(), server_now.to_string()]);
        assert_eq!(client.runtime().clock_skew_seconds(), skew);

        // The offset is kept: the next request is right the first time, also from a clone.
        assert_eq!(join(&client.clone()).await, "ok");
        assert_eq!(stub.requests().len(), 3);
        assert_eq!(
            stub.requests()[2].header("x-tc-timestamp"),
            Some(server_now.to_string().as_str())
        );
        stub.stop().await;
    }
}

#[tokio::test]
async fn a_clock_within_the_window_sends_once() {
    let stub = service_at(LOCAL_NOW + 200).await;
    let client = client(&stub);
    assert_eq!(join(&client).await, "ok");
    assert_eq!(stub.requests().len(), 1);
    assert_eq!(client.runtime().clock_skew_seconds(), 0);
    stub.stop().await;
}

#[tokio::test]
async fn the_retry_happens_once_only() {
    // A service whose answer is always SignatureExpire, whatever the timestamp.
    let stub = StubServer::start_with(|_| {
        Reply::json(r#"{"Response":{"Error":{"Code":"AuthFailure.SignatureExpire","Message":"m"},"RequestId":"r"}}"#)
            .header("date", "Tue, 14 Nov 2023 22:23:20 GMT")
    })
    .await;
    let client = client(&stub);
    let error = client
        .join_game_server_session_batch()
        .game_server_session_id("s")
        .player_ids(vec!["p".to_owned()])
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.code(),
        Some(&gse_client::ErrorCode::AuthFailureSignatureExpire)
    );
    assert_eq!(error.request_id(), Some("r"));
    assert_eq!(stub.requests().len(), 2, "one retry, no loop");
    stub.stop().await;
}
