//! The spec's `x-tc-error-hints` reach the caller: an error of the action carries the spec's
//! sentence for its code, and codes without one get the runtime's generic hint.

use gse_client::{api, ErrorCode};
use gse_emulator::{EmulatorConfig, SessionSpec};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_session_carries_the_specs_hint() {
    let emulator = EmulatorConfig::default()
        .session(SessionSpec::new("gssess-small", 1))
        .start()
        .await
        .unwrap();
    let client = gse_e2e::demo_client(&emulator);
    let action = api::action_by_operation_id("join_game_server_session_batch").unwrap();

    let missing = client
        .join_game_server_session_batch()
        .game_server_session_id("gssess-missing")
        .player_ids(vec!["p1".to_owned()])
        .send()
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Some(&ErrorCode::ResourceNotFound));
    let hint = action.hint_for("ResourceNotFound").unwrap();
    assert_eq!(missing.hint(), hint);
    assert!(missing.to_string().ends_with(hint), "{missing}");

    let full = client
        .join_game_server_session_batch()
        .game_server_session_id("gssess-small")
        .player_ids(vec!["p1".to_owned(), "p2".to_owned()])
        .send()
        .await
        .unwrap_err();
    assert_eq!(full.code(), Some(&ErrorCode::ResourceInsufficient));
    assert_eq!(
        full.hint(),
        action.hint_for("ResourceInsufficient").unwrap()
    );

    // A code the spec gives no hint for on this action: the runtime's hint for its family.
    let unknown_key = gse_e2e::builder(emulator.url(), "AKIDunknown", "key")
        .build()
        .unwrap()
        .join_game_server_session_batch()
        .game_server_session_id("gssess-small")
        .player_ids(vec!["p1".to_owned()])
        .send()
        .await
        .unwrap_err();
    assert!(unknown_key.is_authentication(), "{unknown_key}");
    assert_eq!(action.hint_for(unknown_key.code().unwrap().as_str()), None);
    assert!(unknown_key.hint().contains("SecretId"), "{unknown_key}");
    emulator.shutdown().await;
}
