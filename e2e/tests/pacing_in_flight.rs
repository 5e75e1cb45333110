//! The README's pacing promise at the most requests in flight the client allows: the `join`
//! example with `--concurrency 10000` against the emulator binary, every request waiting
//! for its slot at once. The service never sees more than its rate in any second and
//! throttles nothing. Beyond the bound, the example refuses the run naming it, nothing sent.

use std::process::Output;
use test_support::{emulator_binary, emulator_stats, EmulatorBinary};

const SESSION: &str = "gssess-in-flight";
/// 4 000 requests of 25: four seconds of sending at the pace.
const PLAYERS: u64 = 100_000;

fn join(emulator: &EmulatorBinary, concurrency: &str) -> Output {
    gse_e2e::demo_join_command(&test_support::join_example(), &emulator.url)
        .args(["--session", SESSION, "--players", &PLAYERS.to_string()])
        .args(["--concurrency", concurrency])
        .output()
        .expect("the join example runs")
}

#[test]
fn ten_thousand_in_flight_never_exceed_the_rate_in_any_second_and_none_is_throttled() {
    let emulator = EmulatorBinary::start(
        &emulator_binary(),
        &["--session", &format!("{SESSION}:200000")],
    );
    let output = join(&emulator, "10000");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains(&format!(
            "joined {PLAYERS} of {PLAYERS} players in 4000 requests"
        )),
        "{stdout}"
    );
    let stats = emulator_stats(&emulator.url);
    println!("{stats}");
    assert_eq!(
        stats["requests"].as_u64(),
        Some(4000),
        "none sent twice: {stats}"
    );
    // The spec's rate of the action, the emulator's default.
    let rate = u64::from(gse_client::api::JOIN_GAME_SERVER_SESSION_BATCH.rate_limit_per_second);
    test_support::assert_paced(&stats, rate);
    assert_eq!(stats["joined_players"].as_u64(), Some(PLAYERS), "{stats}");
}

#[test]
fn more_in_flight_than_the_bound_is_refused_naming_it_and_nothing_is_sent() {
    let emulator =
        EmulatorBinary::start(&emulator_binary(), &["--session", &format!("{SESSION}:10")]);
    let output = join(&emulator, "1000000");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--concurrency: 1000000 given, at most 10000"),
        "{stderr}"
    );
    assert_eq!(emulator_stats(&emulator.url)["requests"].as_u64(), Some(0));
}
