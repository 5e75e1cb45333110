//! Joins stay atomic under 200 concurrent requests into one session, and a burst of 1500
//! signed requests inside one second gets exactly the excess over the spec's rate rejected.

mod common;

use common::*;
use std::collections::BTreeSet;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_joins_never_overfill_or_half_join() {
    const CAPACITY: usize = 150;
    let emulator = emulator_with_session(CAPACITY).await;
    let mut tasks = tokio::task::JoinSet::new();
    for r in 0..200usize {
        // Requests of 1 to 5 distinct players; 600 players in all for 150 slots.
        let players: Vec<String> = (0..(r % 5 + 1)).map(|i| format!("r{r}-p{i}")).collect();
        let raw = Raw::join(
            &emulator,
            &players.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        tasks.spawn(async move { (players, raw.send().await) });
    }
    let mut joined = BTreeSet::new();
    let mut refused = 0;
    while let Some(result) = tasks.join_next().await {
        let (players, response) = result.unwrap();
        match code(&response) {
            "(no error)" => {
                let sessions = response["PlayerSessions"].as_array().unwrap();
                assert_eq!(sessions.len(), players.len(), "all of a request or none");
                joined.extend(players);
            }
            "ResourceInsufficient" => refused += 1,
            other => panic!("unexpected {other}: {response}"),
        }
    }
    let held: BTreeSet<String> = emulator.players().into_iter().map(|(_, p)| p).collect();
    assert!(
        held.len() <= CAPACITY,
        "never more players than the capacity"
    );
    assert_eq!(
        held, joined,
        "the session holds exactly the players of successful requests"
    );
    assert!(
        refused > 0 && held.len() > CAPACITY - 5,
        "the session filled up"
    );
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_1500_in_one_second_gets_exactly_the_excess_rejected() {
    let emulator = emulator_with_session(100_000).await;
    let rate = spec("/paths/~1JoinGameServerSessionBatch/post/x-tc-rate-limit")
        .as_u64()
        .unwrap() as usize;
    let burst = rate + rate / 2;
    // Signed ahead, then sent at once over connections opened beforehand: connecting 1 500
    // sockets at once is what took time on a busy 2-core machine, not the requests.
    const CONNECTIONS: usize = 32;
    let requests: Vec<reqwest::Request> = (0..burst)
        .map(|i| Raw::join(&emulator, &[&format!("p{i}")]).build())
        .collect();
    let http = test_support::http_builder()
        .pool_max_idle_per_host(CONNECTIONS)
        .build()
        .unwrap();
    let stats_url = format!("{}/_emulator/stats", emulator.url());
    let mut warm = tokio::task::JoinSet::new();
    for _ in 0..CONNECTIONS {
        let request = http.get(&stats_url).send();
        warm.spawn(async move { request.await.map(|a| a.status().is_success()) });
    }
    while let Some(ok) = warm.join_next().await {
        assert!(ok.unwrap().unwrap(), "the emulator answers its stats");
    }
    let in_flight = std::sync::Arc::new(tokio::sync::Semaphore::new(CONNECTIONS));
    let mut tasks = tokio::task::JoinSet::new();
    for request in requests {
        let http = http.clone();
        let in_flight = in_flight.clone();
        tasks.spawn(async move {
            let _slot = in_flight.acquire_owned().await.unwrap();
            let answer = http.execute(request).await.unwrap();
            let body: serde_json::Value = answer.json().await.unwrap();
            body["Response"]["Error"]["Code"].as_str().map(String::from)
        });
    }
    let mut accepted = 0;
    let mut throttled = 0;
    while let Some(code) = tasks.join_next().await {
        match code.unwrap().as_deref() {
            None => accepted += 1,
            Some("RequestLimitExceeded") => throttled += 1,
            Some(other) => panic!("unexpected {other}"),
        }
    }
    let stats = emulator.stats();
    assert_eq!(
        stats.max_requests_in_any_second as usize, burst,
        "precondition: the whole burst arrived inside one second"
    );
    assert_eq!(accepted, rate, "exactly the rate is accepted");
    assert_eq!(throttled, burst - rate, "exactly the excess is rejected");
    assert_eq!(
        stats.errors.get("RequestLimitExceeded").copied(),
        Some((burst - rate) as u64)
    );
    emulator.shutdown().await;
}
