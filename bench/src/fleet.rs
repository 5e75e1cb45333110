//! Four processes of the `join` example (built in release beside this binary by `cargo xtask
//! bench`) share the account's quota through a real `redis-server`, against the emulator binary
//! at the spec's rate: one sends 70% of the calls, one starts a second late, one stops early.
//! Each process fills its own game server session, so the emulator's per-session counts give
//! each one's rate. Run twice: with Redis up throughout (the figures), and with Redis stopped
//! for a while (how the fallback behaves). Reported: the share of the quota used while the
//! fleet has work (between 10% and 90% of its requests), the busiest second, the throttled
//! requests, and the request rate over time; both runs are drawn by [`crate::plot`].

use crate::plot::{Chart, Series};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use test_support::EmulatorSample;

/// The quota the emulator enforces (the spec's rate).
const QUOTA: f64 = 1000.0;
/// Each process's share of the rate while Redis is unreachable: a little under 1/4.
const OUTAGE_SHARE: &str = "0.24";
/// The window the drawn rates are averaged over.
const RATE_WINDOW_S: f64 = 0.25;

/// The directory of this binary (`target/release`), where the example and the emulator are.
fn release_dir() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(PathBuf::from))
        .expect("the bench binary has a directory")
}

/// One run of the fleet.
struct Run {
    /// Each process: its name and its session.
    members: Vec<(&'static str, String)>,
    samples: Vec<EmulatorSample>,
    stats: Value,
    total: u64,
    /// When Redis was stopped and started again, in seconds since the start.
    outage: Option<(f64, f64)>,
}

/// Runs the fleet; `scale` multiplies every process's load; `outage` stops Redis for this
/// long, a second and a half into the run.
fn run_fleet(scale: usize, outage: Option<Duration>) -> Run {
    let release = release_dir();
    let mut redis = test_support::RedisServer::start();
    let (id, key) = ("AKIDfleetbench", "fleet-bench-key");
    let loads = [
        ("busy", 1400 * scale, Duration::ZERO),
        ("steady", 300 * scale, Duration::ZERO),
        ("late", 200 * scale, Duration::from_secs(1)),
        ("brief", 100 * scale, Duration::ZERO),
    ];
    let session = |prefix: &str| format!("gssess-fleet-{prefix}");
    let mut args = vec!["--account".to_owned(), format!("{id}:{key}")];
    for (prefix, _, _) in &loads {
        args.push("--session".to_owned());
        args.push(format!("{}:100000000", session(prefix)));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let emulator = test_support::EmulatorBinary::start(&release.join("gse-emulator"), &args);
    let total: u64 = loads.iter().map(|(_, r, _)| *r as u64).sum();
    let start = Instant::now();
    let sampler = test_support::sample_emulator(&emulator.url, total);
    let handles: Vec<_> = loads
        .iter()
        .map(|(prefix, requests, delay)| {
            let mut command = Command::new(release.join("examples").join("join"));
            command
                .env("TENCENTCLOUD_SECRET_ID", id)
                .env("TENCENTCLOUD_SECRET_KEY", key)
                .args(["--endpoint", &emulator.url, "--region", "ap-shanghai"])
                .args(["--session", &session(prefix), "--prefix", prefix])
                .args(["--players", &(requests * 25).to_string()])
                .args(["--redis", &redis.url(), "--outage-share", OUTAGE_SHARE]);
            let delay = *delay;
            std::thread::spawn(move || {
                std::thread::sleep(delay);
                command.output().expect("a fleet member runs")
            })
        })
        .collect();
    let outage = outage.map(|length| {
        std::thread::sleep(Duration::from_millis(1500));
        let stopped = start.elapsed().as_secs_f64();
        redis.stop();
        std::thread::sleep(length);
        redis.restart();
        (stopped, start.elapsed().as_secs_f64())
    });
    for handle in handles {
        let out = handle.join().expect("a fleet member's thread");
        assert!(
            out.status.success(),
            "a fleet member failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Run {
        members: loads.iter().map(|(p, _, _)| (*p, session(p))).collect(),
        samples: sampler.join().expect("the sampler"),
        stats: test_support::emulator_stats(&emulator.url),
        total,
        outage,
    }
}

/// The rate of `count` over the samples, averaged over [`RATE_WINDOW_S`] ending at each one.
fn rates(samples: &[EmulatorSample], count: impl Fn(&EmulatorSample) -> u64) -> Vec<(f64, f64)> {
    let mut first = 0;
    samples
        .iter()
        .skip(1)
        .map(|sample| {
            while samples[first + 1].at <= sample.at - RATE_WINDOW_S {
                first += 1;
            }
            let from = &samples[first];
            let rate = count(sample).saturating_sub(count(from)) as f64 / (sample.at - from.at);
            (sample.at, rate)
        })
        .collect()
}

impl Run {
    /// The run as a chart: each process, the total, and the outage.
    fn chart(&self, title: String) -> Chart {
        let mut series = vec![Series {
            name: "all processes".to_owned(),
            points: rates(&self.samples, |s| s.requests),
        }];
        for (name, session) in &self.members {
            series.push(Series {
                name: (*name).to_owned(),
                points: rates(&self.samples, |s| {
                    s.joins_by_session.get(session).copied().unwrap_or(0)
                }),
            });
        }
        Chart {
            title,
            series,
            quota: QUOTA,
            outage: self.outage,
        }
    }

    fn throttled(&self) -> u64 {
        self.stats["errors"]["RequestLimitExceeded"]
            .as_u64()
            .unwrap_or(0)
    }
}

/// The fleet's figures; `scale` multiplies every process's load; the picture of both runs is
/// written to `svg` when given.
pub(crate) fn run(scale: usize, svg: Option<&Path>) -> Value {
    let steady = run_fleet(scale, None);
    let rate = test_support::rate_between(&steady.samples, steady.total, 0.1, 0.9);
    let down = run_fleet(scale, Some(Duration::from_millis(1500)));
    if let Some(path) = svg {
        let (from, to) = down.outage.unwrap_or_default();
        let charts = [
            steady.chart(format!(
                "Redis up: {:.1}% of the quota used, {} throttled",
                100.0 * rate / QUOTA,
                steady.throttled()
            )),
            down.chart(format!(
                "Redis stopped from {from:.1} s to {to:.1} s: each process alone at {OUTAGE_SHARE} of the rate, {} throttled",
                down.throttled()
            )),
        ];
        if let Err(e) = crate::plot::draw(path, &charts) {
            eprintln!("the fleet picture was not drawn: {e}");
        }
    }
    let total_rate: Vec<Value> = rates(&steady.samples, |s| s.requests)
        .into_iter()
        .map(|(t, r)| json!([t, r]))
        .collect();
    json!({
        "processes": steady.members.len(),
        "requests": steady.total,
        "share_of_limit": rate / QUOTA,
        "requests_per_second": rate,
        "request_limit_exceeded": steady.throttled(),
        "max_requests_in_any_second": steady.stats["max_requests_in_any_second"],
        "rate_over_time": total_rate,
        "outage": {
            "outage_s": down.outage.map(|(from, to)| json!([from, to])),
            "request_limit_exceeded": down.throttled(),
            "max_requests_in_any_second": down.stats["max_requests_in_any_second"],
            "joined_players": down.stats["joined_players"],
        },
    })
}
