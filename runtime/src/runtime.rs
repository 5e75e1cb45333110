//! What every generated client carries besides progenitor's code: the credentials, region and
//! signer, the clock and its learned skew, the pacers, the retry policy and budget, the
//! timeouts. The builder assembles it; a call reads it.

use crate::clock::{unix_seconds, Clock};
use crate::credentials::{Credentials, CredentialsError, ProvideCredentials};
use crate::defaults;
use crate::interceptor::Interceptor;
use crate::language::Language;
use crate::pacing::Pacer;
use crate::retry::{RetryBudget, RetryPolicy};
use crate::service::Action;
use crate::service::Service;
use crate::signing::{RequestContext, Signer};
use crate::transport::Transport;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, USER_AGENT};
use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// The error code the service answers when a request's timestamp is too far from its clock.
pub(crate) const SIGNATURE_EXPIRE: &str = "AuthFailure.SignatureExpire";

/// The state a client shares with all its clones: its settings, its learned clock skew, its
/// pacers and its retry budget. Read it through a generated client's `runtime()`.
#[derive(Clone)]
pub struct Runtime {
    pub(crate) service: &'static Service,
    pub(crate) credentials: Arc<dyn ProvideCredentials>,
    pub(crate) region: Option<String>,
    pub(crate) language: Option<Language>,
    pub(crate) signer: Arc<Signer>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) skew_seconds: Arc<AtomicI64>,
    /// What sends each attempt.
    pub(crate) transport: Arc<dyn Transport>,
    /// The hooks around each attempt, in order.
    pub(crate) interceptors: Arc<[Arc<dyn Interceptor>]>,
    /// `X-TC-RequestClient`: the generated crate and its version, or the caller's.
    pub(crate) request_client: HeaderValue,
    /// `User-Agent`: the generated crate's and the runtime's names and versions, or the caller's.
    pub(crate) user_agent: HeaderValue,
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

impl Runtime {
    /// The API this runtime calls.
    #[must_use]
    pub fn service(&self) -> &'static Service {
        self.service
    }

    /// The endpoint every action is sent to (`POST /`), without the trailing `/`.
    #[must_use]
    pub fn endpoint(&self) -> &str {
        self.action_url.as_str().trim_end_matches('/')
    }

    /// The region sent as `X-TC-Region`.
    #[must_use]
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The seconds added to the clock, learned from the service's `Date` header.
    #[must_use]
    pub fn clock_skew_seconds(&self) -> i64 {
        self.skew_seconds.load(Ordering::Relaxed)
    }

    /// Retries the shared budget still allows.
    #[must_use]
    pub fn retry_budget_remaining(&self) -> u32 {
        self.budget.remaining()
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Learns the offset between the service's clock and this one, when it is within
    /// [`defaults::MAX_CLOCK_CORRECTION`]; `Err(offset)` (and nothing learned) when it is not.
    pub(crate) fn learn_server_time(&self, server_now: SystemTime) -> Result<i64, i64> {
        let skew = unix_seconds(server_now).saturating_sub(unix_seconds(self.clock.now()));
        if skew.unsigned_abs() > defaults::MAX_CLOCK_CORRECTION.as_secs() {
            return Err(skew);
        }
        self.skew_seconds.store(skew, Ordering::Relaxed);
        Ok(skew)
    }

    /// The timestamp to sign with: the clock's time corrected by the learned skew.
    pub(crate) fn timestamp(&self) -> i64 {
        unix_seconds(self.clock.now()).saturating_add(self.clock_skew_seconds())
    }

    /// Credentials for a request sent now.
    pub(crate) async fn credentials(&self) -> Result<Credentials, CredentialsError> {
        self.credentials.provide().await
    }

    /// What the signature carries besides the body: region and language.
    pub(crate) fn context(&self) -> RequestContext<'_> {
        RequestContext {
            region: self.region.as_deref(),
            language: self.language.map(Language::as_str),
        }
    }

    /// The headers every request of `action` starts with, before signing: the content type,
    /// the action and version, and who is calling.
    pub(crate) fn base_headers(&self, action: &'static Action) -> HeaderMap {
        let mut headers = HeaderMap::with_capacity(10);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(
            HeaderName::from_static("x-tc-action"),
            HeaderValue::from_static(action.name),
        );
        headers.insert(
            HeaderName::from_static("x-tc-version"),
            HeaderValue::from_static(self.service.version),
        );
        headers.insert(
            HeaderName::from_static("x-tc-requestclient"),
            self.request_client.clone(),
        );
        headers.insert(USER_AGENT, self.user_agent.clone());
        headers
    }
}
