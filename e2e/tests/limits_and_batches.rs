//! Against the emulator: the spec's limits fail client-side with nothing sent, the splitter
//! stays under the rate with nothing throttled, forced throttling stays within the retry
//! budget, and under faults no player is joined twice and every player is accounted for.

use gse_client::{BatchOptions, Error, RateLimit, RetryPolicy};
use gse_e2e::demo_builder;
use gse_emulator::{EmulatorConfig, FaultConfig, RunningEmulator, SessionSpec};
use std::collections::BTreeSet;

const SESSION: &str = "gssess-limits";

async fn emulator(config: EmulatorConfig) -> RunningEmulator {
    config
        .session(SessionSpec::new(SESSION, 1_000_000))
        .start()
        .await
        .unwrap()
}

fn players(n: usize, prefix: &str) -> Vec<String> {
    (0..n).map(|i| format!("{prefix}-{i:06}")).collect()
}

#[tokio::test]
async fn broken_limits_fail_client_side_and_nothing_reaches_the_emulator() {
    let emulator = emulator(EmulatorConfig::default()).await;
    let client = demo_builder(emulator.url()).build().unwrap();
    let join = || {
        client
            .join_game_server_session_batch()
            .game_server_session_id(SESSION)
    };
    let cases: Vec<(Result<_, Error>, &str)> = vec![
        (
            join().player_ids(players(26, "p")).send().await,
            "PlayerIds: 26 items given, at most 25 allowed",
        ),
        (
            join().player_ids(Vec::<String>::new()).send().await,
            "PlayerIds: 0 items given, at least 1 required",
        ),
        (
            client
                .join_game_server_session_batch()
                .game_server_session_id("s".repeat(257))
                .player_ids(players(1, "p"))
                .send()
                .await,
            "GameServerSessionId: 257 characters given",
        ),
        (
            client
                .join_game_server_session_batch()
                .game_server_session_id("gssess-ü")
                .player_ids(players(1, "p"))
                .send()
                .await,
            "GameServerSessionId: \"gssess-ü\" does not match the pattern",
        ),
        (
            join()
                .player_ids(players(1, "p"))
                .player_data_map(
                    gse_client::types::PlayerDataMap::builder()
                        .key("k".repeat(1025))
                        .value("v"),
                )
                .send()
                .await,
            "PlayerDataMap.Key: 1025 characters given",
        ),
        (
            client
                .join_game_server_session_batch()
                .player_ids(players(1, "p"))
                .send()
                .await,
            "GameServerSessionId: missing; a value is required",
        ),
    ];
    for (result, expected) in cases {
        let error = result.expect_err(expected);
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
        assert!(
            error.to_string().contains(expected),
            "{expected:?} in {error}"
        );
        assert!(error.is_client_error() && !error.is_retryable());
    }
    assert_eq!(
        emulator.stats().requests,
        0,
        "no request reached the emulator"
    );
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_thousand_players_through_the_splitter_stay_under_the_rate() {
    let emulator = emulator(EmulatorConfig::default()).await;
    let client = demo_builder(emulator.url()).build().unwrap();
    let all = players(50_000, "load");
    let outcome = client
        .join_game_server_session_batch()
        .game_server_session_id(SESSION)
        .send_in_batches(all.clone(), 32)
        .await
        .unwrap();
    assert_eq!(outcome.requests, 2_000);
    assert!(outcome.is_complete(), "{:?}", outcome.failures.first());
    assert_eq!(outcome.results.len(), 50_000);
    let stats = emulator.stats();
    let rate = gse_client::api::JOIN_GAME_SERVER_SESSION_BATCH.rate_limit_per_second as u64;
    assert_eq!(
        stats.errors.get("RequestLimitExceeded"),
        None,
        "nothing was throttled"
    );
    assert!(
        stats.max_requests_in_any_second <= rate,
        "the emulator saw {} requests in one second, more than {rate}",
        stats.max_requests_in_any_second
    );
    assert_eq!(stats.requests, 2_000);
    assert_eq!(emulator.players().len(), 50_000);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forced_throttling_retries_within_the_budget() {
    let emulator = emulator(EmulatorConfig {
        rate_limit: Some(2),
        ..EmulatorConfig::default()
    })
    .await;
    const BUDGET: u32 = 6;
    let client = demo_builder(emulator.url())
        .rate_limit(RateLimit::Off)
        .retry_policy(
            RetryPolicy::default()
                .budget(BUDGET)
                .base_delay(std::time::Duration::from_millis(20)),
        )
        .build()
        .unwrap();
    let calls = 30;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..calls {
        let client = client.clone();
        tasks.spawn(async move {
            client
                .join_game_server_session_batch()
                .game_server_session_id(SESSION)
                .player_ids(vec![format!("t{i}")])
                .send()
                .await
        });
    }
    let mut ok = 0u32;
    while let Some(result) = tasks.join_next().await {
        match result.unwrap() {
            Ok(_) => ok += 1,
            Err(e) => assert!(e.is_throttling() && e.is_retryable(), "{e}"),
        }
    }
    let sent = emulator.stats().requests as u32;
    let retries = sent - calls;
    // Each success earns back a fifth of a retry.
    assert!(retries >= 1, "throttled calls were retried");
    assert!(
        retries <= BUDGET + ok / 5 + 1,
        "{retries} retries for a budget of {BUDGET} and {ok} successes"
    );
    assert!(client.runtime().retry_budget_remaining() <= BUDGET);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
/// The request pipeline alone (reconciliation off): every player joined or failed, exactly.
async fn under_faults_no_player_is_joined_twice_and_none_is_lost() {
    let faults = FaultConfig {
        latency: std::time::Duration::from_millis(20),
        ..FaultConfig::all_kinds(11, 0.04)
    };
    let emulator = emulator(EmulatorConfig {
        faults,
        ..EmulatorConfig::default()
    })
    .await;
    let client = demo_builder(emulator.url())
        .timeout(std::time::Duration::from_secs(5))
        .build()
        .unwrap();
    let all = players(2_000, "fault");
    let outcome = client
        .join_game_server_session_batch()
        .game_server_session_id(SESSION)
        .send_in_batches(all.clone(), BatchOptions::from(8).reconcile(false))
        .await
        .unwrap();
    let joined: Vec<String> = outcome.succeeded.clone();
    let joined_set: BTreeSet<&String> = joined.iter().collect();
    assert_eq!(
        joined.len(),
        joined_set.len(),
        "no player is reported joined twice"
    );
    let failed: BTreeSet<&String> = outcome.not_succeeded_items().collect();
    assert!(joined_set.is_disjoint(&failed));
    let accounted: BTreeSet<&String> = joined_set.union(&failed).copied().collect();
    assert_eq!(
        accounted,
        all.iter().collect(),
        "every player is joined or failed"
    );
    let held: BTreeSet<String> = emulator.players().into_iter().map(|(_, p)| p).collect();
    assert_eq!(
        held,
        joined.iter().cloned().collect(),
        "the emulator holds exactly the players reported joined"
    );
    assert!(!outcome.failures.is_empty(), "faults were injected");
    for failure in &outcome.failures {
        assert!(
            failure.error.may_have_taken_effect()
                || failure.error.call_error().is_some_and(|e| e.is_retryable()),
            "{}",
            failure.error
        );
    }
    emulator.shutdown().await;
}

/// Runs the main command against `emulator` with the demo account, `--session` this file's
/// session and `--json`, then `args`.
fn join_example_at(emulator: &test_support::EmulatorBinary, args: &[&str]) -> std::process::Output {
    gse_e2e::demo_join_command(&test_support::join_example(), &emulator.url)
        .args(["--session", SESSION, "--json"])
        .args(args)
        .output()
        .expect("the join example runs")
}

/// The main command with player ids the read-back could not filter by, against the emulator
/// binary: each is refused before sending, naming its position; the valid ones join.
#[test]
fn player_ids_the_read_back_cannot_use_fail_alone_and_the_rest_join() {
    let emulator = test_support::EmulatorBinary::start(
        &test_support::emulator_binary(),
        &["--session", &format!("{SESSION}:100")],
    );
    let long = "p".repeat(1025);
    let output = join_example_at(
        &emulator,
        &[
            "--player", "ok-1", "--player", "é", "--player", &long, "--player", "ok-2",
        ],
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let outcome = |player: &str| {
        lines
            .iter()
            .find(|l| l["player"] == player)
            .unwrap_or_else(|| panic!("{player} has a line: {stdout}"))
    };
    assert_eq!(outcome("ok-1")["outcome"], "joined");
    assert_eq!(outcome("ok-2")["outcome"], "joined");
    let accented = outcome("é");
    assert_eq!(accented["outcome"], "failed");
    assert!(
        accented["error"]
            .as_str()
            .unwrap()
            .contains("does not match the pattern"),
        "{accented}"
    );
    let too_long = outcome(&long);
    assert_eq!(too_long["outcome"], "failed");
    assert!(
        too_long["error"]
            .as_str()
            .unwrap()
            .contains("1025 characters given"),
        "{too_long}"
    );
    let stats = test_support::emulator_stats(&emulator.url);
    assert_eq!(stats["joined_players"].as_u64(), Some(2), "{stats}");
    assert_eq!(
        stats["requests"].as_u64(),
        Some(1),
        "one request, the two valid ids: {stats}"
    );
}

/// The main command run twice for the same players against the emulator binary: the second
/// run joins nobody and reports each player found already in the session, not joined.
#[test]
fn players_already_in_the_session_are_reported_found_not_joined() {
    let emulator = test_support::EmulatorBinary::start(
        &test_support::emulator_binary(),
        &["--session", &format!("{SESSION}:100")],
    );
    let run = || {
        let output = std::process::Command::new(test_support::join_example())
            .args(["--endpoint", &emulator.url, "--region", "ap-shanghai"])
            .args([
                "--session",
                SESSION,
                "--json",
                "--player",
                "a",
                "--player",
                "b",
            ])
            .env("TENCENTCLOUD_SECRET_ID", gse_emulator::DEMO_SECRET_ID)
            .env("TENCENTCLOUD_SECRET_KEY", gse_emulator::DEMO_SECRET_KEY)
            .env_remove("TENCENTCLOUD_SESSION_TOKEN")
            .env("HOME", "/nonexistent")
            .output()
            .expect("the join example runs");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        let outcomes: Vec<String> = stdout
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["outcome"].to_string())
            .collect();
        (output.status.code(), outcomes, stdout)
    };
    let (code, first, out) = run();
    assert_eq!(
        (code, first),
        (Some(0), vec!["\"joined\"".to_owned(); 2]),
        "{out}"
    );
    let (code, second, out) = run();
    assert_eq!(
        (code, second),
        (Some(0), vec!["\"found\"".to_owned(); 2]),
        "{out}"
    );
    let stats = test_support::emulator_stats(&emulator.url);
    assert_eq!(stats["joined_players"].as_u64(), Some(2), "{stats}");
}

/// Calls whose overall time runs out while they wait for their slot sent nothing: against the
/// emulator binary, their players end failed (safe to send again), never unknown, and are not
/// read back; the emulator saw only the request that went.
#[tokio::test]
async fn players_whose_call_timed_out_waiting_for_its_slot_are_failed_not_unknown() {
    let emulator = test_support::EmulatorBinary::start(
        &test_support::emulator_binary(),
        &["--session", &format!("{SESSION}:1000")],
    );
    // 2 requests a second: the first goes at once, the next waits 500 ms, past the 300 ms.
    let client = demo_builder(emulator.url.clone())
        .rate_limit(RateLimit::PerSecond(2))
        .overall_timeout(std::time::Duration::from_millis(300))
        .build()
        .unwrap();
    let outcome = client
        .join_game_server_session_batch()
        .game_server_session_id(SESSION)
        .send_in_batches(players(100, "slot"), BatchOptions::new().concurrency(4))
        .await
        .unwrap();
    assert_eq!(outcome.succeeded.len(), 25, "{:?}", outcome.failures);
    assert_eq!(outcome.unknown_items().count(), 0, "{:?}", outcome.failures);
    assert_eq!(outcome.failed_items().count(), 75);
    for failure in &outcome.failures {
        let error = failure.error.to_string();
        assert!(!failure.error.may_have_taken_effect(), "{error}");
    }
    let stats = test_support::emulator_stats(&emulator.url);
    assert_eq!(
        stats["requests"].as_u64(),
        Some(1),
        "no read-back, no other join: {stats}"
    );
    assert_eq!(stats["joined_players"].as_u64(), Some(25), "{stats}");
}
