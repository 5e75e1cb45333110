//! Load: 50 concurrent client tasks against the emulator binary for 20 seconds
//! (`GSE_LOAD_SECONDS`; `cargo xtask ci` runs a shorter load). No error but throttling; the
//! memory of both processes stays flat; no file descriptor leaks.
//!
//! The run has two halves of equal load. The emulator's state is reset after each, so the
//! second half starts from what the first left: a leak shows as growth between the two resets.

mod common;

use gse_client::{Client, Credentials};
use gse_emulator::{DEMO_SECRET_ID, DEMO_SECRET_KEY};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const TASKS: usize = 50;
const SESSION: &str = "gssess-load";

/// Resident memory in KiB and open file descriptors of a process.
fn footprint(pid: &str) -> (u64, usize) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count();
    (rss, fds)
}

async fn reset(url: &str) {
    let http = test_support::http();
    let answer = http
        .post(format!("{url}/_emulator/reset"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
}

/// Joins from `TASKS` tasks until `until`; returns (calls, players, errors other than throttling).
async fn load(client: &Client, until: Instant, half: usize) -> (u64, u64, Vec<String>) {
    let calls = Arc::new(AtomicU64::new(0));
    let players = Arc::new(AtomicU64::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..TASKS {
        let (client, calls, players) = (client.clone(), calls.clone(), players.clone());
        tasks.spawn(async move {
            let mut errors = Vec::new();
            let mut n = 0u64;
            while Instant::now() < until {
                let size = (n % 25 + 1) as usize;
                let ids: Vec<String> = (0..size)
                    .map(|i| format!("h{half}-t{task}-c{n}-p{i}"))
                    .collect();
                n += 1;
                match client
                    .join_game_server_session_batch()
                    .game_server_session_id(SESSION)
                    .player_ids(ids)
                    .send()
                    .await
                {
                    Ok(answer) => {
                        players.fetch_add(
                            answer.player_sessions.map_or(0, |s| s.len()) as u64,
                            Ordering::Relaxed,
                        );
                    }
                    Err(e) if e.is_throttling() => {}
                    Err(e) => errors.push(e.to_string()),
                }
                calls.fetch_add(1, Ordering::Relaxed);
            }
            errors
        });
    }
    let mut errors = Vec::new();
    while let Some(result) = tasks.join_next().await {
        errors.extend(result.unwrap());
    }
    (
        calls.load(Ordering::Relaxed),
        players.load(Ordering::Relaxed),
        errors,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_tasks_hold_steady_with_flat_memory_and_no_fd_leak() {
    let seconds: u64 = std::env::var("GSE_LOAD_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let binary = common::binary(&["--session", &format!("{SESSION}:100000000")]);
    let emulator_pid = binary.pid().to_string();
    let url = binary.url.clone();
    let client = Client::builder()
        .endpoint(&url)
        .region("ap-shanghai")
        .credentials(Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap())
        .build()
        .unwrap();

    let half = Duration::from_secs(seconds) / 2;
    let (calls_1, players_1, errors_1) = load(&client, Instant::now() + half, 1).await;
    reset(&url).await;
    let (emulator_before, client_before) = (footprint(&emulator_pid), footprint("self"));
    let (calls_2, players_2, errors_2) = load(&client, Instant::now() + half, 2).await;
    reset(&url).await;
    let (emulator_after, client_after) = (footprint(&emulator_pid), footprint("self"));

    println!(
        "load: {seconds} s, {TASKS} tasks: {} calls, {} players; emulator RSS {} → {} KiB, fds {} → {}; client RSS {} → {} KiB, fds {} → {}",
        calls_1 + calls_2,
        players_1 + players_2,
        emulator_before.0,
        emulator_after.0,
        emulator_before.1,
        emulator_after.1,
        client_before.0,
        client_after.0,
        client_before.1,
        client_after.1
    );
    assert!(
        errors_1.is_empty() && errors_2.is_empty(),
        "{:?}",
        errors_1.iter().chain(&errors_2).take(3).collect::<Vec<_>>()
    );
    assert!(calls_2 > 0 && players_2 > 0);
    for (name, before, after) in [
        ("emulator", emulator_before, emulator_after),
        ("client", client_before, client_after),
    ] {
        let allowed = (before.0 / 10).max(16 * 1024);
        assert!(
            after.0 <= before.0 + allowed,
            "{name}: RSS grew from {} to {} KiB under the same load",
            before.0,
            after.0
        );
        // Pooled keep-alive connections come and go (at most one per task); a leak would add
        // one per request, thousands here.
        assert!(
            after.1 <= before.1 + TASKS,
            "{name}: file descriptors grew from {} to {} over {calls_2} calls",
            before.1,
            after.1
        );
    }
}
