//! Peers that misbehave on purpose (loopback stubs): a redirect is an answer, never followed
//! and never retried; an answer larger than the cap is not read; text the peer controls is
//! printed escaped and cut; an implausible server clock is not learned.

use gse_client::{Client, Error, FixedClock, RetryPolicy};
use std::time::{Duration, UNIX_EPOCH};
use test_support::{Reply, StubServer};

const OK: &str = r#"{"Response":{"PlayerSessions":[{"PlayerId":"p","PlayerSessionId":"psess-p"}],"RequestId":"ok"}}"#;

fn builder(url: &str) -> gse_client::ClientBuilder {
    gse_e2e::builder(url, "AKIDTEST", "k")
        // Every error would be retried if the client thought it safe: the tests show it does not.
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(4)
                .base_delay(Duration::from_millis(1)),
        )
}

async fn join(client: &Client) -> Result<String, Error> {
    client
        .join_game_server_session_batch()
        .game_server_session_id("gssess-1")
        .player_ids(vec!["p".to_owned()])
        .send()
        .await
        .map(|answer| answer.request_id.clone())
}

/// A loopback port nobody listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[tokio::test]
async fn a_redirect_is_an_answer_never_followed_and_never_retried() {
    for status in [301u16, 302, 303, 307, 308] {
        let target = format!("http://127.0.0.1:{}/", closed_port());
        let stub = StubServer::start_with(move |_| {
            Reply::json("").status(status).header("location", &target)
        })
        .await;
        let client = builder(&stub.url()).build().unwrap();
        let error = join(&client).await.unwrap_err();
        assert!(
            matches!(error, Error::HttpStatus { status: s, .. } if s == status),
            "{status}: {error}"
        );
        assert!(!error.is_retryable(), "{status}: {error}");
        assert_eq!(stub.requests().len(), 1, "{status}: one POST, no retry");
        stub.stop().await;
    }
}

#[tokio::test]
async fn a_users_http_client_builder_that_follows_redirects_is_made_not_to() {
    let elsewhere = StubServer::start(OK).await;
    let target = format!("{}/", elsewhere.url());
    let stub =
        StubServer::start_with(move |_| Reply::json("").status(307).header("location", &target))
            .await;
    let following = test_support::http_builder().redirect(reqwest::redirect::Policy::limited(10));
    let client = builder(&stub.url()).http_client(following).build().unwrap();
    let error = join(&client).await.unwrap_err();
    assert!(
        matches!(error, Error::HttpStatus { status: 307, .. }),
        "{error}"
    );
    assert_eq!(stub.requests().len(), 1, "no retry");
    assert_eq!(elsewhere.requests().len(), 0, "not followed");
    stub.stop().await;
    elsewhere.stop().await;
}

#[tokio::test]
async fn an_endless_answer_is_cut_at_the_cap_and_named() {
    let stub = StubServer::start_with(|_| Reply::json("x".repeat(64 * 1024)).endless()).await;
    let client = builder(&stub.url()).build().unwrap();
    let error = join(&client).await.unwrap_err();
    assert!(
        matches!(error, Error::MalformedResponse { .. })
            && error.to_string().contains("cap of 1048576 bytes"),
        "{error}"
    );
    assert!(!error.is_retryable() && error.may_have_taken_effect());
    assert_eq!(stub.requests().len(), 1);
    stub.stop().await;
}

#[tokio::test]
async fn the_cap_is_configurable_and_checked_before_reading_a_declared_length() {
    let padding = " ".repeat(10_000);
    let big = format!(r#"{{"Response":{{"PlayerSessions":[],"RequestId":"ok"}}}}{padding}"#);
    let stub = StubServer::start_with(move |_| Reply::json(big.clone())).await;
    let small_cap = builder(&stub.url()).max_answer_bytes(4096).build().unwrap();
    let error = join(&small_cap).await.unwrap_err();
    assert!(error.to_string().contains("cap of 4096 bytes"), "{error}");
    let default_cap = builder(&stub.url()).build().unwrap();
    assert_eq!(
        join(&default_cap).await.unwrap(),
        "ok",
        "10 KB is well under 1 MiB"
    );
    stub.stop().await;
}

#[tokio::test]
async fn text_the_peer_controls_is_escaped_and_cut() {
    let long = "a".repeat(10_000);
    let body = format!(
        r#"{{"Response":{{"Error":{{"Code":"Bad\u001b[31mCode\n","Message":"line one\nline two\r\u001b[2J{long}"}},"RequestId":"id\u0007\u202e"}}}}"#
    );
    let stub = StubServer::start_with(move |_| Reply::json(body.clone())).await;
    let client = builder(&stub.url()).build().unwrap();
    let shown = join(&client).await.unwrap_err().to_string();
    for raw in ['\u{1b}', '\n', '\r', '\u{7}', '\u{202e}'] {
        assert!(!shown.contains(raw), "{raw:?} printed raw in {shown:?}");
    }
    assert!(shown.contains(r"Bad\u{1b}[31mCode\n"), "{shown}");
    assert!(shown.contains(r"line one\nline two\r"), "{shown}");
    assert!(shown.contains("more characters)"), "cut: {shown}");
    assert!(shown.len() < 2_000, "{} characters", shown.len());
    stub.stop().await;

    let status_body = "\u{1b}]0;owned\u{7}".repeat(500);
    let stub = StubServer::start_with(move |_| Reply::json(status_body.clone()).status(502)).await;
    let client = builder(&stub.url())
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let shown = join(&client).await.unwrap_err().to_string();
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{7}'),
        "{shown:?}"
    );
    stub.stop().await;
}

#[tokio::test]
async fn an_implausible_server_clock_is_not_learned() {
    const LOCAL_NOW: u64 = 1_700_000_000;
    for server_now in [0u64, 253_402_300_799] {
        let stub = StubServer::start_with(move |_| {
            Reply::json(r#"{"Response":{"Error":{"Code":"AuthFailure.SignatureExpire","Message":"expired"},"RequestId":"skew"}}"#)
                .header("date", &httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(server_now)))
        })
        .await;
        let client = builder(&stub.url())
            .clock(FixedClock::at_unix(LOCAL_NOW))
            .build()
            .unwrap();
        let error = join(&client).await.unwrap_err();
        assert_eq!(
            error.code().map(|c| c.as_str().to_owned()).as_deref(),
            Some("AuthFailure.SignatureExpire"),
            "{error}"
        );
        assert_eq!(
            client.runtime().clock_skew_seconds(),
            0,
            "Date {server_now} ignored"
        );
        assert_eq!(stub.requests().len(), 1, "no retry on an implausible clock");
        stub.stop().await;
    }
    // Within the documented window (a day) the correction still happens.
    let within = LOCAL_NOW + 23 * 3600;
    let stub = StubServer::start_with(move |r| {
        if r.header("x-tc-timestamp") == Some(within.to_string().as_str()) {
            Reply::json(OK)
        } else {
            Reply::json(r#"{"Response":{"Error":{"Code":"AuthFailure.SignatureExpire","Message":"expired"},"RequestId":"skew"}}"#)
        }
        .header("date", &httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(within)))
    })
    .await;
    let client = builder(&stub.url())
        .clock(FixedClock::at_unix(LOCAL_NOW))
        .build()
        .unwrap();
    assert_eq!(join(&client).await.unwrap(), "ok");
    assert_eq!(client.runtime().clock_skew_seconds(), 23 * 3600);
    stub.stop().await;
}

/// A stub answering every join with these player sessions (by `PlayerId`; `None`: null).
async fn answering(player_ids: Vec<Option<&'static str>>) -> StubServer {
    let sessions: Vec<serde_json::Value> = player_ids
        .iter()
        .enumerate()
        .map(|(i, id)| serde_json::json!({"PlayerId": id, "PlayerSessionId": format!("psess-{i}")}))
        .collect();
    let body =
        serde_json::json!({"Response": {"PlayerSessions": sessions, "RequestId": "r"}}).to_string();
    StubServer::start_with(move |_| Reply::json(body.clone())).await
}

async fn batch(
    stub: &StubServer,
    players: &[&str],
) -> gse_client::BatchOutcome<String, gse_client::types::PlayerSession> {
    builder(&stub.url())
        .build()
        .unwrap()
        .join_game_server_session_batch()
        .game_server_session_id("gssess-1")
        .send_in_batches(players.iter().map(|p| p.to_string()), 1)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_batch_answer_is_matched_to_the_request_exactly() {
    // Extra and repeated sessions belong to no one; a blank PlayerId goes to the player still
    // without a session (a success means the request's players joined).
    let stub = answering(vec![Some("a"), Some("zz"), Some("a"), Some("")]).await;
    let outcome = batch(&stub, &["a", "b"]).await;
    assert_eq!(outcome.succeeded, ["a", "b"]);
    assert_eq!(outcome.results.len(), 2);
    assert_eq!(
        outcome.results[0].player_session_id.as_deref(),
        Some("psess-0")
    );
    assert_eq!(
        outcome.results[1].player_session_id.as_deref(),
        Some("psess-3")
    );
    assert_eq!(outcome.unmatched_results, 2);
    assert!(outcome.is_complete());
    stub.stop().await;

    // The official example answer: `"PlayerId": ""` for `PlayerIds: ["xx"]`; and null.
    for id in [Some(""), None] {
        let stub = answering(vec![id]).await;
        let outcome = batch(&stub, &["xx"]).await;
        assert_eq!(outcome.succeeded, ["xx"], "{id:?}");
        assert!(outcome.is_complete(), "{id:?}");
        stub.stop().await;
    }

    // Thousands of sessions for one player count once.
    let stub = answering(vec![Some("p"); 4_000]).await;
    let outcome = batch(&stub, &["p"]).await;
    assert_eq!(outcome.succeeded, ["p"]);
    assert_eq!(outcome.unmatched_results, 3_999);
    assert_eq!(outcome.not_succeeded_items().count(), 0);
    stub.stop().await;

    // A success without a session for some players: they may have joined, never "failed".
    let stub = answering(vec![Some("a")]).await;
    let outcome = batch(&stub, &["a", "b", "c"]).await;
    assert_eq!(outcome.succeeded, ["a"]);
    assert_eq!(outcome.failed_items().count(), 0);
    assert_eq!(outcome.unknown_items().collect::<Vec<_>>(), ["b", "c"]);
    assert_eq!(
        outcome.succeeded.len() + outcome.failed_items().count() + outcome.unknown_items().count(),
        3,
        "the counts add up"
    );
    stub.stop().await;
}
