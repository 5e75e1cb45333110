//! Faults after the join is applied: the emulator changes its state, then the answer is lost
//! (dropped connection, HTTP 500, a truncated envelope) or comes after the client's attempt
//! timeout. Without reconciliation (tests/reconciliation.rs has it on), the client never
//! reports such players as joined or as failed: they are unknown (check before sending
//! again), and the emulator's state holds exactly the players reported joined or unknown.

use gse_client::{BatchOptions, Client, Error};
use gse_emulator::{EmulatorConfig, FaultConfig, FaultKind, SessionSpec};
use std::collections::BTreeSet;
use std::time::Duration;

const SESSION: &str = "gssess-after-apply";

async fn emulator(faults: FaultConfig, capacity: usize) -> gse_emulator::RunningEmulator {
    EmulatorConfig {
        faults,
        ..EmulatorConfig::default()
    }
    .session(SessionSpec::new(SESSION, capacity))
    .start()
    .await
    .unwrap()
}

fn client(url: &str) -> Client {
    gse_e2e::demo_builder(url)
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap()
}

#[tokio::test]
async fn each_after_apply_fault_changes_the_state_and_loses_the_answer() {
    for kind in FaultKind::AFTER_APPLY {
        let faults = FaultConfig {
            shares: vec![(kind, 1.0)],
            latency_after_apply: Duration::from_millis(1500),
            ..FaultConfig::default()
        };
        let emulator = emulator(faults, 10).await;
        let error = client(&emulator.url())
            .join_game_server_session_batch()
            .game_server_session_id(SESSION)
            .player_ids(vec!["a".to_owned(), "b".to_owned()])
            .send()
            .await
            .unwrap_err();
        let expected = match kind {
            FaultKind::DropAfterApply => matches!(
                error,
                Error::Transport {
                    request_sent: true,
                    ..
                }
            ),
            FaultKind::Http500AfterApply => matches!(error, Error::HttpStatus { status: 500, .. }),
            FaultKind::TruncatedAfterApply => matches!(error, Error::MalformedResponse { .. }),
            _ => matches!(error, Error::Timeout { .. }),
        };
        assert!(expected, "{}: {error}", kind.name());
        assert!(
            error.may_have_taken_effect() && !error.is_retryable(),
            "{}: {error}",
            kind.name()
        );
        let held: BTreeSet<String> = emulator.players().into_iter().map(|(_, p)| p).collect();
        assert_eq!(
            held,
            ["a", "b"].map(String::from).into(),
            "{}: the join was applied",
            kind.name()
        );
        assert_eq!(
            emulator.stats().faults.get(kind.name()),
            Some(&1),
            "{}",
            kind.name()
        );
        emulator.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_under_after_apply_faults_reports_every_player_exactly() {
    let faults = FaultConfig {
        latency_after_apply: Duration::from_millis(1500),
        ..FaultConfig::after_apply_kinds(5, 0.05)
    };
    let emulator = emulator(faults, 1_000).await;
    let all: Vec<String> = (0..1_000).map(|i| format!("p-{i:04}")).collect();
    let outcome = client(&emulator.url())
        .join_game_server_session_batch()
        .game_server_session_id(SESSION)
        .send_in_batches(all.clone(), BatchOptions::from(8).reconcile(false))
        .await
        .unwrap();
    let succeeded: BTreeSet<&String> = outcome.succeeded.iter().collect();
    let unknown: BTreeSet<&String> = outcome.unknown_items().collect();
    assert_eq!(
        outcome.failed_items().count(),
        0,
        "nothing is reported failed"
    );
    assert!(!unknown.is_empty(), "some answers were lost");
    assert!(succeeded.is_disjoint(&unknown));
    assert_eq!(
        succeeded.len() + unknown.len(),
        all.len(),
        "every player is accounted for"
    );
    // Every lost answer's join was applied: the state holds the joined and the unknown players.
    let held: BTreeSet<String> = emulator.players().into_iter().map(|(_, p)| p).collect();
    let reported: BTreeSet<String> = succeeded.union(&unknown).map(|p| p.to_string()).collect();
    assert_eq!(held, reported);
    println!(
        "after-apply faults at 5% each: {} joined, {} unknown (all held by the emulator)",
        succeeded.len(),
        unknown.len()
    );
    emulator.shutdown().await;
}
