//! Paging through an action with `NextToken`: every item once, a bound on pages, and a token
//! the service repeats ending with an error instead of a loop.

use futures_util::StreamExt;
use gse_client::BatchOptions;
use gse_emulator::{EmulatorConfig, SessionSpec};
use std::collections::BTreeSet;
use test_support::{Reply, StubServer};

const SESSION: &str = "gssess-pages";

#[tokio::test]
async fn a_thousand_player_sessions_listed_seven_a_page_arrive_once_each() {
    let emulator = EmulatorConfig::default()
        .session(SessionSpec::new(SESSION, 1000))
        .start()
        .await
        .unwrap();
    let client = gse_e2e::demo_client(&emulator);
    let players: Vec<String> = (0..1000).map(|i| format!("pager-{i:04}")).collect();
    let outcome = client
        .join_game_server_session_batch()
        .game_server_session_id(SESSION)
        .send_in_batches(players.clone(), BatchOptions::new().concurrency(16))
        .await
        .unwrap();
    assert_eq!(outcome.succeeded.len(), 1000);
    let items = client
        .describe_player_sessions()
        .game_server_session_id(SESSION)
        .limit(7)
        .into_paginator()
        .items();
    futures_util::pin_mut!(items);
    let mut seen = Vec::new();
    while let Some(item) = items.next().await {
        seen.push(item.unwrap().player_id.unwrap());
    }
    assert_eq!(seen.len(), 1000, "every player session once");
    let distinct: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(distinct.len(), 1000, "none twice");
    assert_eq!(distinct.into_iter().cloned().collect::<Vec<_>>(), players);
    let pages = client
        .describe_player_sessions()
        .game_server_session_id(SESSION)
        .limit(7)
        .into_paginator()
        .pages()
        .count()
        .await;
    assert_eq!(pages, 143, "1000 sessions, 7 a page");
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_next_token_the_service_repeats_ends_with_an_error() {
    let stub = StubServer::start(
        r#"{"Response":{"PlayerSessions":[{"PlayerId":"p"}],"NextToken":"again","RequestId":"r"}}"#,
    )
    .await;
    let client = gse_e2e::builder(stub.url(), "AKIDTEST", "k")
        .build()
        .unwrap();
    let error = client
        .describe_player_sessions()
        .game_server_session_id(SESSION)
        .into_paginator()
        .collect_items()
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("token again came twice"),
        "{error}"
    );
    assert!(error.to_string().contains("came twice"), "{error}");
    assert_eq!(
        stub.requests().len(),
        2,
        "the first page, then the one that repeats its token"
    );
    stub.stop().await;
}

#[tokio::test]
async fn pages_beyond_the_bound_are_not_read() {
    let stub = StubServer::start_with(|request| {
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        let page: u32 = body["NextToken"].as_str().map_or(0, |t| t.parse().unwrap());
        Reply::json(format!(
            r#"{{"Response":{{"PlayerSessions":[{{"PlayerId":"p{page}"}}],"NextToken":"{}","RequestId":"r"}}}}"#,
            page + 1
        ))
    })
    .await;
    let client = gse_e2e::builder(stub.url(), "AKIDTEST", "k")
        .build()
        .unwrap();
    let pages: Vec<_> = client
        .describe_player_sessions()
        .into_paginator()
        .max_pages(3)
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 4, "three pages, then the error");
    assert!(pages[..3].iter().all(Result::is_ok));
    let error = pages[3].as_ref().unwrap_err().to_string();
    assert!(error.contains("more than 3 pages"), "{error}");
    assert_eq!(stub.requests().len(), 3, "no fourth page is read");
    stub.stop().await;
}
