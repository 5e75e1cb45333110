//! Reconciliation reads pages it can hold: player data as large as the spec allows (2,048
//! control characters, each escaped to 6 bytes in the answer's JSON) on 400 players of one
//! session, with 5% of the answers lost after the join applied. The listing's first page of
//! 400 is over the client's default 1 MiB answer cap; it is asked again for half as many
//! until a page fits, so every unknown player is settled: all 400 joined exactly once.

use gse_client::types::PlayerDataMap;
use gse_client::BatchOptions;
use gse_emulator::{EmulatorConfig, FaultConfig, FaultKind, SessionSpec};
use std::collections::BTreeSet;

const PLAYERS: usize = 400;
const SESSION: &str = "gssess-large-pages";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_largest_player_data_still_reads_back_page_by_page() {
    let emulator = EmulatorConfig {
        faults: FaultConfig {
            seed: 7,
            shares: vec![(FaultKind::DropAfterApply, 0.05)],
            ..FaultConfig::default()
        },
        ..EmulatorConfig::default()
    }
    .session(SessionSpec::new(SESSION, PLAYERS))
    .start()
    .await
    .unwrap();
    let data = "\u{1}".repeat(2048);
    let players: Vec<String> = (0..PLAYERS).map(|i| format!("large-{i:03}")).collect();
    let outcome = gse_e2e::demo_client(&emulator)
        .join_game_server_session_batch()
        .game_server_session_id(SESSION)
        .player_data_map(PlayerDataMap::builder().key("k").value(data.as_str()))
        .send_in_batches(players.clone(), BatchOptions::default())
        .await
        .unwrap();
    let dropped = emulator
        .stats()
        .faults
        .get("drop-after-apply")
        .copied()
        .unwrap_or(0);
    assert!(dropped > 0, "answers were lost after the join applied");
    let failures: Vec<String> = outcome
        .failures
        .iter()
        .map(|f| f.error.to_string())
        .collect();
    assert!(failures.is_empty(), "{failures:?}");
    // 400, 200, 100 are over the cap; pages of 50 fit.
    assert!(
        outcome.reconciliation.read_failures >= 3,
        "{:?}",
        outcome.reconciliation
    );
    let joined: BTreeSet<&String> = outcome.succeeded.iter().collect();
    assert_eq!(joined.len(), PLAYERS, "every player joined, once");
    let held: BTreeSet<String> = emulator.players().into_iter().map(|(_, p)| p).collect();
    assert_eq!(held.len(), PLAYERS);
    emulator.shutdown().await;
}
