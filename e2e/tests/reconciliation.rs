//! Exactly-once joins when answers are lost: 5,000 players through `send_in_batches` under
//! each after-apply fault at 10%, and under every fault kind at once. Reconciliation (on by
//! default) reads unknown players back with DescribePlayerSessions and sends only the absent
//! ones again: no player is lost, none joined twice, none left unknown, and the emulator
//! holds exactly the players reported joined. Both ways of reading back are exercised: a
//! session id short enough for DescribePlayerSessions' filter (a listing) and one longer than
//! its 48 characters (one read per player).

use gse_client::{BatchOptions, BatchOutcome, Client};
use gse_emulator::{EmulatorConfig, FaultConfig, FaultKind, RunningEmulator, SessionSpec};
use std::collections::BTreeSet;
use std::time::Duration;

const PLAYERS: usize = 5_000;
/// Fits DescribePlayerSessions' 48-character filter: read back by listing the session.
const SHORT_SESSION: &str = "gssess-reconcile";
/// Longer than 48 characters: read back one player at a time, matched by session.
const LONG_SESSION: &str =
    "qcs::gse:ap-shanghai:uin/100000000001:gameserversession/fleet-rec/gssess-reconcile";
/// The client's attempt timeout; `latency-after-apply` answers after it.
const ATTEMPT_TIMEOUT: Duration = Duration::from_millis(400);

async fn emulator(faults: FaultConfig, session: &str) -> RunningEmulator {
    EmulatorConfig {
        faults: FaultConfig {
            latency: Duration::from_millis(600),
            latency_after_apply: Duration::from_millis(600),
            ..faults
        },
        ..EmulatorConfig::default()
    }
    .session(SessionSpec::new(session, PLAYERS * 2))
    .start()
    .await
    .unwrap()
}

fn client(url: &str) -> Client {
    gse_e2e::demo_builder(url)
        .timeout(ATTEMPT_TIMEOUT)
        .build()
        .unwrap()
}

fn players() -> Vec<String> {
    (0..PLAYERS).map(|i| format!("rec-{i:05}")).collect()
}

async fn join_all(
    emulator: &RunningEmulator,
    session: &str,
    options: BatchOptions,
) -> BatchOutcome<String, gse_client::types::PlayerSession> {
    client(&emulator.url())
        .join_game_server_session_batch()
        .game_server_session_id(session)
        .send_in_batches(players(), options)
        .await
        .unwrap()
}

/// 0 lost, 0 joined twice, 0 unknown, and the emulator holds exactly the reported joins.
fn assert_exactly_once(
    label: &str,
    emulator: &RunningEmulator,
    session: &str,
    outcome: &BatchOutcome<String, gse_client::types::PlayerSession>,
) {
    let failures: Vec<String> = outcome
        .failures
        .iter()
        .map(|f| f.error.to_string())
        .collect();
    assert!(outcome.failures.is_empty(), "{label}: {failures:?}");
    let joined: BTreeSet<&String> = outcome.succeeded.iter().collect();
    assert_eq!(
        joined.len(),
        outcome.succeeded.len(),
        "{label}: a player reported twice"
    );
    assert_eq!(joined.len(), PLAYERS, "{label}: every player joined");
    for (player, result) in outcome.succeeded.iter().zip(&outcome.results) {
        assert_eq!(
            result.player_id.as_deref(),
            Some(player.as_str()),
            "{label}"
        );
        assert_eq!(
            result.game_server_session_id.as_deref(),
            Some(session),
            "{label}"
        );
    }
    let held: Vec<String> = emulator
        .players()
        .into_iter()
        .filter(|(s, _)| s == session)
        .map(|(_, p)| p)
        .collect();
    let held_set: BTreeSet<&String> = held.iter().collect();
    assert_eq!(held.len(), held_set.len(), "{label}: a player held twice");
    assert_eq!(
        held_set, joined,
        "{label}: the emulator holds exactly the joins"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_after_apply_fault_at_ten_percent_ends_exactly_once() {
    for (i, kind) in FaultKind::AFTER_APPLY.into_iter().enumerate() {
        let session = if i % 2 == 0 {
            SHORT_SESSION
        } else {
            LONG_SESSION
        };
        let faults = FaultConfig {
            seed: 16 + i as u64,
            shares: vec![(kind, 0.1)],
            ..FaultConfig::default()
        };
        let emulator = emulator(faults, session).await;
        let outcome = join_all(&emulator, session, BatchOptions::default()).await;
        let label = kind.name();
        assert_exactly_once(label, &emulator, session, &outcome);
        let report = &outcome.reconciliation;
        assert!(report.found_present > 0, "{label}: {report:?}");
        assert_eq!(
            report.resent, 0,
            "{label}: every lost answer's join was applied"
        );
        assert!(
            emulator.stats().faults.get(label).copied().unwrap_or(0) > 0,
            "{label}: faults were injected"
        );
        println!("{label} at 10% ({session}): {report:?}");
        emulator.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_kind_at_once_ends_exactly_once() {
    for (seed, session) in [(31, SHORT_SESSION), (32, LONG_SESSION)] {
        let before = FaultConfig::all_kinds(seed, 0.015);
        let after = FaultConfig::after_apply_kinds(seed, 0.02);
        let faults = FaultConfig {
            shares: before.shares.into_iter().chain(after.shares).collect(),
            ..before
        };
        let emulator = emulator(faults, session).await;
        let outcome = join_all(&emulator, session, BatchOptions::default()).await;
        assert_exactly_once(session, &emulator, session, &outcome);
        let report = &outcome.reconciliation;
        // Lost answers before the join (nothing applied) are found absent and sent again;
        // lost answers after it are found present.
        assert!(report.found_present > 0, "{report:?}");
        assert!(report.resent > 0, "{report:?}");
        println!("all kinds ({session}): {report:?}");
        emulator.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_reconciliation_off_lost_answers_stay_unknown() {
    let faults = FaultConfig {
        seed: 7,
        shares: vec![(FaultKind::DropAfterApply, 0.1)],
        ..FaultConfig::default()
    };
    let emulator = emulator(faults, SHORT_SESSION).await;
    let outcome = join_all(
        &emulator,
        SHORT_SESSION,
        BatchOptions::default().reconcile(false),
    )
    .await;
    let unknown: BTreeSet<&String> = outcome.unknown_items().collect();
    assert!(!unknown.is_empty());
    assert_eq!(outcome.failed_items().count(), 0);
    assert_eq!(outcome.reconciliation, Default::default());
    // 200 join requests and nothing else: no read-back, no re-send.
    assert_eq!(emulator.stats().requests, PLAYERS as u64 / 25);
    emulator.shutdown().await;
}
