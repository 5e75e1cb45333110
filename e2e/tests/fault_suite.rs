//! The client against the emulator's fault injection: for each fault kind at 10%, and all
//! kinds mixed, 5,000 players through the splitter with reconciliation off (the request
//! pipeline alone; tests/reconciliation.rs has it on). Every call ends in `Ok` or a typed error
//! within the overall timeout; the players the emulator holds are exactly the players the
//! client reports as joined; no player is joined twice; every player is accounted for. And a
//! clock ten minutes off either way is corrected.

use gse_client::{BatchOptions, FixedClock};
use gse_emulator::{EmulatorConfig, FaultConfig, FaultKind, SessionSpec};
use std::collections::BTreeSet;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const SESSION: &str = "gssess-faults";
const PLAYERS: usize = 5_000;
const OVERALL: Duration = Duration::from_secs(20);

/// Runs 5,000 players through the splitter under `faults`; returns (joined, failed) counts.
async fn run(faults: FaultConfig, label: &str) -> (usize, usize) {
    let emulator = EmulatorConfig {
        faults,
        ..EmulatorConfig::default()
    }
    .session(SessionSpec::new(SESSION, PLAYERS))
    .start()
    .await
    .unwrap();
    let client = gse_e2e::demo_builder(emulator.url())
        .timeout(Duration::from_secs(2))
        .overall_timeout(OVERALL)
        .build()
        .unwrap();
    let all: Vec<String> = (0..PLAYERS).map(|i| format!("{label}-{i:05}")).collect();
    let started = Instant::now();
    let outcome = client
        .join_game_server_session_batch()
        .game_server_session_id(SESSION)
        .send_in_batches(all.clone(), BatchOptions::from(16).reconcile(false))
        .await
        .expect("valid input");
    assert!(
        started.elapsed() < OVERALL + Duration::from_secs(5),
        "{label}: every call ended in time"
    );
    assert_eq!(outcome.requests, PLAYERS / 25, "{label}");

    let joined: Vec<&String> = outcome.succeeded.iter().collect();
    let joined_set: BTreeSet<&String> = joined.iter().copied().collect();
    assert_eq!(
        joined.len(),
        joined_set.len(),
        "{label}: no player reported joined twice"
    );
    let failed: BTreeSet<&String> = outcome.not_succeeded_items().collect();
    assert!(
        joined_set.is_disjoint(&failed),
        "{label}: a player is joined or failed, not both"
    );
    assert_eq!(
        joined_set.len() + failed.len(),
        PLAYERS,
        "{label}: every player is accounted for"
    );
    let held: BTreeSet<String> = emulator.players().into_iter().map(|(_, p)| p).collect();
    let reported: BTreeSet<String> = joined_set.iter().map(|p| p.to_string()).collect();
    assert_eq!(
        held, reported,
        "{label}: the emulator holds exactly the players reported joined"
    );
    for failure in &outcome.failures {
        // Every failure is a typed error a caller can act on.
        assert!(!failure.error.to_string().is_empty());
        assert!(
            failure.error.may_have_taken_effect()
                || failure
                    .error
                    .call_error()
                    .is_some_and(|e| e.is_retryable() || e.is_throttling()),
            "{label}: {}",
            failure.error
        );
    }
    emulator.shutdown().await;
    (joined_set.len(), failed.len())
}

fn at_ten_percent(kind: FaultKind) -> FaultConfig {
    FaultConfig {
        seed: 42,
        shares: vec![(kind, 0.1)],
        latency: Duration::from_millis(100),
        date_skew_secs: 600,
        ..FaultConfig::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_fault_kind_at_ten_percent_loses_and_doubles_nothing() {
    let mut report = Vec::new();
    for kind in FaultKind::ALL.into_iter().filter(|k| !k.after_apply()) {
        let (joined, failed) = run(at_ten_percent(kind), kind.name()).await;
        if kind.serves_request() {
            assert_eq!(
                failed,
                0,
                "{}: served normally, so nothing fails",
                kind.name()
            );
        } else {
            assert!(failed > 0, "{}: some requests failed", kind.name());
        }
        report.push(format!("{}: {joined} joined, {failed} failed", kind.name()));
    }
    println!("{}", report.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_fault_kinds_mixed_lose_and_double_nothing() {
    // Every kind at 10%: 80% of the requests meet a fault.
    let faults = FaultConfig {
        latency: Duration::from_millis(100),
        ..FaultConfig::all_kinds(7, 0.1)
    };
    let (joined, failed) = run(faults, "mixed").await;
    assert!(joined > 0 && failed > 0);
    println!("mixed (80% of requests faulted): {joined} joined, {failed} failed");
}

#[tokio::test]
async fn a_clock_ten_minutes_off_either_way_is_corrected() {
    let emulator = EmulatorConfig::default()
        .session(SessionSpec::new(SESSION, 100))
        .start()
        .await
        .unwrap();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    for (i, off) in [600i64, -600].into_iter().enumerate() {
        let client = gse_e2e::demo_builder(emulator.url())
            .clock(FixedClock::at_unix((now as i64 + off) as u64))
            .build()
            .unwrap();
        let answer = client
            .join_game_server_session_batch()
            .game_server_session_id(SESSION)
            .player_ids(vec![format!("skew-{i}")])
            .send()
            .await
            .expect("the skew is corrected");
        assert_eq!(answer.player_sessions.unwrap().len(), 1);
        let learned = client.runtime().clock_skew_seconds();
        assert!(
            (learned + off).abs() <= 2,
            "learned {learned} for a clock {off} s off"
        );
    }
    assert_eq!(
        emulator.stats().errors.get("AuthFailure.SignatureExpire"),
        Some(&2)
    );
    emulator.shutdown().await;
}
