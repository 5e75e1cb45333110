//! The main command (the `join` example, built in release beside this binary by `cargo xtask
//! bench`) streaming a large batch, side by side with a small one:
//! - peak memory (`VmHWM`) of a run of 1,000,000 players against the emulator binary at the
//!   spec's rate, stopped by SIGINT after 10 s, against a run of 1,000 players;
//! - time from the process's start to its first request on the wire (a loopback listener that
//!   records the first byte and answers nothing) for 10,000,000 players, against 1 player.

use serde_json::{json, Value};
use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SESSION: &str = "gssess-streaming-bench";
/// How long the large run goes before it is stopped.
const CUT_AFTER: Duration = Duration::from_secs(10);
/// The longest a first request may take before the bench fails rather than waits.
const FIRST_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

fn join_example() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
        .expect("the bench binary has a directory")
        .join("examples")
        .join("join")
}

/// The `join` example against `endpoint` for `players` generated players, its output thrown
/// away (with `--json`: one line per player is printed as it settles).
fn spawn_join(endpoint: &str, players: usize) -> Child {
    Command::new(join_example())
        .env("TENCENTCLOUD_SECRET_ID", gse_emulator::DEMO_SECRET_ID)
        .env("TENCENTCLOUD_SECRET_KEY", gse_emulator::DEMO_SECRET_KEY)
        .env_remove("TENCENTCLOUD_SESSION_TOKEN")
        .env("HOME", "/nonexistent")
        .args(["--endpoint", endpoint, "--region", "ap-shanghai"])
        .args(["--session", SESSION, "--players", &players.to_string()])
        .args(["--json", "--grace", "5"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the join example starts")
}

/// The process's peak resident memory so far, in MB (`VmHWM`).
fn peak_rss_mb(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// One run of `players` against the emulator binary, stopped by SIGINT after `cut` when it
/// lasts that long: its peak memory, the players the emulator joined, its exit status.
fn peak_of_run(players: usize, cut: Duration) -> (f64, u64, Option<i32>) {
    let emulator = test_support::EmulatorBinary::start(
        &join_example()
            .parent()
            .and_then(Path::parent)
            .expect("target/release")
            .join("gse-emulator"),
        &["--session", &format!("{SESSION}:{players}")],
    );
    let mut child = spawn_join(&emulator.url, players);
    let pid = child.id();
    let start = Instant::now();
    let mut peak = 0.0_f64;
    let mut signalled = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("the join example is waited for") {
            break status;
        }
        // The high-water mark only grows: the last reading before the exit is the peak.
        if let Some(mb) = peak_rss_mb(pid) {
            peak = peak.max(mb);
        }
        if !signalled && start.elapsed() >= cut {
            let _ = Command::new("kill")
                .args(["-INT", &pid.to_string()])
                .status();
            signalled = true;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    if let Some(mut pipe) = child.stderr.take() {
        let _ = pipe.read_to_string(&mut stderr);
    }
    let joined = test_support::emulator_stats(&emulator.url)["joined_players"]
        .as_u64()
        .unwrap_or(0);
    assert!(
        joined > 0,
        "the join example joined no one ({status}): {stderr}"
    );
    (peak, joined, status.code())
}

/// Milliseconds from the join example's start to the first byte of its first request, for
/// `players`: the listener never answers, and the process is killed once the byte is in.
fn first_request_ms(players: usize) -> f64 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("its address"));
    let start = Instant::now();
    let mut child = spawn_join(&url, players);
    // A join example that never connects fails the bench instead of hanging it.
    listener
        .set_nonblocking(true)
        .expect("a non-blocking listener");
    let connected = loop {
        match listener.accept() {
            Ok((connection, _)) => break Some(connection),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if start.elapsed() > FIRST_REQUEST_TIMEOUT
                    || child.try_wait().ok().flatten().is_some()
                {
                    break None;
                }
                std::thread::sleep(Duration::from_micros(200));
            }
            Err(e) => panic!("accepting the join example's connection: {e}"),
        }
    };
    let mut byte = [0u8; 1];
    let read = connected.map(|mut connection| {
        connection
            .set_nonblocking(false)
            .and_then(|()| connection.set_read_timeout(Some(FIRST_REQUEST_TIMEOUT)))
            .and_then(|()| connection.read_exact(&mut byte))
    });
    let elapsed = start.elapsed().as_secs_f64() * 1000.0;
    let _ = child.kill();
    let _ = child.wait();
    match read {
        Some(Ok(())) => elapsed,
        Some(Err(e)) => panic!("the join example connected but sent no request: {e}"),
        None => panic!(
            "the join example sent no request within {FIRST_REQUEST_TIMEOUT:?} (or exited first)"
        ),
    }
}

fn median(mut samples: Vec<f64>) -> Value {
    samples.sort_by(f64::total_cmp);
    json!({
        "median": samples[samples.len() / 2],
        "p10": samples[0],
        "p90": samples[samples.len() - 1],
    })
}

/// The figures: `batch_peak_rss_mb` (and the small run's), the players joined before the
/// cut, `first_request_ms` (and for one player).
pub(crate) fn run(runs: usize) -> Value {
    let (large, joined, status) = peak_of_run(1_000_000, CUT_AFTER);
    let (small, _, _) = peak_of_run(1_000, CUT_AFTER);
    let mut many = Vec::new();
    let mut one = Vec::new();
    for _ in 0..runs.max(1) * 3 {
        many.push(first_request_ms(10_000_000));
        one.push(first_request_ms(1));
    }
    let many = median(many);
    let one = median(one);
    json!({
        "batch_peak_rss_mb": large,
        "batch_peak_rss_mb_1000_players": small,
        "batch_peak_rss_ratio_vs_1000_players": large / small,
        "batch_players_joined_before_cut": joined,
        "batch_exit_status": status,
        "first_request_ms": many["median"],
        "first_request_ms_10m_players": many,
        "first_request_ms_1_player": one,
    })
}
