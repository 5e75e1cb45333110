//! What the generated method puts on the wire, observed by a loopback stub.

use gse_client::types::PlayerDataMap;
use gse_client::Client;
use gse_client::FixedClock;
use test_support::StubServer;

/// A client of the stub, signing as `AKIDTEST` at a fixed time.
fn client_for(stub: &StubServer) -> Client {
    gse_e2e::builder(stub.url(), "AKIDTEST", "test-secret-key")
        .clock(FixedClock::at_unix(1_700_000_000))
        .build()
        .expect("a valid configuration")
}

const OK_BODY: &str = r#"{"Response":{"PlayerSessions":[{"PlayerId":"p1","PlayerSessionId":"psess-1","Status":"RESERVED","Port":7000}],"RequestId":"req-1"}}"#;

#[tokio::test]
async fn sends_post_slash_with_action_and_version_headers_and_the_three_fields() {
    let stub = StubServer::start(OK_BODY).await;
    let client = client_for(&stub);
    let response = client
        .join_game_server_session_batch()
        .game_server_session_id("gssess-1")
        .player_ids(vec!["p1".to_owned(), "p2".to_owned()])
        .player_data_map(PlayerDataMap::builder().key("team").value("red"))
        .send()
        .await
        .expect("the stub answers 200");
    assert_eq!(response.request_id, "req-1");
    let sessions = response.player_sessions.unwrap();
    assert_eq!(sessions[0].player_session_id.as_deref(), Some("psess-1"));

    let requests = stub.requests();
    assert_eq!(requests.len(), 1);
    let sent = &requests[0];
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.uri.path(), "/", "every action is sent to /");
    assert_eq!(
        sent.header("x-tc-action"),
        Some("JoinGameServerSessionBatch")
    );
    assert_eq!(sent.header("x-tc-version"), Some("2019-11-12"));
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert!(
        sent.header("api-version").is_none(),
        "progenitor's header is stripped"
    );
    let body: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "GameServerSessionId": "gssess-1",
            "PlayerIds": ["p1", "p2"],
            "PlayerDataMap": {"Key": "team", "Value": "red"}
        })
    );
    stub.stop().await;
}

#[tokio::test]
async fn a_too_long_session_id_fails_before_any_request() {
    let stub = StubServer::start(OK_BODY).await;
    let client = client_for(&stub);
    let result = client
        .join_game_server_session_batch()
        .game_server_session_id("s".repeat(257))
        .player_ids(vec!["p1".to_owned()])
        .send()
        .await;
    let error = result.expect_err("257 characters are over the limit");
    assert!(
        error
            .to_string()
            .contains("GameServerSessionId: 257 characters given"),
        "the error names the field: {error}"
    );
    assert!(stub.requests().is_empty(), "nothing reached the server");
    stub.stop().await;
}

#[test]
fn api_metadata_comes_from_the_spec() {
    use gse_client::api;
    assert_eq!(api::SERVICE.name, "gse");
    assert_eq!(api::SERVICE.version, "2019-11-12");
    assert_eq!(
        api::SERVICE.default_endpoint,
        "https://gse.tencentcloudapi.com"
    );
    let action = api::action_by_operation_id("join_game_server_session_batch").unwrap();
    assert_eq!(action.name, "JoinGameServerSessionBatch");
    assert_eq!(action.rate_limit_per_second, 1000);
    let batch = action.batch.expect("PlayerIds is batchable");
    assert_eq!((batch.field, batch.max_items), ("PlayerIds", 25));
    assert!(action
        .error_codes
        .iter()
        .any(|(c, _)| *c == "UnauthorizedOperation.ServiceNotOpened"));
    assert!(api::SERVICE
        .common_error_codes
        .iter()
        .any(|(c, _)| *c == "AuthFailure.SignatureExpire"));
}
