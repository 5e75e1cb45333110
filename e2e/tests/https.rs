//! HTTPS with certificate verification on, against the emulator serving TLS: a join through a
//! trusted CA, and clear refusals of an unknown CA and of a certificate for another host.

use gse_client::{Client, Error};
use gse_emulator::tls::SELF_SIGNED_HOSTS;
use gse_emulator::{EmulatorConfig, RunningEmulator, SessionSpec, TlsIdentity};
use std::path::{Path, PathBuf};

const SESSION: &str = "gssess-https";

/// The emulator serving HTTPS with a certificate for `hosts`; the CA's path.
async fn https_emulator(dir: &Path, hosts: &[&str]) -> (RunningEmulator, PathBuf) {
    let (identity, ca) = TlsIdentity::self_signed(dir, hosts).unwrap();
    let emulator = EmulatorConfig {
        tls: Some(identity),
        ..EmulatorConfig::default()
    }
    .account("AKIDHTTPS", "https-secret-key")
    .session(SessionSpec::new(SESSION, 100))
    .start()
    .await
    .unwrap();
    (emulator, ca)
}

fn client(url: &str, ca: Option<&Path>) -> Client {
    let mut builder = gse_e2e::builder(url, "AKIDHTTPS", "https-secret-key")
        .retry_policy(gse_client::RetryPolicy::never());
    if let Some(ca) = ca {
        builder = builder.add_root_certificates_pem(std::fs::read(ca).unwrap());
    }
    builder.build().unwrap()
}

async fn join(client: &Client, players: usize) -> Result<usize, Error> {
    let outcome = client
        .join_game_server_session_batch()
        .game_server_session_id(SESSION)
        .send_in_batches((0..players).map(|i| format!("p-{i:03}")), 4)
        .await?;
    match outcome.failures.into_iter().next() {
        Some(failure) => Err(match failure.error {
            gse_client::BatchError::Call(error) => error,
            other => panic!("not a failed call: {other}"),
        }),
        None => Ok(outcome.succeeded.len()),
    }
}

#[tokio::test]
async fn players_join_over_https_with_verification_on() {
    let dir = tempfile::tempdir().unwrap();
    let (emulator, ca) = https_emulator(dir.path(), SELF_SIGNED_HOSTS).await;
    assert!(
        emulator.url().starts_with("https://127.0.0.1:"),
        "{}",
        emulator.url()
    );
    assert_eq!(
        join(&client(&emulator.url(), Some(&ca)), 60).await.unwrap(),
        60
    );
    assert_eq!(emulator.stats().joined_players, 60);
    // The certificate names localhost too.
    let by_name = emulator.url().replace("127.0.0.1", "localhost");
    let client = client(&by_name, Some(&ca));
    let joined = client
        .join_game_server_session_batch()
        .game_server_session_id(SESSION)
        .player_ids(vec!["by-name".to_owned()])
        .send()
        .await;
    assert!(joined.is_ok(), "{joined:?}");
    emulator.shutdown().await;
}

#[tokio::test]
async fn an_unknown_ca_is_refused_and_nothing_is_sent() {
    let dir = tempfile::tempdir().unwrap();
    let (emulator, _) = https_emulator(dir.path(), SELF_SIGNED_HOSTS).await;
    let error = join(&client(&emulator.url(), None), 3).await.unwrap_err();
    let shown = error.to_string();
    assert!(
        shown.contains("before the request was sent") && shown.contains("certificate"),
        "{shown}"
    );
    assert!(shown.contains("UnknownIssuer"), "{shown}");
    assert_eq!(emulator.stats().requests, 0, "nothing reached the emulator");
    emulator.shutdown().await;
}

#[tokio::test]
async fn a_certificate_for_another_host_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (emulator, ca) = https_emulator(dir.path(), &["gse.example.test"]).await;
    let error = join(&client(&emulator.url(), Some(&ca)), 3)
        .await
        .unwrap_err();
    let shown = error.to_string();
    assert!(
        shown.contains("certificate not valid for name \"127.0.0.1\"")
            && shown.contains("gse.example.test"),
        "{shown}"
    );
    assert_eq!(emulator.stats().requests, 0);
    emulator.shutdown().await;
}

#[test]
fn an_unusable_root_certificate_is_refused_at_build() {
    let error = gse_e2e::builder("https://127.0.0.1:9", "AKIDHTTPS", "k")
        .add_root_certificates_pem(b"not a certificate".to_vec())
        .build()
        .unwrap_err();
    assert!(
        error.to_string().starts_with("root certificate:"),
        "{error}"
    );
}

#[test]
fn the_join_example_trusts_a_ca_given_by_flag_or_by_ssl_cert_file() {
    let dir = tempfile::tempdir().unwrap();
    let emulator = test_support::EmulatorBinary::start(
        &test_support::emulator_binary(),
        &[
            "--account",
            "AKIDHTTPS:https-secret-key",
            "--session",
            &format!("{SESSION}:1000"),
            "--tls-self-signed",
            dir.path().to_str().unwrap(),
        ],
    );
    assert!(emulator.url.starts_with("https://"), "{}", emulator.url);
    let ca = dir.path().join("ca.pem");
    let join = test_support::join_example();
    let run = |prefix: &str, ca_flag: bool, ssl_cert_file: bool| {
        let mut command = std::process::Command::new(&join);
        command
            .env("TENCENTCLOUD_SECRET_ID", "AKIDHTTPS")
            .env("TENCENTCLOUD_SECRET_KEY", "https-secret-key")
            .env_remove("SSL_CERT_FILE")
            .env_remove("SSL_CERT_DIR")
            .args(["--endpoint", &emulator.url, "--region", "ap-shanghai"])
            .args(["--session", SESSION, "--players", "30", "--prefix", prefix]);
        if ca_flag {
            command.arg("--ca-cert").arg(&ca);
        }
        if ssl_cert_file {
            command.env("SSL_CERT_FILE", &ca);
        }
        let out = command.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stdout, stderr) = run("flag", true, false);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("joined 30 of 30"), "{stdout}");
    let (code, stdout, stderr) = run("env", false, true);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("joined 30 of 30"), "{stdout}");
    let (code, _, stderr) = run("none", false, false);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("UnknownIssuer"), "{stderr}");
}
