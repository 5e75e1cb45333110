//! Endpoint, region and language settings of the client builder.

use gse_client::credentials::Credentials;
use gse_client::{api, Client, Language};
use test_support::StubServer;

fn credentials() -> Credentials {
    Credentials::new("AKIDTEST", "k").unwrap()
}

#[test]
fn the_endpoint_defaults_to_the_specs_server_and_accepts_loopback_http() {
    let client = Client::builder()
        .region("ap-shanghai")
        .credentials(credentials())
        .build()
        .unwrap();
    assert_eq!(client.runtime().endpoint(), api::SERVICE.default_endpoint);
    let client = Client::builder()
        .endpoint("http://127.0.0.1:8080/")
        .region("ap-shanghai")
        .credentials(credentials())
        .build()
        .unwrap();
    assert_eq!(client.runtime().endpoint(), "http://127.0.0.1:8080");
}

#[test]
fn a_bad_endpoint_or_region_names_the_setting_and_value() {
    let e = Client::builder()
        .endpoint("http://127.0.0.1:8080/v3")
        .region("ap-shanghai")
        .credentials(credentials())
        .build()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "endpoint \"http://127.0.0.1:8080/v3\": every action is sent to `/`: give no path, query or fragment"
    );
    let e = Client::builder()
        .region("Shanghai!")
        .credentials(credentials())
        .build()
        .unwrap_err();
    assert!(
        e.to_string().starts_with("region \"Shanghai!\": must be"),
        "{e}"
    );
}

#[test]
fn the_region_comes_from_the_environment_when_not_given() {
    // nextest runs each test in its own process, so this variable is this test's alone.
    std::env::remove_var("TENCENTCLOUD_REGION");
    let e = Client::builder()
        .credentials(credentials())
        .build()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "region: not set; call .region(..) or set TENCENTCLOUD_REGION"
    );
    std::env::set_var("TENCENTCLOUD_REGION", "ap-guangzhou");
    let client = Client::builder()
        .credentials(credentials())
        .build()
        .unwrap();
    assert_eq!(client.runtime().region(), Some("ap-guangzhou"));
    let client = Client::builder()
        .region("ap-beijing")
        .credentials(credentials())
        .build()
        .unwrap();
    assert_eq!(
        client.runtime().region(),
        Some("ap-beijing"),
        "the builder wins"
    );
}

#[tokio::test]
async fn language_is_sent_when_set() {
    let stub = StubServer::start(r#"{"Response":{"RequestId":"r"}}"#).await;
    for (language, expected) in [(Some(Language::EnUs), Some("en-US")), (None, None)] {
        let mut builder = gse_e2e::builder(stub.url(), "AKIDTEST", "k");
        if let Some(language) = language {
            builder = builder.language(language);
        }
        builder
            .build()
            .unwrap()
            .join_game_server_session_batch()
            .game_server_session_id("s")
            .player_ids(vec!["p".to_owned()])
            .send()
            .await
            .unwrap();
        let last = stub.requests().pop().unwrap();
        assert_eq!(last.header("x-tc-language"), expected);
    }
    stub.stop().await;
}
