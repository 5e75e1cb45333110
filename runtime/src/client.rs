//! What every generated client carries besides progenitor's code: the credentials, region and
//! signer, the clock and its learned skew, the rate limiters, the retry policy and budget, the
//! timeouts, and the builder that assembles them.

use crate::credentials::{Credentials, CredentialsError, DefaultChain, ProvideCredentials};
use crate::retry::{RetryBudget, RetryPolicy};
use crate::service::{GeneratedClient, Service};
use crate::signing::{sign_request, RequestContext, Signer, SigningError};
use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Environment variable naming the region when the builder is given none.
pub const ENV_REGION: &str = "TENCENTCLOUD_REGION";
/// The error code the service answers when a request's timestamp is too far from its clock.
pub(crate) const SIGNATURE_EXPIRE: &str = "AuthFailure.SignatureExpire";
/// Default time allowed for one attempt (the official SDKs' value).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time allowed to open a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole call: limiter waits, attempts and backoff.
pub const DEFAULT_OVERALL_TIMEOUT: Duration = Duration::from_secs(180);
/// Default largest answer the client reads; a larger one fails with `MalformedResponse`
/// (a 25-item answer is a few KB).
pub const DEFAULT_MAX_ANSWER_BYTES: usize = 1024 * 1024;
/// The largest clock correction the client learns from the service's `Date` header after
/// `SignatureExpire`; a server clock further off than this is ignored as implausible.
pub const MAX_CLOCK_CORRECTION: Duration = Duration::from_secs(24 * 60 * 60);
/// The share of the spec's rate the default limiter uses, leaving room for network jitter
/// so that the service never sees more than its rate in any second.
pub const DEFAULT_RATE_SHARE: f64 = 0.98;

/// How fast the client sends each action.
#[derive(Clone, Debug, PartialEq)]
pub enum RateLimit {
    /// [`DEFAULT_RATE_SHARE`] of each action's `x-tc-rate-limit` (the default).
    Spec,
    /// This share of each action's spec rate, e.g. 0.25 on each of four machines sharing an
    /// account's quota.
    ShareOfSpec(f64),
    /// At most this many requests per second for every action.
    PerSecond(u32),
    /// No client-side limit.
    Off,
    /// One quota for every process of a fleet, kept in Redis (the `redis` feature): see
    /// [`crate::shared_limit`].
    #[cfg(feature = "redis")]
    Shared(crate::shared_limit::SharedLimit),
}

/// How one action is paced: alone, or through the fleet's schedule in Redis.
#[derive(Clone)]
pub(crate) enum Pacer {
    /// This process's own limiter.
    Local(Arc<Limiter>),
    /// The fleet's schedule, with its fallback.
    #[cfg(feature = "redis")]
    Shared(Arc<crate::shared_limit::SharedPacer>),
}

impl Pacer {
    /// Waits for the call's slot; `account` (the SecretId) names the fleet's schedule. An
    /// error only when the shared limit cannot be reached and is set to fail then.
    pub(crate) async fn wait(&self, account: &str) -> Result<(), String> {
        match self {
            Self::Local(limiter) => {
                let _ = account;
                limiter.until_ready().await;
                Ok(())
            }
            #[cfg(feature = "redis")]
            Self::Shared(pacer) => pacer.wait(account).await.map_err(|outage| outage.0),
        }
    }
}

/// The pace of one action, shared by every clone: requests spaced evenly, with a burst of at
/// most 1% of the rate to absorb scheduling delays. Paced at 98% of the spec's rate, a burst
/// that small keeps every one-second window under the rate.
pub(crate) type Limiter = governor::DefaultDirectRateLimiter;

fn limiter(per_second: f64) -> Result<Option<Arc<Limiter>>, BuildError> {
    if !(per_second.is_finite() && per_second > 0.0) {
        return Err(BuildError::RateLimit {
            value: per_second,
            problem: "must be a positive number of requests per second",
        });
    }
    let period = Duration::from_secs_f64(1.0 / per_second);
    let quota = governor::Quota::with_period(period)
        .ok_or(BuildError::RateLimit {
            value: per_second,
            problem: "is too high to pace",
        })?
        .allow_burst(NonZeroU32::new((per_second / 100.0) as u32).unwrap_or(NonZeroU32::MIN));
    Ok(Some(Arc::new(governor::RateLimiter::direct(quota))))
}

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
#[derive(Clone)]
pub struct Runtime {
    service: &'static Service,
    credentials: Arc<dyn ProvideCredentials>,
    region: Option<String>,
    language: Option<Language>,
    signer: Arc<Signer>,
    clock: Arc<dyn Clock>,
    skew_seconds: Arc<AtomicI64>,
    /// Where every action is sent: the endpoint with the path `/`.
    pub(crate) action_url: reqwest::Url,
    pub(crate) limiters: Arc<HashMap<&'static str, Pacer>>,
    pub(crate) retry: RetryPolicy,
    pub(crate) budget: Arc<RetryBudget>,
    pub(crate) attempt_timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) overall_timeout: Duration,
    pub(crate) max_answer_bytes: usize,
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("service", &self.service.name)
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("language", &self.language)
            .field("clock", &self.clock)
            .field("skew_seconds", &self.clock_skew_seconds())
            .field(
                "rate_limited_actions",
                &self.limiters.keys().collect::<Vec<_>>(),
            )
            .field("retry", &self.retry)
            .field("retry_budget_remaining", &self.budget.remaining())
            .field("attempt_timeout", &self.attempt_timeout)
            .field("overall_timeout", &self.overall_timeout)
            .finish()
    }
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
    /// The API this runtime calls.
    pub fn service(&self) -> &'static Service {
        self.service
    }

    /// The region sent as `X-TC-Region`.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The seconds added to the clock, learned from the service's `Date` header.
    pub fn clock_skew_seconds(&self) -> i64 {
        self.skew_seconds.load(Ordering::Relaxed)
    }

    /// Retries the shared budget still allows.
    pub fn retry_budget_remaining(&self) -> u32 {
        self.budget.remaining()
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Learns the offset between the service's clock and this one, when it is within
    /// [`MAX_CLOCK_CORRECTION`]; `Err(offset)` (and nothing learned) when it is not.
    pub(crate) fn learn_server_time(&self, server_now: SystemTime) -> Result<i64, i64> {
        let skew = unix_seconds(server_now).saturating_sub(unix_seconds(self.clock.now()));
        if skew.unsigned_abs() > MAX_CLOCK_CORRECTION.as_secs() {
            return Err(skew);
        }
        self.skew_seconds.store(skew, Ordering::Relaxed);
        Ok(skew)
    }

    /// The timestamp to sign with: the clock's time corrected by the learned skew.
    pub fn timestamp(&self) -> i64 {
        unix_seconds(self.clock.now()).saturating_add(self.clock_skew_seconds())
    }

    /// Signs `request` with fresh credentials and the corrected time.
    pub async fn sign(&self, request: &mut reqwest::Request) -> Result<(), PrepareError> {
        let credentials = self.credentials().await?;
        self.sign_with(request, &credentials)
    }

    /// Credentials for a request sent now.
    pub(crate) async fn credentials(&self) -> Result<Credentials, PrepareError> {
        self.credentials
            .provide()
            .await
            .map_err(PrepareError::Credentials)
    }

    /// Signs `request` with `credentials` and the corrected time.
    pub(crate) fn sign_with(
        &self,
        request: &mut reqwest::Request,
        credentials: &Credentials,
    ) -> Result<(), PrepareError> {
        let timestamp = self.timestamp();
        let context = RequestContext {
            region: self.region.as_deref(),
            language: self.language.map(Language::as_str),
        };
        sign_request(request, &self.signer, credentials, timestamp, context)
            .map_err(PrepareError::Signing)?;
        tracing::debug!(
            secret_id = credentials.secret_id(),
            timestamp,
            url = %request.url(),
            "signed request"
        );
        Ok(())
    }
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
    /// The rate limit is not a positive, finite rate.
    RateLimit {
        /// The requests per second asked for.
        value: f64,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// The shared rate limit's Redis URL is unusable.
    SharedLimit {
        /// The URL given, its password hidden.
        value: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A root certificate given to trust is unusable.
    RootCertificate {
        /// What is wrong with it.
        problem: String,
    },
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
            Self::RateLimit { value, problem } => write!(f, "rate limit {value}/s: {problem}"),
            Self::SharedLimit { value, problem } => {
                write!(
                    f,
                    "shared rate limit: the Redis URL {value:?} is unusable: {problem}"
                )
            }
            Self::RootCertificate { problem } => write!(f, "root certificate: {problem}"),
            Self::Http(e) => write!(f, "HTTP client: {e}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Builds a generated client `C`: endpoint, region, credentials, language, timeouts, clock,
/// rate limit and retry policy. Generated crates name it `ClientBuilder` and start it with
/// `Client::builder()`.
pub struct ClientBuilder<C> {
    endpoint: Option<String>,
    region: Option<String>,
    language: Option<Language>,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    http_client: Option<reqwest::ClientBuilder>,
    root_certificates_pem: Vec<Vec<u8>>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    overall_timeout: Option<Duration>,
    max_answer_bytes: Option<usize>,
    clock: Option<Arc<dyn Clock>>,
    rate_limit: Option<RateLimit>,
    retry: Option<RetryPolicy>,
    client: PhantomData<fn() -> C>,
}

impl<C> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self {
            endpoint: None,
            region: None,
            language: None,
            credentials: None,
            http_client: None,
            root_certificates_pem: Vec::new(),
            timeout: None,
            connect_timeout: None,
            overall_timeout: None,
            max_answer_bytes: None,
            clock: None,
            rate_limit: None,
            retry: None,
            client: PhantomData,
        }
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("language", &self.language)
            .field("credentials", &self.credentials)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("overall_timeout", &self.overall_timeout)
            .field("max_answer_bytes", &self.max_answer_bytes)
            .field("root_certificates", &self.root_certificates_pem.len())
            .field("clock", &self.clock)
            .field("rate_limit", &self.rate_limit)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

impl<C: GeneratedClient> ClientBuilder<C> {
    /// A builder with every setting at its default.
    pub fn new() -> Self {
        Self::default()
    }

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

    /// Builds the HTTP client from this builder (proxies, TLS settings, connection pool). The
    /// runtime finishes it: it installs the TLS backend's provider, sets the connect timeout
    /// ([`ClientBuilder::connect_timeout`]) and turns redirects off, whatever the builder says:
    /// the service never redirects, so a redirect is an answer (`HttpStatus`), never followed.
    pub fn http_client(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http_client = Some(builder);
        self
    }

    /// Trusts the PEM certificates in `pem` (one or more, e.g. a local endpoint's CA) as roots,
    /// beside the system's. The system's roots also come from `SSL_CERT_FILE` or
    /// `SSL_CERT_DIR` when set.
    pub fn add_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates_pem.push(pem.into());
        self
    }

    /// Time allowed for one attempt: sending the request and reading the answer (default 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Time allowed to open a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Time allowed for a whole call: waiting for the rate limiter, every attempt and every
    /// backoff (default 180 s).
    pub fn overall_timeout(mut self, timeout: Duration) -> Self {
        self.overall_timeout = Some(timeout);
        self
    }

    /// The largest answer read, in bytes (default [`DEFAULT_MAX_ANSWER_BYTES`], 1 MiB). A
    /// larger answer is not read further and fails with [`crate::Error::MalformedResponse`]
    /// naming the cap.
    pub fn max_answer_bytes(mut self, bytes: usize) -> Self {
        self.max_answer_bytes = Some(bytes);
        self
    }

    /// How fast requests are sent (default: [`RateLimit::Spec`]). Callers wait for a slot.
    pub fn rate_limit(mut self, rate_limit: RateLimit) -> Self {
        self.rate_limit = Some(rate_limit);
        self
    }

    /// How failed attempts are retried (default: [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// The clock requests are timestamped with (default: the system's).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<C, BuildError> {
        let service = C::SERVICE;
        let endpoint =
            normalize_endpoint(self.endpoint.as_deref().unwrap_or(service.default_endpoint))?;
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
        let attempt_timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let connect_timeout = self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT);
        crate::tls::install_default_provider();
        let mut roots = Vec::new();
        for pem in &self.root_certificates_pem {
            let certificates = reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
                BuildError::RootCertificate {
                    problem: format!("not PEM certificates: {e}"),
                }
            })?;
            if certificates.is_empty() {
                return Err(BuildError::RootCertificate {
                    problem: "no CERTIFICATE in the PEM given".to_string(),
                });
            }
            roots.extend(certificates);
        }
        let http = self
            .http_client
            .unwrap_or_else(reqwest::Client::builder)
            .tls_certs_merge(roots)
            .timeout(attempt_timeout)
            .connect_timeout(connect_timeout)
            // The service never redirects: a redirect is an answer, not followed.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(BuildError::Http)?;
        let rate_limit = self.rate_limit.unwrap_or(RateLimit::Spec);
        // One Redis connection for every action of the client (made at the first shared one).
        #[cfg(feature = "redis")]
        let mut redis: Option<Arc<crate::shared_limit::RedisPace>> = None;
        let mut limiters = HashMap::new();
        for action in service.actions {
            let spec_rate = f64::from(action.rate_limit_per_second);
            let rate = match &rate_limit {
                RateLimit::Spec => Some(spec_rate * DEFAULT_RATE_SHARE),
                RateLimit::ShareOfSpec(share) => Some(spec_rate * share),
                RateLimit::PerSecond(n) => Some(f64::from(*n)),
                RateLimit::Off => None,
                #[cfg(feature = "redis")]
                RateLimit::Shared(shared) => {
                    let fallback = match shared.on_outage {
                        crate::shared_limit::OnOutage::LocalShare(share) => {
                            limiter(spec_rate * share)?
                        }
                        crate::shared_limit::OnOutage::Fail => None,
                    };
                    let per_second = spec_rate * shared.share;
                    // The same check of the rate as a local limiter's (positive, finite).
                    limiter(per_second)?;
                    let redis = match &redis {
                        Some(redis) => redis.clone(),
                        None => {
                            let made = Arc::new(
                                crate::shared_limit::RedisPace::new(
                                    &shared.url,
                                    shared.redis_timeout,
                                )
                                .map_err(|problem| {
                                    BuildError::SharedLimit {
                                        value: crate::shared_limit::redacted(&shared.url),
                                        problem,
                                    }
                                })?,
                            );
                            redis = Some(made.clone());
                            made
                        }
                    };
                    limiters.insert(
                        action.name,
                        Pacer::Shared(Arc::new(crate::shared_limit::SharedPacer::new(
                            redis,
                            shared,
                            service.name,
                            action.name,
                            per_second,
                            fallback,
                        ))),
                    );
                    None
                }
            };
            if let Some(limiter) = rate.map(limiter).transpose()?.flatten() {
                limiters.insert(action.name, Pacer::Local(limiter));
            }
        }
        let retry = self.retry.unwrap_or_default();
        let action_url =
            reqwest::Url::parse(&format!("{endpoint}/")).map_err(|_| BuildError::Endpoint {
                value: endpoint.clone(),
                problem: "not a valid URL",
            })?;
        let runtime = Runtime {
            service,
            action_url,
            credentials,
            region: Some(region),
            language: self.language,
            signer: Arc::new(Signer::new(service.name)),
            clock: self.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            skew_seconds: Arc::new(AtomicI64::new(0)),
            limiters: Arc::new(limiters),
            budget: Arc::new(RetryBudget::new(retry.budget)),
            retry,
            attempt_timeout,
            connect_timeout,
            overall_timeout: self.overall_timeout.unwrap_or(DEFAULT_OVERALL_TIMEOUT),
            max_answer_bytes: self.max_answer_bytes.unwrap_or(DEFAULT_MAX_ANSWER_BYTES),
        };
        Ok(C::from_parts(&endpoint, http, runtime))
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
            normalize_endpoint("https://example.tencentcloudapi.com").unwrap(),
            "https://example.tencentcloudapi.com"
        );
        for (bad, problem) in [
            ("example.tencentcloudapi.com", "not a valid URL"),
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
    fn timestamps_before_the_epoch_do_not_panic() {
        assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_secs(5)), -5);
    }
}
