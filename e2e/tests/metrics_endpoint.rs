//! The join example's `--metrics-addr`: the client's counters and latency histograms served in
//! Prometheus text form while a faulted run lasts, growing from one scrape to the next.

use std::process::Command;
use std::time::{Duration, Instant};

/// The sum of every sample of `name` (a counter, or a histogram's `_count`) in `text`.
fn total(text: &str, name: &str) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(name) && l[name.len()..].starts_with(['{', ' ']))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// `GET /metrics` of the exporter at `addr`, by hand (HTTP/1.0: the answer ends at close).
fn get_metrics(addr: &str) -> std::io::Result<String> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    stream.write_all(b"GET /metrics HTTP/1.0\r\nHost: metrics\r\n\r\n")?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer
        .split_once("\r\n\r\n")
        .map_or(answer.clone(), |(_, body)| body.to_owned()))
}

#[test]
fn a_scrape_during_a_faulted_run_shows_the_counters_growing() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let log_path =
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("metrics-endpoint-join.log");
    let log = std::fs::File::create(&log_path).unwrap();
    let summary_path = log_path.with_extension("out");
    let summary = std::fs::File::create(&summary_path).unwrap();
    let mut join = Command::new(test_support::join_example())
        // 9,000 of the demo session's 10,000 slots, most requests 10 ms late, some answers lost.
        .args(["--players", "9000", "--concurrency", "4"])
        .args([
            "--fault",
            "latency=0.9:10",
            "--fault",
            "drop-after-apply=0.05",
        ])
        .args(["--metrics-addr", &addr, "--metrics-linger", "3"])
        .stdout(summary)
        .stderr(log)
        .spawn()
        .unwrap();
    let scrape = || {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = std::collections::BTreeSet::new();
        loop {
            match get_metrics(&addr) {
                Ok(text) if total(&text, "tc3_attempts_total") > 0.0 => return text,
                Ok(text) => {
                    seen.insert(format!(
                        "a scrape without attempts: {:?}",
                        &text[..text.len().min(300)]
                    ));
                }
                Err(e) => {
                    seen.insert(e.to_string());
                }
            }
            let last = seen.iter().cloned().collect::<Vec<_>>().join(" | ");
            assert!(
                Instant::now() < deadline,
                "no metrics at {addr} ({last}); the run said: {}",
                std::fs::read_to_string(&log_path).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    let first = scrape();
    std::thread::sleep(Duration::from_millis(300));
    let second = scrape();
    for name in [
        "tc3_attempts_total",
        "tc3_calls_total",
        "tc3_attempt_duration_seconds_count",
    ] {
        assert!(
            total(&second, name) > total(&first, name),
            "{name} grows: {} then {}",
            total(&first, name),
            total(&second, name)
        );
    }
    assert!(
        second.contains("tc3_attempt_duration_seconds_bucket{"),
        "a histogram:\n{second}"
    );
    assert!(
        second.contains("tc3_limiter_wait_seconds_bucket{"),
        "{second}"
    );
    assert!(
        second.contains(r#"action="JoinGameServerSessionBatch""#),
        "{second}"
    );
    assert!(!second.contains("player-"), "never labelled by player");
    // The run is over (its summary printed) while the metrics linger: the last scrape.
    let deadline = Instant::now() + Duration::from_secs(60);
    while !std::fs::read_to_string(&summary_path)
        .unwrap_or_default()
        .contains("joined ")
    {
        assert!(Instant::now() < deadline, "the run ends");
        std::thread::sleep(Duration::from_millis(50));
    }
    let last = scrape();
    assert!(join.wait().unwrap().success(), "every player joined");
    // The faults' lost answers were unknown outcomes, read back.
    assert!(last.contains(r#"outcome="unknown""#), "{last}");
    assert!(total(&last, "tc3_reconcile_reads_total") > 0.0, "{last}");
}
