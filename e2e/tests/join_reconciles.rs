//! The `join` example against the emulator binary losing a fifth of the answers after the join
//! is applied: with reconciliation (the default) it exits 0, reports every player joined and
//! how many were read back, and the emulator holds exactly those players; with
//! `--no-reconcile` it lists the unknown players and exits 1.

use std::collections::BTreeSet;
use std::process::{Command, Output};
use test_support::{emulator_binary, join_example, EmulatorBinary};

const SECRET_ID: &str = "AKIDreconcilecheck";
const SECRET_KEY: &str = "reconcile-check-key";
/// A session id like the service's: longer than DescribePlayerSessions' 48-character filter,
/// so players are read back one at a time.
const SESSION: &str =
    "qcs::gse:ap-shanghai:uin/100000000001:gameserversession/fleet-join/gssess-reconcile";
const PLAYERS: usize = 5_000;

fn start_emulator(seed: &str) -> EmulatorBinary {
    EmulatorBinary::start(
        &emulator_binary(),
        &[
            "--account",
            &format!("{SECRET_ID}:{SECRET_KEY}"),
            "--session",
            &format!("{SESSION}:{}", PLAYERS * 2),
            "--fault",
            "drop-after-apply=0.1",
            "--fault",
            "http-500-after-apply=0.1",
            "--seed",
            seed,
        ],
    )
}

fn join(emulator: &EmulatorBinary, extra: &[&str]) -> Output {
    Command::new(join_example())
        .env("TENCENTCLOUD_SECRET_ID", SECRET_ID)
        .env("TENCENTCLOUD_SECRET_KEY", SECRET_KEY)
        .args(["--endpoint", &emulator.url, "--region", "ap-shanghai"])
        .args(["--session", SESSION, "--players", &PLAYERS.to_string()])
        .args(extra)
        .output()
        .expect("run the join example")
}

/// The player ids the emulator holds in the session.
fn held(emulator: &EmulatorBinary) -> Vec<String> {
    test_support::emulator_session_players(&emulator.url, SESSION)
        .expect("the session is described")
        .iter()
        .map(|p| p["PlayerId"].as_str().unwrap().to_owned())
        .collect()
}

fn all_players() -> BTreeSet<String> {
    (1..=PLAYERS).map(|i| format!("player-{i:06}")).collect()
}

#[test]
fn lost_answers_are_reconciled_and_every_player_joins_exactly_once() {
    let emulator = start_emulator("11");
    let output = join(&emulator, &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("joined 5000 of 5000 players") && stdout.contains("0 failed, 0 unknown"),
        "{stdout}"
    );
    let reconciled = stdout
        .lines()
        .find(|l| l.starts_with("reconciled: "))
        .unwrap_or_else(|| panic!("the reconciled counts are reported: {stdout}"));
    assert!(reconciled.contains("0 sent again"), "{reconciled}");
    let held = held(&emulator);
    let distinct: BTreeSet<String> = held.iter().cloned().collect();
    assert_eq!(held.len(), distinct.len(), "no player held twice");
    assert_eq!(
        distinct,
        all_players(),
        "the emulator holds exactly the 5,000"
    );
    let stats = test_support::emulator_stats(&emulator.url);
    assert!(
        stats["faults"]["drop-after-apply"].as_u64().unwrap_or(0) > 0
            && stats["faults"]["http-500-after-apply"]
                .as_u64()
                .unwrap_or(0)
                > 0,
        "{stats}"
    );
}

#[test]
fn without_reconciliation_the_lost_answers_are_listed_as_unknown() {
    let emulator = start_emulator("12");
    let output = join(&emulator, &["--no-reconcile"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(!stdout.contains("reconciled:"), "{stdout}");
    let unknown: BTreeSet<String> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("unknown (check the session before sending again): "))
        .flat_map(|l| {
            let list = l.split_once('[').unwrap().1.split_once(']').unwrap().0;
            list.split(", ").map(str::to_owned).collect::<Vec<_>>()
        })
        .collect();
    assert!(!unknown.is_empty(), "{stderr}");
    assert!(
        stdout.contains(&format!(
            "joined {} of 5000 players in 200 requests (0 failed, {} unknown)",
            PLAYERS - unknown.len(),
            unknown.len()
        )),
        "{stdout}"
    );
    // Every lost answer's join was applied: the emulator holds all 5,000.
    let held: BTreeSet<String> = held(&emulator).into_iter().collect();
    assert_eq!(held, all_players());
}
