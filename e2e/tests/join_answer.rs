//! A valid join through the client: every field of the emulator's answer arrives, typed.

use gse_emulator::{EmulatorConfig, SessionSpec};

const SESSION: &str = "gssess-test";

#[tokio::test]
async fn a_valid_join_returns_every_field() {
    let emulator = EmulatorConfig::default()
        .session(SessionSpec::new(SESSION, 10))
        .start()
        .await
        .expect("the emulator starts");
    let answer = gse_e2e::demo_client(&emulator)
        .join_game_server_session_batch()
        .game_server_session_id(SESSION)
        .player_ids(vec!["p1".to_owned(), "p2".to_owned()])
        .player_data_map(
            gse_client::types::PlayerDataMap::builder()
                .key("team")
                .value("red"),
        )
        .send()
        .await
        .unwrap();
    assert!(answer.error.is_none(), "{:?}", answer.error);
    let sessions = answer.player_sessions.unwrap();
    assert_eq!(sessions.len(), 2);
    for (s, id) in sessions.iter().zip(["p1", "p2"]) {
        assert_eq!(s.player_id.as_deref(), Some(id));
        assert_eq!(s.status.as_deref(), Some("RESERVED"));
        assert_eq!(s.player_data.as_deref(), Some("red"));
        assert_eq!(s.game_server_session_id.as_deref(), Some(SESSION));
        assert_eq!(s.fleet_id.as_deref(), Some("fleet-emulator"));
        assert!(s
            .player_session_id
            .as_deref()
            .is_some_and(|p| p.starts_with("psess-")));
        assert!(s.creation_time.as_deref().is_some_and(|t| t.ends_with('Z')));
        assert!(s.ip_address.is_some() && s.port.is_some() && s.dns_name.is_some());
    }
    assert_ne!(sessions[0].player_session_id, sessions[1].player_session_id);
    let stats = emulator.stats();
    assert_eq!((stats.requests, stats.joined_players), (1, 2));
    emulator.shutdown().await;
}
