//! The runtime serves any generated client: a made-up service described as data builds, sends
//! its action the API 3.0 way (`POST /`, `X-TC-Action`, `X-TC-Version`, TC3 signature with the
//! service's name), and talks TLS to an `https` endpoint with the crate's crypto backend.

use serde_json::{json, Value};
use std::io::Read;

mod common;
use common::*;

/// A one-shot HTTP server on loopback: answers `body` to the first request and hands back the
/// request's head.
fn answer_once(body: &'static str) -> (String, std::thread::JoinHandle<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        use std::io::Write;
        let (mut socket, _) = listener.accept().unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        while !String::from_utf8_lossy(&seen).contains("\r\n\r\n") {
            let n = socket.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
        }
        let answer = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        socket.write_all(answer.as_bytes()).unwrap();
        String::from_utf8_lossy(&seen).into_owned()
    });
    (url, handle)
}

#[tokio::test]
async fn a_made_up_service_is_called_the_api_3_way() {
    let (url, server) = answer_once(
        r#"{"Response":{"Error":{"Code":"ResourceNotFound.Widget","Message":"no widget w-1"},"RequestId":"r-1"}}"#,
    );
    let client = client(&url);
    let error = tc3_runtime::__private::call::<Value, String>(
        &client.runtime,
        &ACTIONS[0],
        &json!({"WidgetId": "w-1"}),
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.code().map(String::as_str),
        Some("ResourceNotFound.Widget")
    );
    assert_eq!(error.request_id(), Some("r-1"));
    assert_eq!(error.hint(), "check the widget's id", "the action's hint");
    let head = server.join().unwrap().to_ascii_lowercase();
    assert!(head.starts_with("post / http/1.1"), "{head}");
    for header in [
        "x-tc-action: describewidgets",
        "x-tc-version: 2020-01-01",
        "x-tc-region: ap-guangzhou",
        "/widgets/tc3_request",
    ] {
        assert!(head.contains(header), "{header} in {head}");
    }
}

#[tokio::test]
async fn an_https_endpoint_starts_a_tls_handshake_with_the_crates_backend() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let first_bytes = std::thread::spawn(move || {
        let (mut socket, _) = listener.accept().unwrap();
        let mut head = [0u8; 3];
        socket.read_exact(&mut head).unwrap();
        head
    });
    let client = client(&format!("https://127.0.0.1:{port}"));
    let error =
        tc3_runtime::__private::call::<Value, String>(&client.runtime, &ACTIONS[0], &json!({}))
            .await
            .unwrap_err();
    let head = first_bytes.join().unwrap();
    assert_eq!(
        head[0], 0x16,
        "a TLS handshake record (ClientHello) opens the connection"
    );
    assert_eq!(head[1], 0x03, "TLS, any version");
    assert!(
        std::error::Error::source(&error).is_some(),
        "the transport's failure is kept as the source: {error:?}"
    );
}
