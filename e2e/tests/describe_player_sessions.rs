//! DescribePlayerSessions against the emulator: the state joins leave, filtered and read a page
//! at a time with NextToken; the spec's limits refuse a bad request before sending.

use gse_client::Error;
use gse_e2e::demo_client;
use gse_emulator::{EmulatorConfig, RunningEmulator, SessionSpec};
use std::collections::BTreeSet;

const SESSION: &str = "gssess-describe";

async fn emulator() -> RunningEmulator {
    EmulatorConfig::default()
        .session(SessionSpec::new(SESSION, 100))
        .session(SessionSpec::new("gssess-other", 100))
        .start()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_sessions_players_are_listed_a_page_at_a_time() {
    let emulator = emulator().await;
    let client = demo_client(&emulator);
    let players: Vec<String> = (0..60).map(|i| format!("p-{i:02}")).collect();
    let outcome = client
        .join_game_server_session_batch()
        .game_server_session_id(SESSION)
        .send_in_batches(players.clone(), 4)
        .await
        .unwrap();
    assert!(outcome.is_complete());
    client
        .join_game_server_session_batch()
        .game_server_session_id("gssess-other")
        .player_ids(vec!["elsewhere".to_owned()])
        .send()
        .await
        .unwrap();

    let mut listed = Vec::new();
    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let mut request = client
            .describe_player_sessions()
            .game_server_session_id(SESSION)
            .limit(25u64);
        if let Some(t) = &token {
            request = request.next_token(t.as_str());
        }
        let page = request.send().await.unwrap();
        let sessions = page.player_sessions.clone().unwrap_or_default();
        pages.push(sessions.len());
        listed.extend(sessions.into_iter().filter_map(|s| s.player_id));
        match page.next_token.as_deref() {
            Some(t) => token = Some(t.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, [25, 25, 10]);
    assert_eq!(listed.len(), 60, "each player once");
    assert_eq!(
        listed.iter().collect::<BTreeSet<_>>(),
        players.iter().collect::<BTreeSet<_>>()
    );

    // Filters: one player; a status; every session at once.
    let one = client
        .describe_player_sessions()
        .player_id("p-07")
        .send()
        .await
        .unwrap();
    let one = one.player_sessions.unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].game_server_session_id.as_deref(), Some(SESSION));
    let reserved = client
        .describe_player_sessions()
        .player_session_status_filter("RESERVED")
        .send()
        .await
        .unwrap();
    assert_eq!(reserved.player_sessions.unwrap().len(), 61);
    assert!(reserved.next_token.is_none(), "no Limit: one page");
    emulator.shutdown().await;
}

#[tokio::test]
async fn unknown_sessions_bad_tokens_and_broken_limits_are_refused() {
    let emulator = emulator().await;
    let client = demo_client(&emulator);
    let error = client
        .describe_player_sessions()
        .game_server_session_id("gssess-missing")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.code().map(|c| c.as_str().to_owned()).as_deref(),
        Some("ResourceNotFound"),
        "{error}"
    );
    let error = client
        .describe_player_sessions()
        .next_token("made-up")
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("NextToken"), "{error}");
    // Tencent's definition allows 48 characters here (256 when joining).
    let error = client
        .describe_player_sessions()
        .game_server_session_id("g".repeat(49))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::InvalidRequest { .. }) && error.to_string().contains("48"),
        "{error}"
    );
    assert_eq!(
        emulator.stats().requests,
        2,
        "the broken limit sent nothing"
    );
    emulator.shutdown().await;
}
