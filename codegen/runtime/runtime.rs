//! What every generated client carries besides progenitor's code: the credentials, region and
//! signer, the clock and its learned skew, the builder that assembles them, and the hooks
//! that sign each request and correct the clock when the service says it is off.

use crate::credentials::{Credentials, CredentialsError, DefaultChain, ProvideCredentials};
use crate::signing::{sign_request, RequestContext, Signer, SigningError};
use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Environment variable naming the region when the builder is given none.
pub const ENV_REGION: &str = "TENCENTCLOUD_REGION";
/// The error code the service answers when a request's timestamp is too far from its clock.
pub const SIGNATURE_EXPIRE: &str = "AuthFailure.SignatureExpire";
/// Default time allowed for one HTTP exchange (the official SDKs' value).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The language of the service's messages (`X-TC-Language`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    /// `zh-CN`
    ZhCn,
    /// `en-US`
    EnUs,
}

impl Language {
    /// The header value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::EnUs => "en-US",
        }
    }
}

/// Where the client reads the time from; replace it to sign with a chosen time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// The system's clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock stopped at one instant (tests, reproducible signatures).
#[derive(Clone, Copy, Debug)]
pub struct FixedClock(pub SystemTime);

impl FixedClock {
    /// A clock stopped at a Unix timestamp.
    pub fn at_unix(seconds: u64) -> Self {
        Self(UNIX_EPOCH + Duration::from_secs(seconds))
    }
}

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// The state a client shares with all its clones (progenitor's inner type).
#[derive(Clone, Debug)]
pub struct Runtime {
    credentials: Arc<dyn ProvideCredentials>,
    region: Option<String>,
    language: Option<Language>,
    signer: Arc<Signer>,
    clock: Arc<dyn Clock>,
    skew_seconds: Arc<AtomicI64>,
}

/// Why a request could not be prepared for sending.
#[derive(Debug)]
pub enum PrepareError {
    /// No usable credentials.
    Credentials(CredentialsError),
    /// The request could not be signed.
    Signing(SigningError),
}

impl fmt::Display for PrepareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Credentials(e) => write!(f, "cannot sign the request: {e}"),
            Self::Signing(e) => write!(f, "cannot sign the request: {e}"),
        }
    }
}

impl std::error::Error for PrepareError {}

impl Runtime {
    /// The region sent as `X-TC-Region`.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The seconds added to the clock, learned from the service's `Date` header.
    pub fn clock_skew_seconds(&self) -> i64 {
        self.skew_seconds.load(Ordering::Relaxed)
    }

    /// The timestamp to sign with: the clock's time corrected by the learned skew.
    pub fn timestamp(&self) -> i64 {
        unix_seconds(self.clock.now()).saturating_add(self.clock_skew_seconds())
    }

    /// Signs `request` with fresh credentials and the corrected time.
    pub async fn sign(&self, request: &mut reqwest::Request) -> Result<(), PrepareError> {
        let credentials: Credentials = self
            .credentials
            .provide()
            .await
            .map_err(PrepareError::Credentials)?;
        let timestamp = self.timestamp();
        let context = RequestContext {
            region: self.region.as_deref(),
            language: self.language.map(Language::as_str),
        };
        sign_request(request, &self.signer, &credentials, timestamp, context)
            .map_err(PrepareError::Signing)?;
        tracing::debug!(
            secret_id = credentials.secret_id(),
            timestamp,
            url = %request.url(),
            "signed request"
        );
        Ok(())
    }

    /// Sends `request`; when the service answers that its timestamp is too far off, learns
    /// the offset from the answer's `Date` header, keeps it for later requests, and sends
    /// the request once more, signed with the corrected time.
    pub async fn execute(
        &self,
        http: &reqwest::Client,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        let retry = request.try_clone();
        let response = http.execute(request).await?;
        let Some(mut retry) = retry else {
            return Ok(response);
        };
        if response.status() != reqwest::StatusCode::OK {
            return Ok(response);
        }
        let status = response.status();
        let version = response.version();
        let headers = response.headers().clone();
        let body = response.bytes().await?;
        let rebuild = |body| {
            let mut rebuilt = http::Response::new(body);
            *rebuilt.status_mut() = status;
            *rebuilt.version_mut() = version;
            *rebuilt.headers_mut() = headers.clone();
            reqwest::Response::from(rebuilt)
        };
        if !is_signature_expire(&body) {
            return Ok(rebuild(body));
        }
        let server_now = headers
            .get(reqwest::header::DATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| httpdate::parse_http_date(v).ok());
        let Some(server_now) = server_now else {
            tracing::warn!("the service reports clock skew but sent no usable Date header");
            return Ok(rebuild(body));
        };
        let skew = unix_seconds(server_now) - unix_seconds(self.clock.now());
        self.skew_seconds.store(skew, Ordering::Relaxed);
        tracing::warn!(
            skew_seconds = skew,
            "the local clock is off; retrying once with the service's time"
        );
        if self.sign(&mut retry).await.is_err() {
            return Ok(rebuild(body));
        }
        http.execute(retry).await
    }
}

/// Whether an answer's body is the envelope of a clock-skew error.
fn is_signature_expire(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Envelope {
        #[serde(rename = "Response")]
        response: Inner,
    }
    #[derive(serde::Deserialize)]
    struct Inner {
        #[serde(rename = "Error")]
        error: Option<ErrorPart>,
    }
    #[derive(serde::Deserialize)]
    struct ErrorPart {
        #[serde(rename = "Code")]
        code: Option<String>,
    }
    memchr::memmem::find(body, SIGNATURE_EXPIRE.as_bytes()).is_some()
        && serde_json::from_slice::<Envelope>(body).is_ok_and(|e| {
            e.response
                .error
                .and_then(|e| e.code)
                .is_some_and(|c| c == SIGNATURE_EXPIRE)
        })
}

/// Why a client could not be built. Names the setting and the value given.
#[derive(Debug)]
pub enum BuildError {
    /// The endpoint is not an http(s) URL with nothing after the host but `/`.
    Endpoint {
        /// The value given.
        value: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// No region was given and `TENCENTCLOUD_REGION` is not set, or it is malformed.
    Region {
        /// The value given, if any.
        value: Option<String>,
        /// What is wrong.
        problem: &'static str,
    },
    /// No credentials were given and the default chain found none.
    Credentials(CredentialsError),
    /// The HTTP client could not be built.
    Http(reqwest::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Endpoint { value, problem } => write!(f, "endpoint {value:?}: {problem}"),
            Self::Region {
                value: Some(value),
                problem,
            } => write!(f, "region {value:?}: {problem}"),
            Self::Region {
                value: None,
                problem,
            } => write!(f, "region: {problem}"),
            Self::Credentials(e) => write!(f, "credentials: {e}"),
            Self::Http(e) => write!(f, "HTTP client: {e}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Builds a [`crate::Client`]: endpoint, region, credentials, language, timeouts, clock.
#[derive(Debug, Default)]
pub struct ClientBuilder {
    endpoint: Option<String>,
    region: Option<String>,
    language: Option<Language>,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    http_client: Option<reqwest::Client>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    clock: Option<Arc<dyn Clock>>,
}

impl ClientBuilder {
    /// The service's URL, e.g. `http://127.0.0.1:8080` for a local emulator. Defaults to the
    /// spec's server.
    pub fn endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = Some(endpoint.into());
        self
    }

    /// The region (`X-TC-Region`), e.g. `ap-shanghai`. Defaults to `TENCENTCLOUD_REGION`.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The language of the service's messages.
    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// Where credentials come from. Defaults to [`DefaultChain`] (environment, then profile).
    pub fn credentials(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.credentials = Some(Arc::new(provider));
        self
    }

    /// Uses this HTTP client (proxies, TLS settings); the timeouts below are then its own.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Time allowed for one HTTP exchange (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// The clock requests are timestamped with (default: the system's).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<crate::Client, BuildError> {
        let endpoint = normalize_endpoint(
            self.endpoint
                .as_deref()
                .unwrap_or(crate::api::DEFAULT_ENDPOINT),
        )?;
        let region = match self.region {
            Some(region) => region,
            None => std::env::var(ENV_REGION).map_err(|_| BuildError::Region {
                value: None,
                problem: "not set; call .region(..) or set TENCENTCLOUD_REGION",
            })?,
        };
        check_region(&region)?;
        let credentials = match self.credentials {
            Some(provider) => provider,
            None => Arc::new(
                DefaultChain::new()
                    .load()
                    .map_err(BuildError::Credentials)?,
            ),
        };
        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .build()
                .map_err(BuildError::Http)?,
        };
        let runtime = Runtime {
            credentials,
            region: Some(region),
            language: self.language,
            signer: Arc::new(Signer::new(crate::api::SERVICE)),
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            skew_seconds: Arc::new(AtomicI64::new(0)),
        };
        Ok(crate::Client::new_with_client(&endpoint, http, runtime))
    }
}

/// The endpoint without a trailing `/`, after checking it is a usable base URL.
fn normalize_endpoint(value: &str) -> Result<String, BuildError> {
    let fail = |problem| BuildError::Endpoint {
        value: value.to_string(),
        problem,
    };
    let url = reqwest::Url::parse(value).map_err(|_| fail("not a valid URL"))?;
    if url.scheme() != "https" && url.scheme() != "http" {
        return Err(fail("the scheme must be https or http"));
    }
    if url.host_str().is_none() {
        return Err(fail("the URL has no host"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(fail(
            "every action is sent to `/`: give no path, query or fragment",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(fail("credentials do not belong in the URL"));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

fn check_region(region: &str) -> Result<(), BuildError> {
    let valid = !region.is_empty()
        && region.len() <= 64
        && region
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if valid {
        Ok(())
    } else {
        Err(BuildError::Region {
            value: Some(region.to_string()),
            problem: "must be 1 to 64 lowercase letters, digits and dashes, e.g. ap-shanghai",
        })
    }
}

impl crate::Client {
    /// Starts building a client; see [`ClientBuilder`].
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The region, credentials and signer this client uses.
    pub fn runtime(&self) -> &Runtime {
        &self.inner
    }
}

impl progenitor_client::ClientHooks<Runtime> for crate::Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &progenitor_client::OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        self.inner
            .sign(request)
            .await
            .map_err(|e| progenitor_client::Error::Custom(e.to_string()))
    }

    async fn exec(
        &self,
        request: reqwest::Request,
        _info: &progenitor_client::OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        self.inner.execute(&self.client, request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_checked_and_normalized() {
        assert_eq!(
            normalize_endpoint("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            normalize_endpoint("https://gse.tencentcloudapi.com").unwrap(),
            "https://gse.tencentcloudapi.com"
        );
        for (bad, problem) in [
            ("gse.tencentcloudapi.com", "not a valid URL"),
            ("ftp://x/", "the scheme must be https or http"),
            ("http://x/api", "every action is sent to `/`"),
            ("http://u:p@x/", "credentials do not belong in the URL"),
        ] {
            let e = normalize_endpoint(bad).unwrap_err().to_string();
            assert!(e.contains(bad) && e.contains(problem), "{e}");
        }
    }

    #[test]
    fn regions_are_checked() {
        assert!(check_region("ap-shanghai").is_ok());
        let e = check_region("AP Shanghai").unwrap_err().to_string();
        assert!(
            e.contains("\"AP Shanghai\"") && e.contains("lowercase"),
            "{e}"
        );
    }

    #[test]
    fn clock_skew_answers_are_recognized() {
        let skew = br#"{"Response":{"Error":{"Code":"AuthFailure.SignatureExpire","Message":"m"},"RequestId":"r"}}"#;
        assert!(is_signature_expire(skew));
        let other = br#"{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"AuthFailure.SignatureExpire"},"RequestId":"r"}}"#;
        assert!(!is_signature_expire(other));
        assert!(!is_signature_expire(b"AuthFailure.SignatureExpire"));
    }

    #[test]
    fn timestamps_before_the_epoch_do_not_panic() {
        assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_secs(5)), -5);
    }
}
