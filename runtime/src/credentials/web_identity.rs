//! Temporary credentials of a CAM role for a TKE pod: STS `AssumeRoleWithWebIdentity` with
//! the pod's OIDC token, sent unsigned as the official SDKs send it, refreshed before expiry.

use super::error::CredentialsError;
use super::key::Credentials;
use super::provider::{process_env, CredentialsFuture, EnvLookup, ProvideCredentials};
use super::refreshing::RefreshingProvider;
use super::sts;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The TKE variables the provider is configured from, as the official SDKs read them.
pub const ENV_TKE_REGION: &str = "TKE_REGION";
/// The OIDC provider's id.
pub const ENV_TKE_PROVIDER_ID: &str = "TKE_PROVIDER_ID";
/// The file holding the pod's web-identity token (TKE rotates it: it is read at each fetch).
pub const ENV_TKE_WEB_IDENTITY_TOKEN_FILE: &str = "TKE_WEB_IDENTITY_TOKEN_FILE";
/// The role to assume.
pub const ENV_TKE_ROLE_ARN: &str = "TKE_ROLE_ARN";

/// The largest token file read (a real token is a few kilobytes).
const MAX_TOKEN_FILE_BYTES: u64 = 64 * 1024;

/// A TKE pod's role credentials: `AssumeRoleWithWebIdentity` with the provider id, the token
/// read from its file at each fetch, the role ARN and a session name, in the region given,
/// configured in code or from `TKE_REGION`, `TKE_PROVIDER_ID`, `TKE_WEB_IDENTITY_TOKEN_FILE`
/// and `TKE_ROLE_ARN` ([`WebIdentityProvider::from_tke_env`]). The request is not signed (the
/// token is the proof); the credentials are refreshed before they expire, one call for any
/// number of callers.
pub struct WebIdentityProvider {
    settings: Arc<Settings>,
    refreshing: OnceLock<RefreshingProvider>,
}

struct Settings {
    region: String,
    provider_id: String,
    token_file: PathBuf,
    role_arn: String,
    session_name: Option<String>,
    duration: Duration,
    endpoint: Option<String>,
    timeout: Duration,
    lookup: Box<EnvLookup>,
}

impl fmt::Debug for WebIdentityProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityProvider")
            .field("region", &self.settings.region)
            .field("provider_id", &self.settings.provider_id)
            .field("token_file", &self.settings.token_file)
            .field("role_arn", &self.settings.role_arn)
            .field("endpoint", &self.settings.endpoint)
            .finish_non_exhaustive()
    }
}

impl WebIdentityProvider {
    /// The role session's default lifetime.
    pub const DEFAULT_DURATION: Duration = Duration::from_secs(7200);

    /// Assumes `role_arn` with the token in `token_file`, from OIDC provider `provider_id`, in
    /// `region`.
    pub fn new(
        region: impl Into<String>,
        provider_id: impl Into<String>,
        token_file: impl Into<PathBuf>,
        role_arn: impl Into<String>,
    ) -> Self {
        Self {
            settings: Arc::new(Settings {
                region: region.into(),
                provider_id: provider_id.into(),
                token_file: token_file.into(),
                role_arn: role_arn.into(),
                session_name: None,
                duration: Self::DEFAULT_DURATION,
                endpoint: None,
                timeout: Duration::from_secs(5),
                lookup: Box::new(process_env),
            }),
            refreshing: OnceLock::new(),
        }
    }

    /// The provider the TKE variables configure, looked up through `lookup` (the process's
    /// environment: `|name| std::env::var(name).ok()`); `None` when any of the four is unset
    /// or empty, so that a chain skips it without a network call.
    pub fn from_tke_env(
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Option<Self> {
        let get = |name| lookup(name).filter(|v| !v.is_empty());
        let provider = Self::new(
            get(ENV_TKE_REGION)?,
            get(ENV_TKE_PROVIDER_ID)?,
            get(ENV_TKE_WEB_IDENTITY_TOKEN_FILE)?,
            get(ENV_TKE_ROLE_ARN)?,
        );
        Some(provider.with_lookup(lookup))
    }

    fn settings_mut(&mut self) -> &mut Settings {
        Arc::get_mut(&mut self.settings).expect("settings are shared only once fetching")
    }

    /// The role session's name (default: `tc3-runtime-` and the time in microseconds).
    #[must_use]
    pub fn session_name(mut self, name: impl Into<String>) -> Self {
        self.settings_mut().session_name = Some(name.into());
        self
    }

    /// The role session's lifetime (`DurationSeconds`, default two hours).
    #[must_use]
    pub fn duration(mut self, duration: Duration) -> Self {
        self.settings_mut().duration = duration;
        self
    }

    /// Calls STS at `base_url` instead of `TENCENTCLOUD_STS_ENDPOINT` or STS's own.
    #[must_use]
    pub fn endpoint(mut self, base_url: impl Into<String>) -> Self {
        self.settings_mut().endpoint = Some(base_url.into());
        self
    }

    /// Resolves `TENCENTCLOUD_STS_ENDPOINT` through `lookup`.
    #[must_use]
    pub fn with_lookup(
        mut self,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.settings_mut().lookup = Box::new(lookup);
        self
    }

    fn refreshing(&self) -> &RefreshingProvider {
        self.refreshing.get_or_init(|| {
            let settings = self.settings.clone();
            RefreshingProvider::new(move || {
                let settings = settings.clone();
                async move { settings.assume().await }
            })
        })
    }
}

impl ProvideCredentials for WebIdentityProvider {
    fn provide(&self) -> CredentialsFuture<'_> {
        let refreshing = self.refreshing();
        Box::pin(async move {
            refreshing.provide().await.map_err(|error| match error {
                CredentialsError::RefreshFailed { reason } => {
                    CredentialsError::WebIdentity { reason }
                }
                other => other,
            })
        })
    }
}

impl Settings {
    /// The token, read now (TKE rotates the file); never shown in an error.
    fn token(&self) -> Result<String, String> {
        use std::io::Read;
        let path = self.token_file.display();
        let metadata = std::fs::metadata(&self.token_file)
            .map_err(|e| format!("cannot read the token file {path}: {e}"))?;
        if !metadata.is_file() {
            return Err(format!("the token file {path} is not a regular file"));
        }
        let mut text = String::new();
        std::fs::File::open(&self.token_file)
            .and_then(|f| f.take(MAX_TOKEN_FILE_BYTES + 1).read_to_string(&mut text))
            .map_err(|e| format!("cannot read the token file {path}: {e}"))?;
        if text.len() as u64 > MAX_TOKEN_FILE_BYTES {
            return Err(format!(
                "the token file {path} is larger than {MAX_TOKEN_FILE_BYTES} bytes"
            ));
        }
        let token = text.trim();
        if token.is_empty() {
            return Err(format!("the token file {path} is empty"));
        }
        Ok(token.to_owned())
    }

    async fn assume(&self) -> Result<Credentials, String> {
        let token = self.token()?;
        let url = sts::url(self.endpoint.as_deref(), &*self.lookup)?;
        let session = self.session_name.clone().unwrap_or_else(|| {
            let micros = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_micros());
            format!("tc3-runtime-{micros}")
        });
        let params = serde_json::json!({
            "ProviderId": self.provider_id,
            "WebIdentityToken": token,
            "RoleArn": self.role_arn,
            "RoleSessionName": session,
            "DurationSeconds": self.duration.as_secs(),
        });
        sts::call(
            &url,
            "AssumeRoleWithWebIdentity",
            &params,
            None,
            &self.region,
            self.timeout,
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tke_variables_configure_it_and_any_missing_one_skips_it() {
        let all = |name: &str| match name {
            ENV_TKE_REGION => Some("ap-guangzhou".to_owned()),
            ENV_TKE_PROVIDER_ID => Some("oidc-1".to_owned()),
            ENV_TKE_WEB_IDENTITY_TOKEN_FILE => Some("/var/run/token".to_owned()),
            ENV_TKE_ROLE_ARN => Some("qcs::cam::uin/1:roleName/pod".to_owned()),
            _ => None,
        };
        let provider = WebIdentityProvider::from_tke_env(all).unwrap();
        assert_eq!(provider.settings.provider_id, "oidc-1");
        for missing in [
            ENV_TKE_REGION,
            ENV_TKE_PROVIDER_ID,
            ENV_TKE_WEB_IDENTITY_TOKEN_FILE,
            ENV_TKE_ROLE_ARN,
        ] {
            let without = move |name: &str| if name == missing { None } else { all(name) };
            assert!(
                WebIdentityProvider::from_tke_env(without).is_none(),
                "{missing}"
            );
        }
    }
}
