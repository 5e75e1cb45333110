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
    let mut old = Raw::join(&emulator, &["late"]);
    old.timestamp = now() - 301;
    assert_eq!(code(&old.send().await), "AuthFailure.SignatureExpire");
    let mut early = Raw::join(&emulator, &["early"]);
    early.timestamp = now() + 301;
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
                version: gse_client::api::SERVICE.version.into(),
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
            let auth = request.headers()["authorization"].to_str().unwrap().to_string();
            signatures.push(auth.rsplit('=').next().unwrap().to_string());
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
