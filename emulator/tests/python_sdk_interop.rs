//! The official Python SDK (tencentcloud-sdk-python-gse 3.0.1416, its GseClient pointed at
//! `127.0.0.1:PORT` over http) against the emulator binary. `cargo xtask ci` installs the SDK
//! into `target/py` first.

mod common;

use serde_json::Value;
use std::process::Command;

const ID: &str = "AKIDINTEROP000000000000000000001";
const KEY: &str = "interop-secret-key";
const SESSION: &str = "gssess-sdk";

#[test]
fn the_official_sdk_joins_players_and_gets_the_documented_errors() {
    let python = test_support::python_with_sdk();
    let binary = common::binary(&[
        "--account",
        &format!("{ID}:{KEY}"),
        "--session",
        &format!("{SESSION}:50"),
    ]);
    let port = binary.port();
    let output = Command::new(python)
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/interop/sdk_calls.py"
        ))
        .args([&port.to_string(), ID, KEY, SESSION])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the SDK script failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Value = serde_json::from_slice(&output.stdout).unwrap();

    let success = &results["success"];
    assert!(success["error"].is_null(), "{success}");
    let sessions = success["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 2);
    for (s, id) in sessions.iter().zip(["sdk-1", "sdk-2"]) {
        assert_eq!(s["PlayerId"], id);
        assert_eq!(s["GameServerSessionId"], SESSION);
        assert_eq!(s["Status"], "RESERVED");
        assert_eq!(s["PlayerData"], "blue");
        for field in [
            "CreationTime",
            "DnsName",
            "FleetId",
            "IpAddress",
            "PlayerSessionId",
            "Port",
        ] {
            assert!(!s[field].is_null(), "{field} parsed: {s}");
        }
    }
    assert!(success["request_id"]
        .as_str()
        .is_some_and(|r| !r.is_empty()));

    for (case, code) in [
        ("wrong_key", "AuthFailure.SignatureFailure"),
        ("unknown_id", "AuthFailure.SecretIdNotFound"),
        ("too_many_players", "InvalidParameterValue"),
        ("ten_minutes_off", "AuthFailure.SignatureExpire"),
    ] {
        assert_eq!(results[case]["error"], code, "{case}: {}", results[case]);
        assert!(
            results[case]["request_id"]
                .as_str()
                .is_some_and(|r| !r.is_empty()),
            "{case} carries a request id"
        );
    }
    assert!(results["too_many_players"]["message"]
        .as_str()
        .unwrap()
        .contains("26 items given, at most 25 allowed"));
}
