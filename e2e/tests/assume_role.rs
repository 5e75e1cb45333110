//! STS AssumeRole against the emulator: a role's temporary credentials, signed for with a
//! long-term key from another provider, used for joins and fetched once for many callers; and
//! the errors of a refusal, a wrong key, a down endpoint.

use gse_client::credentials::{
    AssumeRoleProvider, Credentials, CredentialsError, ProvideCredentials,
};
use gse_client::BatchOptions;
use gse_e2e::builder_with;
use gse_emulator::{EmulatorConfig, SessionSpec, DEMO_SECRET_ID, DEMO_SECRET_KEY};
use std::sync::Arc;
use std::time::Duration;

const ROLE: &str = "qcs::cam::uin/100000000001:roleName/game-backend";

fn demo_key() -> Credentials {
    Credentials::new(DEMO_SECRET_ID, DEMO_SECRET_KEY).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn players_join_with_an_assumed_roles_credentials_fetched_once_for_100_callers() {
    let emulator = EmulatorConfig::default()
        .session(SessionSpec::new("gssess-sts", 1000))
        .start()
        .await
        .unwrap();
    let url = emulator.url();
    let provider = AssumeRoleProvider::new(demo_key(), ROLE, "backend-1")
        .duration(Duration::from_secs(900))
        .with_lookup(move |name| (name == "TENCENTCLOUD_STS_ENDPOINT").then(|| url.clone()));
    let client = Arc::new(builder_with(emulator.url(), provider).build().unwrap());
    let calls = (0..100).map(|i| {
        let client = client.clone();
        async move {
            client
                .join_game_server_session_batch()
                .game_server_session_id("gssess-sts")
                .send_in_batches([format!("player-{i}")], BatchOptions::new())
                .await
        }
    });
    for outcome in futures_util::future::join_all(calls).await {
        assert_eq!(outcome.unwrap().succeeded.len(), 1);
    }
    let stats = emulator.stats();
    assert_eq!(stats.temporary_credentials_issued, 1, "one AssumeRole");
    assert_eq!(stats.joined_players, 100);
    assert!(stats.errors.is_empty(), "{:?}", stats.errors);
    emulator.shutdown().await;
}

#[tokio::test]
async fn refusals_and_outages_are_clear_errors_without_secrets() {
    let emulator = EmulatorConfig::default().start().await.unwrap();
    let assume = |source: Credentials, session: &str| {
        AssumeRoleProvider::new(source, ROLE, session)
            .endpoint(emulator.url())
            .timeout(Duration::from_secs(2))
    };
    // A wrong long-term key: STS's own refusal, named.
    let wrong = Credentials::new(DEMO_SECRET_ID, "not-the-demo-key").unwrap();
    let error = assume(wrong, "backend-1").provide().await.unwrap_err();
    let text = format!("{error} {error:?}");
    assert!(
        matches!(error, CredentialsError::AssumeRole { .. }),
        "{text}"
    );
    assert!(
        text.contains("STS refused AssumeRole: \"AuthFailure.SignatureFailure\""),
        "{text}"
    );
    assert!(
        !text.contains("not-the-demo-key") && !text.contains(DEMO_SECRET_KEY),
        "{text}"
    );
    // A bad parameter is refused before anything is sent.
    let error = assume(demo_key(), "x").provide().await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("RoleSessionName: 1 characters given"),
        "{error}"
    );
    assert_eq!(emulator.stats().temporary_credentials_issued, 0);
    emulator.shutdown().await;

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    let error = AssumeRoleProvider::new(demo_key(), ROLE, "backend-1")
        .endpoint(format!("http://{address}"))
        .provide()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains(&format!("POST http://{address}/ failed")),
        "{error}"
    );
}

#[tokio::test]
async fn a_slow_or_garbled_sts_fails_clearly_within_the_timeout() {
    use std::time::Instant;
    use test_support::{Reply, StubServer};
    let cases: Vec<(Reply, &str)> = vec![
        (Reply::json("<html>TmpSecretKey-secret</html>"), "is not STS's JSON"),
        (
            Reply::json(r#"{"Response":{"Credentials":{"TmpSecretKey":"TmpSecretKey-secret"},"RequestId":"r"}}"#),
            "no Credentials.TmpSecretId",
        ),
        (Reply::json("x".repeat(4096)).endless(), "more than 65536 bytes"),
        (
            Reply::json(r#"{"Response":{"Error":{"Code":"InternalError","Message":"busy"},"RequestId":"r"}}"#).status(500),
            "answered HTTP 500: STS refused AssumeRole: \"InternalError\"",
        ),
    ];
    for (reply, expected) in cases {
        let stub = StubServer::start_with(move |_| reply.clone()).await;
        let error = AssumeRoleProvider::new(demo_key(), ROLE, "backend-1")
            .endpoint(stub.url())
            .provide()
            .await
            .unwrap_err();
        let text = format!("{error} {error:?}");
        assert!(text.contains(expected), "{expected}: {text}");
        assert!(!text.contains("TmpSecretKey-secret"), "{text}");
        // What STS received was signed for service sts with the source key's SecretId.
        let sent = &stub.requests()[0];
        assert_eq!(sent.header("x-tc-action"), Some("AssumeRole"));
        assert!(
            sent.header("authorization")
                .is_some_and(|a| a.contains(&format!("Credential={DEMO_SECRET_ID}/"))
                    && a.contains("/sts/tc3_request")),
            "{:?}",
            sent.header("authorization")
        );
        stub.stop().await;
    }

    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = silent.local_addr().unwrap();
    let hold = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = silent.accept().await {
            held.push(socket);
        }
    });
    let started = Instant::now();
    let error = AssumeRoleProvider::new(demo_key(), ROLE, "backend-1")
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
}
