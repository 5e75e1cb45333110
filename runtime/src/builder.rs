//! Building a generated client: endpoint, region, credentials, language, TLS roots,
//! timeouts, clock, rate limit and retry policy, each checked at `build()`.

use crate::build_error::BuildError;
use crate::clock::{Clock, SystemClock};
use crate::credentials::{DefaultChain, ProvideCredentials};
use crate::defaults;
use crate::generated::GeneratedClient;
use crate::interceptor::Interceptor;
use crate::language::Language;
use crate::pacing::{pacers, RateLimit};
use crate::retry::{RetryBudget, RetryPolicy};
use crate::runtime::Runtime;
use crate::signing::Signer;
use crate::transport::{ReqwestTransport, Transport};
use reqwest::header::HeaderValue;
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::AtomicI64;
use std::sync::Arc;
use std::time::Duration;

/// Builds a generated client `C`: endpoint, region, credentials, language, timeouts, clock,
/// rate limit and retry policy. Generated crates name it `ClientBuilder` and start it with
/// `Client::builder()`.
#[must_use]
pub struct ClientBuilder<C> {
    endpoint: Option<String>,
    region: Option<String>,
    language: Option<Language>,
    credentials: Option<Arc<dyn ProvideCredentials>>,
    http_client: Option<reqwest::ClientBuilder>,
    transport: Option<Arc<dyn Transport>>,
    interceptors: Vec<Arc<dyn Interceptor>>,
    request_client: Option<String>,
    user_agent: Option<String>,
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
            transport: None,
            interceptors: Vec::new(),
            request_client: None,
            user_agent: None,
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

    /// Where credentials come from. Defaults to [`DefaultChain`] (environment, profile file, then
    /// the CVM instance's role).
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

    /// Sends every attempt through `transport` instead of the HTTP client (e.g. the
    /// `test-util` feature's `MockTransport`, in a unit test with no socket). Signing, pacing,
    /// retries and timeouts work as over HTTP; the connection settings of this builder
    /// (`http_client`, roots, `connect_timeout`) are the transport's own business then.
    pub fn transport(mut self, transport: impl Transport + 'static) -> Self {
        self.transport = Some(Arc::new(transport));
        self
    }

    /// Runs `interceptor`'s hooks around each attempt of every call, after those given
    /// before (see [`crate::interceptor`]).
    pub fn interceptor(mut self, interceptor: impl Interceptor + 'static) -> Self {
        self.interceptors.push(Arc::new(interceptor));
        self
    }

    /// The `X-TC-RequestClient` header, which tells the service who calls (default: the
    /// generated crate and its version, e.g. `cvm-client/1.0.0`).
    pub fn request_client(mut self, value: impl Into<String>) -> Self {
        self.request_client = Some(value.into());
        self
    }

    /// The `User-Agent` header (default: the generated crate's and the runtime's names and
    /// versions).
    pub fn user_agent(mut self, value: impl Into<String>) -> Self {
        self.user_agent = Some(value.into());
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

    /// The largest answer read, in bytes (default [`defaults::MAX_ANSWER_BYTES`], 1 MiB). A
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
            None => std::env::var(defaults::ENV_REGION).map_err(|_| BuildError::Region {
                value: None,
                problem: "not set; call .region(..) or set TENCENTCLOUD_REGION",
            })?,
        };
        check_region(&region)?;
        let credentials = match self.credentials {
            Some(provider) => provider,
            None => DefaultChain::new()
                .resolve()
                .map_err(BuildError::Credentials)?,
        };
        let attempt_timeout = self.timeout.unwrap_or(defaults::ATTEMPT_TIMEOUT);
        let connect_timeout = self.connect_timeout.unwrap_or(defaults::CONNECT_TIMEOUT);
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
                    problem: "no CERTIFICATE in the PEM given".to_owned(),
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
        let limiters = pacers(service, &self.rate_limit.unwrap_or(RateLimit::Spec))?;
        let transport = self
            .transport
            .unwrap_or_else(|| Arc::new(ReqwestTransport::new(http)));
        let client = if service.client_name.is_empty() {
            format!("{RUNTIME}/{RUNTIME_VERSION}")
        } else {
            format!("{}/{}", service.client_name, service.client_version)
        };
        let request_client = header_value(
            "X-TC-RequestClient",
            self.request_client.unwrap_or_else(|| client.clone()),
        )?;
        let user_agent = header_value(
            "User-Agent",
            self.user_agent
                .unwrap_or_else(|| format!("{client} {RUNTIME}/{RUNTIME_VERSION}")),
        )?;
        let retry = self.retry.unwrap_or_default();
        let action_url =
            reqwest::Url::parse(&format!("{endpoint}/")).map_err(|_| BuildError::Endpoint {
                value: endpoint.clone(),
                problem: "not a valid URL",
            })?;
        let runtime = Runtime {
            service,
            action_url,
            transport,
            interceptors: self.interceptors.into(),
            request_client,
            user_agent,
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
            overall_timeout: self.overall_timeout.unwrap_or(defaults::OVERALL_TIMEOUT),
            max_answer_bytes: self.max_answer_bytes.unwrap_or(defaults::MAX_ANSWER_BYTES),
        };
        Ok(C::__from_runtime(runtime))
    }
}

/// The runtime's crate name and version, in `User-Agent`.
const RUNTIME: &str = env!("CARGO_PKG_NAME");
const RUNTIME_VERSION: &str = env!("CARGO_PKG_VERSION");

/// `value` as the header `name`, or an error naming both.
fn header_value(name: &'static str, value: String) -> Result<HeaderValue, BuildError> {
    HeaderValue::from_str(&value).map_err(|_| BuildError::Header {
        name,
        value,
        problem: "is not a valid HTTP header value (visible ASCII and spaces only)",
    })
}

/// The endpoint without a trailing `/`, after checking it is a usable base URL.
fn normalize_endpoint(value: &str) -> Result<String, BuildError> {
    let fail = |problem| BuildError::Endpoint {
        value: value.to_owned(),
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
    Ok(url.as_str().trim_end_matches('/').to_owned())
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
            value: Some(region.to_owned()),
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
}
