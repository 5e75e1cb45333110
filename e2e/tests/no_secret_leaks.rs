//! Secret keys and tokens never appear in tracing output, `Debug` output or error text.

use gse_client::credentials::Credentials;
use gse_client::credentials::{
    CredentialsError, EnvProvider, ProfileProvider, ProvideCredentials, RefreshingProvider,
};
use gse_client::FixedClock;
use std::time::{Duration, SystemTime};
use test_support::{LogCapture, StubServer};

const KEY: &str = "SECRETKEY-0b7c1f";
const TOKEN: &str = "SESSIONTOKEN-9d2e44";

#[track_caller]
fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(KEY), "{what} shows the secret key: {text}");
    assert!(!text.contains(TOKEN), "{what} shows the token: {text}");
}

#[tokio::test]
async fn a_whole_run_leaks_no_secret() {
    let (capture, _guard) = LogCapture::install(tracing::Level::TRACE);

    let stub = StubServer::start(r#"{"Response":{"PlayerSessions":[],"RequestId":"r"}}"#).await;
    let credentials = Credentials::with_token("AKIDLEAKTEST", KEY, TOKEN).unwrap();
    let refreshing = RefreshingProvider::new(|| async {
        Ok(Credentials::with_token("AKIDLEAKTEST", KEY, TOKEN)
            .unwrap()
            .expiring_at(SystemTime::now() + Duration::from_secs(3600)))
    });
    refreshing.provide().await.unwrap();
    let client = gse_e2e::builder_with(stub.url(), refreshing)
        .clock(FixedClock::at_unix(1_700_000_000))
        .build()
        .unwrap();
    client
        .join_game_server_session_batch()
        .game_server_session_id("s")
        .player_ids(vec!["p".to_owned()])
        .send()
        .await
        .unwrap();
    let sent = &stub.requests()[0];
    assert_eq!(
        sent.header("x-tc-token"),
        Some(TOKEN),
        "the token is sent, as it must be"
    );

    // A failing provider's error as a caller sees it.
    let failing = gse_e2e::builder_with(
        stub.url(),
        RefreshingProvider::new(|| async { Err(format!("sts said no for {}", "AKIDLEAKTEST")) }),
    )
    .build()
    .unwrap();
    let error = failing
        .join_game_server_session_batch()
        .game_server_session_id("s")
        .player_ids(vec!["p".to_owned()])
        .send()
        .await
        .unwrap_err();
    assert!(error.to_string().contains("sts said no"), "{error}");

    let logs = capture.text();
    assert!(
        logs.contains("signed request"),
        "tracing was captured: {logs}"
    );
    assert!(logs.contains("AKIDLEAKTEST"), "the SecretId may be logged");
    assert_clean("tracing output", &logs);
    assert_clean("Debug of the client", &format!("{client:?}"));
    assert_clean("Debug of the runtime", &format!("{:#?}", client.runtime()));
    assert_clean(
        "Debug of credentials",
        &format!("{credentials:?} {credentials:#?}"),
    );
    assert_clean("error text", &format!("{error} {error:?}"));
    stub.stop().await;
}

#[test]
fn credential_errors_never_echo_secret_values() {
    let errors: Vec<CredentialsError> = vec![
        Credentials::new("AKID", format!(" {KEY}")).unwrap_err(),
        Credentials::with_token("AKID", "k", format!("{TOKEN} ")).unwrap_err(),
        EnvProvider::with_lookup(|name| match name {
            "TENCENTCLOUD_SECRET_ID" => Some("AKID".into()),
            "TENCENTCLOUD_SECRET_KEY" => Some(format!("{KEY}\t")),
            _ => None,
        })
        .load()
        .unwrap_err(),
    ];
    for e in &errors {
        assert_clean("credential error", &format!("{e} {e:?}"));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c");
    std::fs::write(
        &path,
        format!("[default]\nsecret_id=AKID\nsecret_key={KEY}\ntoken=\n[broken\n"),
    )
    .unwrap();
    let e = ProfileProvider::new().path(&path).load().unwrap_err();
    assert_clean("profile error", &format!("{e} {e:?}"));
    let provider = ProfileProvider::new().path(&path);
    assert_clean("profile provider", &format!("{provider:?}"));
}

#[test]
fn the_join_example_at_trace_level_prints_spans_but_no_secret() {
    let emulator = test_support::EmulatorBinary::start(
        &test_support::emulator_binary(),
        &[
            "--account",
            &format!("AKIDTRACE:{KEY}"),
            "--session",
            "gssess-trace:100",
            "--session",
            "gssess-debug:100",
        ],
    );
    let join = test_support::join_example();
    let run = |level: &str, session: &str| {
        std::process::Command::new(&join)
            .env("RUST_LOG", level)
            .env("TENCENTCLOUD_SECRET_ID", "AKIDTRACE")
            .env("TENCENTCLOUD_SECRET_KEY", KEY)
            .env("TENCENTCLOUD_SESSION_TOKEN", TOKEN)
            .args(["--endpoint", &emulator.url, "--region", "ap-shanghai"])
            .args(["--session", session, "--players", "30"])
            .output()
            .unwrap()
    };
    let out = run("trace", "gssess-trace");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("joined 30 of 30"),
        "{stdout}{stderr}"
    );
    assert!(
        stderr.contains("tc3.attempt") && stderr.contains("TRACE"),
        "RUST_LOG=trace reaches the example's log: {stderr}"
    );
    assert_clean("the join example's trace output", &stderr);
    assert_clean("the join example's output", &stdout);
    // The wire trace: every request's body is there, its signature is not.
    assert_eq!(
        stderr.matches("wire: request").count(),
        2,
        "30 players are two requests: {stderr}"
    );
    assert!(
        stderr.contains("PlayerIds") && stderr.contains("wire: answer"),
        "{stderr}"
    );
    assert!(stderr.contains("Signature=** redacted **"), "{stderr}");
    assert!(
        !stderr
            .split("Signature=")
            .skip(1)
            .any(|rest| rest.len() >= 64 && rest[..64].bytes().all(|b| b.is_ascii_hexdigit())),
        "no signature in the trace"
    );
    // At debug level there is no wire trace and no body.
    let debug = run("debug", "gssess-debug");
    let stderr = String::from_utf8_lossy(&debug.stderr);
    assert!(debug.status.success(), "{stderr}");
    assert!(
        !stderr.contains("wire: request") && !stderr.contains("PlayerIds"),
        "no body at debug: {stderr}"
    );
}

#[tokio::test]
async fn role_providers_at_trace_level_show_no_issued_key_or_token() {
    use gse_client::credentials::{AssumeRoleProvider, CvmRoleProvider};
    let (capture, _guard) = LogCapture::install(tracing::Level::TRACE);
    let emulator = gse_emulator::EmulatorConfig::default()
        .session(gse_emulator::SessionSpec::new("gssess-roles", 10))
        .cvm_role("game-backend")
        .start()
        .await
        .unwrap();
    let role = CvmRoleProvider::new().endpoint(emulator.url());
    let from_role = role.provide().await.unwrap();
    let long_term =
        Credentials::new(gse_emulator::DEMO_SECRET_ID, gse_emulator::DEMO_SECRET_KEY).unwrap();
    let assumed = AssumeRoleProvider::new(
        long_term,
        "qcs::cam::uin/100000000001:roleName/game-backend",
        "leak-check",
    )
    .endpoint(emulator.url());
    let from_sts = assumed.provide().await.unwrap();
    let client = gse_e2e::builder_with(emulator.url(), assumed)
        .build()
        .unwrap();
    client
        .join_game_server_session_batch()
        .game_server_session_id("gssess-roles")
        .player_ids(vec!["p".to_owned()])
        .send()
        .await
        .unwrap();
    let logs = capture.text();
    assert!(!logs.is_empty(), "tracing was captured");
    for issued in [&from_role, &from_sts] {
        let (key, token) = (issued.secret_key(), issued.token().unwrap());
        for (what, text) in [
            ("tracing output", logs.clone()),
            ("Debug of the providers", format!("{role:?} {client:?}")),
            ("Debug of the credentials", format!("{issued:?}")),
        ] {
            assert!(!text.contains(key), "{what} shows an issued key");
            assert!(!text.contains(token), "{what} shows an issued token");
        }
    }
    emulator.shutdown().await;
}
