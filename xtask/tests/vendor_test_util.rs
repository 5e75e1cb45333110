//! A game backend unit-tests its own code that joins players, with the vendored client's
//! `test-util` feature and no socket: the mock transport answers, every request is asserted,
//! and a throttled answer is retried once.

mod common;

use std::path::Path;
use std::process::Command;

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

/// The backend's code, and its unit test over `MockTransport`.
const LIB_RS: &str = r##"use gse_client::{BatchOptions, Client, Error};

/// Seats `players` players in `session`; how many joined.
pub async fn seat_players(client: &Client, session: &str, players: usize) -> Result<usize, Error> {
    let ids = (0..players).map(|i| format!("player-{i:02}"));
    let outcome = client
        .join_game_server_session_batch()
        .game_server_session_id(session)
        .send_in_batches(ids, BatchOptions::new().concurrency(1))
        .await?;
    Ok(outcome.succeeded.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use gse_client::credentials::Credentials;
    use gse_client::transport::{MockTransport, WireResponse};
    use gse_client::{RateLimit, RetryPolicy};
    use serde_json::{json, Value};
    use std::time::Duration;

    const THROTTLED: &str = r#"{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"slow down"},"RequestId":"t-1"}}"#;

    #[tokio::test]
    async fn sixty_players_are_seated_in_three_requests_one_of_them_retried() {
        let mock = MockTransport::new()
            .answer(WireResponse::new(200, THROTTLED))
            .respond_with(|request| {
                let body = request.json().expect("a JSON body");
                let sessions: Vec<Value> = body["PlayerIds"]
                    .as_array()
                    .expect("PlayerIds")
                    .iter()
                    .map(|p| json!({"PlayerId": p, "Status": "RESERVED", "GameServerSessionId": body["GameServerSessionId"]}))
                    .collect();
                Ok(WireResponse::new(
                    200,
                    json!({"Response": {"PlayerSessions": sessions, "RequestId": "r"}}).to_string(),
                ))
            });
        let client = Client::builder()
            .region("ap-shanghai")
            .credentials(Credentials::new("AKIDunittest", "unit-test-key").unwrap())
            .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(1)))
            .rate_limit(RateLimit::Off)
            .transport(mock.clone())
            .build()
            .unwrap();
        assert_eq!(seat_players(&client, "gssess-unit", 60).await.unwrap(), 60);
        let sent = mock.requests();
        assert_eq!(sent.len(), 4, "three requests, the throttled one sent twice");
        let players = |i: usize| sent[i].json().unwrap()["PlayerIds"].clone();
        assert_eq!(players(0), players(1), "the throttled request is the one sent again");
        let sizes: Vec<usize> = (1..4).map(|i| players(i).as_array().unwrap().len()).collect();
        assert_eq!(sizes, [25, 25, 10]);
        for request in &sent {
            assert_eq!(request.action(), Some("JoinGameServerSessionBatch"));
            assert_eq!(request.url.as_str(), "https://gse.tencentcloudapi.com/");
            assert!(request.header("authorization").unwrap().contains("Credential=AKIDunittest/"));
            assert!(request.header("x-tc-requestclient").unwrap().starts_with("gse-client/"));
            assert_eq!(request.json().unwrap()["GameServerSessionId"], "gssess-unit");
        }
    }
}
"##;

#[test]
fn a_backend_unit_tests_its_joins_with_the_mock_transport_and_no_socket() {
    let project = Path::new(env!("CARGO_TARGET_TMPDIR")).join("vendor-check/unit-tested-backend");
    let _ = std::fs::remove_dir_all(&project);
    let vendor = project.join("vendor");
    common::vendor(&vendor);
    let workspace = std::fs::read_to_string(Path::new(ROOT).join("Cargo.toml")).unwrap();
    let pin = |name: &str| {
        workspace
            .lines()
            .find(|l| l.starts_with(&format!("{name} = ")))
            .and_then(|l| l.split('"').nth(1))
            .unwrap_or_else(|| panic!("{name} is in [workspace.dependencies]"))
            .to_owned()
    };
    std::fs::create_dir_all(project.join("src")).unwrap();
    std::fs::write(
        project.join("Cargo.toml"),
        format!(
            "[package]\nname = \"unit-tested-backend\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\ngse-client = {{ path = \"vendor/gse-client\" }}\n\n\
             [dev-dependencies]\ngse-client = {{ path = \"vendor/gse-client\", features = [\"test-util\"] }}\n\
             serde_json = \"{}\"\ntokio = {{ version = \"{}\", features = [\"macros\", \"rt\"] }}\n\n\
             [workspace]\n\n[profile.dev]\ndebug = \"line-tables-only\"\n\n[profile.dev.package.\"*\"]\ndebug = false\n",
            pin("serde_json"),
            pin("tokio"),
        ),
    )
    .unwrap();
    std::fs::write(project.join("src/lib.rs"), LIB_RS).unwrap();
    std::fs::copy(
        Path::new(ROOT).join("Cargo.lock"),
        project.join("Cargo.lock"),
    )
    .unwrap();
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap();
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .current_dir(&project)
        .env("CARGO_TARGET_DIR", target)
        .args(["test", "--offline", "--quiet", "--lib"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "the backend's unit test passes over the mock transport:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
