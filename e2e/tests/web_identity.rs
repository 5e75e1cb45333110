//! A TKE pod's role through STS AssumeRoleWithWebIdentity against the emulator: configured by
//! the TKE variables, the token file read at each fetch, unsigned; and the default chain
//! asking it before the CVM role.

use gse_client::credentials::{
    CredentialsError, CvmRoleProvider, DefaultChain, EnvProvider, ProfileProvider,
    ProvideCredentials, WebIdentityProvider,
};
use gse_e2e::builder_with;
use gse_emulator::{EmulatorConfig, SessionSpec};

const TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.pod-token.signature";

fn tke_env(
    emulator_url: String,
    token_file: std::path::PathBuf,
) -> impl Fn(&str) -> Option<String> + Send + Sync + Clone + 'static {
    move |name: &str| {
        Some(match name {
            "TKE_REGION" => "ap-guangzhou".to_owned(),
            "TKE_PROVIDER_ID" => "oidc-tke-1".to_owned(),
            "TKE_WEB_IDENTITY_TOKEN_FILE" => token_file.display().to_string(),
            "TKE_ROLE_ARN" => "qcs::cam::uin/100000000001:roleName/pod-role".to_owned(),
            "TENCENTCLOUD_STS_ENDPOINT" => emulator_url.clone(),
            _ => return None,
        })
    }
}

#[tokio::test]
async fn a_pod_joins_players_with_its_oidc_role_and_the_token_file_is_read_at_each_fetch() {
    let emulator = EmulatorConfig::default()
        .session(SessionSpec::new("gssess-pod", 10))
        .web_identity("oidc-tke-1", TOKEN)
        .cvm_role("node-role")
        .start()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let token_file = dir.path().join("token");
    std::fs::write(&token_file, "a-stale-token").unwrap();
    let lookup = tke_env(emulator.url(), token_file.clone());

    // A token STS does not trust: a clear error, the token not shown.
    let provider = WebIdentityProvider::from_tke_env(lookup.clone()).unwrap();
    let error = provider.provide().await.unwrap_err();
    let text = format!("{error} {error:?}");
    assert!(
        matches!(error, CredentialsError::WebIdentity { .. }),
        "{text}"
    );
    assert!(
        text.contains("STS refused AssumeRoleWithWebIdentity"),
        "{text}"
    );
    assert!(!text.contains("a-stale-token"), "{text}");

    // TKE rotates the file: the next fetch reads the new token.
    std::fs::write(&token_file, format!("{TOKEN}\n")).unwrap();
    let credentials = provider.provide().await.unwrap();
    assert!(credentials.token().is_some());

    // The default chain, with nothing in the environment or a profile file, asks the pod's
    // role (not the node's CVM role, which the emulator also serves).
    let chain = DefaultChain::with_providers(
        EnvProvider::with_lookup(|_| None),
        ProfileProvider::new().path(dir.path().join("absent")),
    )
    .web_identity(WebIdentityProvider::from_tke_env(lookup))
    .cvm_role(CvmRoleProvider::new().endpoint(emulator.url()));
    let client = builder_with(emulator.url(), ChainProvider(chain.resolve().unwrap()))
        .build()
        .unwrap();
    client
        .join_game_server_session_batch()
        .game_server_session_id("gssess-pod")
        .player_ids(vec!["pod-player".to_owned()])
        .send()
        .await
        .unwrap();
    let stats = emulator.stats();
    assert_eq!(
        stats.temporary_credentials_issued, 2,
        "two web-identity fetches, no CVM one"
    );
    assert_eq!(stats.joined_players, 1);
    emulator.shutdown().await;
}

/// The chain's resolved provider, passed to the builder as a provider of its own.
#[derive(Debug)]
struct ChainProvider(std::sync::Arc<dyn ProvideCredentials>);

impl ProvideCredentials for ChainProvider {
    fn provide(&self) -> gse_client::credentials::CredentialsFuture<'_> {
        self.0.provide()
    }
}

#[test]
fn without_the_tke_variables_there_is_no_pod_role_to_ask() {
    assert!(WebIdentityProvider::from_tke_env(|_| None).is_none());
}
