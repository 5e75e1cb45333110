//! The `join` example (the main command) interrupted mid-run against the emulator binary, each
//! answer 500 ms (or 5 s) late: it is never silent. Every player the emulator holds is printed
//! as joined or unknown, the summary says it was stopped, the exit status names the signal,
//! and a second signal ends it at once.

use std::collections::HashSet;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use test_support::{emulator_binary, emulator_session_players, join_example, EmulatorBinary};

const SESSION: &str = "gssess-interrupted";

/// The emulator binary answering every request `latency_ms` late.
fn slow_emulator(latency_ms: u64) -> EmulatorBinary {
    EmulatorBinary::start(
        &emulator_binary(),
        &[
            "--session",
            &format!("{SESSION}:1000000"),
            "--fault",
            &format!("latency=1.0:{latency_ms}"),
        ],
    )
}

/// Runs `join --json` for 50,000 players against `emulator`, sending `signals` (name, after
/// how long since the start); returns its output and when the last signal went.
fn interrupted_join(
    emulator: &EmulatorBinary,
    grace_secs: &str,
    signals: &[(&'static str, Duration)],
) -> (Output, Instant) {
    let child = Command::new(join_example())
        .args(["--endpoint", &emulator.url, "--region", "ap-shanghai"])
        .args(["--session", SESSION, "--players", "50000", "--json"])
        .args(["--grace", grace_secs])
        .env("TENCENTCLOUD_SECRET_ID", gse_emulator::DEMO_SECRET_ID)
        .env("TENCENTCLOUD_SECRET_KEY", gse_emulator::DEMO_SECRET_KEY)
        .env_remove("TENCENTCLOUD_SESSION_TOKEN")
        .env("HOME", "/nonexistent")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the join example starts");
    let pid = child.id().to_string();
    let started = Instant::now();
    let signals = signals.to_vec();
    let sender = std::thread::spawn(move || {
        let mut last = Instant::now();
        for (signal, at) in signals {
            std::thread::sleep(at.saturating_sub(started.elapsed()));
            let status = Command::new("kill")
                .args([&format!("-{signal}"), &pid])
                .status()
                .expect("kill runs");
            assert!(status.success(), "kill -{signal} {pid}");
            last = Instant::now();
        }
        last
    });
    let output = child.wait_with_output().expect("the join example ends");
    (output, sender.join().unwrap())
}

/// The players of each outcome the JSON lines name.
struct Lines {
    joined: HashSet<String>,
    unknown: HashSet<String>,
    failed: HashSet<String>,
}

fn lines(stdout: &[u8]) -> Lines {
    let mut lines = Lines {
        joined: HashSet::new(),
        unknown: HashSet::new(),
        failed: HashSet::new(),
    };
    for line in String::from_utf8_lossy(stdout).lines() {
        let value: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("each stdout line is JSON ({e}): {line}"));
        let player = value["player"].as_str().expect("a player").to_owned();
        let into = match value["outcome"].as_str() {
            Some("joined" | "found") => &mut lines.joined,
            Some("unknown") => &mut lines.unknown,
            Some("failed") => &mut lines.failed,
            other => panic!("an unexpected outcome {other:?}: {line}"),
        };
        assert!(into.insert(player), "one line per player: {line}");
    }
    lines
}

/// The players the emulator holds in the session.
fn held(emulator: &EmulatorBinary) -> HashSet<String> {
    emulator_session_players(&emulator.url, SESSION)
        .expect("the session's players")
        .iter()
        .map(|p| p["PlayerId"].as_str().unwrap().to_owned())
        .collect()
}

/// Stopped by `signal` after 3 s: exit `status`, and the lines account for the emulator's state.
fn a_stopped_run_accounts_for_every_player(signal: &'static str, status: i32) {
    let emulator = slow_emulator(500);
    let (output, _) = interrupted_join(&emulator, "30", &[(signal, Duration::from_secs(3))]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(status), "{stderr}");
    let lines = lines(&output.stdout);
    let held = held(&emulator);
    assert!(!held.is_empty(), "some players were joined before the stop");
    let printed: HashSet<_> = lines.joined.union(&lines.unknown).cloned().collect();
    let silent: Vec<_> = held.difference(&printed).collect();
    assert!(silent.is_empty(), "held but not printed: {silent:?}");
    assert!(
        lines.joined.is_subset(&held),
        "every player printed joined is held"
    );
    assert!(lines.failed.is_empty(), "nothing failed: {stderr}");
    // With a grace of 30 s the requests in flight (answers 500 ms late) all finished.
    assert_eq!(lines.joined, held, "{stderr}");
    assert!(
        stderr.contains(&format!("stopped by SIG{signal}")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("joined {} of 50000 players", held.len())),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{} player(s) not sent", 50_000 - held.len())),
        "{stderr}"
    );
    // Nothing was sent after the stop: the emulator saw only the players printed.
    let joins = test_support::emulator_stats(&emulator.url)["joins_by_session"][SESSION]
        .as_u64()
        .unwrap();
    assert_eq!(joins as usize * 25, held.len());
}

#[test]
fn sigint_mid_run_prints_every_held_player_and_exits_130() {
    a_stopped_run_accounts_for_every_player("INT", 130);
}

#[test]
fn sigterm_mid_run_prints_every_held_player_and_exits_143() {
    a_stopped_run_accounts_for_every_player("TERM", 143);
}

#[test]
fn a_second_signal_gives_up_what_is_in_flight_within_a_second() {
    // Answers 5 s late and a grace of 60 s: only the second signal can end the run early.
    let emulator = slow_emulator(5_000);
    let (output, last_signal) = interrupted_join(
        &emulator,
        "60",
        &[
            ("INT", Duration::from_millis(1_500)),
            ("INT", Duration::from_millis(2_000)),
        ],
    );
    let exited_after = last_signal.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        exited_after < Duration::from_secs(1),
        "exited {exited_after:?} after the second signal: {stderr}"
    );
    assert_eq!(output.status.code(), Some(130), "{stderr}");
    let lines = lines(&output.stdout);
    // The first requests were still in flight: their players are unknown, never silent.
    assert!(!lines.unknown.is_empty(), "{stderr}");
    assert!(lines.joined.is_empty(), "no answer came in time: {stderr}");
    // Let requests the emulator was still serving land before reading its state.
    std::thread::sleep(Duration::from_millis(5_500));
    let held = held(&emulator);
    let silent: Vec<_> = held.difference(&lines.unknown).collect();
    assert!(silent.is_empty(), "held but not printed: {silent:?}");
    assert!(stderr.contains("unknown (check the session"), "{stderr}");
    assert!(stderr.contains("stopped by SIGINT"), "{stderr}");
}
