//! Four processes of the `join` example (built in release beside this binary by `cargo xtask
//! bench`) share the account's quota through a real `redis-server`, against the emulator binary
//! at the spec's rate: one sends 70% of the calls, one starts a second late, one stops early.
//! Reported: the share of the quota used while the fleet has work (between 10% and 90% of its
//! requests), the busiest second, the throttled requests, and the request rate over time.

use serde_json::{json, Value};
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// The directory of this binary (`target/release`), where the example and the emulator are.
fn release_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(PathBuf::from))
        .expect("the bench binary has a directory")
}

/// The fleet's figures; `scale` multiplies every process's load.
pub(crate) fn run(scale: usize) -> Value {
    let release = release_dir();
    let redis = test_support::RedisServer::start();
    let (id, key, session) = ("AKIDfleetbench", "fleet-bench-key", "gssess-fleet-bench");
    let emulator = test_support::EmulatorBinary::start(
        &release.join("gse-emulator"),
        &[
            "--account",
            &format!("{id}:{key}"),
            "--session",
            &format!("{session}:100000000"),
        ],
    );
    let loads = [
        ("busy", 1400 * scale, Duration::ZERO),
        ("steady", 300 * scale, Duration::ZERO),
        ("late", 200 * scale, Duration::from_secs(1)),
        ("brief", 100 * scale, Duration::ZERO),
    ];
    let total: u64 = loads.iter().map(|(_, r, _)| *r as u64).sum();
    let sampler = test_support::sample_emulator_requests(&emulator.url, total);
    let members: Vec<_> = loads
        .iter()
        .map(|(prefix, requests, delay)| {
            let mut command = Command::new(release.join("examples").join("join"));
            command
                .env("TENCENTCLOUD_SECRET_ID", id)
                .env("TENCENTCLOUD_SECRET_KEY", key)
                .args(["--endpoint", &emulator.url, "--region", "ap-shanghai"])
                .args(["--session", session, "--prefix", prefix])
                .args(["--players", &(requests * 25).to_string()])
                .args(["--redis", &redis.url()]);
            let delay = *delay;
            std::thread::spawn(move || {
                std::thread::sleep(delay);
                command.output().expect("a fleet member runs")
            })
        })
        .collect();
    for handle in members {
        let out = handle.join().expect("a fleet member's thread");
        assert!(
            out.status.success(),
            "a fleet member failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let samples = sampler.join().expect("the sampler");
    let stats = test_support::emulator_stats(&emulator.url);
    let rate = test_support::rate_between(&samples, total, 0.1, 0.9);
    let quota = 1000.0;
    let rate_over_time: Vec<Value> = samples
        .windows(2)
        .map(|w| json!([w[1].0, (w[1].1 - w[0].1) as f64 / (w[1].0 - w[0].0)]))
        .collect();
    json!({
        "processes": loads.len(),
        "requests": total,
        "share_of_limit": rate / quota,
        "requests_per_second": rate,
        "request_limit_exceeded": stats["errors"]["RequestLimitExceeded"].as_u64().unwrap_or(0),
        "max_requests_in_any_second": stats["max_requests_in_any_second"],
        "rate_over_time": rate_over_time,
    })
}
