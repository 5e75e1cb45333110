//! What exactly-once costs: 5,000 players through `send_in_batches` at the spec's rates while
//! a tenth of the answers are lost after the join is applied (half dropped connections, half
//! HTTP 500), against the same batch with no faults. Measured for a session id that
//! DescribePlayerSessions can filter by (the lost players are read back by listing the
//! session) and for one longer than its 48 characters (read back one player at a time, at
//! most 1000 reads a second).

use crate::stats::Spread;
use gse_client::credentials::Credentials;
use gse_client::{BatchOptions, Client};
use gse_emulator::{
    EmulatorConfig, FaultConfig, FaultKind, SessionSpec, DEMO_SECRET_ID, DEMO_SECRET_KEY,
};
use serde_json::{json, Value};
use std::time::Instant;

const PLAYERS: usize = 5_000;
/// Fits DescribePlayerSessions' filter: read back by listing the session.
const SHORT_SESSION: &str = "gssess-bench-reconcile";
/// Longer than the filter's 48 characters, like the service's own ids.
const LONG_SESSION: &str =
    "qcs::gse:ap-shanghai:uin/100000000001:gameserversession/fleet-bench/gssess-reconcile";

/// Seconds for one batch of [`PLAYERS`]; panics unless every player ends joined, once.
async fn one_batch(session: &str, faults: FaultConfig) -> (f64, Value) {
    let emulator = EmulatorConfig {
        faults,
        ..EmulatorConfig::default()
    }
    .session(SessionSpec::new(session, PLAYERS))
    .start()
    .await
    .expect("start the emulator");
    let client = Client::builder()
        .endpoint(emulator.url())
        .region("ap-shanghai")
        .credentials(Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap())
        .build()
        .unwrap();
    let players: Vec<String> = (0..PLAYERS).map(|i| format!("rec-{i:05}")).collect();
    let start = Instant::now();
    let outcome = client
        .join_game_server_session_batch()
        .game_server_session_id(session)
        .send_in_batches(players, BatchOptions::default().concurrency(32))
        .await
        .expect("the batch is valid");
    let seconds = start.elapsed().as_secs_f64();
    assert!(outcome.is_complete(), "every player joined");
    assert_eq!(outcome.succeeded.len(), PLAYERS);
    assert_eq!(
        emulator.players().len(),
        PLAYERS,
        "the emulator holds each player once"
    );
    let report = &outcome.reconciliation;
    let report = json!({
        "rounds": report.rounds,
        "looked_up": report.looked_up,
        "found_present": report.found_present,
        "resent": report.resent,
        "read_requests": report.read_requests,
    });
    emulator.shutdown().await;
    (seconds, report)
}

/// The time with a tenth of the answers lost after applying over the time with none, for
/// `session`, over `rounds` interleaved pairs (the median of each).
async fn overhead(session: &str, rounds: usize) -> Value {
    let mut clean = Vec::new();
    let mut faulted = Vec::new();
    let mut last = Value::Null;
    for round in 0..rounds {
        clean.push(one_batch(session, FaultConfig::default()).await.0);
        let faults = FaultConfig {
            seed: round as u64,
            shares: vec![
                (FaultKind::DropAfterApply, 0.05),
                (FaultKind::Http500AfterApply, 0.05),
            ],
            ..FaultConfig::default()
        };
        let (seconds, report) = one_batch(session, faults).await;
        faulted.push(seconds);
        last = report;
    }
    let clean = Spread::of(clean);
    let faulted = Spread::of(faulted);
    json!({
        "ratio": faulted.median / clean.median,
        "clean_s": clean.json(),
        "faulted_s": faulted.json(),
        "reconciliation": last,
    })
}

/// `reconcile_overhead` (the session listed) and `reconcile_overhead_per_player` (read one
/// player at a time).
pub(crate) async fn run(rounds: usize) -> Value {
    let listed = overhead(SHORT_SESSION, rounds).await;
    let per_player = overhead(LONG_SESSION, rounds).await;
    json!({
        "reconcile_overhead": listed["ratio"],
        "reconcile": listed,
        "reconcile_overhead_per_player": per_player["ratio"],
        "reconcile_per_player": per_player,
    })
}
