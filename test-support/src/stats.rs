//! The emulator's admin API read over plain HTTP/1.1, and its counters sampled during a run.

/// The emulator's counters (`GET /_emulator/stats`, plain HTTP/1.1 over loopback); `Null`
/// when it does not answer.
#[must_use]
pub fn emulator_stats(url: &str) -> serde_json::Value {
    emulator_admin_get(url, "/_emulator/stats")
}

/// The JSON an admin endpoint of the emulator answers to `GET path` (plain HTTP/1.1 over
/// loopback); `Null` when it does not answer.
#[must_use]
pub fn emulator_admin_get(url: &str, path: &str) -> serde_json::Value {
    use std::io::{Read, Write};
    let address = url.trim_start_matches("http://");
    let Ok(mut socket) = std::net::TcpStream::connect(address) else {
        return serde_json::Value::Null;
    };
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    let mut answer = Vec::new();
    if socket.write_all(request.as_bytes()).is_err() || socket.read_to_end(&mut answer).is_err() {
        return serde_json::Value::Null;
    }
    let text = String::from_utf8_lossy(&answer);
    text.split_once("\r\n\r\n")
        .and_then(|(_, body)| serde_json::from_str(body).ok())
        .unwrap_or(serde_json::Value::Null)
}

/// Every player session the emulator holds in session `id`, read a page at a time
/// (`GET /_emulator/sessions/ID?after=…`), by player id; `None` when it does not answer.
#[must_use]
pub fn emulator_session_players(url: &str, id: &str) -> Option<Vec<serde_json::Value>> {
    let mut players = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let query = after.as_deref().map_or_else(String::new, |a| {
            format!(
                "?after={}",
                percent_encoding::utf8_percent_encode(a, percent_encoding::NON_ALPHANUMERIC)
            )
        });
        let page = emulator_admin_get(url, &format!("/_emulator/sessions/{id}{query}"));
        players.extend(page["Players"].as_array()?.iter().cloned());
        match page["NextAfter"].as_str() {
            Some(next) => after = Some(next.to_owned()),
            None => return Some(players),
        }
    }
}

/// The emulator's counters at one moment of a run.
#[derive(Clone, Debug, Default)]
pub struct EmulatorSample {
    /// Seconds since sampling started.
    pub at: f64,
    /// Requests so far.
    pub requests: u64,
    /// Successful join requests so far, by game server session.
    pub joins_by_session: std::collections::BTreeMap<String, u64>,
}

/// Samples the emulator's counters every 20 ms on a thread until it has seen `total` requests
/// (or a minute passes).
#[must_use]
pub fn sample_emulator(url: &str, total: u64) -> std::thread::JoinHandle<Vec<EmulatorSample>> {
    let url = url.to_owned();
    std::thread::spawn(move || {
        let start = std::time::Instant::now();
        let mut samples = Vec::new();
        loop {
            let stats = emulator_stats(&url);
            if stats.is_null() {
                // Not answering (yet): no sample rather than a count of zero.
                if start.elapsed() > std::time::Duration::from_secs(60) {
                    return samples;
                }
                std::thread::sleep(std::time::Duration::from_millis(20));
                continue;
            }
            let sample = EmulatorSample {
                at: start.elapsed().as_secs_f64(),
                requests: stats["requests"].as_u64().unwrap_or(0),
                joins_by_session: serde_json::from_value(stats["joins_by_session"].clone())
                    .unwrap_or_default(),
            };
            let done = sample.requests >= total;
            samples.push(sample);
            if done || start.elapsed() > std::time::Duration::from_secs(60) {
                return samples;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    })
}

/// The request rate between the moments `from` and `to` (shares of `total`) of a sample series.
#[must_use]
pub fn rate_between(samples: &[EmulatorSample], total: u64, from: f64, to: f64) -> f64 {
    let at = |share: f64| {
        samples
            .iter()
            .find(|s| s.requests as f64 >= share * total as f64)
            .map_or(f64::NAN, |s| s.at)
    };
    (to - from) * total as f64 / (at(to) - at(from))
}

/// Asserts that the emulator's counters show nothing throttled and no second over `rate`.
#[track_caller]
pub fn assert_paced(stats: &serde_json::Value, rate: u64) {
    let throttled = stats["errors"]["RequestLimitExceeded"]
        .as_u64()
        .unwrap_or(0);
    assert_eq!(throttled, 0, "no request was throttled: {stats}");
    let busiest = stats["max_requests_in_any_second"]
        .as_u64()
        .unwrap_or(u64::MAX);
    assert!(
        busiest <= rate,
        "{busiest} requests in one second, the rate is {rate}"
    );
}
