//! The CVM role provider against the emulator's instance metadata (`cvm_role`), and against
//! metadata endpoints that misbehave: slow, down, garbage, an error code, too large.

use gse_client::credentials::{CredentialsError, CvmRoleProvider, ProvideCredentials};
use gse_client::BatchOptions;
use gse_e2e::builder_with;
use gse_emulator::{EmulatorConfig, SessionSpec};
use std::sync::Arc;
use std::time::{Duration, Instant};
use test_support::{Reply, StubServer};

/// The emulator's count of issued temporary credentials.
fn issued(emulator: &gse_emulator::RunningEmulator) -> u64 {
    emulator.stats().temporary_credentials_issued
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn players_join_with_the_instance_roles_credentials_refreshed_once_for_100_callers() {
    let emulator = EmulatorConfig::default()
        .session(SessionSpec::new("gssess-cvm", 1000))
        .cvm_role("gse-backend")
        .temporary_credentials_lifetime(Duration::from_secs(4))
        .start()
        .await
        .unwrap();
    // The role is discovered (not given), the endpoint is the variable's.
    let url = emulator.url();
    let provider = CvmRoleProvider::new()
        .with_lookup(move |name| (name == "TENCENTCLOUD_METADATA_ENDPOINT").then(|| url.clone()));
    let client = Arc::new(builder_with(emulator.url(), provider).build().unwrap());

    let wave = |first: usize| {
        let client = client.clone();
        async move {
            let calls = (first..first + 100).map(|i| {
                let client = client.clone();
                async move {
                    client
                        .join_game_server_session_batch()
                        .game_server_session_id("gssess-cvm")
                        .send_in_batches([format!("player-{i}")], BatchOptions::new())
                        .await
                }
            });
            for outcome in futures_util::future::join_all(calls).await {
                let outcome = outcome.unwrap();
                assert_eq!(outcome.succeeded.len(), 1, "{outcome:?}");
            }
        }
    };
    wave(0).await;
    assert_eq!(issued(&emulator), 1, "one fetch for 100 concurrent callers");
    // Past half the lifetime the credentials are refreshed before they expire: once again.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    wave(100).await;
    assert_eq!(issued(&emulator), 2, "one refresh for the next 100");
    assert_eq!(emulator.stats().joined_players, 200);
    assert!(
        emulator.stats().errors.is_empty(),
        "{:?}",
        emulator.stats().errors
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn expired_role_credentials_are_refused_with_token_failure() {
    let emulator = EmulatorConfig::default()
        .session(SessionSpec::new("gssess-cvm", 10))
        .cvm_role("gse-backend")
        .temporary_credentials_lifetime(Duration::from_secs(1))
        .start()
        .await
        .unwrap();
    let credentials = CvmRoleProvider::new()
        .endpoint(emulator.url())
        .role("gse-backend")
        .provide()
        .await
        .unwrap();
    assert!(credentials.token().is_some());
    // Kept past their expiry (no refreshing provider): the service refuses them.
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let client = builder_with(emulator.url(), credentials).build().unwrap();
    let error = client
        .join_game_server_session_batch()
        .game_server_session_id("gssess-cvm")
        .player_ids(vec!["late".to_owned()])
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.code().map(|c| c.as_str()),
        Some("AuthFailure.TokenFailure"),
        "{error}"
    );
    assert_eq!(emulator.stats().joined_players, 0);
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_role_the_instance_does_not_have_is_a_clear_error() {
    let emulator = EmulatorConfig::default()
        .cvm_role("gse-backend")
        .start()
        .await
        .unwrap();
    let error = CvmRoleProvider::new()
        .endpoint(emulator.url())
        .role("other-role")
        .provide()
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(
        matches!(error, CredentialsError::CvmRole { .. }),
        "{error:?}"
    );
    assert!(
        text.contains("security-credentials/other-role answered HTTP 404"),
        "{text}"
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_misbehaving_metadata_endpoint_fails_clearly_within_the_timeout_and_shows_no_secret() {
    let cases: Vec<(Reply, &str)> = vec![
        (
            Reply::json("{not json TmpSecretKey-secret"),
            "is not the metadata service's JSON",
        ),
        (
            Reply::json(r#"{"Code":"InternalError","TmpSecretKey":"TmpSecretKey-secret"}"#),
            "Code is \"InternalError\", not \"Success\"",
        ),
        (Reply::json("{}").status(500), "answered HTTP 500"),
        (
            Reply::json("x".repeat(1024)).endless(),
            "more than 16384 bytes",
        ),
    ];
    for (reply, expected) in cases {
        let stub = StubServer::start_with(move |_| reply.clone()).await;
        let started = Instant::now();
        let error = CvmRoleProvider::new()
            .endpoint(stub.url())
            .role("gse-backend")
            .timeout(Duration::from_secs(2))
            .provide()
            .await
            .unwrap_err();
        let text = format!("{error} {error:?}");
        assert!(text.contains(expected), "{expected}: {text}");
        assert!(!text.contains("TmpSecretKey-secret"), "{text}");
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        stub.stop().await;
    }

    // Slow: a listener that accepts and never answers.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = silent.local_addr().unwrap();
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let started = Instant::now();
    let error = CvmRoleProvider::new()
        .endpoint(format!("http://{address}"))
        .timeout(Duration::from_millis(500))
        .provide()
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(error.to_string().contains("failed"), "{error}");
    hold.abort();

    // Down: nothing listens.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    let error = CvmRoleProvider::new()
        .endpoint(format!("http://{address}"))
        .provide()
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains(&format!(
            "GET http://{address}/latest/meta-data/cam/security-credentials/ failed"
        )),
        "{error}"
    );
}

/// The `join` example with no key anywhere, run "on a CVM instance": no variables, `HOME` an
/// empty directory, the metadata endpoint the emulator binary's (`--cvm-role`).
#[test]
fn the_join_example_joins_with_the_instance_role_and_no_key() {
    use test_support::{emulator_binary, join_example, EmulatorBinary};
    let emulator = EmulatorBinary::start(
        &emulator_binary(),
        &["--cvm-role", "gse-backend", "--session", "gssess-role:100"],
    );
    let home = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(join_example())
        .env_clear()
        .env("HOME", home.path())
        .env("TENCENTCLOUD_METADATA_ENDPOINT", &emulator.url)
        .args(["--endpoint", &emulator.url, "--region", "ap-shanghai"])
        .args(["--session", "gssess-role", "--players", "30"])
        .output()
        .expect("run the join example");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("joined 30 of 30 players"), "{stdout}");
    let stats = test_support::emulator_admin_get(&emulator.url, "/_emulator/stats");
    assert_eq!(stats["temporary_credentials_issued"], 1, "{stats}");
    assert_eq!(stats["joined_players"], 30, "{stats}");
    let logs = emulator.stop_and_collect_output();
    assert!(!logs.contains("TmpSecretKey\":\""), "{logs}");
}

/// The chain source by source: the environment and the profile file are read at once and, when
/// either has credentials, the metadata service is never asked; when a source exists but is
/// unusable, that is the error; only when both are absent is the role fetched, and its failure
/// is listed after theirs.
#[tokio::test]
async fn the_default_chain_asks_the_instance_role_only_after_the_env_and_the_profile() {
    use gse_client::credentials::{DefaultChain, EnvProvider, ProfileProvider};
    let emulator = EmulatorConfig::default()
        .cvm_role("gse-backend")
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let absent = dir.path().join("absent");
    let file = dir.path().join("credentials");
    std::fs::write(&file, "[default]\nsecret_id=AKIDFILE\nsecret_key=f\n").unwrap();
    let malformed = dir.path().join("malformed");
    std::fs::write(&malformed, "[default\n").unwrap();
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        EnvProvider::with_lookup(move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    };
    let role = || CvmRoleProvider::new().endpoint(emulator.url());
    let key = &[
        ("TENCENTCLOUD_SECRET_ID", "AKIDENV"),
        ("TENCENTCLOUD_SECRET_KEY", "e"),
    ];

    for (chain, expected) in [
        (
            DefaultChain::with_providers(env(key), ProfileProvider::new().path(&file)),
            "AKIDENV",
        ),
        (
            DefaultChain::with_providers(env(&[]), ProfileProvider::new().path(&file)),
            "AKIDFILE",
        ),
    ] {
        let provider = chain.web_identity(None).cvm_role(role()).resolve().unwrap();
        assert_eq!(provider.provide().await.unwrap().secret_id(), expected);
    }
    assert_eq!(
        issued(&emulator),
        0,
        "the role is not fetched while a key exists"
    );

    // A credentials file that exists but is malformed stops the chain.
    let error = DefaultChain::with_providers(env(&[]), ProfileProvider::new().path(&malformed))
        .web_identity(None)
        .cvm_role(role())
        .resolve()
        .unwrap_err();
    assert!(error.to_string().contains("is not valid INI"), "{error}");
    assert_eq!(issued(&emulator), 0);

    // Neither: the instance role.
    let provider = DefaultChain::with_providers(env(&[]), ProfileProvider::new().path(&absent))
        .web_identity(None)
        .cvm_role(role())
        .resolve()
        .unwrap();
    let credentials = provider.provide().await.unwrap();
    assert!(credentials.secret_id().starts_with("AKIDTMP"));
    assert_eq!(issued(&emulator), 1);

    // Nothing anywhere: every source and why, in order.
    let provider = DefaultChain::with_providers(env(&[]), ProfileProvider::new().path(&absent))
        .cvm_role(
            CvmRoleProvider::new()
                .endpoint(emulator.url())
                .role("not-this-one"),
        )
        .resolve()
        .unwrap();
    let text = provider.provide().await.unwrap_err().to_string();
    let env_at = text.find("TENCENTCLOUD_SECRET_ID is not set").expect(&text);
    let file_at = text.find("cannot read credentials file").expect(&text);
    let role_at = text.find("no CVM role credentials").expect(&text);
    assert!(text.starts_with("no credentials found"), "{text}");
    assert!(env_at < file_at && file_at < role_at, "{text}");
    emulator.shutdown().await;
}
