//! Measurements against the emulator on loopback: round-trip latency (our client against a
//! bare reqwest POST), saturation of the rate limit through the batch splitter, and the
//! emulator's own throughput.

use crate::stats::Spread;
use gse_client::credentials::Credentials;
use gse_client::{api, Client, RateLimit};
use gse_emulator::{EmulatorConfig, RunningEmulator, SessionSpec, DEMO_SECRET_ID, DEMO_SECRET_KEY};
use serde_json::{json, Value};
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use tc3_runtime::signing::{sign_request, RequestContext, Signer};

const SESSION: &str = "gssess-bench";

async fn emulator(rate_limit: Option<u32>) -> RunningEmulator {
    emulator_serving(rate_limit, None).await
}

async fn emulator_serving(
    rate_limit: Option<u32>,
    tls: Option<gse_emulator::TlsIdentity>,
) -> RunningEmulator {
    EmulatorConfig {
        rate_limit,
        tls,
        // Keep-alive connections that last the whole measurement.
        max_requests_per_connection: usize::MAX,
        ..EmulatorConfig::default()
    }
    .session(SessionSpec::new(SESSION, usize::MAX))
    .start()
    .await
    .expect("start the emulator")
}

fn client(emulator: &RunningEmulator, rate: RateLimit) -> Client {
    Client::builder()
        .endpoint(emulator.url())
        .region("ap-shanghai")
        .credentials(Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap())
        .rate_limit(rate)
        .build()
        .unwrap()
}

/// Signed requests ready to send, one distinct player each.
fn presigned(emulator: &RunningEmulator, prefix: &str, n: usize) -> Vec<reqwest::Request> {
    let url = reqwest::Url::parse(&format!("{}/", emulator.url())).unwrap();
    let credentials = Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap();
    let signer = Signer::new(api::SERVICE.name);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    (0..n)
        .map(|i| {
            let body =
                json!({"GameServerSessionId": SESSION, "PlayerIds": [format!("{prefix}-{i}")]});
            let mut request = reqwest::Request::new(reqwest::Method::POST, url.clone());
            *request.body_mut() = Some(body.to_string().into_bytes().into());
            let headers = request.headers_mut();
            headers.insert("content-type", "application/json".parse().unwrap());
            headers.insert(
                "x-tc-action",
                api::JOIN_GAME_SERVER_SESSION_BATCH.name.parse().unwrap(),
            );
            headers.insert("x-tc-version", api::SERVICE.version.parse().unwrap());
            let context = RequestContext {
                region: Some("ap-shanghai"),
                language: None,
            };
            sign_request(&mut request, &signer, &credentials, now, context).unwrap();
            request
        })
        .collect()
}

/// Median latency (µs) of `n` sequential joins by our client and `n` bare reqwest POSTs of
/// pre-signed requests, alternating. Both limiters (client and emulator) are off: this
/// measures the path, not the pace.
pub(crate) async fn roundtrip(n: usize) -> (Spread, Spread) {
    let emulator = emulator(Some(u32::MAX)).await;
    let ours = client(&emulator, RateLimit::Off);
    tc3_runtime::tls::install_default_provider();
    let raw = reqwest::Client::builder().no_proxy().build().unwrap();
    let join = |i: usize, prefix: &'static str| {
        let ours = ours.clone();
        async move {
            ours.join_game_server_session_batch()
                .game_server_session_id(SESSION)
                .player_ids(vec![format!("{prefix}-{i}")])
                .send()
                .await
                .expect("the join succeeds")
        }
    };
    for i in 0..200 {
        join(i, "warm").await;
    }
    for request in presigned(&emulator, "warm-raw", 200) {
        raw.execute(request).await.unwrap().bytes().await.unwrap();
    }
    // Interleaved, so that both see the same machine at the same moments.
    let mut ours_us = Vec::with_capacity(n);
    let mut raw_us = Vec::with_capacity(n);
    for (i, request) in presigned(&emulator, "raw", n).into_iter().enumerate() {
        let start = Instant::now();
        join(i, "ours").await;
        ours_us.push(start.elapsed().as_nanos() as f64 / 1000.0);
        let start = Instant::now();
        let body = raw.execute(request).await.unwrap().bytes().await.unwrap();
        raw_us.push(start.elapsed().as_nanos() as f64 / 1000.0);
        assert!(!body.is_empty());
    }
    emulator.shutdown().await;
    (Spread::of(ours_us), Spread::of(raw_us))
}

/// Median latency (µs) of `n` sequential joins without a limiter and `n` through the shared
/// limiter (a real `redis-server` on loopback, a share so high that no call waits), alternating:
/// the difference is what the Redis round trip adds to each call.
pub(crate) async fn shared_limiter(n: usize) -> (Spread, Spread) {
    let redis = test_support::RedisServer::start();
    let emulator = emulator(Some(u32::MAX)).await;
    let plain = client(&emulator, RateLimit::Off);
    let shared = client(
        &emulator,
        RateLimit::Shared(tc3_runtime::SharedLimit::new(redis.url()).share(1_000.0)),
    );
    let join = |client: &Client, player: String| {
        let client = client.clone();
        async move {
            client
                .join_game_server_session_batch()
                .game_server_session_id(SESSION)
                .player_ids(vec![player])
                .send()
                .await
                .expect("the join succeeds")
        }
    };
    for i in 0..200 {
        join(&plain, format!("warm-plain-{i}")).await;
        join(&shared, format!("warm-shared-{i}")).await;
    }
    let mut plain_us = Vec::with_capacity(n);
    let mut shared_us = Vec::with_capacity(n);
    for i in 0..n {
        let start = Instant::now();
        join(&plain, format!("plain-{i}")).await;
        plain_us.push(start.elapsed().as_nanos() as f64 / 1000.0);
        let start = Instant::now();
        join(&shared, format!("shared-{i}")).await;
        shared_us.push(start.elapsed().as_nanos() as f64 / 1000.0);
    }
    emulator.shutdown().await;
    (Spread::of(plain_us), Spread::of(shared_us))
}

/// `players` through the batch splitter at the spec's rate.
pub(crate) async fn saturation(players: usize) -> Value {
    let emulator = emulator(None).await;
    let client = client(&emulator, RateLimit::Spec);
    let ids: Vec<String> = (0..players).map(|i| format!("sat-{i:07}")).collect();
    let start = Instant::now();
    let outcome = client
        .join_game_server_session_batch()
        .game_server_session_id(SESSION)
        .send_in_batches(ids, 32)
        .await
        .unwrap();
    let seconds = start.elapsed().as_secs_f64();
    let stats = emulator.stats();
    let rate = f64::from(api::JOIN_GAME_SERVER_SESSION_BATCH.rate_limit_per_second);
    let rps = outcome.requests as f64 / seconds;
    emulator.shutdown().await;
    json!({
        "players": players,
        "requests": outcome.requests,
        "seconds": seconds,
        "requests_per_second": rps,
        "share_of_limit": rps / rate,
        "rate_limit": rate,
        "request_limit_exceeded": stats.errors.get("RequestLimitExceeded").copied().unwrap_or(0),
        "failed_players": outcome.not_succeeded_items().count(),
        "max_requests_in_any_second": stats.max_requests_in_any_second,
    })
}

/// Signed, verified requests per second the emulator serves to `connections` concurrent
/// clients (keep-alive), over `rounds` runs of `requests` each; over HTTPS with `tls`.
pub(crate) async fn emulator_rps(
    requests: usize,
    connections: usize,
    rounds: usize,
    tls: bool,
) -> (Spread, Spread) {
    let mut samples = Vec::new();
    let mut cpu_us = Vec::new();
    let dir = std::env::temp_dir().join(format!("gse-bench-tls-{}", std::process::id()));
    for round in 0..rounds {
        let (identity, ca) = if tls {
            let (identity, ca) =
                gse_emulator::TlsIdentity::self_signed(&dir, gse_emulator::tls::SELF_SIGNED_HOSTS)
                    .expect("a self-signed certificate");
            (Some(identity), Some(std::fs::read(ca).expect("the CA")))
        } else {
            (None, None)
        };
        let emulator = emulator_serving(Some(u32::MAX), identity).await;
        let mut batches: Vec<Vec<Vec<u8>>> = (0..connections).map(|_| Vec::new()).collect();
        for (i, request) in presigned(&emulator, &format!("rps{round}"), requests)
            .iter()
            .enumerate()
        {
            batches[i % connections].push(crate::load::raw(request));
        }
        let tls = ca.as_deref().map(crate::load::tls_trusting);
        let cpu_before = process_cpu_ns();
        let start = Instant::now();
        crate::load::run(emulator.addr(), batches, tls).await;
        let elapsed = start.elapsed().as_secs_f64();
        let cpu = process_cpu_ns().saturating_sub(cpu_before);
        let served = emulator.stats();
        assert_eq!(
            served.joined_players as usize, requests,
            "every request was verified and served"
        );
        samples.push(requests as f64 / elapsed);
        cpu_us.push(cpu as f64 / 1000.0 / requests as f64);
        emulator.shutdown().await;
    }
    let _ = std::fs::remove_dir_all(&dir);
    (Spread::of(samples), Spread::of(cpu_us))
}

/// CPU time (ns) all threads of this process have run so far, from
/// `/proc/self/task/*/schedstat` (0 where it cannot be read). Threads that exit between two
/// readings take their time with them, so read it around work done by lasting threads.
fn process_cpu_ns() -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}
