//! Temporary credentials of the CAM role bound to the CVM instance the process runs on, from
//! the instance metadata service, refreshed before they expire.

use super::error::CredentialsError;
use super::key::Credentials;
use super::provider::{process_env, CredentialsFuture, EnvLookup, ProvideCredentials};
use super::refreshing::RefreshingProvider;
use super::variables::{DEFAULT_METADATA_ENDPOINT, ENV_METADATA_ENDPOINT};
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The path under the metadata endpoint that lists the instance's role and, below it, gives
/// each role's credentials.
const CREDENTIALS_PATH: &str = "/latest/meta-data/cam/security-credentials/";

/// The largest metadata answer read (a real one is a few hundred bytes).
pub const MAX_METADATA_ANSWER_BYTES: usize = 16 * 1024;

/// The longest a role name may be.
const MAX_ROLE_NAME_CHARS: usize = 128;

/// Credentials of the CVM instance's CAM role, as the official SDKs fetch them: `GET
/// {endpoint}/latest/meta-data/cam/security-credentials/` names the role (unless it is given),
/// `GET …/security-credentials/{role}` answers `TmpSecretId`, `TmpSecretKey`, `Token` and
/// `ExpiredTime`. The endpoint is `http://metadata.tencentyun.com` unless
/// `TENCENTCLOUD_METADATA_ENDPOINT` or [`CvmRoleProvider::endpoint`] names another. Each
/// request has a short timeout, answers are read up to [`MAX_METADATA_ANSWER_BYTES`], and the
/// credentials are refreshed before they expire (one fetch for any number of callers).
pub struct CvmRoleProvider {
    settings: Arc<Settings>,
    refreshing: OnceLock<RefreshingProvider>,
}

/// What a [`CvmRoleProvider`] fetches with.
struct Settings {
    endpoint: Option<String>,
    role: Option<String>,
    timeout: Duration,
    lookup: Box<EnvLookup>,
}

impl fmt::Debug for CvmRoleProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CvmRoleProvider")
            .field("endpoint", &self.settings.endpoint)
            .field("role", &self.settings.role)
            .field("timeout", &self.settings.timeout)
            .finish_non_exhaustive()
    }
}

impl Default for CvmRoleProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl CvmRoleProvider {
    /// The default timeout of each metadata request (connecting included).
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

    /// The role the metadata service names, from the default endpoint.
    #[must_use]
    pub fn new() -> Self {
        Self {
            settings: Arc::new(Settings {
                endpoint: None,
                role: None,
                timeout: Self::DEFAULT_TIMEOUT,
                lookup: Box::new(process_env),
            }),
            refreshing: OnceLock::new(),
        }
    }

    fn settings_mut(&mut self) -> &mut Settings {
        // Only the builder methods below call this, before any fetch shares the settings.
        Arc::get_mut(&mut self.settings).expect("settings are shared only once fetching")
    }

    /// Fetches from `base_url` (e.g. `http://127.0.0.1:8080`) instead of the default endpoint.
    #[must_use]
    pub fn endpoint(mut self, base_url: impl Into<String>) -> Self {
        self.settings_mut().endpoint = Some(base_url.into());
        self
    }

    /// Fetches the credentials of `role` instead of the role the metadata service names.
    #[must_use]
    pub fn role(mut self, role: impl Into<String>) -> Self {
        self.settings_mut().role = Some(role.into());
        self
    }

    /// The timeout of each metadata request (default [`Self::DEFAULT_TIMEOUT`]).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings_mut().timeout = timeout;
        self
    }

    /// Resolves `TENCENTCLOUD_METADATA_ENDPOINT` through `lookup`.
    #[must_use]
    pub fn with_lookup(
        mut self,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.settings_mut().lookup = Box::new(lookup);
        self
    }

    /// The base URL this provider fetches from.
    #[must_use]
    pub fn base_url(&self) -> String {
        self.settings.base_url()
    }

    fn refreshing(&self) -> &RefreshingProvider {
        self.refreshing.get_or_init(|| {
            let settings = self.settings.clone();
            RefreshingProvider::new(move || {
                let settings = settings.clone();
                async move { settings.fetch().await }
            })
        })
    }
}

impl ProvideCredentials for CvmRoleProvider {
    fn provide(&self) -> CredentialsFuture<'_> {
        let refreshing = self.refreshing();
        Box::pin(async move {
            refreshing.provide().await.map_err(|error| match error {
                CredentialsError::RefreshFailed { reason } => CredentialsError::CvmRole { reason },
                other => other,
            })
        })
    }
}

impl Settings {
    fn base_url(&self) -> String {
        let base = self
            .endpoint
            .clone()
            .or_else(|| (self.lookup)(ENV_METADATA_ENDPOINT).filter(|e| !e.is_empty()))
            .unwrap_or_else(|| DEFAULT_METADATA_ENDPOINT.to_owned());
        base.trim_end_matches('/').to_owned()
    }

    /// The role's credentials now; the error names the URL and what was wrong, never a
    /// secret (the answer's text is never shown).
    async fn fetch(&self) -> Result<Credentials, String> {
        crate::tls::install_default_provider();
        let http = reqwest::Client::builder()
            .no_proxy()
            .connect_timeout(self.timeout)
            .timeout(self.timeout)
            .build()
            .map_err(|e| format!("cannot build the metadata client: {e}"))?;
        let base = self.base_url();
        let role = match &self.role {
            Some(role) => role.clone(),
            None => {
                let url = format!("{base}{CREDENTIALS_PATH}");
                let text = get(&http, &url).await?;
                let role = text.lines().next().unwrap_or_default().trim().to_owned();
                check_role(&role)
                    .map_err(|problem| format!("{url} names a role that {problem}"))?;
                role
            }
        };
        check_role(&role).map_err(|problem| format!("the role name {problem}"))?;
        let url = format!("{base}{CREDENTIALS_PATH}{role}");
        let text = get(&http, &url).await?;
        parse_credentials(&text).map_err(|problem| format!("{url}: {problem}"))
    }
}

/// Why `role` cannot be a role name, if it cannot.
fn check_role(role: &str) -> Result<(), String> {
    if role.is_empty() {
        return Err("is empty (is a CAM role bound to this instance?)".to_owned());
    }
    if role.chars().count() > MAX_ROLE_NAME_CHARS {
        return Err(format!(
            "has {} characters, at most {MAX_ROLE_NAME_CHARS} allowed",
            role.chars().count()
        ));
    }
    if !role
        .bytes()
        .all(|b| b.is_ascii_graphic() && !matches!(b, b'/' | b'?' | b'#' | b'%'))
    {
        return Err(
            "has a character other than visible ASCII (or a `/`, `?`, `#`, `%`)".to_owned(),
        );
    }
    Ok(())
}

/// The body of a `GET`, at most [`MAX_METADATA_ANSWER_BYTES`], as UTF-8 text.
async fn get(http: &reqwest::Client, url: &str) -> Result<String, String> {
    let what = format!("GET {url}");
    let (status, body) =
        super::fetch::bounded_body(http.get(url).send().await, &what, MAX_METADATA_ANSWER_BYTES)
            .await?;
    if !status.is_success() {
        return Err(format!("{what} answered HTTP {}", status.as_u16()));
    }
    String::from_utf8(body).map_err(|_| format!("{url} answered text that is not UTF-8"))
}

/// The credentials of a role's answer; the problem never quotes the answer (it holds keys).
fn parse_credentials(text: &str) -> Result<Credentials, String> {
    #[derive(serde::Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Answer {
        code: Option<String>,
        tmp_secret_id: Option<String>,
        tmp_secret_key: Option<String>,
        token: Option<String>,
        expired_time: Option<u64>,
    }
    let answer: Answer = serde_json::from_str(text).map_err(|e| {
        format!(
            "the answer is not the metadata service's JSON (at line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    match answer.code.as_deref() {
        Some("Success") => {}
        Some(code) => {
            let shown = crate::text::quoted(code, 64);
            return Err(format!("the answer's Code is {shown}, not \"Success\""));
        }
        None => return Err("the answer has no Code".to_owned()),
    }
    let field = |value: Option<String>, name: &str| {
        value
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("the answer has no {name}"))
    };
    let id = field(answer.tmp_secret_id, "TmpSecretId")?;
    let key = field(answer.tmp_secret_key, "TmpSecretKey")?;
    let token = field(answer.token, "Token")?;
    let expired = answer
        .expired_time
        .ok_or_else(|| "the answer has no ExpiredTime".to_owned())?;
    let expires_at = UNIX_EPOCH
        .checked_add(Duration::from_secs(expired))
        .filter(|at| *at > SystemTime::UNIX_EPOCH)
        .ok_or_else(|| format!("the answer's ExpiredTime {expired} is not a time"))?;
    Credentials::with_token(id, key, token)
        .map(|c| c.expiring_at(expires_at))
        .map_err(|e| format!("the answer's credentials are unusable: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_read_strictly_and_never_quoted() {
        let good = r#"{"TmpSecretId":"AKIDtmp","TmpSecretKey":"tmp-key","Token":"tok","ExpiredTime":4102444800,"Expiration":"2100-01-01T00:00:00Z","Code":"Success"}"#;
        let c = parse_credentials(good).unwrap();
        assert_eq!((c.secret_id(), c.token()), ("AKIDtmp", Some("tok")));
        assert_eq!(
            c.expires_at(),
            Some(UNIX_EPOCH + Duration::from_secs(4_102_444_800))
        );
        for (answer, expected) in [
            ("not json tmp-key", "is not the metadata service's JSON"),
            (
                r#"{"Code":"InternalError","TmpSecretKey":"tmp-key"}"#,
                "Code is \"InternalError\"",
            ),
            (r#"{"TmpSecretKey":"tmp-key"}"#, "has no Code"),
            (
                r#"{"Code":"Success","TmpSecretId":"AKID","TmpSecretKey":"tmp-key","Token":"t"}"#,
                "no ExpiredTime",
            ),
            (
                r#"{"Code":"Success","TmpSecretId":"AKID","TmpSecretKey":"","Token":"t","ExpiredTime":1}"#,
                "no TmpSecretKey",
            ),
            (
                r#"{"Code":"Success","TmpSecretId":"AKID","TmpSecretKey":"k","Token":"t","ExpiredTime":-1}"#,
                "not the metadata service's JSON",
            ),
        ] {
            let error = parse_credentials(answer).unwrap_err();
            assert!(error.contains(expected), "{answer}: {error}");
            assert!(!error.contains("tmp-key"), "{error}");
        }
    }

    #[test]
    fn role_names_are_checked() {
        assert!(check_role("game-backend").is_ok());
        assert!(check_role("").unwrap_err().contains("empty"));
        assert!(check_role("a/b").is_err());
        assert!(check_role("caf\u{e9}").is_err());
        assert!(check_role(&"r".repeat(129))
            .unwrap_err()
            .contains("129 characters"));
    }

    #[test]
    fn the_endpoint_comes_from_code_then_the_variable_then_the_default() {
        let from_env = CvmRoleProvider::new().with_lookup(|name| {
            (name == ENV_METADATA_ENDPOINT).then(|| "http://127.0.0.1:9/".to_owned())
        });
        assert_eq!(from_env.base_url(), "http://127.0.0.1:9");
        let given = CvmRoleProvider::new()
            .with_lookup(|_| Some("http://127.0.0.1:9".to_owned()))
            .endpoint("http://127.0.0.1:10");
        assert_eq!(given.base_url(), "http://127.0.0.1:10");
        assert_eq!(
            CvmRoleProvider::new().with_lookup(|_| None).base_url(),
            DEFAULT_METADATA_ENDPOINT
        );
    }
}
