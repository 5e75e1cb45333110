//! The emulator under hostile clients: oversized heads, slow clients, replays, and what it
//! prints (never an Authorization header or a key).

mod common;

use common::*;
use gse_emulator::{EmulatorConfig, SessionSpec};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_request_head_is_refused_and_the_service_goes_on() {
    let emulator = emulator_with_session(10).await;
    let addr = emulator.addr();
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let big = "x".repeat(200 * 1024);
        let _ = write!(
            stream,
            "POST / HTTP/1.1\r\nHost: {addr}\r\nX-Big: {big}\r\n\r\n"
        );
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    })
    .await
    .unwrap();
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
        "refused or closed, got {:?}",
        &answer[..answer.len().min(40)]
    );
    assert_eq!(
        code(&Raw::join(&emulator, &["after"]).send().await),
        "(no error)"
    );
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_stalls_mid_head_is_disconnected() {
    let emulator = EmulatorConfig {
        header_read_timeout: Duration::from_millis(500),
        ..EmulatorConfig::default()
    }
    .start()
    .await
    .unwrap();
    let addr = emulator.addr();
    let waited = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(b"POST / HTTP/1.1\r\nHost: x\r\n").unwrap();
        let start = Instant::now();
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
        start.elapsed()
    })
    .await
    .unwrap();
    assert!(
        waited < Duration::from_secs(5),
        "closed after the head timeout, not the read timeout ({waited:?})"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_replay_is_accepted_only_inside_the_skew_window() {
    let emulator = emulator_with_session(10).await;
    let fresh = Raw::join(&emulator, &["replayed"]);
    assert_eq!(code(&fresh.send().await), "(no error)");
    // The same signed bytes again: the signature holds, the session refuses the duplicate.
    assert_eq!(code(&fresh.send().await), "InvalidParameterValue");
    // 30 s past the 300 s window either way: a loaded machine taking seconds to send the
    // request cannot bring it back inside.
    let mut old = Raw::join(&emulator, &["late"]);
    old.timestamp = now() - 330;
    assert_eq!(code(&old.send().await), "AuthFailure.SignatureExpire");
    let mut early = Raw::join(&emulator, &["early"]);
    early.timestamp = now() + 330;
    assert_eq!(code(&early.send().await), "AuthFailure.SignatureExpire");
    emulator.shutdown().await;
}

#[test]
fn the_binary_never_prints_authorization_headers_or_keys() {
    const KEY: &str = "hardening-secret-key-4f1c";
    let account = format!("AKIDHARDEN:{KEY}");
    let binary = binary(&[
        "--account",
        &account,
        "--session",
        "gssess-h:10",
        "--fault",
        "internal-error=0.3",
        "--seed",
        "3",
    ]);
    let url = binary.url.clone();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut signatures = Vec::new();
    runtime.block_on(async {
        for i in 0..20 {
            let mut raw = Raw {
                url: format!("{url}/"),
                body: serde_json::json!({"GameServerSessionId": "gssess-h", "PlayerIds": [format!("p{i}")]}).to_string().into_bytes(),
                action: "JoinGameServerSessionBatch".into(),
                version: version(),
                region: Some("ap-shanghai".into()),
                content_type: "application/json".into(),
                secret_id: "AKIDHARDEN".into(),
                secret_key: KEY.into(),
                timestamp: now(),
            };
            if i % 2 == 1 {
                raw.secret_key = "wrong-key".into();
            }
            let request = raw.build();
            let auth = request.headers()["authorization"].to_str().unwrap().to_owned();
            signatures.push(auth.rsplit('=').next().unwrap().to_owned());
            send(request).await;
        }
    });
    let printed = binary.stop_and_collect_output();
    assert!(!printed.contains(KEY), "the key is never printed");
    assert!(
        !printed.to_lowercase().contains("authorization"),
        "{printed}"
    );
    for signature in signatures {
        assert!(!printed.contains(&signature), "a signature was printed");
    }
}

#[tokio::test]
async fn sessions_survive_a_flood_of_bad_requests() {
    let emulator = EmulatorConfig::default()
        .session(SessionSpec::new(SESSION, 10))
        .start()
        .await
        .unwrap();
    let http = test_support::http();
    for body in [&b"\xff\xfe"[..], b"{", b"[]", b"null", &[0u8; 4096]] {
        let answer = http
            .post(emulator.url())
            .body(body.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200, "an error envelope, not a crash");
    }
    assert_eq!(
        code(&Raw::join(&emulator, &["still-here"]).send().await),
        "(no error)"
    );
    emulator.shutdown().await;
}

/// Reads one HTTP/1.1 answer (head, and a body of its Content-Length) from `stream`; `None`
/// when the connection closed (or was reset) before an answer. Panics if the read times out.
fn read_answer(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(0) => return None,
            Ok(_) => head.push(byte[0]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return None,
            Err(e) => panic!("neither an answer nor a close: {e}"),
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse::<usize>().unwrap())
        })
        .unwrap_or(0);
    let mut body = vec![0; length];
    stream.read_exact(&mut body).ok()?;
    Some((head, String::from_utf8_lossy(&body).into_owned()))
}

/// Whether the peer has closed `stream` (reads end or are reset; a timeout is a failure).
fn closed_by_peer(stream: &mut TcpStream) -> bool {
    let mut rest = [0u8; 64];
    match stream.read(&mut rest) {
        Ok(0) => true,
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => true,
        Ok(n) => panic!("unexpected bytes after the answer: {:?}", &rest[..n]),
        Err(e) => panic!("the connection was not closed: {e}"),
    }
}

fn connect(addr: std::net::SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
}

const SLOW_HEAD: &str = "POST / HTTP/1.1\r\nHost: slow\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_or_dribbled_body_is_cut_after_the_body_deadline() {
    let emulator = EmulatorConfig {
        body_read_timeout: Duration::from_millis(500),
        ..EmulatorConfig::default()
    }
    .session(SessionSpec::new(SESSION, 10))
    .start()
    .await
    .unwrap();
    let addr = emulator.addr();
    // One connection sends 10 of 100 bytes and stalls; the other sends a byte every 50 ms.
    let stalled = tokio::task::spawn_blocking(move || {
        let mut stream = connect(addr);
        stream.write_all(SLOW_HEAD.as_bytes()).unwrap();
        stream.write_all(b"{\"Game\":\"x").unwrap();
        let answer = read_answer(&mut stream).expect("an answer before the close");
        (answer, closed_by_peer(&mut stream))
    });
    let dribbled = tokio::task::spawn_blocking(move || {
        let mut stream = connect(addr);
        stream.write_all(SLOW_HEAD.as_bytes()).unwrap();
        let mut writer = stream.try_clone().unwrap();
        let dribbler = std::thread::spawn(move || {
            for _ in 0..100 {
                if writer.write_all(b" ").is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        // The answer may be lost to a reset (the dribbler writes after the server closed);
        // the close itself is what this connection proves.
        let answer = read_answer(&mut stream);
        let closed = answer.is_none() || closed_by_peer(&mut stream);
        let _ = dribbler.join();
        closed
    });
    let ((head, body), closed) = stalled.await.unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.to_ascii_lowercase().contains("connection: close"),
        "{head}"
    );
    assert!(
        body.contains("InvalidParameter")
            && body.contains("did not arrive within 500 ms: 10 of 100 bytes received"),
        "{body}"
    );
    assert!(closed, "the connection is closed after the answer");
    assert!(dribbled.await.unwrap(), "a dribbling body is cut too");
    assert!(emulator.players().is_empty(), "nothing was changed");
    assert_eq!(emulator.stats().errors.get("InvalidParameter"), Some(&2));
    assert_eq!(
        code(&Raw::join(&emulator, &["after"]).send().await),
        "(no error)",
        "the service goes on"
    );
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_truncated_body_is_reported_as_ended_not_as_too_large() {
    let emulator = emulator_with_session(10).await;
    let addr = emulator.addr();
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = connect(addr);
        stream.write_all(SLOW_HEAD.as_bytes()).unwrap();
        stream.write_all(b"{\"GameServerSessionId\"").unwrap();
        stream.shutdown(std::net::Shutdown::Write).unwrap();
        read_answer(&mut stream)
    })
    .await
    .unwrap();
    // The client is gone (half-closed here): an answer is optional, a wrong one is not.
    if let Some((_, body)) = &answer {
        assert!(
            body.contains("the request body ended after 22 of 100 bytes"),
            "{body}"
        );
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while emulator.stats().errors.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let errors = emulator.stats().errors;
    assert_eq!(errors.get("InvalidParameter"), Some(&1), "{errors:?}");
    assert!(
        !errors.contains_key("RequestSizeLimitExceeded"),
        "{errors:?}"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_present_header_that_is_not_text_is_named_not_reported_missing() {
    let emulator = emulator_with_session(10).await;
    for (name, code_wanted, shown) in [
        ("x-tc-action", "InvalidParameter", "X-TC-Action"),
        ("x-tc-region", "InvalidParameter", "X-TC-Region"),
        (
            "x-tc-timestamp",
            "AuthFailure.InvalidAuthorization",
            "X-TC-Timestamp",
        ),
    ] {
        let mut request = Raw::join(&emulator, &["p1"]).build();
        request.headers_mut().insert(
            name,
            reqwest::header::HeaderValue::from_bytes(b"Join\xc3\xa9").unwrap(),
        );
        let answer = send(request).await;
        assert_eq!(code(&answer), code_wanted, "{answer}");
        assert!(
            message(&answer).contains(&format!(
                "the header {shown} is present but is not visible ASCII text: byte 0xC3 at position 4 of 6"
            )),
            "{answer}"
        );
    }
    assert!(emulator.players().is_empty());
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_key_twice_in_the_body_is_refused_naming_it() {
    let emulator = emulator_with_session(10).await;
    let body = format!(
        r#"{{"GameServerSessionId":"{SESSION}","PlayerIds":["first"],"PlayerIds":["second"]}}"#
    );
    let answer = Raw::with_body(&emulator, body.into_bytes()).send().await;
    assert_eq!(code(&answer), "InvalidParameter", "{answer}");
    assert!(
        message(&answer).contains("the key \"PlayerIds\" appears twice"),
        "{answer}"
    );
    assert!(
        emulator.players().is_empty(),
        "neither the first nor the last won"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn the_admin_api_refuses_bad_session_ids_and_unknown_fields() {
    let emulator = emulator_with_session(10).await;
    let http = test_support::http();
    let url = format!("{}/_emulator/sessions", emulator.url());
    let long = "x".repeat(5000);
    for (body, wanted) in [
        (
            serde_json::json!({"GameServerSessionId": "", "Capacity": 1}),
            "`GameServerSessionId`: 0 characters given (\"\"), at least 1 required".to_owned(),
        ),
        (
            serde_json::json!({"GameServerSessionId": long, "Capacity": 1}),
            "`GameServerSessionId`: 5000 characters given".to_owned(),
        ),
        (
            serde_json::json!({"GameServerSessionId": "gssess-é", "Capacity": 1}),
            "does not match the pattern".to_owned(),
        ),
        (
            serde_json::json!({"GameServerSessionId": "gssess-new", "Capacity": 1, "Colour": "red"}),
            "unknown field `Colour`".to_owned(),
        ),
    ] {
        let answer = http.post(&url).json(&body).send().await.unwrap();
        assert_eq!(answer.status(), 400, "{body}");
        let text = answer.text().await.unwrap();
        assert!(text.contains(&wanted), "{body}: {text}");
    }
    let long_refused = http
        .post(&url)
        .json(&serde_json::json!({"GameServerSessionId": "x".repeat(257), "Capacity": 1}))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        long_refused.contains("at most 256 allowed"),
        "{long_refused}"
    );
    for refused in ["", "gssess-new"] {
        let described = http.get(format!("{url}/{refused}")).send().await.unwrap();
        assert_eq!(described.status(), 404, "{refused:?} was not created");
    }
    let created = http
        .post(&url)
        .json(&serde_json::json!({"GameServerSessionId": "x".repeat(256), "Capacity": 1}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200, "the spec's longest id is taken");
    emulator.shutdown().await;
}

const STATS_REQUEST: &[u8] = b"GET /_emulator/stats HTTP/1.1\r\nHost: stats\r\n\r\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_is_closed_after_its_request_limit() {
    let emulator = EmulatorConfig {
        max_requests_per_connection: 3,
        ..EmulatorConfig::default()
    }
    .start()
    .await
    .unwrap();
    let addr = emulator.addr();
    tokio::task::spawn_blocking(move || {
        let mut stream = connect(addr);
        for nth in 1..=3 {
            stream.write_all(STATS_REQUEST).unwrap();
            let (head, _) = read_answer(&mut stream).expect("an answer");
            assert!(head.starts_with("HTTP/1.1 200"), "{head}");
            assert_eq!(
                head.to_ascii_lowercase().contains("connection: close"),
                nth == 3,
                "request {nth}: {head}"
            );
        }
        assert!(closed_by_peer(&mut stream), "closed after the third");
    })
    .await
    .unwrap();
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_keep_alive_connection_is_closed_after_the_head_timeout() {
    let emulator = EmulatorConfig {
        header_read_timeout: Duration::from_millis(500),
        ..EmulatorConfig::default()
    }
    .start()
    .await
    .unwrap();
    let addr = emulator.addr();
    tokio::task::spawn_blocking(move || {
        let mut stream = connect(addr);
        stream.write_all(STATS_REQUEST).unwrap();
        let (head, _) = read_answer(&mut stream).expect("an answer");
        assert!(
            !head.to_ascii_lowercase().contains("connection: close"),
            "{head}"
        );
        // Then nothing: the 10 s read timeout fails the test unless the server closes first.
        assert!(closed_by_peer(&mut stream));
    })
    .await
    .unwrap();
    emulator.shutdown().await;
}

#[test]
fn the_binary_refuses_a_date_skew_beyond_its_limit() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gse-emulator"))
        .args(["--listen", "127.0.0.1:0"])
        .args(["--fault", "skewed-date=1:9223372036854775807"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // It must exit on its own; one that starts serving is stopped and fails the test.
    let deadline = Instant::now() + Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let exited = child.try_wait().unwrap().is_some();
    if !exited {
        let _ = child.kill();
    }
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(exited, "the emulator started instead of refusing: {stdout}");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--fault")
            && stderr.contains("9223372036854775807")
            && stderr.contains("±315360000 s (10 years)"),
        "{stderr}"
    );
    assert!(stdout.is_empty(), "it never listened: {stdout}");
}

/// utime + stime of a process, in seconds.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // Fields 14 and 15 of stat(5); the first after the name is field 3.
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    let per_second: f64 = std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0);
    ticks as f64 / per_second
}

fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .unwrap()
        .count()
}

#[test]
fn running_out_of_file_descriptors_backs_off_and_recovers() {
    const LIMIT: usize = 64;
    let binary = binary(&[]);
    let pid = binary.pid();
    let limited = std::process::Command::new("prlimit")
        .args([
            "--pid",
            &pid.to_string(),
            &format!("--nofile={LIMIT}:{LIMIT}"),
        ])
        .status()
        .expect("prlimit (util-linux) runs");
    assert!(
        limited.success(),
        "prlimit lowered the emulator's RLIMIT_NOFILE"
    );
    let addr: std::net::SocketAddr = binary.url.trim_start_matches("http://").parse().unwrap();

    // More connections than the emulator can hold: it accepts until EMFILE, the rest wait in
    // the backlog, so every accept fails at once until descriptors free up.
    let held: Vec<TcpStream> = (0..2 * LIMIT).map(|_| connect(addr)).collect();
    let deadline = Instant::now() + Duration::from_secs(10);
    while open_fds(pid) < LIMIT {
        assert!(
            Instant::now() < deadline,
            "the emulator holds {} of {LIMIT} descriptors",
            open_fds(pid)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    let before = cpu_seconds(pid);
    std::thread::sleep(Duration::from_secs(1));
    let spent = cpu_seconds(pid) - before;
    println!("fd exhaustion: {spent:.2} s of CPU in 1 s at {LIMIT} descriptors");
    assert!(
        spent < 0.3,
        "the accept loop spins while out of descriptors: {spent:.2} s of CPU in 1 s"
    );

    drop(held);
    let deadline = Instant::now() + Duration::from_secs(10);
    let answered = loop {
        let mut stream = connect(addr);
        stream
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        stream.write_all(STATS_REQUEST).unwrap();
        let mut head = [0u8; 12];
        if stream.read_exact(&mut head).is_ok() {
            break String::from_utf8_lossy(&head).into_owned();
        }
        assert!(
            Instant::now() < deadline,
            "/_emulator/stats never answered again"
        );
    };
    assert_eq!(answered, "HTTP/1.1 200");
    let printed = binary.stop_and_collect_output();
    let warnings = printed.matches("cannot accept connections").count();
    assert!(
        (1..=3).contains(&warnings),
        "logged once per streak of failures, {warnings} times: {printed}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_security_header_sent_twice_is_a_400_and_changes_nothing() {
    let emulator = emulator_with_session(10).await;
    // Two Host headers, as bytes (an HTTP client library sends one).
    let addr = emulator.addr();
    let answer = tokio::task::spawn_blocking(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        stream
            .write_all(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: other.example\r\nContent-Length: 2\r\n\r\n{}")
            .unwrap();
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(
        answer.contains("the header Host is sent 2 times"),
        "{answer}"
    );
    for (name, value) in [
        (
            "authorization",
            "TC3-HMAC-SHA256 Credential=AKIDOTHER/x/y/tc3_request",
        ),
        ("x-tc-action", "DescribePlayerSessions"),
    ] {
        let mut request = Raw::join(&emulator, &["twice-1"]).build();
        request
            .headers_mut()
            .append(name, reqwest::header::HeaderValue::from_static(value));
        let answer = test_support::http().execute(request).await.unwrap();
        assert_eq!(answer.status(), 400, "{name} twice");
        let text = answer.text().await.unwrap();
        assert!(text.contains("is sent 2 times"), "{name}: {text}");
    }
    assert!(emulator.players().is_empty(), "nothing joined");
    emulator.shutdown().await;
}
