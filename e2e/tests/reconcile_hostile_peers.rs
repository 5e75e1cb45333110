//! Reconciliation against peers that lie when read back (loopback stubs): a player placed in
//! another session, a player nobody asked for, or a finished player session does not count as
//! joined; pages that never end are not followed forever; and a player is never sent again
//! unless a complete read showed it absent.

use gse_client::{BatchOptions, Client};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use test_support::{Recorded, Reply, StubServer};

const SESSION: &str = "gssess-1";

fn client(url: &str) -> Client {
    gse_e2e::builder(url, "AKIDTEST", "k").build().unwrap()
}

fn action(request: &Recorded) -> &str {
    request.header("x-tc-action").unwrap_or_default()
}

fn sessions(players: &[&str], session: &str, tag: &str) -> String {
    let list: Vec<String> = players
        .iter()
        .map(|p| {
            format!(r#"{{"PlayerId":"{p}","GameServerSessionId":"{session}","PlayerSessionId":"psess-{tag}-{p}","Status":"RESERVED"}}"#)
        })
        .collect();
    list.join(",")
}

/// Joins fail with HTTP 500 the first time (the answer lost), then succeed in the session
/// asked for; reads answer `read`.
async fn stub(read: impl Fn(usize) -> String + Send + Sync + 'static) -> StubServer {
    let joins = Arc::new(AtomicUsize::new(0));
    let reads = Arc::new(AtomicUsize::new(0));
    StubServer::start_with(move |request| {
        if action(request) == "DescribePlayerSessions" {
            let n = reads.fetch_add(1, Ordering::SeqCst);
            return Reply::json(read(n));
        }
        if joins.fetch_add(1, Ordering::SeqCst) == 0 {
            return Reply::json("lost").status(500);
        }
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        let players: Vec<&str> = body["PlayerIds"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        let session = body["GameServerSessionId"].as_str().unwrap();
        Reply::json(format!(
            r#"{{"Response":{{"PlayerSessions":[{}],"RequestId":"join"}}}}"#,
            sessions(&players, session, "join")
        ))
    })
    .await
}

/// Sends `players` through `send_in_batches` to `session` at the stub.
async fn join(
    stub: &StubServer,
    session: &str,
    players: &[&str],
    options: BatchOptions,
) -> gse_client::BatchOutcome<String, gse_client::types::PlayerSession> {
    client(&stub.url())
        .join_game_server_session_batch()
        .game_server_session_id(session)
        .send_in_batches(players.iter().copied(), options)
        .await
        .unwrap()
}

fn actions(stub: &StubServer) -> Vec<String> {
    stub.requests()
        .iter()
        .map(|r| action(r).to_owned())
        .collect()
}

#[tokio::test]
async fn players_read_back_in_another_session_or_not_asked_for_do_not_count() {
    let stub = stub(|_| {
        format!(
            r#"{{"Response":{{"PlayerSessions":[{},{}],"RequestId":"read"}}}}"#,
            sessions(&["p", "q"], "gssess-other", "other"),
            sessions(&["zz"], SESSION, "other")
        )
    })
    .await;
    let outcome = join(&stub, SESSION, &["p", "q"], BatchOptions::default()).await;
    assert!(outcome.is_complete(), "{:?}", outcome.failures);
    assert_eq!(outcome.succeeded, ["p", "q"]);
    // The results are the second join's, not the lying read's.
    for result in &outcome.results {
        assert!(
            result
                .player_session_id
                .as_deref()
                .unwrap()
                .starts_with("psess-join-"),
            "{result:?}"
        );
    }
    assert_eq!(outcome.reconciliation.found_present, 0);
    assert_eq!(outcome.reconciliation.resent, 2);
    let seen = actions(&stub);
    assert_eq!(
        seen,
        [
            "JoinGameServerSessionBatch",
            "DescribePlayerSessions",
            "JoinGameServerSessionBatch"
        ]
    );
    // The listing asked for the session, 400 a page.
    let read: serde_json::Value = serde_json::from_slice(&stub.requests()[1].body).unwrap();
    assert_eq!(read["GameServerSessionId"], SESSION);
    assert_eq!(read["Limit"], 400);
    stub.stop().await;
}

#[tokio::test]
async fn pages_that_never_end_leave_the_players_unknown_and_never_sent_again() {
    let stub = stub(|n| {
        format!(r#"{{"Response":{{"PlayerSessions":[],"NextToken":"t{n}","RequestId":"read"}}}}"#)
    })
    .await;
    let options = BatchOptions::new().reconcile_timeout(Duration::from_millis(300));
    let outcome = join(&stub, SESSION, &["p", "q"], options).await;
    assert_eq!(outcome.unknown_items().collect::<Vec<_>>(), ["p", "q"]);
    assert_eq!(outcome.reconciliation.resent, 0);
    let joins = actions(&stub)
        .iter()
        .filter(|a| *a == "JoinGameServerSessionBatch")
        .count();
    assert_eq!(joins, 1, "never sent again without a complete read");
    stub.stop().await;
}

#[tokio::test]
async fn a_player_found_in_the_session_is_joined_with_the_session_read_back() {
    let stub = stub(|_| {
        format!(
            r#"{{"Response":{{"PlayerSessions":[{}],"RequestId":"read"}}}}"#,
            sessions(&["p"], SESSION, "read")
        )
    })
    .await;
    let outcome = join(&stub, SESSION, &["p"], BatchOptions::default()).await;
    assert_eq!(outcome.succeeded, ["p"]);
    assert_eq!(
        outcome.results[0].player_session_id.as_deref(),
        Some("psess-read-p")
    );
    // One unknown player: read alone, filtered by player and session.
    let read: serde_json::Value = serde_json::from_slice(&stub.requests()[1].body).unwrap();
    assert_eq!(read["PlayerId"], "p");
    assert_eq!(read["GameServerSessionId"], SESSION);
    assert_eq!(actions(&stub).len(), 2, "found: not sent again");
    stub.stop().await;
}

#[tokio::test]
async fn a_player_read_back_without_its_session_field_counts_when_the_read_was_filtered() {
    // The session's id fits the read's filter, so the service filtered by it: a result that
    // leaves the field null still belongs to the session.
    let stub = stub(|_| {
        r#"{"Response":{"PlayerSessions":[{"PlayerId":"p","GameServerSessionId":null,"PlayerSessionId":"psess-null","Status":"ACTIVE"}],"RequestId":"read"}}"#.to_owned()
    })
    .await;
    let outcome = join(&stub, SESSION, &["p"], BatchOptions::default()).await;
    assert_eq!(outcome.succeeded, ["p"]);
    assert_eq!(outcome.reconciliation.resent, 0);
    assert_eq!(
        actions(&stub),
        ["JoinGameServerSessionBatch", "DescribePlayerSessions"]
    );
    stub.stop().await;
}

#[tokio::test]
async fn with_a_session_id_too_long_to_filter_by_a_result_without_its_session_proves_nothing() {
    let long = format!(
        "qcs::gse:ap-shanghai:uin/1:gameserversession/{}",
        "f".repeat(40)
    );
    let stub = stub(|_| {
        r#"{"Response":{"PlayerSessions":[{"PlayerId":"p","GameServerSessionId":null,"PlayerSessionId":"psess-null","Status":"ACTIVE"}],"RequestId":"read"}}"#.to_owned()
    })
    .await;
    let outcome = join(&stub, &long, &["p"], BatchOptions::default()).await;
    // Not found, so sent again (the stub's second join succeeds).
    assert_eq!(outcome.succeeded, ["p"]);
    assert_eq!(outcome.reconciliation.resent, 1);
    let read: serde_json::Value = serde_json::from_slice(&stub.requests()[1].body).unwrap();
    assert!(read.get("GameServerSessionId").is_none(), "{read}");
    stub.stop().await;
}

#[tokio::test]
async fn a_finished_player_session_read_back_is_an_earlier_join_not_this_one() {
    let stub = stub(|_| {
        r#"{"Response":{"PlayerSessions":[{"PlayerId":"p","GameServerSessionId":"gssess-1","PlayerSessionId":"psess-old","Status":"COMPLETED"}],"RequestId":"read"}}"#.to_owned()
    })
    .await;
    let outcome = join(&stub, SESSION, &["p"], BatchOptions::default()).await;
    // Not counted: sent again, and joined with the new session.
    assert_eq!(outcome.succeeded, ["p"]);
    assert_eq!(outcome.reconciliation.found_present, 0);
    assert_eq!(outcome.reconciliation.resent, 1);
    assert_eq!(
        outcome.results[0].player_session_id.as_deref(),
        Some("psess-join-p")
    );
    stub.stop().await;
}

/// A join answer that places `p` in another session and gives `q` a finished state, for
/// `joins` answers, then honest ones; reads find nothing of either.
async fn contradicting_joins(joins: usize) -> StubServer {
    let answered = Arc::new(AtomicUsize::new(0));
    StubServer::start_with(move |request| {
        if action(request) == "DescribePlayerSessions" {
            return Reply::json(r#"{"Response":{"PlayerSessions":[],"RequestId":"read"}}"#);
        }
        if answered.fetch_add(1, Ordering::SeqCst) >= joins {
            return Reply::json(format!(
                r#"{{"Response":{{"PlayerSessions":[{}],"RequestId":"join"}}}}"#,
                sessions(&["p", "q"], SESSION, "join")
            ));
        }
        Reply::json(
            r#"{"Response":{"PlayerSessions":[
                {"PlayerId":"p","GameServerSessionId":"gssess-other","PlayerSessionId":"psess-x","Status":"RESERVED"},
                {"PlayerId":"q","GameServerSessionId":"gssess-1","PlayerSessionId":"psess-y","Status":"COMPLETED"}
            ],"RequestId":"join"}}"#,
        )
    })
    .await
}

#[tokio::test]
async fn a_join_answer_in_another_session_or_a_finished_state_is_not_a_join() {
    // Always contradicting: never reported joined; unknown, since each answer may have
    // taken effect somewhere.
    let stub = contradicting_joins(usize::MAX).await;
    let options = BatchOptions::new().reconcile_rounds(2);
    let outcome = join(&stub, SESSION, &["p", "q"], options).await;
    assert!(outcome.succeeded.is_empty(), "{:?}", outcome.succeeded);
    assert_eq!(outcome.unknown_items().collect::<Vec<_>>(), ["p", "q"]);
    let error = outcome.failures[0].error.to_string();
    assert!(
        error.contains("GameServerSessionId is \"gssess-other\", the request's is \"gssess-1\""),
        "{error}"
    );
    assert_eq!(actions(&stub)[1], "DescribePlayerSessions", "read back");
    stub.stop().await;

    // Contradicting once: read back (absent), sent again, joined by the honest answer.
    let stub = contradicting_joins(1).await;
    let outcome = join(&stub, SESSION, &["p", "q"], BatchOptions::default()).await;
    assert!(outcome.is_complete(), "{:?}", outcome.failures);
    assert_eq!(outcome.succeeded, ["p", "q"]);
    assert_eq!(outcome.reconciliation.resent, 2);
    assert!(outcome.results.iter().all(|r| r
        .player_session_id
        .as_deref()
        .unwrap()
        .starts_with("psess-join-")));
    stub.stop().await;
}

#[tokio::test]
async fn a_join_answer_with_a_finished_state_alone_names_it() {
    let stub = StubServer::start_with(|request| {
        if action(request) == "DescribePlayerSessions" {
            return Reply::json(r#"{"Response":{"PlayerSessions":[],"RequestId":"read"}}"#);
        }
        Reply::json(
            r#"{"Response":{"PlayerSessions":[{"PlayerId":"q","GameServerSessionId":"gssess-1","PlayerSessionId":"psess-y","Status":"TIMEDOUT"}],"RequestId":"join"}}"#,
        )
    })
    .await;
    let options = BatchOptions::new().reconcile_rounds(1);
    let outcome = join(&stub, SESSION, &["q"], options).await;
    assert_eq!(outcome.unknown_items().collect::<Vec<_>>(), ["q"]);
    let error = outcome.failures[0].error.to_string();
    assert!(
        error.contains("for \"q\"")
            && error.contains("Status is \"TIMEDOUT\", not one of RESERVED, ACTIVE"),
        "{error}"
    );
    stub.stop().await;
}
