//! Temporary credentials of a CAM role, from STS `AssumeRole` signed with another provider's
//! credentials, refreshed before they expire.
//!
//! This is the one API 3.0 action the runtime calls itself (see ARCHITECTURE.md's
//! invariants): a credentials provider sits under every generated client, so a client
//! generated for STS cannot be below it without a dependency cycle.

use super::error::CredentialsError;
use super::key::Credentials;
use super::provider::{process_env, CredentialsFuture, EnvLookup, ProvideCredentials};
use super::refreshing::RefreshingProvider;
use super::sts;
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// The role's credentials, from STS `AssumeRole` (version 2018-08-13) signed with the
/// `source` provider's credentials (a long-term key, itself from any provider: the
/// environment, the profile file, the default chain). `DurationSeconds` is 7 200 unless set
/// (at most 43 200); the endpoint is `https://sts.tencentcloudapi.com` unless
/// `TENCENTCLOUD_STS_ENDPOINT` or [`AssumeRoleProvider::endpoint`] names another. The
/// credentials are refreshed before they expire, one call for any number of callers.
pub struct AssumeRoleProvider {
    settings: Arc<Settings>,
    refreshing: OnceLock<RefreshingProvider>,
}

/// What an [`AssumeRoleProvider`] calls STS with.
struct Settings {
    source: Arc<dyn ProvideCredentials>,
    role_arn: String,
    session_name: String,
    duration: Duration,
    policy: Option<String>,
    endpoint: Option<String>,
    region: String,
    timeout: Duration,
    lookup: Box<EnvLookup>,
}

impl fmt::Debug for AssumeRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleProvider")
            .field("source", &self.settings.source)
            .field("role_arn", &self.settings.role_arn)
            .field("session_name", &self.settings.session_name)
            .field("duration", &self.settings.duration)
            .field("endpoint", &self.settings.endpoint)
            .field("region", &self.settings.region)
            .finish_non_exhaustive()
    }
}

impl AssumeRoleProvider {
    /// The default role session's lifetime, as the official SDKs ask for it.
    pub const DEFAULT_DURATION: Duration = Duration::from_secs(7200);
    /// The longest role session STS grants.
    pub const MAX_DURATION: Duration = Duration::from_secs(43_200);
    /// The region the STS call is sent in unless another is set (the Python SDK's).
    pub const DEFAULT_REGION: &'static str = "ap-guangzhou";
    /// The default timeout of the STS call.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

    /// Assumes `role_arn` (`qcs::cam::uin/…:roleName/…`) as session `session_name`, signing
    /// with `source`'s credentials.
    pub fn new(
        source: impl ProvideCredentials + 'static,
        role_arn: impl Into<String>,
        session_name: impl Into<String>,
    ) -> Self {
        Self {
            settings: Arc::new(Settings {
                source: Arc::new(source),
                role_arn: role_arn.into(),
                session_name: session_name.into(),
                duration: Self::DEFAULT_DURATION,
                policy: None,
                endpoint: None,
                region: Self::DEFAULT_REGION.to_owned(),
                timeout: Self::DEFAULT_TIMEOUT,
                lookup: Box::new(process_env),
            }),
            refreshing: OnceLock::new(),
        }
    }

    fn settings_mut(&mut self) -> &mut Settings {
        // Only the builder methods below call this, before any call shares the settings.
        Arc::get_mut(&mut self.settings).expect("settings are shared only once fetching")
    }

    /// The role session's lifetime (`DurationSeconds`).
    #[must_use]
    pub fn duration(mut self, duration: Duration) -> Self {
        self.settings_mut().duration = duration;
        self
    }

    /// A policy (JSON) limiting the session below the role's own permissions.
    #[must_use]
    pub fn policy(mut self, policy: impl Into<String>) -> Self {
        self.settings_mut().policy = Some(policy.into());
        self
    }

    /// Calls STS at `base_url` (e.g. `http://127.0.0.1:8080`) instead of the default endpoint.
    #[must_use]
    pub fn endpoint(mut self, base_url: impl Into<String>) -> Self {
        self.settings_mut().endpoint = Some(base_url.into());
        self
    }

    /// Sends the STS call in `region` instead of [`Self::DEFAULT_REGION`].
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.settings_mut().region = region.into();
        self
    }

    /// The STS call's timeout (default [`Self::DEFAULT_TIMEOUT`]).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings_mut().timeout = timeout;
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

impl ProvideCredentials for AssumeRoleProvider {
    fn provide(&self) -> CredentialsFuture<'_> {
        let refreshing = self.refreshing();
        Box::pin(async move {
            refreshing.provide().await.map_err(|error| match error {
                CredentialsError::RefreshFailed { reason } => {
                    CredentialsError::AssumeRole { reason }
                }
                other => other,
            })
        })
    }
}

impl Settings {
    fn check(&self) -> Result<(), String> {
        let chars = self.role_arn.chars().count();
        if !(1..=1024).contains(&chars) {
            return Err(format!(
                "RoleArn: {chars} characters given, 1 to 1024 allowed"
            ));
        }
        let chars = self.session_name.chars().count();
        if !(2..=128).contains(&chars) {
            return Err(format!(
                "RoleSessionName: {chars} characters given, 2 to 128 allowed"
            ));
        }
        if !self
            .session_name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_+=,.@-".contains(&b))
        {
            return Err("RoleSessionName: letters, digits and _+=,.@- only".to_owned());
        }
        let secs = self.duration.as_secs();
        if !(1..=AssumeRoleProvider::MAX_DURATION.as_secs()).contains(&secs) {
            return Err(format!(
                "DurationSeconds: {secs} given, 1 to {} allowed",
                AssumeRoleProvider::MAX_DURATION.as_secs()
            ));
        }
        Ok(())
    }

    /// One `AssumeRole`; the error names what was wrong, never a secret.
    async fn assume(&self) -> Result<Credentials, String> {
        self.check()?;
        let url = sts::url(self.endpoint.as_deref(), &*self.lookup)?;
        let source = self
            .source
            .provide()
            .await
            .map_err(|e| format!("the source credentials: {e}"))?;
        let mut params = serde_json::json!({
            "RoleArn": self.role_arn,
            "RoleSessionName": self.session_name,
            "DurationSeconds": self.duration.as_secs(),
        });
        if let Some(policy) = &self.policy {
            params["Policy"] = serde_json::Value::from(policy.as_str());
        }
        sts::call(
            &url,
            "AssumeRole",
            &params,
            Some(&source),
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
    fn answers_and_refusals_are_read_without_quoting_keys() {
        let good = br#"{"Response":{"Credentials":{"Token":"tok","TmpSecretId":"AKIDtmp","TmpSecretKey":"tmp-key"},"ExpiredTime":4102444800,"Expiration":"2100-01-01T00:00:00Z","RequestId":"r-1"}}"#;
        let c = sts::parse_answer(good, "AssumeRole").unwrap();
        assert_eq!((c.secret_id(), c.token()), ("AKIDtmp", Some("tok")));
        for (answer, expected) in [
            (&br#"{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"bad"},"RequestId":"r-2"}}"#[..], "STS refused AssumeRole: \"AuthFailure.SignatureFailure\" \"bad\" (RequestId \"r-2\")"),
            (br#"{"Response":{"Credentials":{"TmpSecretId":"AKID","TmpSecretKey":"tmp-key"},"ExpiredTime":1}}"#, "no Credentials.Token"),
            (br#"{"Response":{"Credentials":{"Token":"t","TmpSecretId":"AKID","TmpSecretKey":"tmp-key"}}}"#, "no ExpiredTime"),
            (b"<html>tmp-key</html>", "is not STS's JSON"),
            (br#"{"tmp-key":1}"#, "has no Response"),
        ] {
            let error = sts::parse_answer(answer, "AssumeRole").unwrap_err();
            assert!(error.contains(expected), "{error}");
            assert!(!error.contains("tmp-key"), "{error}");
        }
    }

    #[test]
    fn bad_settings_are_refused_naming_the_parameter() {
        let provider = |session: &str, duration: u64| {
            AssumeRoleProvider::new(
                Credentials::new("AKIDsource", "source-key").unwrap(),
                "qcs::cam::uin/100000000001:roleName/backend",
                session,
            )
            .duration(Duration::from_secs(duration))
        };
        assert!(provider("backend-1", 7200).settings.check().is_ok());
        let error = provider("x", 7200).settings.check().unwrap_err();
        assert!(
            error.contains("RoleSessionName: 1 characters given, 2 to 128"),
            "{error}"
        );
        let error = provider("a b", 7200).settings.check().unwrap_err();
        assert!(error.contains("RoleSessionName: letters"), "{error}");
        let error = provider("backend", 50_000).settings.check().unwrap_err();
        assert!(
            error.contains("DurationSeconds: 50000 given, 1 to 43200"),
            "{error}"
        );
    }
}
